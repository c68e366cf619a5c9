package io.plantstream.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.plantstream.producer.RunLimit;
import io.plantstream.producer.SimulationRunner;
import io.plantstream.producer.Speed;
import io.plantstream.producer.model.PlantModel;
import io.plantstream.producer.publish.MachinesPublisher;
import io.plantstream.producer.publish.TelemetryPublisher;
import io.plantstream.producer.sim.PlantSimulator;
import io.plantstream.schemas.Topics;
import io.plantstream.streams.KpiApplication;
import io.plantstream.streams.KpiConfig;
import io.plantstream.streams.KpiStreamsConfig;
import io.plantstream.testing.KafkaFixture;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.streams.ThreadMetadata;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * End to end on a real broker: the simulator publishes two sites for 25 simulated minutes, the KPI
 * application aggregates them, and every machine and site KPI on the output topics equals the batch
 * oracle's recomputation from the telemetry topic, with one instance and with two sharing the work.
 */
class PipelineIT {

  @RegisterExtension static final KafkaFixture kafka = new KafkaFixture();

  private static final Instant START = Instant.parse("2026-11-28T09:45:00Z");
  private static final Duration SIMULATED = Duration.ofMinutes(25);
  private static final KpiConfig CONFIG = KpiConfig.defaults();

  @TempDir Path stateDir;

  @Test
  void kpiTopicsEqualTheBatchRecomputationOfTheTelemetryTopic() throws Exception {
    Topics topics = kafka.uniqueTopics("pipeline");
    PlantSimulator simulator = publish(topics);
    KpiComparison comparison = KpiComparison.recompute(kafka, topics, simulator.machineInfos(), CONFIG);
    assertThat(comparison.expected().machineMinutes()).hasSizeGreaterThan(simulator.machines().size() * 20);
    assertThat(comparison.expected().siteHours()).isNotEmpty();

    try (KpiApplication app = instance(topics, "pipeline-it-" + System.nanoTime(), stateDir)) {
      app.start();
      await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(1))
          .untilAsserted(comparison::assertComplete);
    }

    comparison.assertMatches();
  }

  @Test
  void twoInstancesWithOneApplicationIdShareThePartitionsAndProduceTheSameKpis() throws Exception {
    Topics topics = kafka.uniqueTopics("scale-out");
    kafka.createTopics(topics, 4);
    String applicationId = "scale-out-it-" + System.nanoTime();

    try (KpiApplication first = instance(topics, applicationId, stateDir.resolve("first"));
        KpiApplication second = instance(topics, applicationId, stateDir.resolve("second"))) {
      first.start();
      second.start();
      await().atMost(Duration.ofMinutes(2)).untilAsserted(() -> {
        assertThat(activeTasks(first)).as("tasks of the first instance").isNotEmpty();
        assertThat(activeTasks(second)).as("tasks of the second instance").isNotEmpty();
      });
      PlantSimulator simulator = publish(topics);
      KpiComparison comparison = KpiComparison.recompute(kafka, topics, simulator.machineInfos(), CONFIG);
      await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(1))
          .untilAsserted(comparison::assertComplete);
      comparison.assertMatches();
    }
  }

  private static PlantSimulator publish(Topics topics) throws InterruptedException {
    kafka.createTopics(topics, 4);
    Map<String, Object> client = kafka.clientConfig();
    PlantSimulator simulator = new PlantSimulator(PlantModel.loadDefault(), 7L, START, Set.of("tsmc-phx", "foxconn-hou"));
    MachinesPublisher.publish(client, topics.machines(), simulator.machineInfos(), START);
    try (TelemetryPublisher publisher = new TelemetryPublisher(client, topics.telemetry())) {
      new SimulationRunner(simulator, publisher, Speed.MAX, RunLimit.of(SIMULATED)).run();
    }
    return simulator;
  }

  private static KpiApplication instance(Topics topics, String applicationId, Path state) {
    return KpiApplication.forTopics(topics, CONFIG,
        KpiStreamsConfig.build(kafka.bootstrapServers(), applicationId, state, topics, Map.of()));
  }

  private static Set<?> activeTasks(KpiApplication app) {
    return app.streams().metadataForLocalThreads().stream()
        .flatMap(thread -> ((ThreadMetadata) thread).activeTasks().stream())
        .collect(java.util.stream.Collectors.toSet());
  }
}
