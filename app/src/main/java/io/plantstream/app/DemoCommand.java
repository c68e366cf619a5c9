package io.plantstream.app;

import io.plantstream.app.http.KpiHttpServer;
import io.plantstream.avro.SiteKpi;
import io.plantstream.broker.EmbeddedKafkaBroker;
import io.plantstream.broker.LocalSchemaRegistry;
import io.plantstream.producer.RunLimit;
import io.plantstream.producer.SimulationRunner;
import io.plantstream.producer.Speed;
import io.plantstream.producer.model.PlantModel;
import io.plantstream.producer.publish.MachinesPublisher;
import io.plantstream.producer.publish.SitesPublisher;
import io.plantstream.producer.publish.TelemetryPublisher;
import io.plantstream.producer.sim.PlantSimulator;
import io.plantstream.schemas.SchemaRegistry;
import io.plantstream.schemas.Topics;
import io.plantstream.streams.KpiApplication;
import io.plantstream.streams.KpiConfig;
import io.plantstream.streams.KpiStreamsConfig;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.utils.Utils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code plant demo}: the whole pipeline on one machine with no Docker: an embedded KRaft broker,
 * the topics, the simulator and the KPI application with its HTTP server (the live dashboard and
 * the KPI API), and a live per-site table.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = {"Run the whole pipeline locally, no Docker needed: embedded Kafka broker, topics, "
        + "plant simulator and KPI streams application, with a live per-site KPI table and a live "
        + "dashboard in the browser (its URL is printed).",
        "Ctrl-C stops everything cleanly."})
final class DemoCommand implements Callable<Integer> {

  private static final Logger log = LoggerFactory.getLogger(DemoCommand.class);
  private static final Duration DEMO_IDLE_AFTER = Duration.ofSeconds(5);
  private static final String HTTP_HOST = "127.0.0.1";

  @Mixin PlantOptions plant;

  @Option(names = "--duration", paramLabel = "DURATION", converter = DurationConverter.class,
      description = "Stop after this much wall-clock time, e.g. 90s (default: run until Ctrl-C).")
  Duration duration;

  @Option(names = "--speed", paramLabel = "N|max", defaultValue = "60", converter = SpeedConverter.class,
      description = "Simulated seconds per second (default: ${DEFAULT-VALUE}: a KPI minute every second).")
  Speed speed;

  @Option(names = "--port", paramLabel = "PORT", defaultValue = "9092",
      description = "Broker port on 127.0.0.1 for other commands to join in (default: ${DEFAULT-VALUE}, "
          + "or a free one if taken).")
  int port;

  @Option(names = "--http-port", paramLabel = "PORT", defaultValue = "8080",
      description = {"Port on 127.0.0.1 of the KPI application's HTTP server: the live dashboard at /, and "
          + "/sites, /sites/{site}/kpis, /machines/{machine}/kpis, /health, /metrics (default: ${DEFAULT-VALUE}, "
          + "or a free one if taken; 0: any free port)."})
  int httpPort;

  @Option(names = "--plain", description = "Print a new table per completed window instead of redrawing in place.")
  boolean plain;

  @Option(names = "--registry", description = {"Also run a schema registry (Apicurio Registry, fetched on first use) and "
      + "write every Avro value in the Confluent wire format with it.",
      "Its URL is printed for other commands' --schema-registry."})
  boolean registry;

  @Option(names = "--registry-port", paramLabel = "PORT", defaultValue = "8081",
      description = "With --registry: its port on 127.0.0.1 (default: ${DEFAULT-VALUE}, or a free one if taken).")
  int registryPort;

