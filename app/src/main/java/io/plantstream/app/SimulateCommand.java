package io.plantstream.app;

import io.plantstream.producer.RunLimit;
import io.plantstream.producer.SimulationRunner;
import io.plantstream.producer.SimulationSummary;
import io.plantstream.producer.Speed;
import io.plantstream.producer.model.PlantModel;
import io.plantstream.producer.publish.MachinesPublisher;
import io.plantstream.producer.publish.TelemetryPublisher;
import io.plantstream.producer.sim.PlantSimulator;
import io.plantstream.schemas.Topics;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code plant simulate}: publishes the simulated plant's telemetry and machine metadata. */
@Command(name = "simulate", mixinStandardHelpOptions = true,
    description = {"Publish simulated telemetry of the plant model to plant.telemetry (and its machines "
        + "to plant.machines).", "Deterministic: the same model, --seed and --start give a byte-identical stream."})
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
      description = "Stop after this much simulated time, e.g. 1h.")
  Duration duration;

  @Option(names = "--events", paramLabel = "N", description = "Stop after N events.")
  Long events;

  @Override
  public Integer call() throws InterruptedException {
    if (events != null && events < 1) {
      throw new UsageException("--events must be at least 1, was " + events);
    }
    if (duration != null && (duration.isZero() || duration.isNegative())) {
      throw new UsageException("--duration must be positive, was " + duration);
    }
    PlantModel model = plant.model();
    PlantSimulator simulator = new PlantSimulator(model, plant.seed,
        start != null ? start : Instant.now().truncatedTo(ChronoUnit.SECONDS), plant.siteIds(model));
    Topics topics = common.topics();
    Map<String, Object> client = common.clientConfig();
    try (KafkaCluster cluster = KafkaCluster.connect(client)) {
      cluster.requireTopics(topics.telemetry().name(), topics.machines().name());
    }
    SimulationSummary summary = run(simulator, client, topics, speed, limit());
    System.out.println(describe(summary));
    return 0;
  }

  private RunLimit limit() {
    return new RunLimit(duration, events == null ? Long.MAX_VALUE : events);
  }

  /** Publishes machines, then events until the limit or Ctrl-C; returns what was published. */
  static SimulationSummary run(PlantSimulator simulator, Map<String, Object> client, Topics topics,
      Speed speed, RunLimit limit) throws InterruptedException {
    long machines = MachinesPublisher.publish(client, topics.machines(), simulator.machineInfos(), simulator.start());
    log.info("published {} machines to {}; simulating from {} at speed {}", machines,
        topics.machines().name(), simulator.start(), speed);
    try (TelemetryPublisher publisher = new TelemetryPublisher(client, topics.telemetry())) {
      SimulationRunner runner = new SimulationRunner(simulator, publisher, speed, limit);
      AtomicReference<Thread> worker = new AtomicReference<>(Thread.currentThread());
      Thread hook = new Thread(() -> {
        runner.stop();
        try {
          worker.get().join(10_000);
        } catch (InterruptedException ignored) {
          Thread.currentThread().interrupt();
        }
      }, "simulate-stop");
      Runtime.getRuntime().addShutdownHook(hook);
      try {
        return runner.run();
      } finally {
        publisher.flush();
        try {
          Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
          // Ctrl-C: the hook waits for this thread to finish
        }
      }
    }
  }

  static String describe(SimulationSummary summary) {
    return "published " + summary.events() + " events " + summary.eventsByKind()
        + (summary.firstEventTime() == null ? ""
            : " from " + summary.firstEventTime() + " to " + summary.lastEventTime())
        + " (" + summary.stopReason().name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ') + ")";
  }
}
