package io.plantstream.bench;

import static org.awaitility.Awaitility.await;

import io.plantstream.avro.MachineKpi;
import io.plantstream.avro.TelemetryEvent;
import io.plantstream.avro.UnitCompleted;
import io.plantstream.broker.EmbeddedKafkaBroker;
import io.plantstream.producer.RunLimit;
import io.plantstream.producer.SimulationRunner;
import io.plantstream.producer.SimulationSummary;
import io.plantstream.producer.Speed;
import io.plantstream.producer.TelemetrySink;
import io.plantstream.producer.model.PlantModel;
import io.plantstream.producer.publish.TelemetryPublisher;
import io.plantstream.producer.sim.PlantSimulator;
import io.plantstream.schemas.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.awaitility.core.ConditionTimeoutException;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * The streams application as users run it ({@code plant aggregate --emit updates}, the packaged
 * jar, in its own JVM with a 512 MB heap cap) under a steady load of half its capacity: how long
 * from an event's publication until a KPI update that counts it can be read, and how much heap and
 * resident memory the application takes for the five default sites.
 *
 * <ol>
 *   <li>Capacity: {@code --hours} simulated hours of the five sites are pre-loaded; the application
 *       starts and catches up; its rate over the last three quarters of the catch-up (the first
 *       quarter warms the JIT up) is its capacity.
 *   <li>Latency: the simulator then publishes at half that rate for {@code --seconds}. Every unit
 *       an event completes is remembered with the time it was handed to the producer; a
 *       {@code read_committed} consumer of the machine KPI topic notes when each update arrives.
 *       The n-th unit of a machine's minute is counted by the first update of that minute whose
 *       {@code unitsTotal} reaches n: its latency is that arrival minus the unit's publication.
 *       At speed 1 publication is the event time; at half capacity simulated time runs faster,
 *       so publication time is what a reader waits from.
 *   <li>Memory: the application's peak heap in use (largest heap before a collection, from its GC
 *       log), the heap still in use after a full collection at the end (the live state), and its
 *       peak resident set (VmHWM).
 * </ol>
 *
 * <pre>
 * bench/run-benchmark.sh UpdatesLatency [--hours H] [--seconds S] [--app-jar app/target/plantstream.jar]
 *     [--update-interval DURATION] [--command-config FILE]
 * </pre>
 *
 * <p>{@code --command-config FILE} is passed on to {@code plant aggregate}: client and Kafka
 * Streams settings to compare against the defaults.
 */
public final class UpdatesLatency {

  private static final Instant START = Instant.parse("2026-11-02T00:00:00Z");
  /** What {@code plant aggregate} prints once its KPI application is RUNNING. */
  private static final Pattern RUNNING = Pattern.compile("^KPI application '.*' running on ");
  /** The heap cap the application runs with: the issue's goal, so a run that fits proves it. */
  static final String HEAP_CAP = "-Xmx512m";

  private final long hours;
  private final long seconds;
  private final Path appJar;
  private final List<String> aggregateOptions;

  /**
   * A benchmark of {@code hours} simulated hours of catch-up and {@code seconds} of steady load,
   * running the application from {@code appJar} with {@code aggregateOptions} added to its command.
   */
  UpdatesLatency(long hours, long seconds, Path appJar, List<String> aggregateOptions) {
    this.hours = hours;
    this.seconds = seconds;
    this.appJar = appJar;
    this.aggregateOptions = List.copyOf(aggregateOptions);
  }

  /** Runs the benchmark on its own broker; options of {@link Command}. */
  public static void main(String[] args) {
    BenchmarkCommand.run(new Command(), args);
  }

  /** The command line of {@link #main}. */
  @CommandLine.Command(name = "UpdatesLatency", mixinStandardHelpOptions = true, showDefaultValues = true,
      description = "plant aggregate --emit updates from the packaged jar under a steady load of half its capacity: "
          + "latency of KPI updates, heap and RSS.")
  static final class Command implements Callable<Void> {

