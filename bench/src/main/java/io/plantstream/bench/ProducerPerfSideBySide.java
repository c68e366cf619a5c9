package io.plantstream.bench;

import io.plantstream.broker.PartitionLeaders;
import io.plantstream.producer.publish.ProducerConfigs;
import io.plantstream.schemas.Topics;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.tools.ProducerPerformance;

/**
 * What the benchmarks against Kafka's ProducerPerformance share: running ProducerPerformance into
 * a fresh topic of the project's telemetry configs on the bench's broker, topics that take writes
 * before measuring, CPU time per record, medians and the machine's memory.
 */
final class ProducerPerfSideBySide {

  private static final Pattern TOTAL = Pattern.compile("(\\d+) records sent, ([0-9.]+) records/sec");

  private final String bootstrapServers;
  private final int partitions;
  private final int keyRange;

  /** Topics of {@code partitions} on {@code bootstrapServers}; keyed runs use {@code keyRange} distinct keys. */
  ProducerPerfSideBySide(String bootstrapServers, int partitions, int keyRange) {
    this.bootstrapServers = bootstrapServers;
    this.partitions = partitions;
    this.keyRange = keyRange;
  }

  /** One run of the contender into fresh topics named from {@code prefix}. */
  @FunctionalInterface
  interface Contender {
    /** Publishes into fresh topics named from {@code prefix} with {@code settings}; returns the rate and CPU. */
    Result run(Admin admin, Map<String, Object> settings, String prefix) throws Exception;
  }

