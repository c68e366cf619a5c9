package io.plantstream.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.plantstream.producer.replay.Compression;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The command lines of the benchmarks' mains: their defaults, what they make of options, what they refuse. */
class BenchmarkCommandTest {

  private static final Path APP_JAR = Path.of("app/target/plantstream.jar");

  private static <T> T parse(T command, String... args) {
    BenchmarkCommand.commandLine(command).parseArgs(args);
    return command;
  }

  /** Exit code, stdout and stderr of running {@code command} with {@code args} (none of which gets to run a benchmark). */
  private record Run(int code, String out, String err) {}

  private static Run execute(Object command, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = BenchmarkCommand.commandLine(command);
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int code = cli.execute(args);
    return new Run(code, out.toString(), err.toString());
  }

  @Test
  void kpiVsPassThroughDefaultsAndOptions() {
    KpiVsPassThrough.Command defaults = parse(new KpiVsPassThrough.Command());
    assertThat(defaults.hours).isEqualTo(4);
    assertThat(defaults.rounds).isEqualTo(3);
    assertThat(defaults.start).isEqualTo(Instant.parse("2026-11-02T00:00:00Z"));

    KpiVsPassThrough.Command given =
        parse(new KpiVsPassThrough.Command(), "--hours", "6", "--rounds", "5", "--start", "2026-12-01T06:00:00Z");
    assertThat(given.hours).isEqualTo(6);
    assertThat(given.rounds).isEqualTo(5);
    assertThat(given.start).isEqualTo(Instant.parse("2026-12-01T06:00:00Z"));
  }

  @Test
  void aBadValueIsRefusedWithOneLineAndExitCode2() {
    Run run = execute(new KpiVsPassThrough.Command(), "--hours", "x");

    assertThat(run.code()).isEqualTo(BenchmarkCommand.USAGE);
    assertThat(run.out()).isEmpty();
    assertThat(run.err()).isEqualTo("KpiVsPassThrough: Invalid value for option '--hours': 'x' is not a long"
        + " (see 'KpiVsPassThrough --help')" + System.lineSeparator());
  }

  @Test
  void anUnknownOptionOrAMissingValueIsRefused() {
    Run unknown = execute(new RegistryVsSingleObject.Command(), "--hours", "2", "--seconds", "60");
    assertThat(unknown.code()).isEqualTo(BenchmarkCommand.USAGE);
    assertThat(unknown.err()).isEqualTo("RegistryVsSingleObject: Unknown options: '--seconds', '60'"
        + " (see 'RegistryVsSingleObject --help')" + System.lineSeparator());

    Run missing = execute(new SimulateVsProducerPerf.Command(), "--records");
    assertThat(missing.code()).isEqualTo(BenchmarkCommand.USAGE);
    assertThat(missing.err()).hasLineCount(1).startsWith("simulate-vs-producerperf: Missing required parameter for option '--records'");
  }

  @Test
  void helpPrintsTheUsageWithEveryOption() {
    Run run = execute(new ScaleCurve.Command(), "--help");

    assertThat(run.code()).isZero();
    assertThat(run.err()).isEmpty();
    assertThat(run.out()).startsWith("Usage: ScaleCurve [-hV] [--quick] [--app-jar=JAR] [--events=N] [--out=FILE]");
    assertThat(run.out()).contains("--quick", "--events=N", "--sizes=N[,N...]", "--timeout=DURATION", "--app-jar=JAR", "--out=FILE");
  }

  @Test
  void registryVsSingleObjectDefaults() {
    RegistryVsSingleObject.Command defaults = parse(new RegistryVsSingleObject.Command());
    assertThat(defaults.hours).isEqualTo(2);
    assertThat(defaults.rounds).isEqualTo(3);
  }

  @Test
  void producerPerfBenchmarksDefaultsAndOptions() {
    SimulateVsProducerPerf.Command simulate = parse(new SimulateVsProducerPerf.Command());
    assertThat(List.of(simulate.run.records, simulate.run.rounds, simulate.run.partitions, simulate.run.warmup))
        .containsExactly(2_000_000, 3, 12, 500_000);

    ReplayVsProducerPerf.Command replay = parse(new ReplayVsProducerPerf.Command());
    assertThat(List.of(replay.run.records, replay.run.rounds, replay.run.partitions, replay.run.warmup))
        .containsExactly(2_000_000, 3, 12, 500_000);
    assertThat(replay.compression).isEqualTo(Compression.DEFLATE);

    ReplayVsProducerPerf.Command given = parse(new ReplayVsProducerPerf.Command(),
        "--records", "1000", "--rounds", "1", "--partitions", "3", "--warmup", "10", "--compression", "zstd");
    assertThat(List.of(given.run.records, given.run.rounds, given.run.partitions, given.run.warmup)).containsExactly(1000, 1, 3, 10);
    assertThat(given.compression).isEqualTo(Compression.ZSTD);

    Run lz4 = execute(new ReplayVsProducerPerf.Command(), "--compression", "lz4");
    assertThat(lz4.code()).isEqualTo(BenchmarkCommand.USAGE);
    assertThat(lz4.err()).hasLineCount(1).contains("'--compression'", "'lz4'");
  }

