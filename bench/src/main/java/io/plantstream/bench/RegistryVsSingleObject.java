package io.plantstream.bench;

import io.plantstream.broker.EmbeddedKafkaBroker;
import io.plantstream.broker.LocalSchemaRegistry;
import io.plantstream.producer.RunLimit;
import io.plantstream.producer.SimulationSummary;
import io.plantstream.producer.model.PlantModel;
import io.plantstream.producer.sim.PlantSimulator;
import io.plantstream.schemas.SchemaRegistry;
import io.plantstream.schemas.Topics;
import io.plantstream.streams.KpiConfig;
import io.plantstream.streams.KpiTopology;
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
import org.apache.kafka.streams.Topology;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * Registry mode against single-object encoding, side by side on one embedded broker and one
 * Apicurio Registry (the real server, fetched like {@code plant registry} does): the simulator
 * publishing the same simulated hours of the five default sites, then the KPI application over
 * each topic. Each round runs both encodings with fresh topics and application ids, in the order
 * that alternates from round to round; the ratios are registry / single-object, per round and
 * their median.
 *
 * <p>Arguments: {@code [--hours H] [--rounds N]} (defaults 2 simulated hours, 3 rounds). Run from
 * the project's root (the registry is fetched into {@code app/target}).
 */
public final class RegistryVsSingleObject {

  private static final Instant START = Instant.parse("2026-11-02T00:00:00Z");

  private RegistryVsSingleObject() {}

  /** Runs the benchmark and prints a Markdown table; options of {@link Command}. */
  public static void main(String[] args) {
    BenchmarkCommand.run(new Command(), args);
  }

  /** The command line of {@link #main}. */
  @CommandLine.Command(name = "RegistryVsSingleObject", mixinStandardHelpOptions = true, showDefaultValues = true,
      description = "Registry mode against single-object encoding, side by side on one embedded broker and one "
          + "Apicurio Registry. Run from the project's root.")
  static final class Command implements Callable<Void> {

    @Option(names = "--hours", paramLabel = "H", description = "Simulated hours published in each round.")
    long hours = 2;

    @Option(names = "--rounds", paramLabel = "N", description = "Rounds after the warm-up.")
    int rounds = 3;

    @Override
    public Void call() throws Exception {
      BenchmarkSuite.printMachine();
      Path root = Path.of(".").toAbsolutePath().normalize();
      Path home = LocalSchemaRegistry.install(root, root.resolve("logs").resolve("registry-fetch.log"));
      try (LocalSchemaRegistry registry = LocalSchemaRegistry.start(home, 0, root.resolve("logs").resolve("bench-registry.log"));
          EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.startDefault()) {
        System.out.println("registry " + registry.url() + ", broker " + broker.bootstrapServers());
        measure(broker, SchemaRegistry.at(registry.url()), hours, rounds);
      }
      return null;
    }
  }

  private static void measure(EmbeddedKafkaBroker broker, SchemaRegistry registry, long hours, int rounds)
      throws Exception {
    Map<String, Object> client = Map.of("bootstrap.servers", broker.bootstrapServers());
    List<double[]> results = new ArrayList<>();
    for (int round = 0; round <= rounds; round++) {
      String label = round == 0 ? "warm-up" : "round " + round;
      Topics plain = new Topics("so" + round + ".");
      Topics framed = new Topics("reg" + round + ".", registry);
      try (Admin admin = Admin.create(client)) {
        BenchTopics.create(admin, plain);
        BenchTopics.create(admin, framed);
      }
      framed.registerSchemas(framed.avroTopics());
      // Odd rounds run single-object first, even rounds registry first: what goes second in a round
      // (a warmer JIT, a fuller page cache) does not always favour the same encoding.
      boolean plainFirst = round % 2 == 1;
      double[] simulator = new double[2];
      simulator[plainFirst ? 0 : 1] = publish(client, plainFirst ? plain : framed, hours);
      simulator[plainFirst ? 1 : 0] = publish(client, plainFirst ? framed : plain, hours);
      long events = lastEvents;
      KpiVsPassThrough.Rate first = KpiVsPassThrough.run(plainFirst ? "kpi-single" : "kpi-registry",
          kpi(plainFirst ? plain : framed), broker, plainFirst ? plain : framed, events);
      KpiVsPassThrough.Rate second = KpiVsPassThrough.run(plainFirst ? "kpi-registry" : "kpi-single",
          kpi(plainFirst ? framed : plain), broker, plainFirst ? framed : plain, events);
      KpiVsPassThrough.Rate kpiPlain = plainFirst ? first : second;
      KpiVsPassThrough.Rate kpiFramed = plainFirst ? second : first;
      System.out.printf(Locale.ROOT, "%s: simulator %,.0f vs %,.0f events/s; KPI app %,.0f vs %,.0f events/s%n",
          label, simulator[0], simulator[1], kpiPlain.perWallSecond(), kpiFramed.perWallSecond());
      if (round > 0) {
        results.add(new double[] {simulator[0], simulator[1], kpiPlain.perWallSecond(), kpiFramed.perWallSecond(),
            kpiPlain.perCpuSecond(), kpiFramed.perCpuSecond()});
      }
    }
    System.out.println();
    System.out.println("| round | simulate, single-object (events/s) | simulate, registry | ratio "
        + "| KPI app, single-object (events/s) | KPI app, registry | ratio | KPI ratio per CPU-s |");
    System.out.println("|---|---|---|---|---|---|---|---|");
    List<Double> simulatorRatios = new ArrayList<>();
    List<Double> kpiRatios = new ArrayList<>();
    List<Double> kpiCpuRatios = new ArrayList<>();
    for (int i = 0; i < results.size(); i++) {
      double[] r = results.get(i);
      simulatorRatios.add(r[1] / r[0]);
      kpiRatios.add(r[3] / r[2]);
      kpiCpuRatios.add(r[5] / r[4]);
      System.out.printf(Locale.ROOT, "| %d | %,.0f | %,.0f | %.0f %% | %,.0f | %,.0f | %.0f %% | %.0f %% |%n", i + 1,
          r[0], r[1], 100 * simulatorRatios.get(i), r[2], r[3], 100 * kpiRatios.get(i), 100 * kpiCpuRatios.get(i));
    }
    System.out.printf(Locale.ROOT, "%nmedian registry / single-object: simulator %.0f %%, KPI app %.0f %% "
        + "(%.0f %% per CPU-second)%n", 100 * KpiVsPassThrough.median(simulatorRatios),
        100 * KpiVsPassThrough.median(kpiRatios), 100 * KpiVsPassThrough.median(kpiCpuRatios));
  }

  private static long lastEvents;

  /** Publishes {@code hours} simulated hours with the seeded default plant; events per second. */
  private static double publish(Map<String, Object> client, Topics topics, long hours) throws InterruptedException {
    PlantSimulator simulator = new PlantSimulator(PlantModel.loadDefault(), 42L, START, Set.of());
    long started = System.nanoTime();
    SimulationSummary summary = BenchTopics.preload(client, topics, simulator, RunLimit.of(Duration.ofHours(hours)));
    double seconds = (System.nanoTime() - started) / 1e9;
    lastEvents = summary.events();
    System.out.printf(Locale.ROOT, "simulate %-6s %,d events in %.1f s%n", topics.prefix(), summary.events(), seconds);
    return summary.events() / seconds;
  }

  private static Topology kpi(Topics topics) {
    return KpiTopology.build(topics, KpiConfig.defaults(), Topics.DEFAULT_TELEMETRY_PARTITIONS);
  }
}
