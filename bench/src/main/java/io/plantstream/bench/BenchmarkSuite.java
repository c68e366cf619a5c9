package io.plantstream.bench;

import static io.plantstream.bench.BenchmarkReport.percent;
import static io.plantstream.bench.BenchmarkReport.row;

import io.plantstream.broker.EmbeddedKafkaBroker;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Every benchmark of the project in one run, on one embedded broker, each plantstream figure next
 * to its ceiling measured in the same run: the simulator and replay against Kafka's
 * ProducerPerformance, the KPI topology against a pass-through topology, the packaged streams
 * application's end-to-end latency at half its capacity with its heap and RSS, and the Avro codec
 * with JMH. Prints a Markdown report (machine, date, command, a table of figure, ceiling, ratio and
 * goal, then the details) and writes it to {@code --out}.
 *
 * <pre>
 * bench/run-all.sh [--quick] [--out FILE]
 * </pre>
 *
 * <p>{@code --quick} runs every part with small sizes, to check the suite works, not to quote.
 */
public final class BenchmarkSuite {

  private BenchmarkSuite() {}

  /** Runs the suite; options {@code --quick}, {@code --out FILE}, {@code --app-jar JAR}. */
  public static void main(String[] args) throws Exception {
    Map<String, String> options = BenchmarkOptions.parse(args, Set.of("--out", "--app-jar"), Set.of("--quick"),
        "run-all.sh [--quick] [--out FILE] [--app-jar JAR]");
    boolean quick = options.containsKey("--quick");
    Instant started = Instant.now();
    Path out = Path.of(options.getOrDefault("--out", BenchmarkReport.defaultOut("benchmark", started).toString()));
    Path appJar = Path.of(options.getOrDefault("--app-jar", "app/target/plantstream.jar"));
    String command = BenchmarkReport.command("BenchmarkSuite", args);
    printMachine();

    String records = quick ? "100000" : "1000000";
    String warmup = quick ? "50000" : "300000";
    String rounds = quick ? "1" : "3";
    Map<String, String> producerOptions = Map.of("--records", records, "--warmup", warmup, "--rounds", rounds);
    ProducerPerfSideBySide.Comparison simulate;
    ProducerPerfSideBySide.Comparison replay;
    KpiVsPassThrough.Outcome kpi;
    UpdatesLatency.Outcome latency;
    int simulateSize;
    int replaySize;
    try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.startDefault()) {
      section("1/5 simulate --speed max against ProducerPerformance");
      SimulateVsProducerPerf simulateBench = new SimulateVsProducerPerf(producerOptions);
      simulate = simulateBench.measure(broker);
      simulateSize = simulateBench.recordSize();
      section("2/5 replay --speed max against ProducerPerformance");
      ReplayVsProducerPerf replayBench = new ReplayVsProducerPerf(producerOptions);
      replay = replayBench.measure(broker);
      replaySize = replayBench.recordSize();
      section("3/5 KPI topology against a pass-through topology");
      kpi = KpiVsPassThrough.measure(broker, quick ? 1 : 4, Integer.parseInt(rounds), Instant.parse("2026-11-02T00:00:00Z"));
      section("4/5 plant aggregate --emit updates at half capacity: latency, heap, RSS");
      latency = new UpdatesLatency(quick ? 1 : 2, quick ? 15 : 60, appJar, List.of()).measure(broker);
    }
    section("5/5 Avro codec (JMH)");
    Map<String, Double> codec = avroCodec(quick);

