package io.plantstream.app;

import io.plantstream.app.http.CommandMetrics;
import io.plantstream.app.http.KpiHttpServer;
import io.plantstream.app.http.SimulatorMetrics;
import io.plantstream.producer.RunLimit;
import io.plantstream.producer.SimulationRunner;
import io.plantstream.producer.SimulationSummary;
import io.plantstream.producer.Speed;
import io.plantstream.producer.fault.FaultCounts;
import io.plantstream.producer.fault.FaultInjector;
import io.plantstream.producer.fault.FaultRates;
import io.plantstream.producer.model.Machine;
import io.plantstream.producer.model.PlantModel;
import io.plantstream.producer.publish.MachinesPublisher;
import io.plantstream.producer.publish.ProducerConfigs;
import io.plantstream.producer.publish.SitesPublisher;
import io.plantstream.producer.publish.TelemetryPublisher;
import io.plantstream.producer.sim.PlantSimulator;
import io.plantstream.schemas.Topics;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/** {@code plant simulate}: publishes the simulated plant's telemetry, machine metadata and sites. */
@Command(name = "simulate", mixinStandardHelpOptions = true,
    description = {"Publish simulated telemetry of the plant model to plant.telemetry (and its machines "
        + "to plant.machines, its sites and shift calendars to plant.sites).", "Deterministic: the same "
        + "model, --seed, --start and --faults give a byte-identical stream.", "Progress every few seconds "
        + "on stderr; Ctrl-C publishes what is in hand, then prints how far the run got."})
final class SimulateCommand implements Callable<Integer> {

  private static final Logger log = LoggerFactory.getLogger(SimulateCommand.class);

  @Mixin CommonOptions common;
  @Mixin PlantOptions plant;

  @Option(names = "--start", paramLabel = "INSTANT|now", converter = InstantConverter.class,
      description = "Simulated time of the first event (default: now, to the second).")
  Instant start;

  @Option(names = "--speed", paramLabel = "N|max", defaultValue = "1", converter = SpeedConverter.class,
      description = "Simulated seconds per second, or max for as fast as possible (default: ${DEFAULT-VALUE}).")
  Speed speed;

  @Option(names = "--duration", paramLabel = "DURATION", converter = DurationConverter.class,
      description = "Stop after this much simulated time, e.g. 1h (instead of --events).")
  Duration duration;

  @Option(names = "--events", paramLabel = "N", description = "Stop after N simulated events (instead of --duration).")
  Long events;

  @Option(names = "--rate", paramLabel = "N",
      description = "Publish at most N records per second (on top of --speed).")
  Double rate;

  @Option(names = "--faults", paramLabel = "NAME=RATIO[,...]", converter = FaultsConverter.class,
      description = {"Inject faults, deterministically from the seed, e.g. "
          + "late=0.001,out-of-order=0.01,duplicate=0.005,corrupt=0.0005,skew=0.01,silence=0.01.",
          "Per event: late (a copy stamped beyond the grace), out-of-order (held back up to 10 s), "
              + "duplicate (same event id), corrupt (bytes that are not Avro). Per machine: skew (clock a "
              + "day ahead after 10 min), silence (nothing sent for 20-90 min). The exact counts are printed at the end."})
  FaultRates faults = FaultRates.NONE;

  @Option(names = "--http-port", paramLabel = "PORT",
      description = "Serve GET /metrics (Prometheus: records sent by kind, acknowledged, simulated time, faults, "
          + "producer metrics) and GET /health on this port while it runs; 0 for any free port.")
  Integer httpPort;

  @Option(names = "--http-host", paramLabel = "HOST", defaultValue = "127.0.0.1",
      description = "Address the HTTP server binds to (default: ${DEFAULT-VALUE}; 0.0.0.0 for every interface).")
  String httpHost;

  @Override
  public Integer call() throws InterruptedException {
    if (duration != null && events != null) {
      throw new UsageException("--duration and --events are alternatives; give one of them");
    }
    if (events != null && events < 1) {
      throw new UsageException("--events must be at least 1, was " + events);
    }
    if (duration != null && (duration.isZero() || duration.isNegative())) {
      throw new UsageException("--duration must be positive, was " + duration);
    }
    if (rate != null && (!(rate > 0) || rate.isInfinite())) {
      throw new UsageException("--rate must be a positive number of events per second, was " + rate);
    }
    if (httpPort != null && (httpPort < 0 || httpPort > 65_535)) {
      throw new UsageException("--http-port must be between 0 and 65535, was " + httpPort);
    }
    PlantModel model = plant.model();
    PlantSimulator simulator = new PlantSimulator(model, plant.seed,
        start != null ? start : Instant.now().truncatedTo(ChronoUnit.SECONDS), plant.siteIds(model));
    Topics topics = common.topics();
    Map<String, Object> client = common.clientConfig();
    try (KafkaCluster cluster = KafkaCluster.connect(client)) {
      cluster.requireTopics(topics.telemetry().name(), topics.machines().name(), topics.sites().name());
    }
    topics.registerSchemas(List.of(topics.telemetry(), topics.machines(), topics.sites()));
    FaultInjector injector = faults.isNone() ? null : new FaultInjector(faults, plant.seed,
        simulator.machines().stream().map(Machine::machineId).toList(), simulator.start(),
        partitions(client, topics.telemetry().name()));
    try (KpiHttpServer http = httpPort == null ? null : listen()) {
      run(simulator, client, topics, speed, limit(), rate, injector, http, summary -> {
        System.out.println(describe(summary));
        if (injector != null) {
          System.out.println(describeFaults(summary.faults()));
        }
        System.out.flush();
      });
    }
    return 0;
  }