  /**
   * A warm-up of each side, then {@code rounds} rounds of ProducerPerformance, keyed
   * ProducerPerformance and the contender (named {@code name}, topics tagged {@code tag}); prints
   * every round, the medians and the ratio against the 80 % goal, and returns the medians. Both
   * sides publish with the project's producer settings ({@link ProducerConfigs#DEFAULTS}).
   */
  Comparison compare(String name, String tag, int rounds, int records, int warmupRecords, int recordSize,
      Contender warmup, Contender contender) throws Exception {
    Map<String, Object> settings = ProducerConfigs.withDefaults(Map.of(
        AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers));
    System.out.println("producer settings (both): " + new TreeMap<>(settings));
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
      return compare(admin, settings, name, tag, rounds, records, warmupRecords, recordSize, warmup, contender);
    }
  }

  private Comparison compare(Admin admin, Map<String, Object> settings, String name, String tag, int rounds,
      int records, int warmupRecords, int recordSize, Contender warmup, Contender contender) throws Exception {
    producerPerformance(admin, settings, "warmup-pp", warmupRecords, recordSize, false);
    warmup.run(admin, settings, "warmup-" + tag);

    List<double[]> results = new ArrayList<>();
    for (int round = 1; round <= rounds; round++) {
      Result perf = producerPerformance(admin, settings, "round" + round + "-pp", records, recordSize, false);
      Result keyed = producerPerformance(admin, settings, "round" + round + "-pp-keyed", records, recordSize, true);
      Result other = contender.run(admin, settings, "round" + round + "-" + tag);
      results.add(new double[] {perf.perSecond(), keyed.perSecond(), other.perSecond(),
          perf.threadCpuPerRecord(), keyed.threadCpuPerRecord(), other.threadCpuPerRecord(),
          perf.processCpuPerRecord(), keyed.processCpuPerRecord(), other.processCpuPerRecord()});
      System.out.printf(Locale.ROOT, "round %d: ProducerPerformance %,.0f records/s, with keys %,.0f records/s, "
          + "%s --speed max %,.0f records/s, ratio %.1f %%%n", round, perf.perSecond(), keyed.perSecond(),
          name, other.perSecond(), 100 * other.perSecond() / perf.perSecond());
      System.out.printf(Locale.ROOT, "round %d CPU per record (producing thread / whole process, broker included): "
          + "ProducerPerformance %.0f / %.0f ns, with keys %.0f / %.0f ns, %s %.0f / %.0f ns%n", round,
          perf.threadCpuPerRecord(), perf.processCpuPerRecord(), keyed.threadCpuPerRecord(), keyed.processCpuPerRecord(),
          name, other.threadCpuPerRecord(), other.processCpuPerRecord());
    }
    double perf = median(results, 0);
    double keyed = median(results, 1);
    double other = median(results, 2);
    System.out.printf(Locale.ROOT, "median CPU per record (producing thread / process): ProducerPerformance %.0f / %.0f ns, "
        + "with keys %.0f / %.0f ns, %s %.0f / %.0f ns%n", median(results, 3), median(results, 6),
        median(results, 4), median(results, 7), name, median(results, 5), median(results, 8));
    System.out.printf(Locale.ROOT, "median: ProducerPerformance %,.0f records/s (with keys %,.0f), "
        + "%s --speed max %,.0f records/s%n", perf, keyed, name, other);
    System.out.printf(Locale.ROOT, "ratio %s / ProducerPerformance: %.1f %% (goal >= 80 %%: %s); "
        + "against keyed ProducerPerformance: %.1f %%%n", name, 100 * other / perf, other >= 0.8 * perf ? "met" : "NOT met",
        100 * other / keyed);
    return new Comparison(perf, keyed, other);
  }

  /**
   * Median records per second of ProducerPerformance, of keyed ProducerPerformance and of the contender.
   *
   * @param ceiling ProducerPerformance without keys, its default
   * @param keyedCeiling ProducerPerformance with keys spread like machine ids
   * @param contender the plantstream side
   */
  record Comparison(double ceiling, double keyedCeiling, double contender) {}

  /** Runs ProducerPerformance into a fresh topic; returns its records/s. */
  Result producerPerformance(Admin admin, Map<String, Object> settings, String topic, int count, int recordSize,
      boolean keyed) throws Exception {
    createTopic(admin, topic);
    List<String> args = new ArrayList<>(List.of("--topic", topic, "--num-records", String.valueOf(count),
        "--record-size", String.valueOf(recordSize), "--throughput", "-1", "--reporting-interval", "60000"));
    if (keyed) {
      // Keys spread over as many distinct values as the plant has machines, like machine ids.
      args.addAll(List.of("--key-distribution", "range", "--record-key-range", String.valueOf(keyRange)));
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

  /**
   * Creates {@code name} and waits until every partition's leader acts as one, so that no run
   * measures the race of a producer against a new partition (see {@link PartitionLeaders}).
   */
  void createTopic(Admin admin, String name) throws ExecutionException, InterruptedException {
    // The configs of the project's telemetry topic: event times may run ahead of the broker's clock.
    Map<String, String> configs = new Topics("").specs(partitions).get(0).configs();
    admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1).configs(configs))).all().get();
    PartitionLeaders.await(admin, List.of(name), Duration.ofSeconds(60));
  }

  static void deleteTopic(Admin admin, String name) throws ExecutionException, InterruptedException {
    admin.deleteTopics(List.of(name)).all().get();
  }

  /** CPU time used so far: by the calling thread (which produces) and by the whole process (broker included). */
  static long[] cpuNow() {
    long thread = ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
    long process = ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
        ? os.getProcessCpuTime() : -1;
    return new long[] {thread, process};
  }

  /** Records per second and CPU nanoseconds per record, producing thread and process. */
  record Result(double perSecond, double threadCpuPerRecord, double processCpuPerRecord) {

    static Result of(double perSecond, long records, long[] cpuBefore, long[] cpuAfter) {
      return new Result(perSecond, (cpuAfter[0] - cpuBefore[0]) / (double) records,
          (cpuAfter[1] - cpuBefore[1]) / (double) records);
    }
  }

  static double median(List<double[]> results, int column) {
    double[] values = results.stream().mapToDouble(result -> result[column]).toArray();
    Arrays.sort(values);
    int middle = values.length / 2;
    return values.length % 2 == 1 ? values[middle] : (values[middle - 1] + values[middle]) / 2;
  }

  static double totalMemoryGiB() {
    if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
      return os.getTotalMemorySize() / (1024.0 * 1024 * 1024);
    }
    return Double.NaN;
  }
}
