package io.plantstream.bench;

import static io.plantstream.bench.BenchmarkReport.percent;
import static io.plantstream.bench.BenchmarkReport.row;
import static org.awaitility.Awaitility.await;

import io.plantstream.broker.EmbeddedKafkaBroker;
import io.plantstream.producer.RunLimit;
import io.plantstream.producer.SimulationSummary;
import io.plantstream.producer.model.Durations;
import io.plantstream.producer.model.PlantModel;
import io.plantstream.producer.sim.PlantSimulator;
import io.plantstream.schemas.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.utils.Utils;
import org.awaitility.core.ConditionTimeoutException;
import picocli.CommandLine;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * How the packaged KPI application scales with the plant: the default plant (67 machines) and
 * plants 10, 30 and 300 times larger (every line of every site repeated,
 * {@link PlantModel#withLinesRepeated}), side by side in one run on one broker. For each size: fresh
 * topics (12 telemetry partitions, the project's specs), the same number of events pre-loaded
 * (seed 42, as fast as the broker takes them), then {@code plant aggregate} from the packaged jar
 * in a JVM of its own ({@value #HEAP_CAP}, GC log) with a fresh application id and state directory:
 *
 * <ul>
 *   <li><b>catch-up rate</b>: the events committed after the first poll that saw any committed offset
 *       of the group on the telemetry topic, over the time from that poll to the one that saw every
 *       input offset committed (Admin, every 200 ms);
 *   <li><b>changelog bytes per input byte</b>: the bytes appended to the application's
 *       {@code *-changelog} topics over those appended to the telemetry topic (the broker's
 *       per-topic bytes-in meter), and the same for its repartition topics. Sizes on disk
 *       ({@code describeLogDirs}) are reported too, but they undercount what was written: the log
 *       cleaner compacts a changelog once it rolls a segment, and Kafka Streams purges committed
 *       repartition records;
 *   <li><b>heap</b>: peak in use (GC log), live after {@code jcmd GC.run} at the end, live per 1,000
 *       machines above the default plant's;
 *   <li><b>restore</b>: the application is stopped as Ctrl-C does (SIGTERM), started again on the
 *       same state directory and application id, and timed from its JVM's start to
 *       {@code streams application ... -> RUNNING}; the records restored are the sum of its
 *       {@code restoration finished: N records} lines.
 * </ul>
 *
 * <p>A size that has not caught up within {@code --timeout} is reported as timed out with what it
 * committed by then, and its restart gets the same bound, so a slow size cannot hang the run.
 *
 * <pre>
 * bench/run-benchmark.sh ScaleCurve [--quick] [--events N] [--sizes 1,10,30,300] [--timeout 10m]
 *     [--app-jar app/target/plantstream.jar] [--out FILE]
 * </pre>
 */
public final class ScaleCurve {

  /** The heap cap of the application at every size: the goal is that about 20,000 machines fit in it. */
  static final String HEAP_CAP = "-Xmx1g";

  private static final Instant START = Instant.parse("2026-11-02T00:00:00Z");
  private static final long SEED = 42;
  private static final Duration START_TIMEOUT = Duration.ofMinutes(3);
  private static final Pattern RUNNING = Pattern.compile("streams application \\S+ -> RUNNING");
  private static final Pattern RESTORED = Pattern.compile("restoration finished: (\\d+) records of \\d+ stores in (\\d+) ms");
  /** The goals: catch-up rate against the default plant's from this size on, changelog bytes per input byte. */
  private static final int RATE_GOAL_FROM_TIMES = 30;
  private static final double RATE_GOAL = 0.8;
  private static final double CHANGELOG_GOAL = 1.5;

  private final long events;
  private final List<Integer> sizes;
  private final Duration timeout;
  private final Path appJar;

  /**
   * A curve over plants with their lines repeated {@code sizes} times, {@code events} pre-loaded
   * for each, each size's catch-up and restart bounded by {@code timeout}.
   */
  ScaleCurve(long events, List<Integer> sizes, Duration timeout, Path appJar) {
    this.events = events;
    this.sizes = List.copyOf(sizes);
    this.timeout = timeout;
    this.appJar = appJar;
  }

  /** Runs the curve on its own broker and writes its report to {@code --out} (default bench/results/); options of {@link Command}. */
  public static void main(String[] args) {
    BenchmarkCommand.run(new Command(), args);
  }

  /** The command line of {@link #main}; what is not given takes its default, small with {@code --quick}. */
  @CommandLine.Command(name = "ScaleCurve", mixinStandardHelpOptions = true,
      description = "How the packaged KPI application scales with the plant: the default plant and plants with "
          + "its lines repeated, side by side on one embedded broker.")
  static final class Command implements Callable<Void> {

    @Spec CommandLine.Model.CommandSpec spec;

    @Option(names = "--quick", description = "Small defaults, to check the benchmark works, not to quote.")
    boolean quick;

    @Option(names = "--events", paramLabel = "N", description = "Events pre-loaded for each size (default 1500000, 100000 with --quick).")
    Long events;

    @Option(names = "--sizes", paramLabel = "N", split = "\\s*,\\s*", splitSynopsisLabel = ",",
        description = "Times every line of the default plant is repeated (default 1,10,30,300).")
    List<Integer> sizes = List.of(1, 10, 30, 300);

    @Option(names = "--timeout", paramLabel = "DURATION", converter = BenchmarkCommand.DurationConverter.class,
        description = "Bound of each size's catch-up and restart (default 10m, 3m with --quick).")
    Duration timeout;

    @Option(names = "--app-jar", paramLabel = "JAR", description = "The packaged application (default ${DEFAULT-VALUE}).")
    Path appJar = Path.of("app/target/plantstream.jar");

    @Option(names = "--out", paramLabel = "FILE", description = "Where the report is written (default bench/results/scale-curve-<time>.md).")
    Path out;

    /** The curve these options describe. */
    ScaleCurve curve() {
      return new ScaleCurve(events != null ? events : quick ? 100_000 : 1_500_000, sizes,
          timeout != null ? timeout : Duration.ofMinutes(quick ? 3 : 10), appJar);
    }

    @Override
    public Void call() throws Exception {
      Instant started = Instant.now();
      BenchmarkSuite.printMachine();
      Outcome outcome;
      try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.startDefault()) {
        outcome = curve().measure(broker);
      }
      String report = BenchmarkReport.header("Scale curve", started, quick,
          BenchmarkReport.command("ScaleCurve", spec.commandLine().getParseResult().originalArgs().toArray(new String[0])),
          "one embedded KRaft broker in the benchmark's JVM; `plant aggregate` from the packaged jar in its own JVM")
          + BenchmarkReport.TABLE_HEADER + String.join("", outcome.rows()) + "\n" + outcome.details();
      BenchmarkReport.write(out != null ? out : BenchmarkReport.defaultOut("scale-curve", started), report);
      return null;
    }
  }

  /** How a size's catch-up ended. */
  enum Status {
    /** Every input offset was committed. */
    CAUGHT_UP,
    /** The timeout came first; the figures are over what was committed by then. */
    TIMED_OUT,
    /** The application ended, or never ran. */
    FAILED
  }

  /**
   * The catch-up of one size.
   *
   * @param status how it ended
   * @param committed input events committed at the end
   * @param seconds seconds from the first committed offset to the end
   * @param rate events committed per second over those seconds
   * @param failure what went wrong, for {@link Status#FAILED}
   */
  record CatchUp(Status status, long committed, double seconds, double rate, String failure) {}

  /**
   * The restart of one size on its state directory.
   *
   * @param running whether it reached RUNNING within the timeout
   * @param seconds seconds from starting its JVM to RUNNING (or to giving up)
   * @param records records restored, over every restoration it logged
   * @param millis restoration time it logged, summed
   * @param groupEmptySeconds seconds from the end of the stop until the group was empty, before the restart
   */
  record Restart(boolean running, double seconds, long records, long millis, double groupEmptySeconds) {}

  /**
   * What one size measured.
   *
   * @param times how many times each line of the default plant appears
   * @param machines machines of the plant
   * @param events events pre-loaded
   * @param simulated simulated time the events span
   * @param inputBytes bytes appended to the telemetry topic
   * @param inputBytesOnDisk size of the telemetry topic on disk
   * @param freshStartSeconds seconds from starting the application's JVM to RUNNING, fresh; NaN if it never ran
   * @param catchUp the catch-up
   * @param changelogBytes bytes appended to the application's changelog topics
   * @param changelogBytesOnDisk size on disk of its changelog topics at the end
   * @param repartitionBytes bytes appended to its repartition topics
   * @param peakHeapMb largest heap in use before a collection, MB
   * @param liveHeapMb heap left by a full collection at the end, MB; -1 if not measured
   * @param peakRssMb peak resident set, MB; -1 if not measured
   * @param restart the restart on the same state, null if not run
   */
  record Size(int times, int machines, long events, Duration simulated, long inputBytes, long inputBytesOnDisk,
      double freshStartSeconds, CatchUp catchUp, long changelogBytes, long changelogBytesOnDisk, long repartitionBytes,
      long peakHeapMb, long liveHeapMb, long peakRssMb, Restart restart) {

    /** The committed share of the input: all of it, or less after a timeout or a failure. */
    double processedShare() {
      return (double) catchUp.committed() / events;
    }

    /** Input bytes the application processed. */
    double processedInputBytes() {
      return inputBytes * processedShare();
    }

    /** Changelog bytes written per processed input byte written. */
    double changelogRatio() {
      return changelogBytes / processedInputBytes();
    }

    /** Changelog bytes on disk per processed input byte on disk. */
    double changelogOnDiskRatio() {
      return changelogBytesOnDisk / (inputBytesOnDisk * processedShare());
    }

    /** Repartition bytes per processed input byte. */
    double repartitionRatio() {
      return repartitionBytes / processedInputBytes();
    }

    String label() {
      return String.format(Locale.ROOT, "%,d machines (×%d)", machines, times);
    }
  }

  /** Every size, in the order measured; prints progress and returns them. */
  Outcome measure(EmbeddedKafkaBroker broker) throws Exception {
    System.out.printf(Locale.ROOT, "scale curve: %,d events per size, sizes ×%s, %s per size, application %s%n",
        events, sizes, Durations.format(timeout), HEAP_CAP);
    List<Size> measured = new ArrayList<>();
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
      for (int times : sizes) {
        Size size = measure(broker, admin, times);
        measured.add(size);
        System.out.printf(Locale.ROOT, "×%d done: %s, %,.0f events/s; changelogs %,d B written (%,d on disk), "
            + "repartition %,d B written, input %,d B: %.2f, %.2f and %.2f B per input byte; live heap %d MB%n", times,
            size.catchUp().status(), size.catchUp().rate(), size.changelogBytes(), size.changelogBytesOnDisk(),
            size.repartitionBytes(), size.inputBytes(), size.changelogRatio(), size.changelogOnDiskRatio(),
            size.repartitionRatio(), size.liveHeapMb());
      }
    }
    return new Outcome(events, timeout, measured);
  }

  private Size measure(EmbeddedKafkaBroker broker, Admin admin, int times) throws Exception {
    PlantModel model = PlantModel.loadDefault().withLinesRepeated(times);
    int machines = model.machines().size();
    String prefix = "scale-x" + times + ".";
    Topics topics = new Topics(prefix);
    BenchTopics.create(admin, topics);
    SimulationSummary preloaded = BenchTopics.preload(Map.of("bootstrap.servers", broker.bootstrapServers()), topics,
        new PlantSimulator(model, SEED, START, Set.of()), RunLimit.events(events));
    Duration simulated = Duration.between(preloaded.firstEventTime(), preloaded.lastEventTime());
    long inputBytes = BenchTopics.bytesAppended(topics.telemetry().name());
    long inputBytesOnDisk = BenchTopics.sizes(admin).getOrDefault(topics.telemetry().name(), 0L);
    System.out.printf(Locale.ROOT, "×%d, %,d machines: pre-loaded %,d events (%s simulated), %,d bytes (%,d on disk)%n",
        times, machines, preloaded.events(), Durations.format(simulated.truncatedTo(ChronoUnit.SECONDS)), inputBytes,
        inputBytesOnDisk);

    String applicationId = "bench-scale-x" + times + "-" + System.nanoTime();
    Path work = Files.createTempDirectory("plantstream-scale-x" + times + "-");
    List<String> aggregate = List.of("aggregate", "--bootstrap-servers", broker.bootstrapServers(),
        "--topic-prefix", prefix, "--application-id", applicationId, "--state-dir", work.resolve("state").toString());
    try {
      double freshStart = Double.NaN;
      CatchUp catchUp;
      long changelogBytes = 0;
      long changelogBytesOnDisk = 0;
      long repartitionBytes = 0;
      PlantJvm.HeapPeaks heap;
      long liveHeapMb = -1;
      long rssMb = -1;
      try (PlantJvm app = PlantJvm.start("aggregate ×" + times, appJar, HEAP_CAP, work.resolve("run"), aggregate)) {
        Optional<PlantJvm.Line> running = app.awaitLine(RUNNING, START_TIMEOUT);
        if (running.isEmpty()) {
          catchUp = new CatchUp(Status.FAILED, 0, Double.NaN, Double.NaN,
              "did not reach RUNNING within " + Durations.format(START_TIMEOUT) + ": " + app.describeState());
        } else {
          freshStart = (running.get().nanos() - app.startedNanos()) / 1e9;
          catchUp = catchUp(CommittedInput.of(admin, applicationId, topics.telemetry().name()), app);
        }
        for (Map.Entry<String, Long> topic : BenchTopics.sizes(admin).entrySet()) {
          if (topic.getKey().startsWith(applicationId + "-") && topic.getKey().endsWith("-changelog")) {
            changelogBytes += BenchTopics.bytesAppended(topic.getKey());
            changelogBytesOnDisk += topic.getValue();
          } else if (topic.getKey().startsWith(applicationId + "-") && topic.getKey().endsWith("-repartition")) {
            repartitionBytes += BenchTopics.bytesAppended(topic.getKey());
          }
        }
        if (app.isAlive()) {
          rssMb = app.peakRssKb() / 1024;
          liveHeapMb = app.liveHeapMb();
          if (!app.stop(Duration.ofMinutes(2))) {
            System.out.printf(Locale.ROOT, "×%d did not stop within 2 min of SIGTERM and was killed%n", times);
          }
        }
        heap = app.heapPeaks();
      }
      Restart restart = catchUp.status() == Status.FAILED ? null : restart(admin, applicationId, times, work, aggregate);
      return new Size(times, machines, preloaded.events(), simulated, inputBytes, inputBytesOnDisk, freshStart, catchUp,
          changelogBytes, changelogBytesOnDisk, repartitionBytes, heap.peakMb(), liveHeapMb, rssMb, restart);
    } finally {
      BenchTopics.deleteWithPrefix(admin, prefix, applicationId + "-");
      Utils.delete(work.resolve("state").toFile());
    }
  }

  /** Polls the group's committed input until all of it is committed, the application ends or the timeout passes. */
  private CatchUp catchUp(CommittedInput input, PlantJvm app) throws InterruptedException {
    long[] first = {-1, 0}; // when a committed offset was first seen, and how many events were committed then
    long[] last = {-1, 0};
    try {
      await().atMost(timeout).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(200)).until(() -> {
        long committed = input.committed();
        long now = System.nanoTime();
        if (first[0] < 0 && committed > 0) {
          first[0] = now;
          first[1] = committed;
        }
        last[0] = now;
        last[1] = committed;
        return committed >= input.total() || !app.isAlive();
      });
    } catch (ConditionTimeoutException slow) {
      // reported as timed out, with what was committed by then
    }
    double seconds = first[0] < 0 ? Double.NaN : (last[0] - first[0]) / 1e9;
    double rate = seconds > 0 ? (last[1] - first[1]) / seconds : Double.NaN;
    if (last[1] >= input.total()) {
      return new CatchUp(Status.CAUGHT_UP, last[1], seconds, rate, null);
    }
    if (!app.isAlive()) {
      return new CatchUp(Status.FAILED, last[1], seconds, rate, app.describeState());
    }
    return new CatchUp(Status.TIMED_OUT, last[1], seconds, rate, null);
  }

  /**
   * Waits until the stopped application's group is empty, then starts the application again on the
   * same state directory and application id and times it to RUNNING.
   */
  private Restart restart(Admin admin, String applicationId, int times, Path work, List<String> aggregate)
      throws Exception {
    // A member that does not leave its group on close stays until its session timeout (45 s), and a
    // restart before that waits for it; timed apart, so that the restart shows the restoration.
    long stopped = System.nanoTime();
    await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(250)).until(() -> admin
        .describeConsumerGroups(List.of(applicationId)).all().get().get(applicationId).groupState() == GroupState.EMPTY);
    double groupEmpty = (System.nanoTime() - stopped) / 1e9;
    try (PlantJvm app = PlantJvm.start("aggregate ×" + times + " restart", appJar, HEAP_CAP, work.resolve("restart"),
        aggregate)) {
      Optional<PlantJvm.Line> running = app.awaitLine(RUNNING, timeout);
      long records = 0;
      long millis = 0;
      for (PlantJvm.Line line : app.lines(RESTORED)) {
        Matcher restored = RESTORED.matcher(line.text());
        if (restored.find()) {
          records += Long.parseLong(restored.group(1));
          millis += Long.parseLong(restored.group(2));
        }
      }
      double seconds = (running.map(PlantJvm.Line::nanos).orElse(System.nanoTime()) - app.startedNanos()) / 1e9;
      System.out.printf(Locale.ROOT, "×%d restart (group empty %.1f s after the stop): %s after %.1f s, "
          + "%,d records restored%n", times, groupEmpty, running.isPresent() ? "RUNNING" : "not RUNNING", seconds, records);
      return new Restart(running.isPresent(), seconds, records, millis, groupEmpty);
    }
  }

  /**
   * Every size of one run.
   *
   * @param events events pre-loaded for each size
   * @param timeout bound of each size's catch-up and restart
   * @param sizes what each size measured
   */
  record Outcome(long events, Duration timeout, List<Size> sizes) {

    /** The default plant, if measured and caught up: the reference of the rates. */
    Optional<Size> reference() {
      return sizes.stream().filter(size -> size.times() == 1 && size.catchUp().status() == Status.CAUGHT_UP).findFirst();
    }

    /** The rows of the report's table of figures against goals. */
    List<String> rows() {
      List<String> rows = new ArrayList<>();
      Optional<Size> reference = reference();
      String ceiling = reference.map(size -> String.format(Locale.ROOT, "default plant (%d machines) %,.0f events/s",
          size.machines(), size.catchUp().rate())).orElse("default plant not measured");
      for (Size size : sizes) {
        if (size.times() == 1) {
          continue;
        }
        boolean goal = size.times() >= RATE_GOAL_FROM_TIMES;
        double ratio = size.catchUp().status() == Status.FAILED ? Double.NaN
            : reference.map(r -> size.catchUp().rate() / r.catchUp().rate()).orElse(Double.NaN);
        Boolean met = !goal ? null
            : size.catchUp().status() == Status.CAUGHT_UP && reference.isPresent() && ratio >= RATE_GOAL;
        rows.add(row("catch-up rate, " + size.label(), catchUpText(size), ceiling,
            Double.isNaN(ratio) ? "–" : percent(ratio), goal ? "≥ " + Math.round(100 * RATE_GOAL) + " %" : "–", met));
      }
      StringBuilder changelog = new StringBuilder();
      StringBuilder repartition = new StringBuilder();
      boolean changelogMet = !sizes.isEmpty();
      for (Size size : sizes) {
        String separator = changelog.length() == 0 ? "" : ", ";
        changelog.append(separator).append(String.format(Locale.ROOT, "%.2f", size.changelogRatio()))
            .append(" (×").append(size.times()).append(')');
        repartition.append(separator).append(String.format(Locale.ROOT, "%.2f", size.repartitionRatio()));
        changelogMet &= size.catchUp().status() != Status.FAILED && size.changelogRatio() <= CHANGELOG_GOAL;
      }
      rows.add(row("changelog bytes written per input byte", changelog.toString(), "–", "repartition " + repartition,
          "≤ " + CHANGELOG_GOAL + " at every size", changelogMet));
      sizes.stream().filter(size -> size.times() != 1).reduce((a, b) -> b).ifPresent(largest -> {
        rows.add(row("streams heap, " + largest.label(), String.format(Locale.ROOT,
            "peak %d MB in use, %s live after a full GC; %s live per 1,000 machines", largest.peakHeapMb(),
            mb(largest.liveHeapMb()), livePerThousand(largest)), "cap " + HEAP_CAP.substring(4), "–",
            "runs within " + HEAP_CAP, largest.catchUp().status() == Status.CAUGHT_UP));
        rows.add(row("restart on its state, " + largest.label(), restartText(largest),
            "fresh start " + seconds(largest.freshStartSeconds()), "–", "–", null));
      });
      return rows;
    }

    /** Live heap per 1,000 machines above the default plant's: (live − default's live) / (machines − default's) × 1,000. */
    String livePerThousand(Size size) {
      Optional<Size> reference = reference();
      if (reference.isEmpty() || size.liveHeapMb() < 0 || reference.get().liveHeapMb() < 0 || size.times() == 1) {
        return "–";
      }
      double perThousand = 1000.0 * (size.liveHeapMb() - reference.get().liveHeapMb())
          / (size.machines() - reference.get().machines());
      return String.format(Locale.ROOT, "%.1f MB", perThousand);
    }

    /** The details: one row per size, then what each column is. */
    String details() {
      StringBuilder out = new StringBuilder(String.format(Locale.ROOT,
          "### Scale curve: %,d events per size, %s bound per size%n%n", events, Durations.format(timeout)));
      out.append("| plant | simulated | input | catch-up | events/s | of default | changelog B / input B "
          + "| on disk | repartition B / input B | peak heap | live heap | live / 1,000 machines | RSS | fresh start "
          + "| restart | records restored |\n|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
      Optional<Size> reference = reference();
      for (Size size : sizes) {
        CatchUp catchUp = size.catchUp();
        out.append(String.format(Locale.ROOT, "| %s | %s | %,d events, %.1f MB | %s | %,.0f | %s | %.2f | %.2f | %.2f | %d MB "
                + "| %s | %s | %s | %s | %s | %s |%n",
            size.label(), Durations.format(size.simulated().truncatedTo(ChronoUnit.SECONDS)), size.events(), size.inputBytes() / 1e6,
            catchUpStatus(catchUp), catchUp.rate(),
            catchUp.status() == Status.FAILED ? "–"
                : reference.map(r -> percent(catchUp.rate() / r.catchUp().rate())).orElse("–"),
            size.changelogRatio(), size.changelogOnDiskRatio(), size.repartitionRatio(), size.peakHeapMb(),
            mb(size.liveHeapMb()),
            livePerThousand(size), mb(size.peakRssMb()), seconds(size.freshStartSeconds()),
            size.restart() == null ? "–" : seconds(size.restart().seconds()) + (size.restart().running() ? "" : " (not RUNNING)")
                + " (" + seconds(size.restart().groupEmptySeconds()) + ")",
            size.restart() == null ? "–" : String.format(Locale.ROOT, "%,d in %,d ms", size.restart().records(),
                size.restart().millis())));
      }
      sizes.stream().filter(size -> size.catchUp().failure() != null).forEach(size ->
          out.append("\n×").append(size.times()).append(" failed: ").append(size.catchUp().failure()).append('\n'));
      out.append("""

          - **catch-up**: events committed after the first poll that saw a committed offset of the application's \
          group on the telemetry topic, over the time from that poll to the one that saw every input offset \
          committed (Admin `listConsumerGroupOffsets`, every 200 ms). A size still behind when its bound passes \
          is reported *timed out*, its rate over what it had committed by then.
          - **changelog B / input B**: bytes appended to the application's `*-changelog` topics over the bytes \
          appended to the telemetry topic (the broker's `BytesInPerSec` meter of each topic), after the catch-up; \
          after a timeout or a failure, over the committed share of the input. **on disk**: the same from the \
          topics' sizes on disk (`describeLogDirs`), which undercount what was written once the log cleaner has \
          compacted a changelog's rolled segments (1 GB each). **repartition B / input B**: bytes appended to its \
          `*-repartition` topics over the input's (on disk they shrink as Kafka Streams purges committed records).
          - **peak heap**: largest heap in use before a collection in the application's GC log; **live heap**: \
          heap left by `jcmd GC.run` after the catch-up; **live / 1,000 machines**: (live − the default plant's \
          live) / (machines − the default plant's machines) × 1,000; **RSS**: peak resident set (VmHWM).
          - **fresh start**, **restart**: from starting the application's JVM to `streams application ... -> \
          RUNNING` in its output; the restart follows a clean stop (SIGTERM) and uses the same state directory \
          and application id. It starts once the group is empty (in brackets, seconds after the stop): an \
          instance that does not leave its group on close stays a member until its session timeout (45 s), and a \
          restart within it would wait for that. **records restored**: the sum of its `restoration finished: N records ... in T ms` \
          lines.
          """);
      return out.toString();
    }

    private String catchUpText(Size size) {
      CatchUp catchUp = size.catchUp();
      return switch (catchUp.status()) {
        case CAUGHT_UP -> String.format(Locale.ROOT, "%,.0f events/s", catchUp.rate());
        case TIMED_OUT -> String.format(Locale.ROOT, "timed out after %s: %,d of %,d events, %,.0f events/s",
            Durations.format(timeout), catchUp.committed(), size.events(), catchUp.rate());
        case FAILED -> String.format(Locale.ROOT, "failed after %,d of %,d events", catchUp.committed(), size.events());
      };
    }

    private String catchUpStatus(CatchUp catchUp) {
      return switch (catchUp.status()) {
        case CAUGHT_UP -> seconds(catchUp.seconds());
        case TIMED_OUT -> String.format(Locale.ROOT, "**timed out** (%,d committed)", catchUp.committed());
        case FAILED -> String.format(Locale.ROOT, "**failed** (%,d committed)", catchUp.committed());
      };
    }

    private static String restartText(Size size) {
      Restart restart = size.restart();
      if (restart == null) {
        return "not run";
      }
      return String.format(Locale.ROOT, "%s to RUNNING%s, %,d records restored (logged %,d ms)",
          seconds(restart.seconds()), restart.running() ? "" : " **not reached**", restart.records(), restart.millis());
    }

    private static String seconds(double seconds) {
      return Double.isNaN(seconds) ? "–" : String.format(Locale.ROOT, "%.1f s", seconds);
    }

    private static String mb(long mb) {
      return mb < 0 ? "–" : mb + " MB";
    }
  }
}