    @Option(names = "--hours", paramLabel = "H", description = "Simulated hours pre-loaded to measure the capacity.")
    long hours = 2;

    @Option(names = "--seconds", paramLabel = "S", description = "Seconds of steady load at half the capacity.")
    long seconds = 60;

    @Option(names = "--app-jar", paramLabel = "JAR", description = "The packaged application.")
    Path appJar = Path.of("app/target/plantstream.jar");

    @Option(names = "--update-interval", paramLabel = "DURATION", showDefaultValue = CommandLine.Help.Visibility.NEVER,
        description = "Passed on to plant aggregate as given.")
    String updateInterval;

    @Option(names = "--command-config", paramLabel = "FILE", showDefaultValue = CommandLine.Help.Visibility.NEVER,
        description = "Passed on to plant aggregate as given: client and Kafka Streams settings.")
    String commandConfig;

    /** The options added to {@code plant aggregate}'s command, as given. */
    List<String> aggregateOptions() {
      List<String> options = new ArrayList<>();
      if (updateInterval != null) {
        options.addAll(List.of("--update-interval", updateInterval));
      }
      if (commandConfig != null) {
        options.addAll(List.of("--command-config", commandConfig));
      }
      return options;
    }

    @Override
    public Void call() throws Exception {
      BenchmarkSuite.printMachine();
      try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.startDefault()) {
        new UpdatesLatency(hours, seconds, appJar, aggregateOptions()).measure(broker);
      }
      return null;
    }
  }

  /**
   * What one run measured.
   *
   * @param capacity events per second the application caught up at
   * @param load events per second of the steady load
   * @param units units whose latency was measured
   * @param uncounted units no update had counted when the run ended
   * @param p50 median latency, milliseconds
   * @param p99 99th percentile latency, milliseconds
   * @param max largest latency, milliseconds
   * @param peakHeapMb largest heap in use seen by the collector, MB
   * @param liveHeapMb heap left after a full collection at the end of the run, MB: the live state
   * @param peakRssMb peak resident set size of the application's JVM, MB
   */
  record Outcome(double capacity, double load, long units, long uncounted, double p50, double p99, double max,
      long peakHeapMb, long liveHeapMb, long peakRssMb) {}

  /** Runs both phases against {@code broker} with fresh topics; prints and returns what it measured. */
  Outcome measure(EmbeddedKafkaBroker broker) throws Exception {
    Topics topics = new Topics("latency.");
    Map<String, Object> client = Map.of("bootstrap.servers", broker.bootstrapServers());
    try (Admin admin = Admin.create(client)) {
      BenchTopics.create(admin, topics);
    }
    PlantModel model = PlantModel.loadDefault();
    long preloaded = BenchTopics.preload(client, topics, new PlantSimulator(model, 42L, START, Set.of()),
        RunLimit.of(Duration.ofHours(hours))).events();
    System.out.printf(Locale.ROOT, "pre-loaded %,d events (%d simulated hours, 5 sites)%n", preloaded, hours);

    String applicationId = "bench-latency-" + System.nanoTime();
    Path work = Files.createTempDirectory("plantstream-latency-");
    List<String> command = new ArrayList<>(List.of("aggregate",
        "--bootstrap-servers", broker.bootstrapServers(), "--topic-prefix", "latency.",
        "--application-id", applicationId, "--state-dir", work.resolve("state").toString(), "--emit", "updates"));
    command.addAll(aggregateOptions);
    try (PlantJvm app = PlantJvm.start("aggregate", appJar, HEAP_CAP, work, command);
        Admin admin = Admin.create(client)) {
      if (app.awaitLine(RUNNING, Duration.ofMinutes(3)).isEmpty()) {
        throw new IllegalStateException("the application did not reach RUNNING: " + app.describeState());
      }
      double capacity = catchUpRate(CommittedInput.of(admin, applicationId, topics.telemetry().name()),
          Duration.ofMinutes(10));
      double load = capacity / 2;
      System.out.printf(Locale.ROOT, "capacity (catch-up, emit updates): %,.0f events/s; steady load: %,.0f events/s for %d s%n",
          capacity, load, seconds);

      UnitPublications units = new UnitPublications();
      AtomicBoolean stop = new AtomicBoolean();
      Map<String, List<long[]>> arrivalsByKey = new HashMap<>();
      KpiReader reader = new KpiReader(broker.bootstrapServers(), topics, stop, arrivalsByKey);
      Thread readerThread = new Thread(reader, "kpi-reader");
      readerThread.start();
      reader.awaitAssigned();
      PlantSimulator steady = new PlantSimulator(model, 43L, START.plus(Duration.ofHours(hours)), Set.of());
      SimulationSummary summary;
      long loadStarted = System.nanoTime();
      try (TelemetryPublisher publisher = new TelemetryPublisher(client, topics.telemetry())) {
        units.delegate = publisher;
        summary = SimulationRunner.builder(steady, units).speed(Speed.MAX).rate(load)
            .limit(RunLimit.events(Math.round(load * seconds))).build().run();
      }
      double loadSeconds = (System.nanoTime() - loadStarted) / 1e9;
      // Updates come every --update-interval of wall time; wait until every unit is counted, or give up.
      try {
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
            .until(() -> units.uncounted(reader.snapshot()) == 0);
      } catch (ConditionTimeoutException someUncounted) {
        // reported below as units not counted
      }
      stop.set(true);
      readerThread.join();
      long rssKb = app.peakRssKb();
      long liveHeapMb = app.liveHeapMb();
      List<Long> latencies = units.latencies(reader.snapshot());
      long uncounted = units.total() - latencies.size();
      long[] sorted = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
      PlantJvm.HeapPeaks heap = app.heapPeaks();
      Outcome outcome = new Outcome(capacity, summary.events() / loadSeconds,
          sorted.length, uncounted, Percentile.of(sorted, 0.50) / 1e6, Percentile.of(sorted, 0.99) / 1e6,
          (sorted.length == 0 ? 0 : sorted[sorted.length - 1]) / 1e6, heap.peakMb(), liveHeapMb, rssKb / 1024);
      System.out.printf(Locale.ROOT, "latency over %,d units (%,d not counted at the end): p50 %.0f ms, p99 %.0f ms, "
          + "max %.0f ms; steady load achieved %,.0f events/s%n", outcome.units(), uncounted, outcome.p50(),
          outcome.p99(), outcome.max(), outcome.load());
      System.out.printf(Locale.ROOT, "application memory (%s): peak heap in use %d MB (largest after a young "
          + "collection %d MB), live after a full collection at the end %d MB, peak RSS %d MB%n", HEAP_CAP,
          heap.peakMb(), heap.peakAfterGcMb(), liveHeapMb, outcome.peakRssMb());
      return outcome;
    }
  }

  /** Remembers when each unit was published, per machine and minute, in publication order. */
  private static final class UnitPublications implements TelemetrySink {
    private final Map<String, long[]> published = new HashMap<>();
    private final Map<String, Integer> counts = new HashMap<>();
    private TelemetrySink delegate;

    @Override
    public void accept(TelemetryEvent event) {
      if (event.getPayload() instanceof UnitCompleted) {
        String key = key(event.getMachineId(), event.getEventTime().toEpochMilli() / 60_000 * 60_000);
        int count = counts.merge(key, 1, Integer::sum);
        long[] times = published.computeIfAbsent(key, k -> new long[16]);
        if (count > times.length) {
          times = Arrays.copyOf(times, times.length * 2);
          published.put(key, times);
        }
        times[count - 1] = System.nanoTime();
      }
      delegate.accept(event);
    }

    @Override
    public void flush() {
      delegate.flush();
    }

    long total() {
      return counts.values().stream().mapToLong(Integer::longValue).sum();
    }

    /** Units whose minute has no update yet that counts them. */
    long uncounted(Map<String, List<long[]>> arrivals) {
      return total() - latencies(arrivals).size();
    }

    /** For every unit with an update that counts it: arrival minus publication, nanoseconds. */
    List<Long> latencies(Map<String, List<long[]>> arrivals) {
      List<Long> latencies = new ArrayList<>();
      counts.forEach((key, count) -> {
        long[] times = published.get(key);
        int counted = 0;
        for (long[] arrival : arrivals.getOrDefault(key, List.of())) {
          int total = (int) Math.min(count, arrival[0]);
          for (int n = counted; n < total; n++) {
            latencies.add(arrival[1] - times[n]);
          }
          counted = Math.max(counted, total);
        }
      });
      return latencies;
    }
  }

  /** Reads the machine KPI topic from its end, noting each record's units total and arrival time. */
  private static final class KpiReader implements Runnable {
    private final KafkaConsumer<String, MachineKpi> consumer;
    private final Topics topics;
    private final AtomicBoolean stop;
    private final Map<String, List<long[]>> arrivals;
    private final CountDownLatch assigned = new CountDownLatch(1);

    KpiReader(String bootstrapServers, Topics topics, AtomicBoolean stop, Map<String, List<long[]>> arrivals) {
      this.consumer = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
          ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed", ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false),
          topics.machineKpi1m().keySerde().deserializer(), topics.machineKpi1m().valueSerde().deserializer());
      this.topics = topics;
      this.stop = stop;
      this.arrivals = arrivals;
    }

    void awaitAssigned() throws InterruptedException {
      assigned.await();
    }

    synchronized Map<String, List<long[]>> snapshot() {
      Map<String, List<long[]>> copy = new HashMap<>();
      arrivals.forEach((key, list) -> copy.put(key, List.copyOf(list)));
      return copy;
    }

    @Override
    public void run() {
      try (consumer) {
        List<TopicPartition> partitions = consumer.partitionsFor(topics.machineKpi1m().name()).stream()
            .map(info -> new TopicPartition(info.topic(), info.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        partitions.forEach(consumer::position);
        assigned.countDown();
        while (!stop.get()) {
          ConsumerRecords<String, MachineKpi> records = consumer.poll(Duration.ofMillis(20));
          long now = System.nanoTime();
          synchronized (this) {
            for (ConsumerRecord<String, MachineKpi> record : records) {
              MachineKpi kpi = record.value();
              arrivals.computeIfAbsent(key(kpi.getMachineId(), kpi.getWindowStart().toEpochMilli()),
                  k -> new ArrayList<>()).add(new long[] {kpi.getUnitsTotal(), now});
            }
          }
        }
      }
    }
  }

  private static String key(String machineId, long windowStart) {
    return machineId + "@" + windowStart;
  }

  /**
   * Waits until the application has committed all of {@code input}; returns its rate, events per
   * second, from a quarter of the way to the end (the first quarter warms the JIT up).
   */
  private static double catchUpRate(CommittedInput input, Duration timeout) throws Exception {
    long total = input.total();
    long[] quarter = {-1, 0}; // when the first quarter was seen committed, and how much was committed then
    long[] done = {0, 0};
    try {
      await().atMost(timeout).pollInterval(Duration.ofMillis(100)).until(() -> {
        long committed = input.committed();
        long now = System.nanoTime();
        if (quarter[0] < 0 && committed >= total / 4) {
          quarter[0] = now;
          quarter[1] = committed;
        }
        done[0] = now;
        done[1] = committed;
        return committed >= total;
      });
    } catch (ConditionTimeoutException e) {
      throw new IllegalStateException("the application did not catch up within " + timeout + "; "
          + (total - done[1]) + " events left");
    }
    return (total - quarter[1]) / Math.max(1e-9, (done[0] - quarter[0]) / 1e9);
  }
}
