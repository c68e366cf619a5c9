package io.plantstream.streams;

import io.plantstream.avro.TelemetryEvent;
import io.plantstream.schemas.Topics;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.Collection;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The accepted events of one partition, from the de-duplication horizon on, in (event time,
 * offset) order: the ones not yet applied wait here, and all of them keep their ids known so that
 * repeats are caught.
 *
 * <p>In memory as decoded events; in the store {@value MachineTimelineProcessor#RECENT_STORE} as
 * the bytes received, grouped in buckets of {@value #BUCKET_MILLIS} ms of event time (key: bucket
 * start), so the changelog carries a few records per commit instead of one per event: the store is
 * cached, and a bucket rewritten many times between two commits is written once.
 */
final class RecentEvents {

  /** Event time covered by one store entry. */
  static final long BUCKET_MILLIS = 10_000;

  private final KeyValueStore<Long, byte[]> store;
  private final TreeMap<EventKey, TelemetryEvent> events = new TreeMap<>();
  private final Set<String> ids = new HashSet<>();
  private final TreeMap<Long, ByteArrayOutputStream> buckets = new TreeMap<>();

  RecentEvents(KeyValueStore<Long, byte[]> store) {
    this.store = store;
  }

  /** Position of an event: event time, then offset in the partition. */
  record EventKey(long time, long offset) implements Comparable<EventKey> {
    @Override
    public int compareTo(EventKey other) {
      int byTime = Long.compare(time, other.time);
      return byTime != 0 ? byTime : Long.compare(offset, other.offset);
    }
  }

  /** Reloads from the store; events stamped at or before {@code forgottenUpTo} stay forgotten. */
  void reload(long forgottenUpTo) {
    events.clear();
    ids.clear();
    buckets.clear();
    try (KeyValueIterator<Long, byte[]> all = store.all()) {
      while (all.hasNext()) {
        KeyValue<Long, byte[]> bucket = all.next();
        ByteArrayOutputStream copy = new ByteArrayOutputStream(bucket.value.length + 256);
        copy.writeBytes(bucket.value);
        buckets.put(bucket.key, copy);
        ByteBuffer entries = ByteBuffer.wrap(bucket.value);
        while (entries.hasRemaining()) {
          long offset = entries.getLong();
          byte[] raw = new byte[entries.getInt()];
          entries.get(raw);
          TelemetryEvent event = Topics.TELEMETRY_SERDE.decode(raw);
          long time = event.getEventTime().toEpochMilli();
          if (time > forgottenUpTo) {
            events.put(new EventKey(time, offset), event);
            ids.add(event.getEventId());
          }
        }
      }
    }
  }

  /** True if an event with this id is known. */
  boolean contains(String eventId) {
    return ids.contains(eventId);
  }

  /** Keeps an accepted event: {@code raw} is the value as received. */
  void add(long time, long offset, byte[] raw, TelemetryEvent event) {
    events.put(new EventKey(time, offset), event);
    ids.add(event.getEventId());
    long bucketStart = Math.floorDiv(time, BUCKET_MILLIS) * BUCKET_MILLIS;
    ByteArrayOutputStream bucket = buckets.computeIfAbsent(bucketStart, start -> new ByteArrayOutputStream(1024));
    bucket.writeBytes(ByteBuffer.allocate(12).putLong(offset).putInt(raw.length).array());
    bucket.writeBytes(raw);
    store.put(bucketStart, bucket.toByteArray());
  }

  /** The events stamped in [{@code from}, {@code to}), in order; a live view. */
  Collection<TelemetryEvent> between(long from, long to) {
    return events.subMap(new EventKey(from, Long.MIN_VALUE), new EventKey(to, Long.MIN_VALUE)).values();
  }

  /** The events stamped at or after {@code from}, in order; a live view. */
  Collection<TelemetryEvent> from(long from) {
    return events.tailMap(new EventKey(from, Long.MIN_VALUE), true).values();
  }

  /** Event time of the newest event, or null when there is none. */
  Long newestTime() {
    return events.isEmpty() ? null : events.lastKey().time();
  }

  /** Forgets the events stamped at or before {@code horizon}, ids included. */
  void forgetUpTo(long horizon) {
    Map<EventKey, TelemetryEvent> expired = events.headMap(new EventKey(horizon, Long.MAX_VALUE), true);
    for (TelemetryEvent event : expired.values()) {
      ids.remove(event.getEventId());
    }
    expired.clear();
    Map<Long, ByteArrayOutputStream> expiredBuckets = buckets.headMap(horizon + 1 - BUCKET_MILLIS, true);
    for (Long bucketStart : expiredBuckets.keySet()) {
      store.delete(bucketStart);
    }
    expiredBuckets.clear();
  }
}
