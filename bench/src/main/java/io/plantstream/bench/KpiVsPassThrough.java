package io.plantstream.bench;

import static org.awaitility.Awaitility.await;

import io.plantstream.broker.EmbeddedKafkaBroker;
import io.plantstream.producer.RunLimit;
import io.plantstream.producer.SimulationSummary;
import io.plantstream.producer.model.PlantModel;
import io.plantstream.producer.sim.PlantSimulator;
import io.plantstream.schemas.Topics;
import io.plantstream.streams.KpiApplication;
import io.plantstream.streams.KpiConfig;
import io.plantstream.streams.KpiStreamsConfig;
import io.plantstream.streams.KpiTopology;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * KPI topology throughput against a pass-through topology, side by side on one embedded broker:
 * the same pre-loaded telemetry topic (all five default sites), the same serdes and the same
 * processing guarantee (exactly-once v2). After a warm-up pair, rounds alternate pass-through and
 * KPI with fresh application ids; each is timed from RUNNING until every input offset is
 * committed, and reported two ways: events per second of wall time, and events per second of CPU
 * time of this whole process (broker included), which other load on the machine disturbs less.
 * Also reports the KPI application's live heap after a full GC at the end of its run, above the
 * broker-only baseline.
 *
 * <p>Arguments: {@code [--hours H] [--rounds N] [--start ISO]} (defaults 4 simulated hours,
 * 3 rounds, 2026-11-02T00:00:00Z).
 */
public final class KpiVsPassThrough {

  private KpiVsPassThrough() {}

  /** Runs the benchmark on its own broker and prints a Markdown table; options of {@link Command}. */
  public static void main(String[] args) {
    BenchmarkCommand.run(new Command(), args);
  }

  /** The command line of {@link #main}. */
  @CommandLine.Command(name = "KpiVsPassThrough", mixinStandardHelpOptions = true, showDefaultValues = true,
      description = "KPI topology throughput against a pass-through topology, side by side on one embedded broker.")
  static final class Command implements Callable<Void> {

    @Option(names = "--hours", paramLabel = "H", description = "Simulated hours pre-loaded.")
    long hours = 4;

    @Option(names = "--rounds", paramLabel = "N", description = "Rounds after the warm-up pair.")
    int rounds = 3;

    @Option(names = "--start", paramLabel = "ISO", description = "Start of the simulated time.")
    Instant start = Instant.parse("2026-11-02T00:00:00Z");

