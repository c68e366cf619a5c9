package io.plantstream.bench;

import io.plantstream.avro.RecordedTelemetry;
import io.plantstream.avro.TelemetryEvent;
import io.plantstream.broker.EmbeddedKafkaBroker;
import io.plantstream.producer.Speed;
import io.plantstream.producer.model.PlantModel;
import io.plantstream.producer.publish.ProducerConfigs;
import io.plantstream.producer.publish.TelemetryPublisher;
import io.plantstream.producer.replay.Compression;
import io.plantstream.producer.replay.RecordingInfo;
import io.plantstream.producer.replay.RecordingWriter;
import io.plantstream.producer.replay.ReplaySummary;
import io.plantstream.producer.replay.Replayer;
import io.plantstream.producer.sim.PlantSimulator;
import io.plantstream.schemas.Topics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.tools.ProducerPerformance;
import picocli.CommandLine;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Issue 5's throughput check, side by side in one JVM on one embedded KRaft broker, as
 * {@link SimulateVsProducerPerf} does for the simulator: Kafka's {@link ProducerPerformance} and
 * {@code replay --speed max} (a {@link Replayer} reading a recording and publishing through
 * {@link TelemetryPublisher}), with the same record size (the recording's average key + value as
 * published), the same producer settings ({@link ProducerConfigs#DEFAULTS}) and topics with the
 * same partitions. The recording (deflate, as {@code plant record} writes by default, or zstd) holds the
 * simulator's events, seed 42, all five sites. After a warm-up of both, each round runs
 * ProducerPerformance (no keys), ProducerPerformance with keys spread like machine ids, and the
 * replay, each into a fresh topic; the medians and the ratio replay / ProducerPerformance are
 * printed. Goal: at least 80 %.
 *
 * <pre>
 * bench/replay-vs-producerperf.sh [--records N] [--rounds N] [--partitions N] [--warmup N] [--compression deflate|zstd]
 * </pre>
 */
public final class ReplayVsProducerPerf {

  private static final Instant START = Instant.parse("2026-11-28T10:00:00Z");
  private static final long SEED = 42;

  private final int records;
  private final int rounds;
  private final int partitions;
  private final int warmup;
  private final Compression compression;
  private final PlantModel model = PlantModel.loadDefault();
  private ProducerPerfSideBySide side;
  private int recordSize;

  /**
   * A benchmark of {@code rounds} rounds of {@code records} records per run into topics of
   * {@code partitions} partitions, after a warm-up of {@code warmup} records, replaying recordings
   * written with {@code compression}.
   */
  ReplayVsProducerPerf(int records, int rounds, int partitions, int warmup, Compression compression) {
    this.records = records;
    this.rounds = rounds;
    this.partitions = partitions;
    this.warmup = warmup;
    this.compression = compression;
  }

  /** Runs the benchmark on its own broker; options of {@link Command}. */
  public static void main(String[] args) {
    BenchmarkCommand.run(new Command(), args);
  }

  /** The command line of {@link #main}. */
  @CommandLine.Command(name = "replay-vs-producerperf", mixinStandardHelpOptions = true, showDefaultValues = true,
      description = "Kafka's ProducerPerformance and replay --speed max, side by side on one embedded broker.")
  static final class Command implements Callable<Void> {

    @Mixin ProducerRunOptions run;

    @Option(names = "--compression", paramLabel = "deflate|zstd", description = "Compression of the recording.")
    Compression compression = Compression.DEFLATE;

    @Override
    public Void call() throws Exception {
      BenchmarkSuite.printMachine();
      try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.startDefault()) {
        new ReplayVsProducerPerf(run.records, run.rounds, run.partitions, run.warmup, compression).measure(broker);
      }
      return null;
    }
  }

  /** Runs the comparison on {@code broker}; prints every round and returns the medians. */
  ProducerPerfSideBySide.Comparison measure(EmbeddedKafkaBroker broker) throws Exception {
    Path dir = Files.createTempDirectory("replay-bench");
    Path recording = dir.resolve("bench.avro");
    Path warmupRecording = dir.resolve("warmup.avro");
    try {
      long started = System.nanoTime();
      int[] size = writeRecording(recording, records);
      writeRecording(warmupRecording, warmup);
      recordSize = size[0] + size[1];
      System.out.printf(Locale.ROOT, "recording: %,d simulated events, %,d bytes (%s), written in %.1f s%n", records,
          Files.size(recording), compression.name().toLowerCase(Locale.ROOT), (System.nanoTime() - started) / 1e9);
      System.out.printf(Locale.ROOT, "record size: %d B (average of the recording as published: value %d B + key %d B)%n",
          recordSize, size[0], size[1]);
      System.out.printf(Locale.ROOT, "partitions: %d, records per run: %,d, rounds: %d (after a warm-up of %,d records each)%n",
          partitions, records, rounds, warmup);
      side = new ProducerPerfSideBySide(broker.bootstrapServers(), partitions, model.machines().size());
      return side.compare("replay", "replay", rounds, records, warmup, recordSize,
          (a, s, prefix) -> replay(a, s, prefix, warmupRecording), (a, s, prefix) -> replay(a, s, prefix, recording));
    } finally {
      Files.deleteIfExists(recording);
      Files.deleteIfExists(warmupRecording);
      Files.deleteIfExists(dir);
    }
  }

  /** The record size both sides publish, the recording's average, once {@link #measure} has run. */
  int recordSize() {
    return recordSize;
  }

  /**
   * Writes {@code count} simulated events as a recording, each with the partition its key would go
   * to; returns the average value and key size in bytes as the replay publishes them.
   */
  private int[] writeRecording(Path file, int count) {
    PlantSimulator simulator = new PlantSimulator(model, SEED, START, Set.of());
    long valueBytes = 0;
    long keyBytes = 0;
    long[] offsets = new long[partitions];
    try (RecordingWriter writer = RecordingWriter.create(file,
        new RecordingInfo("plant.telemetry", partitions, List.copyOf(simulator.machineInfos())), compression)) {
      for (int i = 0; i < count; i++) {
        TelemetryEvent event = simulator.next();
        byte[] key = event.getMachineId().getBytes(StandardCharsets.UTF_8);
        int partition = org.apache.kafka.common.utils.Utils.toPositive(org.apache.kafka.common.utils.Utils.murmur2(key))
            % partitions;
        writer.write(RecordedTelemetry.newBuilder().setKey(event.getMachineId()).setPartition(partition)
            .setOffset(offsets[partition]++).setKafkaTimestamp(event.getEventTime()).setEvent(event)
            .setUndecodable(null).build());
        valueBytes += Topics.TELEMETRY_SERDE.encode(event).length;
        keyBytes += key.length;
      }
    }
    return new int[] {(int) Math.round(valueBytes / (double) count), (int) Math.round(keyBytes / (double) count)};
  }

  /** Replays {@code recording} at --speed max into a fresh topic until every record is acknowledged; returns records/s. */
  private ProducerPerfSideBySide.Result replay(Admin admin, Map<String, Object> settings, String prefix, Path recording) throws Exception {
    Topics topics = new Topics(prefix + ".");
    side.createTopic(admin, topics.telemetry().name());
    long started;
    long ended;
    ReplaySummary summary;
    long[] before;
    long[] after;
    try (TelemetryPublisher publisher = new TelemetryPublisher(settings, topics.telemetry())) {
      before = ProducerPerfSideBySide.cpuNow();
      started = System.nanoTime();
      summary = Replayer.builder(recording, publisher).speed(Speed.MAX).build().run();
      ended = System.nanoTime();
      after = ProducerPerfSideBySide.cpuNow();
      if (publisher.acknowledged() != summary.records()) {
        throw new IllegalStateException(publisher.acknowledged() + " of " + summary.records() + " records acknowledged");
      }
    }
    ProducerPerfSideBySide.deleteTopic(admin, topics.telemetry().name());
    double seconds = (ended - started) / 1e9;
    System.err.printf(Locale.ROOT, "replay --speed max into %s: %,d records in %.2f s, recorded %s to %s%n",
        topics.telemetry().name(), summary.records(), seconds, summary.firstTime(), summary.lastTime());
    return ProducerPerfSideBySide.Result.of(summary.records() / seconds, summary.records(), before, after);
  }
}
