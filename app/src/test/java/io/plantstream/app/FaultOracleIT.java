package io.plantstream.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The KPI oracle test under every fault: all five sites with late, out-of-order, duplicate,
 * corrupt, clock-skewed and silent telemetry, once on the default plant over one simulated hour
 * and more, once on the default plant with every line repeated ten times (670 machines) over
 * twenty minutes. Every machine and site KPI equals the batch recomputation, and the DLQ and late
 * topics hold exactly what the simulator says it injected.
 */
class FaultOracleIT {

  @RegisterExtension static final KafkaFixture kafka = new KafkaFixture();

  private static final int PARTITIONS = 6;
  private static final KpiConfig CONFIG = KpiConfig.defaults();

  @TempDir Path stateDir;

  // The ten-times plant's twenty minutes end past a full hour, so that a site hour becomes final too.
  @ParameterizedTest(name = "lines repeated {0} times, {1} simulated minutes from {2}")
  @CsvSource({"1, 75, 2026-11-02T13:00:00Z", "10, 20, 2026-11-02T13:45:00Z"})
  void everyKpiEqualsTheOracleAndEveryInjectedFaultIsAccountedFor(int linesRepeated, int minutes, Instant start)
      throws Exception {
    Topics topics = kafka.uniqueTopics("faults");
    kafka.createTopics(topics, PARTITIONS);
    Map<String, Object> client = kafka.clientConfig();
    PlantModel plant = PlantModel.loadDefault().withLinesRepeated(linesRepeated);
    PlantSimulator simulator = new PlantSimulator(plant, 11L, start, Set.of());
    assertThat(simulator.machines()).hasSizeGreaterThanOrEqualTo(67 * linesRepeated);
    MachinesPublisher.publish(client, topics.machines(), simulator.machineInfos(), start);
    FaultInjector faults = new FaultInjector(
        FaultRates.parse("late=0.002,out-of-order=0.01,duplicate=0.005,corrupt=0.001,skew=0.03,silence=0.05"),
        11L, simulator.machines().stream().map(Machine::machineId).toList(), start, PARTITIONS);
    SimulationSummary summary;
    try (TelemetryPublisher publisher = new TelemetryPublisher(client, topics.telemetry())) {
      summary = SimulationRunner.builder(simulator, publisher).speed(Speed.MAX)
          .limit(RunLimit.of(Duration.ofMinutes(minutes))).faults(faults).build().run();
    }
    FaultCounts injected = summary.faults();
    assertThat(injected.late()).isPositive();
    assertThat(injected.outOfOrder()).isPositive();
    assertThat(injected.duplicates()).isPositive();
    assertThat(injected.corrupt()).isPositive();
    assertThat(injected.skewedEvents()).isPositive();
    assertThat(injected.silencedEvents()).isPositive();

    KpiComparison comparison = KpiComparison.recompute(kafka, topics, simulator.machineInfos(), CONFIG);
    assertThat(comparison.expected().siteHours()).isNotEmpty();
    long deadLetters = comparison.expected().deadLetters().values().stream().mapToLong(Long::longValue).sum();
    // A skewed event is held until the next in-step event of its partition settles it.
    assertThat(deadLetters + comparison.expected().held())
        .as("DLQ records and events still held the oracle finds").isEqualTo(injected.dlqRecords());
    assertThat(comparison.expected().late()).as("late events the oracle finds").hasSize((int) injected.lateRecords());
    assertThat(comparison.expected().duplicates()).as("duplicates the oracle finds").isEqualTo(injected.duplicates());

    try (KpiApplication app = KpiApplication.forTopics(topics, CONFIG,
        KpiStreamsConfig.build(kafka.bootstrapServers(), "faults-it-" + System.nanoTime(), stateDir, topics, Map.of()))) {
      app.start();
      await().atMost(Duration.ofMinutes(6)).pollInterval(Duration.ofSeconds(2)).untilAsserted(() -> {
        comparison.assertComplete();
        assertThat(kafka.readAllRaw(topics.dlq().name())).hasSize((int) deadLetters);
      });
      assertThat(app.state().isRunningOrRebalancing()).isTrue();
    }

    comparison.assertMatches();
    assertThat(kafka.readAll(topics.late())).hasSize((int) injected.lateRecords());
  }
}