  /** Partitions of {@code topic}: silent machines are chosen so that none leaves its partition without traffic. */
  private static int partitions(Map<String, Object> client, String topic) {
    try (Admin admin = Admin.create(client)) {
      return admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions().size();
    } catch (ExecutionException e) {
      throw new KafkaCallException("cannot describe topic " + topic + ": " + Errors.oneLine(e), AclOperation.DESCRIBE, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while describing topic " + topic);
    }
  }

  private KpiHttpServer listen() {
    try {
      KpiHttpServer http = KpiHttpServer.start(httpHost, httpPort);
      System.out.println("metrics on http://" + httpHost + ":" + http.port() + "/metrics");
      return http;
    } catch (IOException e) {
      throw new IllegalStateException("cannot listen on " + httpHost + ":" + httpPort + " (" + e.getMessage()
          + "); choose another --http-port, or 0 for any free one");
    }
  }

  private RunLimit limit() {
    return new RunLimit(duration, events == null ? Long.MAX_VALUE : events);
  }

  /**
   * Publishes machines and sites, then events until the limit or Ctrl-C, at most {@code rate}
   * records per second (null: no cap), with faults from {@code faults} (null: none), its metrics
   * served by {@code http} (null: none); hands what was published to {@code report}, also after
   * Ctrl-C (the JVM waits for it), and returns it.
   */
  static SimulationSummary run(PlantSimulator simulator, Map<String, Object> client, Topics topics,
      Speed speed, RunLimit limit, Double rate, FaultInjector faults, KpiHttpServer http,
      Consumer<SimulationSummary> report) throws InterruptedException {
    long machines = MachinesPublisher.publish(client, topics.machines(), simulator.machineInfos(), simulator.start());
    long sites = SitesPublisher.publish(client, topics.sites(), simulator.siteInfos(), simulator.start());
    log.info("published {} machines to {} and {} sites to {}; simulating from {} at speed {}{}{}", machines,
        topics.machines().name(), sites, topics.sites().name(), simulator.start(), speed,
        rate == null ? "" : ", at most " + rate + " events/s", faults == null ? "" : ", with faults");
    // The producer is built here so that /metrics can export its metrics (Micrometer's binder takes the client).
    Producer<String, byte[]> producer = new KafkaProducer<>(ProducerConfigs.withDefaults(client),
        new StringSerializer(), new ByteArraySerializer());
    try (TelemetryPublisher publisher = new TelemetryPublisher(producer, topics.telemetry());
        CommandMetrics registry = new CommandMetrics()) {
      SimulatorMetrics metrics = new SimulatorMetrics(publisher, faults, registry);
      if (http != null) {
        registry.bind(producer);
        http.serve(metrics.router());
      }
      SimulationRunner runner = SimulationRunner.builder(simulator, metrics)
          .speed(speed).limit(limit).rate(rate).faults(faults).build();
      // Ctrl-C: the run publishes what it holds, flushes and reports before the JVM goes.
      try (GracefulStop stop = GracefulStop.on("simulate-stop", runner::stop)) {
        SimulationSummary summary = runner.run();
        publisher.flush();
        report.accept(summary);
        return summary;
      }
    }
  }

  static String describe(SimulationSummary summary) {
    return "published " + summary.events() + " events " + summary.eventsByKind()
        + (summary.firstEventTime() == null ? ""
            : ", simulated from " + summary.firstEventTime() + " to " + summary.lastEventTime())
        + " (" + summary.stopReason().name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ') + ")";
  }

  /** The fault summary line: exact counts, the machines chosen, and what the pipeline must report. */
  static String describeFaults(FaultCounts faults) {
    return "faults injected: late=" + faults.late() + " out-of-order=" + faults.outOfOrder()
        + " duplicate=" + faults.duplicates() + " corrupt=" + faults.corrupt()
        + " skewed-events=" + faults.skewedEvents() + " skewed-machines=" + faults.skewedMachines()
        + " silenced-events=" + faults.silencedEvents() + " silent-machines=" + faults.silentMachines()
        + "; expect dlq=" + faults.dlqRecords() + " late-topic=" + faults.lateRecords();
  }

  /** Reads {@code --faults}. */
  static final class FaultsConverter implements ITypeConverter<FaultRates> {
    @Override
    public FaultRates convert(String value) {
      try {
        return FaultRates.parse(value);
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException(e.getMessage());
      }
    }
  }
}
