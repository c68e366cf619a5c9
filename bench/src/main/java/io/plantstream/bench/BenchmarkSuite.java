package io.plantstream.bench;

import static io.plantstream.bench.BenchmarkReport.percent;
import static io.plantstream.bench.BenchmarkReport.row;

import io.plantstream.broker.EmbeddedKafkaBroker;
import io.plantstream.producer.replay.Compression;
import io.plantstream.schemas.Topics;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import picocli.CommandLine;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Every benchmark of the project in one run, on one embedded broker, each plantstream figure next
 * to its ceiling measured in the same run: the simulator and replay against Kafka's
 * ProducerPerformance, the KPI topology against a pass-through topology, the packaged streams
 * application's end-to-end latency at half its capacity with its heap and RSS, its scale curve
 * over plants up to 300 times the default ({@link ScaleCurve}), a fab-scale plant in real time
 * ({@link RealTimeFab}), and the Avro codec with JMH. Prints a Markdown report (machine, date,
 * command, a table of figure, ceiling, ratio and goal, then the details of the scale curve and
 * the real-time run) and writes it to {@code --out}.
 *
 * <pre>
 * bench/run-all.sh [--quick] [--out FILE] [--app-jar JAR] [--fab-plant FILE]
 * </pre>
 *
 * <p>{@code --quick} runs every part with small sizes, to check the suite works, not to quote.
 * The real-time part runs {@value RealTimeFab#FAB_SCALE_PATH} (or {@code --fab-plant}); without
 * that file it is reported as not run, and with {@code --quick} it runs a smaller plant.
 */
public final class BenchmarkSuite {

  private BenchmarkSuite() {}

  /** Runs the suite; options of {@link Command}. */
  public static void main(String[] args) {
    BenchmarkCommand.run(new Command(), args);
  }

  /** The command line of {@link #main}. */
  @CommandLine.Command(name = "run-all.sh", mixinStandardHelpOptions = true,
      description = "Every benchmark in one run on one embedded broker, each figure next to its ceiling from the same run.")
  static final class Command implements Callable<Void> {

    @Spec CommandLine.Model.CommandSpec spec;

    @Option(names = "--quick", description = "Every part with small sizes, to check the suite works, not to quote.")
    boolean quick;

    @Option(names = "--out", paramLabel = "FILE", description = "Where the report is written (default bench/results/benchmark-<time>.md).")
    Path out;

    @Option(names = "--app-jar", paramLabel = "JAR", description = "The packaged application (default ${DEFAULT-VALUE}).")
    Path appJar = Path.of("app/target/plantstream.jar");

    @Option(names = "--fab-plant", paramLabel = "FILE",
        description = "The plant of the real-time part (default " + RealTimeFab.FAB_SCALE_PATH + ").")
    Path fabPlant;

    @Override
    public Void call() throws Exception {
      run(quick, out, appJar, fabPlant,
          BenchmarkReport.command("BenchmarkSuite", spec.commandLine().getParseResult().originalArgs().toArray(new String[0])));
      return null;
    }
  }

  /** The suite of {@link Command}'s options; {@code command} is the command line for the report. */
  private static void run(boolean quick, Path outOption, Path appJar, Path fabPlant, String command) throws Exception {
    Instant started = Instant.now();
    Path out = outOption != null ? outOption : BenchmarkReport.defaultOut("benchmark", started);
    printMachine();

    int records = quick ? 100_000 : 1_000_000;
    int warmup = quick ? 50_000 : 300_000;
    int rounds = quick ? 1 : 3;
    ProducerPerfSideBySide.Comparison simulate;
    ProducerPerfSideBySide.Comparison replay;
    KpiVsPassThrough.Outcome kpi;
    UpdatesLatency.Outcome latency;
    ScaleCurve.Outcome scale;
    RealTimeFab.Outcome fab = null;
    String fabNotRun = null;
    int simulateSize;
    int replaySize;
    try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.startDefault()) {
      section("1/7 simulate --speed max against ProducerPerformance");
      SimulateVsProducerPerf simulateBench =
          new SimulateVsProducerPerf(records, rounds, Topics.DEFAULT_TELEMETRY_PARTITIONS, warmup);
      simulate = simulateBench.measure(broker);
      simulateSize = simulateBench.recordSize();
      section("2/7 replay --speed max against ProducerPerformance");
      ReplayVsProducerPerf replayBench =
          new ReplayVsProducerPerf(records, rounds, Topics.DEFAULT_TELEMETRY_PARTITIONS, warmup, Compression.DEFLATE);
      replay = replayBench.measure(broker);
      replaySize = replayBench.recordSize();
      section("3/7 KPI topology against a pass-through topology");
      kpi = KpiVsPassThrough.measure(broker, quick ? 1 : 4, rounds, Instant.parse("2026-11-02T00:00:00Z"));
      section("4/7 plant aggregate --emit updates at half capacity: latency, heap, RSS");
      latency = new UpdatesLatency(quick ? 1 : 2, quick ? 15 : 60, appJar, List.of()).measure(broker);
      section("5/7 scale curve: plant aggregate over plants ×1, ×10, ×30, ×300");
      ScaleCurve.Command scaleOptions = new ScaleCurve.Command();
      scaleOptions.quick = quick;
      scaleOptions.appJar = appJar;
      scale = scaleOptions.curve().measure(broker);
      section("6/7 a fab-scale plant in real time: simulator, broker and plant aggregate on this machine");
      RealTimeFab.Command fabOptions = new RealTimeFab.Command();
      fabOptions.quick = quick;
      fabOptions.appJar = appJar;
      fabOptions.plant = fabPlant;
      try {
        fab = fabOptions.run().measure(broker);
      } catch (IllegalArgumentException | IllegalStateException e) {
        // No plant file, or a process that did not do its part: the other figures still count.
        fabNotRun = e.getMessage();
        System.out.println("not run: " + fabNotRun);
      }
    }
    section("7/7 Avro codec (JMH)");
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
    rows.addAll(scale.rows());
    if (fab != null) {
      rows.addAll(fab.rows());
    } else {
      rows.add(row("real time: fab-scale plant", "not run: " + fabNotRun, "–", "–",
          "lag ≤ 5 s, final site records ≤ 32 s", false));
    }

    String report = BenchmarkReport.header("Benchmark run", started, quick, command, "one embedded KRaft broker in "
        + "the benchmark's JVM; `plant aggregate` (the latency, heap, scale and real-time rows) and `plant simulate` "
        + "(the real-time rows) run from the packaged jar, each in its own JVM")
        + BenchmarkReport.TABLE_HEADER + String.join("", rows) + "\n" + scale.details()
        + (fab == null ? "" : "\n" + fab.details());
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
