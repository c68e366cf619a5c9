package io.plantstream.producer.replay;

import io.plantstream.avro.MachineInfo;
import io.plantstream.avro.RecordedTelemetry;
import io.plantstream.avro.TelemetryEvent;
import io.plantstream.schemas.AvroSerde;
import io.plantstream.schemas.Topic;
import io.plantstream.schemas.Topics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records {@code plant.telemetry} into a recording file: reads every partition with
 * {@code read_committed} (no consumer group, nothing committed), merges the partitions in time
 * order ({@link PartitionMerge}) and writes each record with its key, partition, offset and
 * timestamp next to the decoded event, or the raw bytes when the value is not an event
 * ({@link RecordingWriter}). The machines on {@code plant.machines} at the start go into the
 * file's metadata.
 *
 * <p>From the beginning or from the end (live); until the end offsets taken at the start
 * ({@code toEnd}), a number of entries, or {@link #stop()} (from any thread), after which the
 * records already fetched are written and the file is completed.
 */
public final class TelemetryRecorder {

  private static final Logger LOG = LoggerFactory.getLogger(TelemetryRecorder.class);
  private static final Duration POLL = Duration.ofMillis(200);
  private static final Duration METADATA_TIMEOUT = Duration.ofSeconds(30);
  /** A partition with this many records queued is paused until the others catch up. */
  private static final int PAUSE_ABOVE = 20_000;
  private static final int RESUME_BELOW = 5_000;

  private final Map<String, Object> clientConfig;
  private final Topics topics;
  private final Path file;
  private final Compression compression;
  private final boolean fromBeginning;
  private final boolean toEnd;
  private final long max;
  private final Set<String> sites;
  private final Instant from;
  private final Instant to;
  private volatile boolean stopRequested;
  private volatile long written;
  private volatile long expected = -1;

  private TelemetryRecorder(Builder builder) {
    this.clientConfig = builder.clientConfig;
    this.topics = builder.topics;
    this.file = builder.file;
    this.compression = builder.compression;
    this.fromBeginning = builder.fromBeginning;
    this.toEnd = builder.toEnd;
    this.max = builder.max;
    this.sites = builder.sites;
    this.from = builder.from;
    this.to = builder.to;
  }

  /** A builder for recording the telemetry of {@code topics} into {@code file}. */
  public static Builder builder(Map<String, Object> clientConfig, Topics topics, Path file) {
    return new Builder(clientConfig, topics, file);
  }

  /** Records until the end, the limit or {@link #stop()}; the file is complete when this returns. */
  public RecordSummary run() {
    Map<String, Object> config = new HashMap<>(clientConfig);
    config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    config.remove(ConsumerConfig.GROUP_ID_CONFIG);
    config.putIfAbsent(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5_000);
    config.putIfAbsent(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      String topic = topics.telemetry().name();
      List<TopicPartition> partitions = partitions(consumer, topic);
      List<MachineInfo> machines = machines(consumer);
      RecordingInfo info = new RecordingInfo(topic, partitions.size(), machines);
      consumer.assign(partitions);
      if (fromBeginning) {
        consumer.seekToBeginning(partitions);
      } else {
        consumer.seekToEnd(partitions);
      }
      Map<TopicPartition, Long> end = toEnd ? consumer.endOffsets(partitions) : Map.of();
      // Ordered by event time: on the project's topics the record timestamp is the broker's append time.
      PartitionMerge<RecordedTelemetry> merge = new PartitionMerge<>(
          partitions.stream().map(TopicPartition::partition).toList(), RecordedTelemetry::getPartition,
          entry -> RecordingWriter.time(entry).toEpochMilli());
      if (toEnd) {
        long total = 0;
        for (TopicPartition partition : partitions) {
          long position = consumer.position(partition, METADATA_TIMEOUT);
          total += Math.max(0, end.get(partition) - position);
          if (position >= end.get(partition)) {
            merge.finished(partition.partition());
          }
        }
        expected = total;
      }
      LOG.info("Recording {} ({} partitions, {} machines) {} into {}", topic, partitions.size(), machines.size(),
          fromBeginning ? (toEnd ? "from the beginning to the current end" : "from the beginning") : "from now on", file);
      try (RecordingWriter writer = RecordingWriter.create(file, info, compression)) {
        return record(consumer, partitions, end, merge, writer);
      }
    }
  }

  private RecordSummary record(KafkaConsumer<byte[], byte[]> consumer, List<TopicPartition> partitions,
      Map<TopicPartition, Long> end, PartitionMerge<RecordedTelemetry> merge, RecordingWriter writer) {
    Tally tally = new Tally(writer);
    Set<TopicPartition> paused = new HashSet<>();
    AvroSerde<TelemetryEvent> telemetry = topics.telemetrySerde();
    while (true) {
      if (stopRequested) {
        drain(merge, tally);
        return tally.summary(RecordSummary.StopReason.STOPPED);
      }
      if (merge.done()) {
        return tally.summary(RecordSummary.StopReason.END);
      }
      for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL)) {
        Long last = end.get(new TopicPartition(record.topic(), record.partition()));
        if (last == null || record.offset() < last) {
          merge.add(RecordingWriter.entry(record, telemetry));
        }
      }
      for (TopicPartition partition : partitions) {
        int number = partition.partition();
        if (toEnd) {
          if (consumer.position(partition, METADATA_TIMEOUT) >= end.get(partition)) {
            merge.finished(number);
          }
        } else {
          OptionalLong lag = consumer.currentLag(partition);
          merge.caughtUp(number, lag.isPresent() && lag.getAsLong() == 0);
        }
        if (merge.queued(number) > PAUSE_ABOVE && paused.add(partition)) {
          consumer.pause(List.of(partition));
        } else if (merge.queued(number) < RESUME_BELOW && paused.remove(partition)) {
          consumer.resume(List.of(partition));
        }
      }
      RecordedTelemetry next;
      while ((next = merge.next(false)) != null) {
        if (tally.write(next)) {
          return tally.summary(RecordSummary.StopReason.MAX);
        }
      }
    }
  }

  /** Stopping: what was fetched is written in merge order, without waiting for the rest. */
  private void drain(PartitionMerge<RecordedTelemetry> merge, Tally tally) {
    RecordedTelemetry next;
    while ((next = merge.next(true)) != null) {
      if (tally.write(next)) {
        return;
      }
    }
  }

  /** Asks the recording to end: what was fetched is written and the file completed. Safe from any thread. */
  public void stop() {
    stopRequested = true;
  }

  /** Entries written so far (for progress, from any thread). */
  public long written() {
    return written;
  }

  /** Records the run expects to read ({@code toEnd}), or -1 when unknown. */
  public long expected() {
    return expected;
  }

  private static List<TopicPartition> partitions(KafkaConsumer<byte[], byte[]> consumer, String topic) {
    List<PartitionInfo> infos = consumer.partitionsFor(topic, METADATA_TIMEOUT);
    if (infos == null || infos.isEmpty()) {
      throw new IllegalStateException("topic " + topic + " does not exist");
    }
    return infos.stream().map(info -> new TopicPartition(topic, info.partition()))
        .sorted((a, b) -> Integer.compare(a.partition(), b.partition())).toList();
  }

  /** The machines on the machines topic now: the newest record per key, tombstones removing keys. */
  private List<MachineInfo> machines(KafkaConsumer<byte[], byte[]> consumer) {
    Topic<String, MachineInfo> topic = topics.machines();
    List<PartitionInfo> infos = consumer.partitionsFor(topic.name(), METADATA_TIMEOUT);
    if (infos == null || infos.isEmpty()) {
      LOG.warn("No topic {}: the recording carries no machines", topic.name());
      return List.of();
    }
    List<TopicPartition> partitions = infos.stream().map(info -> new TopicPartition(topic.name(), info.partition())).toList();
    consumer.assign(partitions);
    consumer.seekToBeginning(partitions);
    Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
    Map<String, MachineInfo> latest = new LinkedHashMap<>();
    long deadline = System.nanoTime() + METADATA_TIMEOUT.toNanos();
    while (partitions.stream().anyMatch(p -> consumer.position(p, METADATA_TIMEOUT) < end.get(p))) {
      if (System.nanoTime() > deadline || stopRequested) {
        throw new IllegalStateException("could not read " + topic.name() + " to its end within " + METADATA_TIMEOUT.toSeconds() + " s");
      }
      for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL)) {
        if (record.offset() >= end.get(new TopicPartition(record.topic(), record.partition()))) {
          continue;
        }
        String key = record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8);
        if (record.value() == null) {
          latest.remove(key);
        } else {
          MachineInfo machine = topics.machines().valueSerde().deserializer().deserialize(record.topic(), record.value());
          latest.put(machine.getMachineId(), machine);
        }
      }
    }
    consumer.unsubscribe();
    return new ArrayList<>(latest.values());
  }

  /** Filters, writes and counts entries. */
  private final class Tally {

    private final RecordingWriter writer;
    private long skipped;
    private Instant first;
    private Instant last;

    Tally(RecordingWriter writer) {
      this.writer = writer;
    }

    /** Writes the record if the filters keep it; true when the entry limit is reached. */
    boolean write(RecordedTelemetry entry) {
      if (!accepted(entry)) {
        skipped++;
        return false;
      }
      writer.write(entry);
      written = writer.entries();
      if (first == null) {
        first = entry.getKafkaTimestamp();
      }
      last = entry.getKafkaTimestamp();
      return writer.entries() >= max;
    }

    private boolean accepted(RecordedTelemetry entry) {
      TelemetryEvent event = entry.getEvent();
      if (!sites.isEmpty() && (event == null || !sites.contains(event.getSiteId()))) {
        return false;
      }
      Instant time = RecordingWriter.time(entry);
      return (from == null || !time.isBefore(from)) && (to == null || time.isBefore(to));
    }

    RecordSummary summary(RecordSummary.StopReason reason) {
      LOG.info("Recording into {} ended ({}): {} entries ({} undecodable), {} left out by filters",
          writer.file(), reason, writer.entries(), writer.undecodable(), skipped);
      return new RecordSummary(writer.entries(), writer.undecodable(), skipped, first, last, reason);
    }
  }

  /** Options of a recording run. */
  public static final class Builder {

    private final Map<String, Object> clientConfig;
    private final Topics topics;
    private final Path file;
    private Compression compression = Compression.DEFLATE;
    private boolean fromBeginning;
    private boolean toEnd;
    private long max = Long.MAX_VALUE;
    private Set<String> sites = Set.of();
    private Instant from;
    private Instant to;

    private Builder(Map<String, Object> clientConfig, Topics topics, Path file) {
      this.clientConfig = Map.copyOf(clientConfig);
      this.topics = Objects.requireNonNull(topics, "topics");
      this.file = Objects.requireNonNull(file, "file");
    }

    /** The codec of the file's blocks (default deflate). */
    public Builder compression(Compression compression) {
      this.compression = Objects.requireNonNull(compression, "compression");
      return this;
    }

    /** Starts at the oldest record instead of the newest. */
    public Builder fromBeginning(boolean fromBeginning) {
      this.fromBeginning = fromBeginning;
      return this;
    }

    /** Stops at the end offsets taken at the start. */
    public Builder toEnd(boolean toEnd) {
      this.toEnd = toEnd;
      return this;
    }

    /** Stops after {@code max} entries. */
    public Builder max(long max) {
      if (max < 1) {
        throw new IllegalArgumentException("max must be at least 1, was " + max);
      }
      this.max = max;
      return this;
    }

    /** Only events of these sites (empty: all, undecodable records included). */
    public Builder sites(Set<String> sites) {
      this.sites = Set.copyOf(sites);
      return this;
    }

    /** Only records with event time in [from, to); null for no bound. */
    public Builder between(Instant from, Instant to) {
      this.from = from;
      this.to = to;
      return this;
    }

    /** The recorder. */
    public TelemetryRecorder build() {
      return new TelemetryRecorder(this);
    }
  }
}
