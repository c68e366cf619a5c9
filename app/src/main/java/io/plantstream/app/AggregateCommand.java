package io.plantstream.app;

import io.plantstream.schemas.Topics;
import io.plantstream.streams.EmitMode;
import io.plantstream.streams.KpiApplication;
import io.plantstream.streams.KpiConfig;
import io.plantstream.streams.KpiStreamsConfig;
import io.plantstream.streams.KpiTopology;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code plant aggregate}: runs one instance of the KPI streams application until Ctrl-C. */
@Command(name = "aggregate", mixinStandardHelpOptions = true,
    description = {"Run the Kafka Streams KPI application: plant.telemetry -> per-machine and per-site "
        + "yield, output, uptime and OEE per 1-minute and 1-hour window.",
        "Start more instances with the same --application-id to share the partitions."})
final class AggregateCommand implements Callable<Integer> {

  private static final Logger log = LoggerFactory.getLogger(AggregateCommand.class);

  @Mixin CommonOptions common;

  @Option(names = "--application-id", paramLabel = "ID", defaultValue = KpiStreamsConfig.DEFAULT_APPLICATION_ID,
      description = "Kafka Streams application id; instances sharing it share the work (default: ${DEFAULT-VALUE}).")
  String applicationId;

  @Option(names = "--state-dir", paramLabel = "DIR",
      description = "Where this instance keeps its state stores (default: ./state/<application-id>).")
  Path stateDir;

  @Option(names = "--emit", paramLabel = "final|updates", defaultValue = "final",
      description = {"final: one record per machine and closed window (default).",
          "updates: also provisional records every second while a window is open (final=false, growing revisions)."})
  EmitMode emit;

  @Option(names = "--grace", paramLabel = "DURATION", defaultValue = "30s", converter = DurationConverter.class,
      description = "How long after its end a window still accepts events, in event time (default: ${DEFAULT-VALUE}).")
  Duration grace;

  @Override
  public Integer call() throws InterruptedException {
    Topics topics = common.topics();
    KpiConfig config = KpiConfig.defaults().withGrace(grace).withEmit(emit);
    try (KafkaCluster cluster = KafkaCluster.connect(common.clientConfig())) {
      cluster.requireTopics(topics.telemetry().name(), topics.machines().name(), topics.machineKpi1m().name(),
          topics.siteKpi1m().name(), topics.siteKpi1h().name(), topics.late().name(), topics.dlq().name());
    }
    Path state = stateDir != null ? stateDir : Path.of("state", applicationId);
    KpiApplication app = new KpiApplication(KpiTopology.build(topics, config),
        KpiStreamsConfig.build(common.bootstrapServers, applicationId, state, topics, common.clientConfig()));
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      log.info("stopping the KPI application");
      app.close();
      stopped.countDown();
    }, "aggregate-stop"));
    app.start();
    if (!app.awaitRunning(Duration.ofMinutes(2))) {
      throw new IllegalStateException("the KPI application did not start (state " + app.state()
          + "); see logs/plantstream.log");
    }
    System.out.println("KPI application '" + applicationId + "' running on " + common.bootstrapServers
        + " (emit " + emit.name().toLowerCase(java.util.Locale.ROOT) + ", grace " + grace.toSeconds()
        + " s, state in " + state + "); Ctrl-C stops it");
    while (stopped.getCount() > 0) {
      if (app.awaitFailure(Duration.ofSeconds(1))) {
        throw new IllegalStateException("the KPI application stopped (state " + app.state()
            + "); see logs/plantstream.log");
      }
    }
    return 0;
  }
}