  @Override
  public Integer call() throws Exception {
    if (duration != null && (duration.isZero() || duration.isNegative())) {
      throw new UsageException("--duration must be positive, was " + duration);
    }
    if (port < 0 || port > 65_535) {
      throw new UsageException("--port must be 0..65535, was " + port);
    }
    if (httpPort < 0 || httpPort > 65_535) {
      throw new UsageException("--http-port must be 0..65535, was " + httpPort);
    }
    PlantModel model = plant.model();
    PlantSimulator simulator = new PlantSimulator(model, plant.seed,
        Instant.now().truncatedTo(ChronoUnit.MINUTES), plant.siteIds(model));
    Path work = Files.createTempDirectory("plantstream-demo-");
    CountDownLatch finished = new CountDownLatch(1);
    CountDownLatch cleanedUp = new CountDownLatch(1);
    Thread hook = new Thread(() -> {
      finished.countDown();
      try {
        cleanedUp.await(60, TimeUnit.SECONDS);
      } catch (InterruptedException ignored) {
        Thread.currentThread().interrupt();
      }
    }, "demo-stop");
    Runtime.getRuntime().addShutdownHook(hook);

    long started = System.nanoTime();
    int brokerPort = portFree(port) ? port : 0;
    LocalSchemaRegistry schemaRegistry = registry ? RegistryCommand.startRegistry(portFree(registryPort) ? registryPort : 0)
        : null;
    Topics topics = schemaRegistry == null ? Topics.defaults()
        : new Topics(Topics.DEFAULT_PREFIX, SchemaRegistry.at(schemaRegistry.url()));
    System.err.println("starting an embedded Kafka broker...");
    try (schemaRegistry; EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().port(brokerPort).build().start();
        KpiHttpServer http = listen(httpPort)) {
      Map<String, Object> client = Map.of("bootstrap.servers", broker.bootstrapServers());
      try (KafkaCluster cluster = KafkaCluster.connect(client)) {
        cluster.createTopics(topics, Topics.DEFAULT_TELEMETRY_PARTITIONS, (short) 1, null);
      }
      topics.registerSchemas(topics.avroTopics());
      long machines = MachinesPublisher.publish(client, topics.machines(), simulator.machineInfos(), simulator.start());
      long sites = SitesPublisher.publish(client, topics.sites(), simulator.siteInfos(), simulator.start());
      // Simulated time runs fast here: a partition quiet for a few seconds of wall-clock is long quiet.
      // The HTTP server's address is the application's application.server, as with plant aggregate.
      KpiApplication kpis = KpiApplication.forTopics(topics, KpiConfig.defaults().withIdleAfter(DEMO_IDLE_AFTER),
          KpiStreamsConfig.build(broker.bootstrapServers(), "plantstream-demo", work.resolve("state"), topics, Map.of(),
              HTTP_HOST + ":" + http.port()));
      http.serve(kpis, topics);
      try (kpis; TelemetryPublisher publisher = new TelemetryPublisher(client, topics.telemetry());
          SiteKpiBoard board = new SiteKpiBoard(client, topics.siteKpi1m())) {
        kpis.start();
        if (!kpis.awaitRunning(Duration.ofMinutes(2))) {
          throw new IllegalStateException("the KPI application did not start; see logs/plantstream.log");
        }
        SimulationRunner runner = new SimulationRunner(simulator, publisher, speed, RunLimit.none());
        Thread simulation = new Thread(() -> {
          try {
            runner.run();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          } catch (RuntimeException e) {
            log.error("the simulator failed", e);
            finished.countDown();
          }
        }, "demo-simulator");
        simulation.start();
        System.err.printf("broker %s, %d machines at %d sites, simulated from %s at speed %s; up in %.1f s%n",
            broker.bootstrapServers(), machines, sites,
            simulator.start(), speed, (System.nanoTime() - started) / 1e9);
        System.err.println("dashboard: http://" + HTTP_HOST + ":" + http.port() + "/   (KPI API on the same port: "
            + "/sites, /sites/{site}/kpis, /sites/{site}/losses, /machines/{machine}/kpis, /health, /metrics)");
        System.err.println("other terminals can join: ./plant consume plant.kpi.site.1m --bootstrap-servers "
            + broker.bootstrapServers() + (schemaRegistry == null ? "" : " --schema-registry " + schemaRegistry.url())
            + " --from-beginning");
        ConsoleLogging.quiet();
        show(board, publisher, finished);
        runner.stop();
        simulation.join(10_000);
        ConsoleLogging.restore();
        System.err.println("stopping...");
      }
    } finally {
      try {
        Utils.delete(work.toFile());
      } catch (IOException e) {
        log.warn("could not delete {}: {}", work, e.toString());
      }
      cleanedUp.countDown();
    }
    return 0;
  }

  private void show(SiteKpiBoard board, TelemetryPublisher publisher, CountDownLatch finished)
      throws InterruptedException {
    boolean redraw = !plain && System.console() != null;
    PrintStream out = System.out;
    long deadline = duration == null ? Long.MAX_VALUE : System.nanoTime() + duration.toNanos();
    int drawnLines = 0;
    String lastPlain = "";
    long lastDraw = 0;
    while (finished.getCount() > 0 && System.nanoTime() < deadline) {
      boolean changed = board.poll(Duration.ofMillis(250));
      List<SiteKpi> rows = board.rows();
      if (redraw && System.nanoTime() - lastDraw > 500_000_000L) {
        String table = status(publisher, board) + "\n" + KpiTable.sites(rows);
        if (drawnLines > 0) {
          out.print("\033[" + drawnLines + "F");
        }
        for (String line : table.split("\n")) {
          out.print("\033[2K" + line + "\n");
        }
        out.flush();
        drawnLines = table.split("\n").length;
        lastDraw = System.nanoTime();
      } else if (!redraw && changed) {
        String table = KpiTable.sites(rows);
        boolean allFinal = !rows.isEmpty() && rows.stream().allMatch(SiteKpi::getFinal$);
        if (allFinal && !table.equals(lastPlain)) {
          out.println(status(publisher, board));
          out.print(table);
          out.flush();
          lastPlain = table;
        }
      }
      finished.await(0, TimeUnit.MILLISECONDS);
    }
    if (!redraw) {
      out.println(status(publisher, board));
      out.print(KpiTable.sites(board.rows()));
    }
    out.flush();
  }

  private static String status(TelemetryPublisher publisher, SiteKpiBoard board) {
    return String.format("events published: %d   site KPI records: %d   (newest final window per site)",
        publisher.acknowledged(), board.records());
  }

  /** The HTTP server on {@code port} of 127.0.0.1, or on any free port if that one is taken. */
  private static KpiHttpServer listen(int port) throws IOException {
    if (port != 0) {
      try {
        return KpiHttpServer.start(HTTP_HOST, port);
      } catch (java.net.BindException taken) {
        log.info("port {} is taken; the HTTP server takes a free one", port);
      }
    }
    return KpiHttpServer.start(HTTP_HOST, 0);
  }

  private static boolean portFree(int port) {
    if (port == 0) {
      return true;
    }
    try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getByName("127.0.0.1"))) {
      return true;
    } catch (IOException taken) {
      return false;
    }
  }
}
