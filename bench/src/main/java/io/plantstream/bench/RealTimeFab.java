package io.plantstream.bench;

import static io.plantstream.bench.BenchmarkReport.row;
import static org.awaitility.Awaitility.await;

import io.plantstream.avro.SiteKpi;
import io.plantstream.broker.EmbeddedKafkaBroker;
import io.plantstream.producer.model.Durations;
import io.plantstream.producer.model.PlantModel;
import io.plantstream.schemas.Topic;
import io.plantstream.schemas.Topics;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Callable;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.awaitility.core.ConditionTimeoutException;
import picocli.CommandLine;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * A fab-scale plant in real time on this machine, everything included: {@code plant simulate
 * --speed 1} in a JVM of its own, the embedded broker in this one, and {@code plant aggregate
 * --http-port} from the packaged jar in a third ({@value ScaleCurve#HEAP_CAP}, GC log), for
 * {@code --duration} of simulated (and so wall-clock) time. The simulator starts its simulated
 * clock at the wall clock's second when it starts and paces from its first event, which it
 * publishes after the machines: event times track the wall clock, behind it by a fixed start-up
 * offset of a second or few. That offset (the simulator's smallest distance behind the wall clock
 * over the run) is measured and taken out of the figures the goals judge, because a real plant
 * stamps events as they happen; what the simulator falls behind beyond it still counts, and the
 * raw wall-clock figures are reported too.
 *
 * <ul>
 *   <li><b>input rate</b>: events the simulator published over the simulated time they span;
 *   <li><b>lag</b>, sampled every second: wall-clock now minus the lowest stream time of the
 *       application's telemetry partitions ({@code plantstream_stream_time_seconds} on its
 *       {@code /metrics}, the largest accepted event time per partition), counted from the first
 *       second all 12 partitions report until the simulator's last event; the simulator's own
 *       distance behind the wall clock ({@code plantstream_simulator_simulated_time_seconds}) gives
 *       the start-up offset;
 *   <li><b>final site records</b>: a {@code read_committed} consumer of the site 1-minute topic
 *       notes when the first record with {@code final: true} of each site and minute arrives; its
 *       delay is that wall-clock arrival minus the window's end. Every window ending at least the
 *       grace before the last event must get one; a window without it 60 s after the simulator
 *       ends counts as missing.
 * </ul>
 *
 * <pre>
 * bench/run-benchmark.sh RealTimeFab [--quick] [--plant samples/fab-scale.yaml | --lines-repeated N]
 *     [--duration 10m] [--app-jar app/target/plantstream.jar] [--out FILE]
 * </pre>
 *
 * <p>{@code --lines-repeated N} runs the default plant with every line repeated N times instead of
 * a plant file ({@code --quick}: 3 times, 2 minutes).
 */
public final class RealTimeFab {

  /** Where the fab-scale sample plant of the goal is, from the repository's root. */
  static final String FAB_SCALE_PATH = "samples/fab-scale.yaml";

  private static final Duration GRACE = Duration.ofSeconds(30);
  private static final double LAG_GOAL_SECONDS = 5;
  /** Final site records are due within the grace plus this after their window's end. */
  private static final Duration FINAL_MARGIN = Duration.ofSeconds(2);
  private static final Duration FINAL_WAIT = Duration.ofSeconds(60);
  private static final Pattern HTTP_PORT = Pattern.compile("^HTTP on http://[^ ]+:(\\d+) ");
  private static final Pattern METRICS_PORT = Pattern.compile("^metrics on http://[^ ]+:(\\d+)/metrics");
  private static final Pattern PUBLISHED = Pattern.compile("^published (\\d+) events .*simulated from (\\S+) to (\\S+)");

  private final Path plant;
  private final String plantLabel;
  private final Duration duration;
  private final Path appJar;

  /** A run of the plant in {@code plant} (described as {@code plantLabel}) for {@code duration} at speed 1. */
  RealTimeFab(Path plant, String plantLabel, Duration duration, Path appJar) {
    this.plant = plant;
    this.plantLabel = plantLabel;
    this.duration = duration;
    this.appJar = appJar;
  }

  /** Runs on its own broker and writes the report to {@code --out} (default bench/results/); options of {@link Command}. */
  public static void main(String[] args) {
    BenchmarkCommand.run(new Command(), args);
  }

  /** The command line of {@link #main}; what is not given takes its default, small with {@code --quick}. */
  @CommandLine.Command(name = "RealTimeFab", mixinStandardHelpOptions = true,
      description = "A fab-scale plant in real time on this machine: plant simulate --speed 1, the embedded broker "
          + "and plant aggregate from the packaged jar.")
  static final class Command implements Callable<Void> {

    @Spec CommandLine.Model.CommandSpec spec;

    @Option(names = "--quick", description = "Small defaults (the default plant with its lines repeated 3 times, "
        + "2 minutes), to check the benchmark works, not to quote.")
    boolean quick;

    @Option(names = "--plant", paramLabel = "FILE", description = "The plant file (default " + FAB_SCALE_PATH + ").")
    Path plant;

    @Option(names = "--lines-repeated", paramLabel = "N",
        description = "The default plant with every line repeated N times instead of a plant file.")
    Integer linesRepeated;

    @Option(names = "--duration", paramLabel = "DURATION", converter = BenchmarkCommand.DurationConverter.class,
        description = "Simulated (and so wall-clock) time of the run (default 10m, 2m with --quick).")
    Duration duration;

    @Option(names = "--app-jar", paramLabel = "JAR", description = "The packaged application (default ${DEFAULT-VALUE}).")
    Path appJar = Path.of("app/target/plantstream.jar");

    @Option(names = "--out", paramLabel = "FILE", description = "Where the report is written (default bench/results/real-time-fab-<time>.md).")
    Path out;

    /**
     * The run these options describe: {@code --lines-repeated} writes its plant into a temporary
     * file; throws {@link IllegalArgumentException} for both {@code --plant} and
     * {@code --lines-repeated}, or no plant file.
     */
    RealTimeFab run() throws IOException {
      if (plant != null && linesRepeated != null) {
        throw new IllegalArgumentException("--plant and --lines-repeated are alternatives; give one of them");
      }
      Duration runFor = duration != null ? duration : Duration.ofMinutes(quick ? 2 : 10);
      Integer repeated = linesRepeated != null ? linesRepeated : quick && plant == null ? Integer.valueOf(3) : null;
      if (repeated != null) {
        int times = repeated;
        Path file = RepeatedPlantFile.write(times, Files.createTempFile("plantstream-plant-x" + times + "-", ".yaml"));
        return new RealTimeFab(file, "default plant, lines ×" + times, runFor, appJar);
      }
      Path file = plant != null ? plant : Path.of(FAB_SCALE_PATH);
      if (!Files.isRegularFile(file)) {
        throw new IllegalArgumentException("no plant file " + file + "; give --plant FILE or --lines-repeated N");
      }
      return new RealTimeFab(file, file.toString(), runFor, appJar);
    }

    @Override
    public Void call() throws Exception {
      Instant started = Instant.now();
      RealTimeFab run;
      try {
        run = run();
      } catch (IllegalArgumentException e) {
        throw new ParameterException(spec.commandLine(), e.getMessage(), e);
      }
      BenchmarkSuite.printMachine();
      Outcome outcome;
      try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.startDefault()) {
        outcome = run.measure(broker);
      }
      String report = BenchmarkReport.header("Fab-scale plant in real time", started, quick,
          BenchmarkReport.command("RealTimeFab", spec.commandLine().getParseResult().originalArgs().toArray(new String[0])),
          "one embedded KRaft broker in the benchmark's JVM; "
              + "`plant simulate --speed 1` and `plant aggregate` from the packaged jar, each in its own JVM")
          + BenchmarkReport.TABLE_HEADER + String.join("", outcome.rows()) + "\n" + outcome.details();
      BenchmarkReport.write(out != null ? out : BenchmarkReport.defaultOut("real-time-fab", started), report);
      return null;
    }
  }

  /**
   * One sample of the lag sampler.
   *
   * @param nanos when it was taken, {@link System#nanoTime()}
   * @param lagSeconds wall clock minus the lowest stream time; NaN until every partition reports one
   * @param simulatorBehindSeconds wall clock minus the simulator's newest event time; NaN before its first
   * @param emissionLagMax the application's own largest window end to emission time, seconds, per KPI topic
   */
  record Sample(long nanos, double lagSeconds, double simulatorBehindSeconds, Map<String, Double> emissionLagMax) {}

  /**
   * What one run measured. Lags and delays are against the wall clock; {@link #startOffsetMillis}
   * is subtracted from them where they are judged (see {@link RealTimeFab}).
   *
   * @param plant the plant that ran
   * @param machines its machines
   * @param duration the simulated time asked for
   * @param events events the simulator published
   * @param inputRate those events over the simulated time they span, per second
   * @param lagMillis wall clock minus the lowest stream time, each second while the simulator ran with every
   *     partition reporting, ms, sorted
   * @param steadyLagMillis the same from a minute after the first such sample on: without the
   *     application's warm-up (its first events run through code the JIT has not compiled yet)
   * @param firstLagAfterSeconds seconds from the simulator's start to the first such sample
   * @param missedSamples samples after the first such one without a stream time from every partition
   *     (the application did not answer, or a partition went missing): an outage the lag cannot show
   * @param simulatorBehindMillis the simulator's distance behind the wall clock at the same samples, ms, sorted
   * @param windowsExpected site minutes that had to get a final record
   * @param finalDelayMillis wall-clock arrival minus window end of each final record that came, ms, sorted
   * @param emissionLagMax the application's own largest window end to emission time while the simulator ran,
   *     seconds, per KPI topic ({@code plantstream_kpi_emission_lag_seconds_max})
   * @param peakHeapMb application's largest heap in use before a collection
   * @param liveHeapMb application's heap after a full collection at the end
   * @param peakRssMb application's peak resident set
   * @param applicationEnded how the application had ended before the run did; null if it ran throughout
   */
  record Outcome(String plant, int machines, Duration duration, long events, double inputRate, long[] lagMillis,
      long[] steadyLagMillis, double firstLagAfterSeconds, int missedSamples, long[] simulatorBehindMillis, int windowsExpected,
      long[] finalDelayMillis, Map<String, Double> emissionLagMax, long peakHeapMb, long liveHeapMb, long peakRssMb,
      String applicationEnded) {

    /**
     * The simulator's start-up offset: its smallest distance behind the wall clock over the run, ms
     * (0 if never sampled). Event times trail the wall clock by it from the first event on.
     */
    double startOffsetMillis() {
      return simulatorBehindMillis.length == 0 ? 0 : Math.max(0, simulatorBehindMillis[0]);
    }

    /** Expected site minutes without a final record. */
    int missing() {
      return windowsExpected - finalDelayMillis.length;
    }

    /** The lag's goal: never above 5 s, the simulator's start-up offset taken out, with no sample missed. */
    boolean lagMet() {
      return lagMillis.length > 0 && missedSamples == 0 && applicationEnded == null
          && max(lagMillis) - startOffsetMillis() <= LAG_GOAL_SECONDS * 1000;
    }

    /** The final records' goal: every one, each within the grace plus 2 s, the simulator's start-up offset taken out. */
    boolean finalsMet() {
      return windowsExpected > 0 && missing() == 0
          && max(finalDelayMillis) - startOffsetMillis() <= GRACE.plus(FINAL_MARGIN).toMillis();
    }

    /** The rows of the report's table of figures against goals. */
    List<String> rows() {
      String plantText = String.format(Locale.ROOT, "%,d machines (%s)", machines, plant);
      String offset = "simulator's start-up offset " + seconds(startOffsetMillis()) + " taken out";
      String missed = missedSamples == 0 ? "" : String.format(Locale.ROOT, "; **%d samples without an answer**",
          missedSamples);
      List<String> rows = new ArrayList<>();
      if (applicationEnded != null) {
        rows.add(row("real time: application", "**ended during the run**: " + applicationEnded, "–", "–",
            "runs throughout", false));
      }
      rows.addAll(List.of(
          row("real time: input rate", String.format(Locale.ROOT, "%,.0f events/s", inputRate),
              plantText + ", " + Durations.format(duration) + " at speed 1", "–", "–", null),
          row("real time: lag", String.format(Locale.ROOT, "max %s, p99 %s (%d samples%s; against the wall clock max %s)",
                  net(max(lagMillis)), net(Percentile.of(lagMillis, 0.99)), lagMillis.length, missed,
                  seconds(max(lagMillis))),
              offset, "–", "≤ " + (long) LAG_GOAL_SECONDS + " s", lagMet()),
          row("real time: lag after the first minute", String.format(Locale.ROOT, "max %s, p99 %s (%d samples)",
                  net(max(steadyLagMillis)), net(Percentile.of(steadyLagMillis, 0.99)), steadyLagMillis.length),
              offset, "–", "–", null),
          row("real time: final site record after its window's end", String.format(Locale.ROOT,
                  "p50 %s, p99 %s, max %s (%d site minutes, %d missing; against the wall clock max %s)",
                  net(Percentile.of(finalDelayMillis, 0.5)), net(Percentile.of(finalDelayMillis, 0.99)),
                  net(max(finalDelayMillis)), windowsExpected, missing(), seconds(max(finalDelayMillis))),
              offset, "–", "≤ " + GRACE.plus(FINAL_MARGIN).toSeconds() + " s, none missing", finalsMet()),
          row("real time: streams heap and RSS", String.format(Locale.ROOT, "peak %d MB in use, %s live after a "
                  + "full GC, RSS %s", peakHeapMb, mb(liveHeapMb), mb(peakRssMb)), "cap " + ScaleCurve.HEAP_CAP.substring(4),
              "–", "–", null)));
      return rows;
    }

    /** How each figure was measured, against the wall clock and with the simulator's start-up offset taken out. */
    String details() {
      return String.format(Locale.ROOT, """
          ### Fab-scale plant in real time: %,d machines (%s), %s at speed 1

          - **input**: %,d events published by `plant simulate --speed 1` (seed 42), over the simulated time they \
          span: %,.0f events/s.
          - **simulator's start-up offset**: `plant simulate` starts simulated time at the wall clock's second \
          when it starts and paces from its first event, which it publishes after the machines, so event times \
          trail the wall clock by a fixed offset from the start: %s here, its smallest distance behind the wall \
          clock (`plantstream_simulator_simulated_time_seconds`, every second; p50 %s, max %s). A real plant \
          stamps events as they happen, so the goals are judged with this offset taken out; anything the \
          simulator falls behind beyond it (a loaded machine) still counts.
          - **lag**: sampled every second from `/metrics` of `plant aggregate`: wall-clock now minus the lowest \
          `plantstream_stream_time_seconds` (largest accepted event time) over the 12 telemetry partitions, from \
          the first second all of them report (%s after the simulator started) to its last event, %d samples; \
          %d later samples had no stream time from every partition (no answer, or a partition gone), and count \
          against the goal. Offset taken out: p50 %s, p99 %s, max %s; against the wall clock: p50 %s, p99 %s, max %s.
          - **final site records**: wall-clock arrival of the first `final: true` record of each site and minute \
          on the site 1-minute topic (`read_committed`) minus the window's end, for every window ending at least \
          the grace (%d s) before the last event; %d of %d site minutes had none %d s after the simulator ended. \
          Offset taken out: p50 %s, p99 %s, max %s; against the wall clock: p50 %s, p99 %s, max %s. The goal is \
          the grace plus %d s. The application's own largest time from a window's end (event time) to the \
          emission of its record while the simulator ran (`plantstream_kpi_emission_lag_seconds_max`, Kafka \
          Streams' end-to-end latency at each sink): %s.
          """, machines, plant, Durations.format(duration), events, inputRate, seconds(startOffsetMillis()),
          seconds(Percentile.of(simulatorBehindMillis, 0.5)), seconds(max(simulatorBehindMillis)),
          seconds(firstLagAfterSeconds * 1000), lagMillis.length, missedSamples,
          net(Percentile.of(lagMillis, 0.5)), net(Percentile.of(lagMillis, 0.99)), net(max(lagMillis)),
          seconds(Percentile.of(lagMillis, 0.5)), seconds(Percentile.of(lagMillis, 0.99)), seconds(max(lagMillis)),
          GRACE.toSeconds(), missing(), windowsExpected, FINAL_WAIT.toSeconds(),
          net(Percentile.of(finalDelayMillis, 0.5)), net(Percentile.of(finalDelayMillis, 0.99)), net(max(finalDelayMillis)),
          seconds(Percentile.of(finalDelayMillis, 0.5)), seconds(Percentile.of(finalDelayMillis, 0.99)),
          seconds(max(finalDelayMillis)), FINAL_MARGIN.toSeconds(),
          emissionLagMax.isEmpty() ? "none reported" : emissionLagMax.entrySet().stream().map(topic -> String.format(
              Locale.ROOT, "%s %.1f s", topic.getKey(), topic.getValue())).collect(Collectors.joining(", ")));
    }

    private String net(double millis) {
      return seconds(millis - startOffsetMillis());
    }

    private static double max(long[] sorted) {
      return Percentile.of(sorted, 1.0);
    }

    private static String seconds(double millis) {
      return Double.isNaN(millis) ? "–" : String.format(Locale.ROOT, "%.1f s", millis / 1000);
    }

    private static String mb(long mb) {
      return mb < 0 ? "–" : mb + " MB";
    }
  }

  /** Runs the plant, the application and the samplers against {@code broker}; prints and returns what it measured. */
  Outcome measure(EmbeddedKafkaBroker broker) throws Exception {
    PlantModel model = PlantModel.load(plant);
    System.out.printf(Locale.ROOT, "real time: %s, %,d machines, %s at speed 1%n", plantLabel, model.machines().size(),
        Durations.format(duration));
    Topics topics = new Topics("fab.");
    String applicationId = "bench-fab-" + System.nanoTime();
    Path work = Files.createTempDirectory("plantstream-fab-");
    String bootstrap = broker.bootstrapServers();
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
      BenchTopics.create(admin, topics);
      try (PlantJvm app = PlantJvm.start("aggregate", appJar, ScaleCurve.HEAP_CAP, work.resolve("aggregate"),
              List.of("aggregate", "--bootstrap-servers", bootstrap, "--topic-prefix", topics.prefix(),
                  "--application-id", applicationId, "--state-dir", work.resolve("state").toString(),
                  "--grace", GRACE.toSeconds() + "s", "--http-port", "0"));
          FinalSiteRecords finals = new FinalSiteRecords(bootstrap, topics.siteKpi1m())) {
        int appPort = port(app, HTTP_PORT, "its HTTP port");
        finals.start();
        return run(model, app, appPort, finals, bootstrap, topics, work);
      } finally {
        BenchTopics.deleteWithPrefix(admin, topics.prefix(), applicationId + "-");
      }
    }
  }

  private Outcome run(PlantModel model, PlantJvm app, int appPort, FinalSiteRecords finals, String bootstrap,
      Topics topics, Path work) throws Exception {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    List<Sample> samples = new CopyOnWriteArrayList<>();
    ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor(runnable -> {
      Thread thread = new Thread(runnable, "lag-sampler");
      thread.setDaemon(true);
      return thread;
    });
    Matcher published;
    long simulatorStarted;
    try (PlantJvm simulator = PlantJvm.start("simulate", appJar, ScaleCurve.HEAP_CAP, work.resolve("simulate"),
        List.of("simulate", "--bootstrap-servers", bootstrap, "--topic-prefix", topics.prefix(), "--plant",
            plant.toString(), "--seed", "42", "--speed", "1", "--duration", Durations.format(duration), "--http-port", "0"))) {
      simulatorStarted = simulator.startedNanos();
      int simulatorPort = port(simulator, METRICS_PORT, "its metrics port");
      sampler.scheduleAtFixedRate(() -> {
        Sample sample = sample(http, appPort, simulatorPort);
        samples.add(sample);
        // Said as it happens, so that a spike can be matched with the application's log and GC log.
        if (sample.lagSeconds() > LAG_GOAL_SECONDS / 2) {
          System.out.printf(Locale.ROOT, "lag %.1f s at %s (simulator %.1f s behind)%n", sample.lagSeconds(),
              Instant.now(), sample.simulatorBehindSeconds());
        }
      }, 0, 1, TimeUnit.SECONDS);
      Duration bound = duration.plus(Duration.ofMinutes(5));
      if (!simulator.awaitExit(bound)) {
        throw new IllegalStateException("the simulator did not end within " + Durations.format(bound) + ": "
            + simulator.describeState());
      }
      PlantJvm.Line summary = simulator.awaitLine(PUBLISHED, Duration.ofSeconds(10)).orElseThrow(() ->
          new IllegalStateException("the simulator did not say what it published: " + simulator.describeState()));
      published = PUBLISHED.matcher(summary.text());
      published.find();
      // Stream times stop with the simulator's last event: later samples would measure the wait, not a lag.
      long lastEventNanos = summary.nanos();
      sampler.shutdown();
      sampler.awaitTermination(10, TimeUnit.SECONDS);
      samples.removeIf(sample -> sample.nanos() > lastEventNanos);
    } finally {
      sampler.shutdownNow();
    }
    long events = Long.parseLong(published.group(1));
    Instant first = Instant.parse(published.group(2));
    Instant last = Instant.parse(published.group(3));
    List<String> expected = expectedWindows(model, first, last);
    try {
      await().atMost(FINAL_WAIT).pollInterval(Duration.ofMillis(500)).until(() -> finals.arrivals().keySet()
          .containsAll(expected));
    } catch (ConditionTimeoutException someMissing) {
      // counted as missing below
    }
    long[] delays = expected.stream().filter(finals.arrivals()::containsKey)
        .mapToLong(key -> finals.arrivals().get(key)).sorted().toArray();
    String applicationEnded = app.isAlive() ? null : app.describeState();
    long rssMb = app.isAlive() ? app.peakRssKb() / 1024 : -1;
    long liveHeapMb = app.isAlive() ? app.liveHeapMb() : -1;
    PlantJvm.HeapPeaks heap = app.heapPeaks();
    List<Sample> full = samples.stream().filter(sample -> !Double.isNaN(sample.lagSeconds())).toList();
    int missed = full.isEmpty() ? 0 : (int) samples.stream()
        .filter(sample -> sample.nanos() > full.get(0).nanos() && Double.isNaN(sample.lagSeconds())).count();
    Outcome outcome = new Outcome(plantLabel, model.machines().size(), duration, events,
        events / Math.max(1e-3, Duration.between(first, last).toMillis() / 1000.0),
        full.stream().mapToLong(sample -> Math.round(sample.lagSeconds() * 1000)).sorted().toArray(),
        full.stream().filter(sample -> sample.nanos() >= full.get(0).nanos() + TimeUnit.MINUTES.toNanos(1))
            .mapToLong(sample -> Math.round(sample.lagSeconds() * 1000)).sorted().toArray(),
        full.isEmpty() ? Double.NaN : (full.get(0).nanos() - simulatorStarted) / 1e9, missed,
        full.stream().filter(sample -> !Double.isNaN(sample.simulatorBehindSeconds()))
            .mapToLong(sample -> Math.round(sample.simulatorBehindSeconds() * 1000)).sorted().toArray(),
        expected.size(), delays, emissionLagMax(samples), heap.peakMb(), liveHeapMb, rssMb, applicationEnded);
    System.out.printf(Locale.ROOT, "real time: %,.0f events/s; simulator's start-up offset %.1f s; lag max %.1f s over %d "
            + "samples; %d of %d final site records, max delay %.1f s (both against the wall clock)%n", outcome.inputRate(),
        outcome.startOffsetMillis() / 1000, Outcome.max(outcome.lagMillis()) / 1000, outcome.lagMillis().length,
        delays.length, expected.size(), Outcome.max(delays) / 1000);
    return outcome;
  }

  /** The largest emission lag per KPI topic over {@code samples}. */
  private static Map<String, Double> emissionLagMax(List<Sample> samples) {
    Map<String, Double> max = new TreeMap<>();
    samples.forEach(sample -> sample.emissionLagMax().forEach((topic, lag) -> max.merge(topic, lag, Math::max)));
    return max;
  }

  /**
   * The keys ({@code siteId@windowStart} as epoch millis) of the site minutes whose final record
   * must come: every window ending after {@code first} and at least the grace (and a second, as
   * stream times stop a little before the last event) before {@code last}.
   */
  static List<String> expectedWindows(PlantModel model, Instant first, Instant last) {
    long minute = Duration.ofMinutes(1).toMillis();
    long closedBy = last.minus(GRACE).minusSeconds(1).toEpochMilli();
    List<String> keys = new ArrayList<>();
    for (long end = Math.floorDiv(first.toEpochMilli(), minute) * minute + minute; end <= closedBy; end += minute) {
      for (String site : model.siteIds()) {
        keys.add(site + "@" + (end - minute));
      }
    }
    return keys;
  }

  /** Takes one sample: the application's lowest partition stream time and the simulator's clock, against now. */
  private static Sample sample(HttpClient http, int appPort, int simulatorPort) {
    long nanos = System.nanoTime();
    double now = System.currentTimeMillis() / 1000.0;
    String app = scrape(http, appPort);
    // The gauge reads 0 until its partition has accepted an event: such a partition reports nothing yet.
    List<Double> streamTimes = values(app, "plantstream_stream_time_seconds").values().stream()
        .filter(time -> time > 0).toList();
    List<Double> simulated = List.copyOf(values(scrape(http, simulatorPort),
        "plantstream_simulator_simulated_time_seconds").values());
    double lowest = streamTimes.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
    Map<String, Double> emissionLag = new TreeMap<>();
    // Kafka Streams reports NaN for a sink that emitted nothing in the metric's window.
    values(app, "plantstream_kpi_emission_lag_seconds_max").forEach((labels, lag) -> {
      if (!Double.isNaN(lag)) {
        emissionLag.merge(label(labels, "topic"), lag, Math::max);
      }
    });
    return new Sample(nanos, streamTimes.size() < Topics.DEFAULT_TELEMETRY_PARTITIONS ? Double.NaN : now - lowest,
        simulated.isEmpty() ? Double.NaN : now - simulated.get(0), emissionLag);
  }

  /** {@code /metrics} at {@code port}; empty if it does not answer within 2 s. */
  private static String scrape(HttpClient http, int port) {
    try {
      HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
          .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
      return response.statusCode() == 200 ? response.body() : "";
    } catch (IOException noAnswer) {
      return "";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "";
    }
  }

  /** The samples of {@code metric} in Prometheus text {@code text}: value by label set ({@code {a="1",b="2"}}, or empty), in order. */
  static Map<String, Double> values(String text, String metric) {
    Map<String, Double> values = new LinkedHashMap<>();
    for (String line : text.split("\n")) {
      if (line.startsWith(metric + "{") || line.startsWith(metric + " ")) {
        int space = line.lastIndexOf(' ');
        values.put(line.substring(metric.length(), space), Double.parseDouble(line.substring(space + 1)));
      }
    }
    return values;
  }

  /** The value of {@code name} in a label set as {@link #values} gives it; empty if absent. */
  static String label(String labels, String name) {
    Matcher value = Pattern.compile("[{,]" + Pattern.quote(name) + "=\"([^\"]*)\"").matcher(labels);
    return value.find() ? value.group(1) : "";
  }

  private static int port(PlantJvm jvm, Pattern line, String what) throws InterruptedException {
    PlantJvm.Line found = jvm.awaitLine(line, Duration.ofMinutes(3)).orElseThrow(() ->
        new IllegalStateException("did not print " + what + ": " + jvm.describeState()));
    Matcher port = line.matcher(found.text());
    port.find();
    return Integer.parseInt(port.group(1));
  }

  /**
   * Reads the site 1-minute topic from the beginning, {@code read_committed}, on a thread of its
   * own, and keeps for each site minute the delay of its first final record: wall-clock arrival
   * minus the window's end, ms.
   */
  private static final class FinalSiteRecords implements AutoCloseable {
    private final KafkaConsumer<String, SiteKpi> consumer;
    private final Topic<String, SiteKpi> topic;
    private final Map<String, Long> arrivals = new ConcurrentHashMap<>();
    private final AtomicBoolean stop = new AtomicBoolean();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private boolean started;

    FinalSiteRecords(String bootstrapServers, Topic<String, SiteKpi> topic) {
      this.consumer = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
          ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed", ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false),
          topic.keySerde().deserializer(), topic.valueSerde().deserializer());
      this.topic = topic;
    }

    void start() {
      List<TopicPartition> partitions = consumer.partitionsFor(topic.name()).stream()
          .map(info -> new TopicPartition(info.topic(), info.partition())).toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Thread thread = new Thread(this::read, "final-site-records");
      thread.setDaemon(true);
      thread.start();
      started = true;
    }

    /** Delay of the first final record per {@code siteId@windowStartMillis}, ms. */
    Map<String, Long> arrivals() {
      return arrivals;
    }

    private void read() {
      try {
        while (!stop.get()) {
          for (ConsumerRecord<String, SiteKpi> record : consumer.poll(Duration.ofMillis(200))) {
            long now = System.currentTimeMillis();
            SiteKpi kpi = record.value();
            if (kpi != null && kpi.getFinal$()) {
              arrivals.putIfAbsent(kpi.getSiteId() + "@" + kpi.getWindowStart().toEpochMilli(),
                  now - kpi.getWindowEnd().toEpochMilli());
            }
          }
        }
      } finally {
        consumer.close();
        stopped.countDown();
      }
    }

    @Override
    public void close() throws InterruptedException {
      if (!started) {
        consumer.close();
        return;
      }
      stop.set(true);
      stopped.await(30, TimeUnit.SECONDS);
    }
  }
}