  @Test
  void scaleCurveDefaultsAndOptions() {
    ScaleCurve.Command defaults = parse(new ScaleCurve.Command());
    assertThat(defaults.quick).isFalse();
    assertThat(defaults.events).isNull();
    assertThat(defaults.sizes).containsExactly(1, 10, 30, 300);
    assertThat(defaults.timeout).isNull();
    assertThat(defaults.appJar).isEqualTo(APP_JAR);
    assertThat(defaults.out).isNull();

    ScaleCurve.Command given = parse(new ScaleCurve.Command(), "--quick", "--sizes", "1, 30", "--events", "500000",
        "--timeout", "5m", "--app-jar", "x.jar", "--out", "r.md");
    assertThat(given.quick).isTrue();
    assertThat(given.sizes).containsExactly(1, 30);
    assertThat(given.events).isEqualTo(500_000L);
    assertThat(given.timeout).isEqualTo(Duration.ofMinutes(5));
    assertThat(given.appJar).isEqualTo(Path.of("x.jar"));
    assertThat(given.out).isEqualTo(Path.of("r.md"));

    Run badTimeout = execute(new ScaleCurve.Command(), "--timeout", "soon");
    assertThat(badTimeout.code()).isEqualTo(BenchmarkCommand.USAGE);
    assertThat(badTimeout.err()).hasLineCount(1).startsWith("ScaleCurve: Invalid value for option '--timeout': 'soon' is not a duration");
  }

  @Test
  void realTimeFabDefaultsOptionsAndAlternatives() {
    RealTimeFab.Command defaults = parse(new RealTimeFab.Command());
    assertThat(defaults.quick).isFalse();
    assertThat(defaults.plant).isNull();
    assertThat(defaults.linesRepeated).isNull();
    assertThat(defaults.duration).isNull();
    assertThat(defaults.appJar).isEqualTo(APP_JAR);
    assertThat(defaults.out).isNull();

    RealTimeFab.Command given = parse(new RealTimeFab.Command(), "--lines-repeated", "30", "--duration", "1h30m");
    assertThat(given.linesRepeated).isEqualTo(30);
    assertThat(given.duration).isEqualTo(Duration.ofMinutes(90));

    Run both = execute(new RealTimeFab.Command(), "--plant", "samples/fab-scale.yaml", "--lines-repeated", "2");
    assertThat(both.code()).isEqualTo(BenchmarkCommand.USAGE);
    assertThat(both.err()).isEqualTo("RealTimeFab: --plant and --lines-repeated are alternatives; give one of them"
        + " (see 'RealTimeFab --help')" + System.lineSeparator());
  }

  @Test
  void updatesLatencyPassesItsAggregateOptionsOnAsGiven() {
    UpdatesLatency.Command defaults = parse(new UpdatesLatency.Command());
    assertThat(defaults.hours).isEqualTo(2);
    assertThat(defaults.seconds).isEqualTo(60);
    assertThat(defaults.appJar).isEqualTo(APP_JAR);
    assertThat(defaults.aggregateOptions()).isEmpty();

    UpdatesLatency.Command given = parse(new UpdatesLatency.Command(),
        "--command-config", "streams.properties", "--update-interval", "1s", "--seconds", "15");
    assertThat(given.seconds).isEqualTo(15);
    assertThat(given.aggregateOptions())
        .containsExactly("--update-interval", "1s", "--command-config", "streams.properties");
  }

  @Test
  void suiteDefaultsAndOptions() {
    BenchmarkSuite.Command defaults = parse(new BenchmarkSuite.Command());
    assertThat(defaults.quick).isFalse();
    assertThat(defaults.out).isNull();
    assertThat(defaults.appJar).isEqualTo(APP_JAR);
    assertThat(defaults.fabPlant).isNull();

    BenchmarkSuite.Command given = parse(new BenchmarkSuite.Command(), "--quick", "--fab-plant", "p.yaml", "--out", "r.md");
    assertThat(given.quick).isTrue();
    assertThat(given.fabPlant).isEqualTo(Path.of("p.yaml"));
    assertThat(given.out).isEqualTo(Path.of("r.md"));

    Run unknown = execute(new BenchmarkSuite.Command(), "--plant", "p.yaml");
    assertThat(unknown.code()).isEqualTo(BenchmarkCommand.USAGE);
    assertThat(unknown.err()).hasLineCount(1).startsWith("run-all.sh: Unknown option");
  }
}
