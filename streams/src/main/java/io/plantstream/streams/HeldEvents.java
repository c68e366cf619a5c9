package io.plantstream.streams;

import io.plantstream.avro.TelemetryEvent;
import io.plantstream.schemas.AvroSerde;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The events of one partition stamped more than maxFutureSkew ahead of its stream time, held until
 * the partition shows whether its clock moved or theirs is wrong.
 *
 * <p>Held in offset order, in memory as decoded events and in the store
 * {@value MachineTimelineProcessor#HELD_STORE} as the bytes received (key: offset), so a restart
 * holds the same events. There are few: an in-step event releases them all.
 */
final class HeldEvents {

  /** One held event with the bytes it arrived as. */
  record Held(long offset, byte[] raw, TelemetryEvent event) {
    long time() {
      return event.getEventTime().toEpochMilli();
    }
  }

  private final KeyValueStore<Long, byte[]> store;
  private final TreeMap<Long, Held> held = new TreeMap<>();

  private final AvroSerde<TelemetryEvent> telemetry;

  /** Held events in {@code store}, as received; {@code telemetry} decodes them. */
  HeldEvents(KeyValueStore<Long, byte[]> store, AvroSerde<TelemetryEvent> telemetry) {
    this.store = store;
    this.telemetry = telemetry;
  }

  /** Reloads the held events from the store. */
  void reload() {
    held.clear();
    try (KeyValueIterator<Long, byte[]> all = store.all()) {
      all.forEachRemaining(entry -> held.put(entry.key,
          new Held(entry.key, entry.value, telemetry.decode(entry.value))));
    }
  }

  /** Holds an event. */
  void add(long offset, byte[] raw, TelemetryEvent event) {
    held.put(offset, new Held(offset, raw, event));
    store.put(offset, raw);
  }

  /** Whether no event is held. */
  boolean isEmpty() {
    return held.isEmpty();
  }

  /** Removes and returns every held event, in offset order. */
  List<Held> releaseAll() {
    List<Held> released = new ArrayList<>(held.values());
    for (Long offset : held.keySet()) {
      store.delete(offset);
    }
    held.clear();
    return released;
  }

  /**
   * The earliest event time {@code t} such that held events of at least {@code machines} distinct
   * machines are stamped in [t, t + span]; else the first time {@code t} from which held events
   * follow each other in time, no more than {@code span} apart, until more than {@code span} after
   * {@code t} (one machine that kept talking); else null.
   */
  Long agreedTime(int machines, long span) {
    List<Held> byTime = new ArrayList<>(held.values());
    byTime.sort((a, b) -> Long.compare(a.time(), b.time()));
    if (byTime.isEmpty()) {
      return null;
    }
    for (int first = 0; first < byTime.size(); first++) {
      long from = byTime.get(first).time();
      Set<String> agreeing = new HashSet<>();
      for (int i = first; i < byTime.size() && byTime.get(i).time() <= from + span; i++) {
        agreeing.add(byTime.get(i).event().getMachineId());
      }
      if (agreeing.size() >= machines) {
        return from;
      }
    }
    long chainStart = byTime.get(0).time();
    for (int i = 1; i < byTime.size(); i++) {
      long time = byTime.get(i).time();
      if (time - byTime.get(i - 1).time() > span) {
        chainStart = time;
      } else if (time - chainStart > span) {
        return chainStart;
      }
    }
    return null;
  }
}