    List<String> rows = new ArrayList<>();
    rows.add(row("simulator publish rate", rate(simulate.contender()) + " (" + simulateSize + " B records)",
        "ProducerPerformance " + rate(simulate.ceiling()), percent(simulate.contender() / simulate.ceiling()),
        "≥ 80 %", simulate.contender() >= 0.8 * simulate.ceiling()));
    rows.add(row("KPI topology / pass-through", String.format(Locale.ROOT, "%,.0f events/s", kpi.kpi()),
        String.format(Locale.ROOT, "pass-through %,.0f events/s", kpi.passThrough()),
        percent(kpi.wallRatio()) + " wall, " + percent(kpi.cpuRatio()) + " CPU", "≥ 50 %", kpi.wallRatio() >= 0.5));
    rows.add(row("replay --speed max", rate(replay.contender()) + " (" + replaySize + " B records)",
        "ProducerPerformance " + rate(replay.ceiling()), percent(replay.contender() / replay.ceiling()),
        "≥ 80 %", replay.contender() >= 0.8 * replay.ceiling()));
    double decode = codec.get("decode");
    rows.add(row("Avro decode, one event", String.format(Locale.ROOT, "%.0f ns", decode),
        String.format(Locale.ROOT, "Avro's generic reader %.0f ns", codec.get("decodeGeneric")),
        percent(decode / codec.get("decodeGeneric")) + " of its time", "≤ 300 ns", decode <= 300));
    rows.add(row("Avro encode, one event (publisher)", String.format(Locale.ROOT, "%.0f ns", codec.get("encodeFast")),
        String.format(Locale.ROOT, "Avro's generic writer %.0f ns", codec.get("encodeSerde")),
        percent(codec.get("encodeFast") / codec.get("encodeSerde")) + " of its time", "–", null));
    rows.add(row("end-to-end p99, updates mode, half capacity",
        String.format(Locale.ROOT, "%.0f ms (p50 %.0f ms, max %.0f ms; %,d units)", latency.p99(), latency.p50(),
            latency.max(), latency.units()),
        String.format(Locale.ROOT, "load %,.0f of capacity %,.0f events/s", latency.load(), latency.capacity()),
        percent(latency.load() / latency.capacity()) + " load", "≤ 1 s", latency.p99() <= 1000 && latency.uncounted() == 0));
    rows.add(row("streams heap, five default sites",
        String.format(Locale.ROOT, "peak %d MB in use, %d MB live after a full GC", latency.peakHeapMb(),
            latency.liveHeapMb()),
        "cap " + UpdatesLatency.HEAP_CAP.substring(4), "–", "≤ 512 MB", latency.peakHeapMb() <= 512));
    rows.add(row("streams RSS, five default sites", latency.peakRssMb() + " MB", "–", "–", "–", null));

    String report = BenchmarkReport.header("Benchmark run", started, quick, command, "one embedded KRaft broker in "
        + "the benchmark's JVM; the streams application of rows 6–8 runs from the packaged jar in its own JVM")
        + BenchmarkReport.TABLE_HEADER + String.join("", rows);
    BenchmarkReport.write(out, report);
  }

  /** Prints the date and the machine, as every benchmark's first lines. */
  static void printMachine() {
    System.out.printf(Locale.ROOT, "plantstream benchmark, %s%nmachine: %s%n", Instant.now(), machine());
  }

  /** Cores, memory, JDK and OS of this machine, on one line. */
  static String machine() {
    return String.format(Locale.ROOT, "%d cores, %.1f GiB memory, %s %s, %s %s",
        Runtime.getRuntime().availableProcessors(), ProducerPerfSideBySide.totalMemoryGiB(),
        System.getProperty("java.vm.name"), System.getProperty("java.runtime.version"),
        System.getProperty("os.name"), System.getProperty("os.version"))
        + loadAverage();
  }

  private static String loadAverage() {
    double load = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    return load < 0 ? "" : String.format(Locale.ROOT, ", load average %.1f at start", load);
  }

  /** Runs {@link AvroCodecBenchmark}; returns each benchmark's mean nanoseconds per operation. */
  private static Map<String, Double> avroCodec(boolean quick) throws Exception {
    ChainedOptionsBuilder options = new OptionsBuilder().include(AvroCodecBenchmark.class.getName() + ".*");
    if (quick) {
      options.warmupIterations(1).warmupTime(TimeValue.seconds(1)).measurementIterations(2)
          .measurementTime(TimeValue.seconds(1));
    }
    Collection<RunResult> results = new Runner(options.build()).run();
    Map<String, Double> nanos = new HashMap<>();
    for (RunResult result : results) {
      String label = result.getParams().getBenchmark();
      nanos.put(label.substring(label.lastIndexOf('.') + 1), result.getPrimaryResult().getScore());
    }
    return nanos;
  }

  private static void section(String title) {
    System.out.println();
    System.out.println("=== " + title + " ===");
  }

  private static String rate(double perSecond) {
    return String.format(Locale.ROOT, "%,.0f records/s", perSecond);
  }
}
