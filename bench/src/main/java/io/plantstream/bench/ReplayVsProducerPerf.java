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
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.tools.ProducerPerformance;

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
  private static final Pattern TOTAL = Pattern.compile("(\\d+) records sent, ([0-9.]+) records/sec");

  private final int records;
  private final int rounds;
  private final int partitions;
  private final int warmup;
  private final Compression compression;
  private final PlantModel model = PlantModel.loadDefault();
  private String bootstrapServers;

  private ReplayVsProducerPerf(Map<String, String> options) {
    this.records = Integer.parseInt(options.getOrDefault("--records", "2000000"));
    this.rounds = Integer.parseInt(options.getOrDefault("--rounds", "3"));
    this.partitions = Integer.parseInt(options.getOrDefault("--partitions", String.valueOf(Topics.DEFAULT_TELEMETRY_PARTITIONS)));
    this.warmup = Integer.parseInt(options.getOrDefault("--warmup", "500000"));
    this.compression = Compression.valueOf(options.getOrDefault("--compression", "deflate").toUpperCase(Locale.ROOT));
  }

  /**
   * Runs the benchmark; options {@code --records}, {@code --rounds}, {@code --partitions},
   * {@code --warmup}, {@code --compression deflate|zstd} (of the recording).
   */
  public static void main(String[] args) throws Exception {
    Map<String, String> options = new TreeMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      options.put(args[i], args[i + 1]);
    }
    if (args.length % 2 != 0
        || !Set.of("--records", "--rounds", "--partitions", "--warmup", "--compression").containsAll(options.keySet())) {
      System.err.println("usage: replay-vs-producerperf [--records N] [--rounds N] [--partitions N] [--warmup N] "
          + "[--compression deflate|zstd]");
      System.exit(2);
    }
    new ReplayVsProducerPerf(options).run();
  }

  private void run() throws Exception {
    Path dir = Files.createTempDirectory("replay-bench");
    Path recording = dir.resolve("bench.avro");
    Path warmupRecording = dir.resolve("warmup.avro");
    long started = System.nanoTime();
    int[] size = writeRecording(recording, records);
    writeRecording(warmupRecording, warmup);
    int recordSize = size[0] + size[1];
    System.out.printf(Locale.ROOT, "plantstream benchmark, %s%n", LocalDate.now());
    System.out.printf(Locale.ROOT, "machine: %d cores, %.1f GiB memory, %s %s%n", Runtime.getRuntime().availableProcessors(),
        totalMemoryGiB(), System.getProperty("java.vm.name"), System.getProperty("java.runtime.version"));
    System.out.printf(Locale.ROOT, "recording: %,d simulated events, %,d bytes (%s), written in %.1f s%n", records,
        Files.size(recording), compression.name().toLowerCase(Locale.ROOT), (System.nanoTime() - started) / 1e9);
    System.out.printf(Locale.ROOT, "record size: %d B (average of the recording as published: value %d B + key %d B)%n",
        recordSize, size[0], size[1]);
    System.out.printf(Locale.ROOT, "partitions: %d, records per run: %,d, rounds: %d (after a warm-up of %,d records each)%n",
        partitions, records, rounds, warmup);

    try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.startDefault()) {
      bootstrapServers = broker.bootstrapServers();
      Map<String, Object> settings = ProducerConfigs.withDefaults(Map.of(
          AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()));
      System.out.println("producer settings (both): " + new TreeMap<>(settings));
      try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
        producerPerformance(admin, settings, "warmup-pp", warmup, recordSize, false);
        replay(admin, settings, "warmup-replay", warmupRecording);

        List<double[]> results = new ArrayList<>();
        for (int round = 1; round <= rounds; round++) {
          Result perf = producerPerformance(admin, settings, "round" + round + "-pp", records, recordSize, false);
          Result keyed = producerPerformance(admin, settings, "round" + round + "-pp-keyed", records, recordSize, true);
          Result replayed = replay(admin, settings, "round" + round + "-replay", recording);
          results.add(new double[] {perf.perSecond(), keyed.perSecond(), replayed.perSecond(),
              perf.threadCpuPerRecord(), keyed.threadCpuPerRecord(), replayed.threadCpuPerRecord(),
              perf.processCpuPerRecord(), keyed.processCpuPerRecord(), replayed.processCpuPerRecord()});
          System.out.printf(Locale.ROOT, "round %d: ProducerPerformance %,.0f records/s, with keys %,.0f records/s, "
              + "replay --speed max %,.0f records/s, ratio %.1f %%%n", round, perf.perSecond(), keyed.perSecond(),
              replayed.perSecond(), 100 * replayed.perSecond() / perf.perSecond());
          System.out.printf(Locale.ROOT, "round %d CPU per record (producing thread / whole process, broker included): "
              + "ProducerPerformance %.0f / %.0f ns, with keys %.0f / %.0f ns, replay %.0f / %.0f ns%n", round,
              perf.threadCpuPerRecord(), perf.processCpuPerRecord(), keyed.threadCpuPerRecord(), keyed.processCpuPerRecord(),
              replayed.threadCpuPerRecord(), replayed.processCpuPerRecord());
        }
        double perf = median(results, 0);
        double keyed = median(results, 1);
        double replayed = median(results, 2);
        System.out.printf(Locale.ROOT, "median CPU per record (producing thread / process): ProducerPerformance %.0f / %.0f ns, "
            + "with keys %.0f / %.0f ns, replay %.0f / %.0f ns%n", median(results, 3), median(results, 6),
            median(results, 4), median(results, 7), median(results, 5), median(results, 8));
        System.out.printf(Locale.ROOT, "median: ProducerPerformance %,.0f records/s (with keys %,.0f), "
            + "replay --speed max %,.0f records/s%n", perf, keyed, replayed);
        System.out.printf(Locale.ROOT, "ratio replay / ProducerPerformance: %.1f %% (goal >= 80 %%: %s); "
            + "against keyed ProducerPerformance: %.1f %%%n", 100 * replayed / perf, replayed >= 0.8 * perf ? "met" : "NOT met",
            100 * replayed / keyed);
      }
    } finally {
      Files.deleteIfExists(recording);
      Files.deleteIfExists(warmupRecording);
      Files.deleteIfExists(dir);
    }
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

  /** Runs ProducerPerformance into a fresh topic; returns its records/s. */
  private Result producerPerformance(Admin admin, Map<String, Object> settings, String topic, int count, int recordSize,
      boolean keyed) throws Exception {
    createTopic(admin, topic);
    List<String> args = new ArrayList<>(List.of("--topic", topic, "--num-records", String.valueOf(count),
        "--record-size", String.valueOf(recordSize), "--throughput", "-1", "--reporting-interval", "60000"));
    if (keyed) {
      // Keys spread over as many distinct values as the plant has machines, like machine ids.
      args.addAll(List.of("--key-distribution", "range", "--record-key-range", String.valueOf(model.machines().size())));
    }
    args.add("--producer-props");
    settings.forEach((key, value) -> args.add(key + "=" + value));
    PrintStream stdout = System.out;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
    long[] before = cpuNow();
    try {
      ProducerPerformance.main(args.toArray(new String[0]));
    } finally {
      System.setOut(stdout);
    }
    long[] after = cpuNow();
    deleteTopic(admin, topic);
    Matcher total = TOTAL.matcher(captured.toString(StandardCharsets.UTF_8));
    String line = null;
    double perSecond = Double.NaN;
    while (total.find()) {
      line = total.group();
      perSecond = Double.parseDouble(total.group(2));
    }
    if (line == null) {
      throw new IllegalStateException("no total in ProducerPerformance's output: " + captured);
    }
    System.err.println("ProducerPerformance" + (keyed ? " (keyed)" : "") + " into " + topic + ": " + line);
    return Result.of(perSecond, count, before, after);
  }

  /** Replays {@code recording} at --speed max into a fresh topic until every record is acknowledged; returns records/s. */
  private Result replay(Admin admin, Map<String, Object> settings, String prefix, Path recording) throws Exception {
    Topics topics = new Topics(prefix + ".");
    createTopic(admin, topics.telemetry().name());
    long started;
    long ended;
    ReplaySummary summary;
    long[] before;
    long[] after;
    try (TelemetryPublisher publisher = new TelemetryPublisher(settings, topics.telemetry())) {
      before = cpuNow();
      started = System.nanoTime();
      summary = Replayer.builder(recording, publisher).speed(Speed.MAX).build().run();
      ended = System.nanoTime();
      after = cpuNow();
      if (publisher.acknowledged() != summary.records()) {
        throw new IllegalStateException(publisher.acknowledged() + " of " + summary.records() + " records acknowledged");
      }
    }
    deleteTopic(admin, topics.telemetry().name());
    double seconds = (ended - started) / 1e9;
    System.err.printf(Locale.ROOT, "replay --speed max into %s: %,d records in %.2f s, recorded %s to %s%n",
        topics.telemetry().name(), summary.records(), seconds, summary.firstTime(), summary.lastTime());
    return Result.of(summary.records() / seconds, summary.records(), before, after);
  }

  /** Creates {@code name} and waits until every partition takes writes (see {@link SimulateVsProducerPerf}). */
  private void createTopic(Admin admin, String name) throws ExecutionException, InterruptedException {
    Map<String, String> configs = new Topics("").specs(partitions).get(0).configs();
    admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1).configs(configs))).all().get();
    Map<String, Object> probe = new HashMap<>(Map.of(
        AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
        ProducerConfig.ACKS_CONFIG, "all",
        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false));
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(probe, new ByteArraySerializer(), new ByteArraySerializer())) {
      List<Future<RecordMetadata>> sends = new ArrayList<>();
      for (int partition = 0; partition < partitions; partition++) {
        sends.add(producer.send(new ProducerRecord<>(name, partition, null, new byte[0])));
      }
      for (Future<RecordMetadata> send : sends) {
        send.get();
      }
    }
  }

  private static void deleteTopic(Admin admin, String name) throws ExecutionException, InterruptedException {
    admin.deleteTopics(List.of(name)).all().get();
  }

  /** CPU time used so far: by the calling thread (which produces) and by the whole process (broker included). */
  private static long[] cpuNow() {
    long thread = ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
    long process = ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
        ? os.getProcessCpuTime() : -1;
    return new long[] {thread, process};
  }

  /** Records per second and CPU nanoseconds per record, producing thread and process. */
  private record Result(double perSecond, double threadCpuPerRecord, double processCpuPerRecord) {

    static Result of(double perSecond, long records, long[] cpuBefore, long[] cpuAfter) {
      return new Result(perSecond, (cpuAfter[0] - cpuBefore[0]) / (double) records,
          (cpuAfter[1] - cpuBefore[1]) / (double) records);
    }
  }

  private static double median(List<double[]> results, int column) {
    double[] values = results.stream().mapToDouble(result -> result[column]).toArray();
    Arrays.sort(values);
    int middle = values.length / 2;
    return values.length % 2 == 1 ? values[middle] : (values[middle - 1] + values[middle]) / 2;
  }

  private static double totalMemoryGiB() {
    if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
      return os.getTotalMemorySize() / (1024.0 * 1024 * 1024);
    }
    return Double.NaN;
  }
}