    @Override
    public Void call() throws Exception {
      BenchmarkSuite.printMachine();
      try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.startDefault()) {
        measure(broker, hours, rounds, start);
      }
      return null;
    }
  }

  /**
   * The medians of the rounds.
   *
   * @param events events in the pre-loaded topic
   * @param passThrough pass-through events per second of wall time
   * @param kpi KPI topology events per second of wall time
   * @param wallRatio median of the rounds' KPI / pass-through ratios of wall-time rates
   * @param cpuRatio median of the rounds' KPI / pass-through ratios of CPU-time rates
   */
  record Outcome(long events, double passThrough, double kpi, double wallRatio, double cpuRatio) {}

  /**
   * Pre-loads {@code hours} simulated hours from {@code start} into the default topics on
   * {@code broker}, then runs a warm-up pair and {@code rounds} rounds; prints each and returns the medians.
   */
  static Outcome measure(EmbeddedKafkaBroker broker, long hours, int rounds, Instant start) throws Exception {
    Topics topics = Topics.defaults();
    Map<String, Object> client = Map.of("bootstrap.servers", broker.bootstrapServers());
    String passThroughOut = "bench.passthrough";
    try (Admin admin = Admin.create(client)) {
      BenchTopics.create(admin, topics, new NewTopic(passThroughOut, Topics.DEFAULT_TELEMETRY_PARTITIONS, (short) 1)
          .configs(Map.of(Topics.TIMESTAMP_TYPE, Topics.LOG_APPEND_TIME)));
    }
    SimulationSummary published = BenchTopics.preload(client, topics,
        new PlantSimulator(PlantModel.loadDefault(), 42L, start, Set.of()), RunLimit.of(Duration.ofHours(hours)));
    long events = published.events();
    System.out.printf(Locale.ROOT, "pre-loaded %d events (%d simulated hours, 5 sites, %d partitions)%n",
        events, hours, Topics.DEFAULT_TELEMETRY_PARTITIONS);

    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    long baseline = liveHeap(memory);
    System.out.println("warm-up:");
    run("pass-through", passThroughTopology(topics, passThroughOut), broker, topics, events);
    run("kpi", KpiTopology.build(topics, KpiConfig.defaults(), Topics.DEFAULT_TELEMETRY_PARTITIONS), broker, topics, events);
    List<Rate[]> results = new ArrayList<>();
    List<Long> heaps = new ArrayList<>();
    for (int round = 1; round <= rounds; round++) {
      Rate passThrough = run("pass-through", passThroughTopology(topics, passThroughOut), broker, topics, events);
      Rate kpi = run("kpi", KpiTopology.build(topics, KpiConfig.defaults(), Topics.DEFAULT_TELEMETRY_PARTITIONS), broker, topics, events);
      heaps.add(lastRetainedHeap - baseline);
      results.add(new Rate[] {passThrough, kpi});
    }
    System.out.println();
    System.out.println("| round | pass-through (events/s) | KPI (events/s) | ratio | pass-through (events/CPU-s) "
        + "| KPI (events/CPU-s) | ratio | KPI retained heap |");
    System.out.println("|---|---|---|---|---|---|---|---|");
    List<Double> wallRatios = new ArrayList<>();
    List<Double> cpuRatios = new ArrayList<>();
    for (int i = 0; i < results.size(); i++) {
      Rate pass = results.get(i)[0];
      Rate kpi = results.get(i)[1];
      wallRatios.add(kpi.perWallSecond() / pass.perWallSecond());
      cpuRatios.add(kpi.perCpuSecond() / pass.perCpuSecond());
      System.out.printf(Locale.ROOT, "| %d | %,.0f | %,.0f | %.0f %% | %,.0f | %,.0f | %.0f %% | %d MB |%n", i + 1,
          pass.perWallSecond(), kpi.perWallSecond(), 100 * wallRatios.get(i), pass.perCpuSecond(),
          kpi.perCpuSecond(), 100 * cpuRatios.get(i), heaps.get(i) >> 20);
    }
    System.out.printf(Locale.ROOT, "%nmedian KPI / pass-through: %.0f %% of wall-time rate, %.0f %% of CPU-time rate%n",
        100 * median(wallRatios), 100 * median(cpuRatios));
    return new Outcome(events, median(results.stream().map(r -> r[0].perWallSecond()).toList()),
        median(results.stream().map(r -> r[1].perWallSecond()).toList()), median(wallRatios), median(cpuRatios));
  }

  private static long lastRetainedHeap;

  /** Events per second of wall time and per second of this process's CPU time. */
  record Rate(double perWallSecond, double perCpuSecond) {}

  static double median(List<Double> values) {
    List<Double> sorted = values.stream().sorted().toList();
    int middle = sorted.size() / 2;
    return sorted.size() % 2 == 1 ? sorted.get(middle) : (sorted.get(middle - 1) + sorted.get(middle)) / 2;
  }

  static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
  }

  private static Topology passThroughTopology(Topics topics, String output) {
    StreamsBuilder builder = new StreamsBuilder();
    builder.stream(topics.telemetry().name(), Consumed.with(topics.telemetry().keySerde(), topics.telemetry().valueSerde()))
        .to(output, Produced.with(topics.telemetry().keySerde(), topics.telemetry().valueSerde()));
    return builder.build();
  }

  /** Runs one application until it has committed every input offset. */
  static Rate run(String name, Topology topology, EmbeddedKafkaBroker broker, Topics topics,
      long events) throws Exception {
    String applicationId = "bench-" + name + "-" + System.nanoTime();
    Path state = Files.createTempDirectory("plantstream-bench-");
    Map<String, Object> client = Map.of("bootstrap.servers", broker.bootstrapServers());
    try (Admin admin = Admin.create(client);
        KpiApplication app = new KpiApplication(topology,
            KpiStreamsConfig.build(broker.bootstrapServers(), applicationId, state, topics, Map.of()))) {
      CommittedInput input = CommittedInput.of(admin, applicationId, topics.telemetry().name());
      app.start();
      if (!app.awaitRunning(Duration.ofMinutes(2))) {
        throw new IllegalStateException(name + " did not start");
      }
      long started = System.nanoTime();
      long cpuStarted = processCpuNanos();
      await().atMost(Duration.ofHours(1)).pollInterval(Duration.ofMillis(100)).until(input::done);
      double seconds = (System.nanoTime() - started) / 1e9;
      double cpuSeconds = (processCpuNanos() - cpuStarted) / 1e9;
      lastRetainedHeap = liveHeap(ManagementFactory.getMemoryMXBean());
      System.out.printf(Locale.ROOT, "%-12s %,d events in %.1f s (%.1f CPU-s): %,.0f events/s%n", name, events,
          seconds, cpuSeconds, events / seconds);
      return new Rate(events / seconds, events / cpuSeconds);
    }
  }

  private static long liveHeap(MemoryMXBean memory) {
    System.gc();
    return memory.getHeapMemoryUsage().getUsed();
  }
}
