package io.plantstream.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import io.plantstream.avro.MachineInfo;
import io.plantstream.avro.MachineKpi;
import io.plantstream.avro.SiteKpi;
import io.plantstream.avro.StateMillis;
import io.plantstream.producer.RunLimit;
import io.plantstream.producer.SimulationRunner;
import io.plantstream.producer.Speed;
import io.plantstream.producer.model.PlantModel;
import io.plantstream.producer.publish.MachinesPublisher;
import io.plantstream.producer.publish.TelemetryPublisher;
import io.plantstream.producer.sim.PlantSimulator;
import io.plantstream.schemas.KpiKeys;
import io.plantstream.schemas.Topics;
import io.plantstream.streams.KpiApplication;
import io.plantstream.streams.KpiConfig;
import io.plantstream.streams.KpiStreamsConfig;
import io.plantstream.streams.KpiTopology;
import io.plantstream.testing.KafkaFixture;
import io.plantstream.testing.KpiOracle;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * End to end on a real broker: the simulator publishes two sites for 25 simulated minutes, the KPI
 * application aggregates them, and every machine and site KPI on the output topics equals the batch
 * oracle's recomputation from the telemetry topic.
 */
class PipelineIT {

  @RegisterExtension static final KafkaFixture kafka = new KafkaFixture();

  private static final Instant START = Instant.parse("2026-11-28T09:45:00Z");
  private static final Duration SIMULATED = Duration.ofMinutes(25);

  @TempDir Path stateDir;

  @Test
  void kpiTopicsEqualTheBatchRecomputationOfTheTelemetryTopic() throws Exception {
    Topics topics = kafka.uniqueTopics("pipeline");
    kafka.createTopics(topics, 4);
    Map<String, Object> client = kafka.clientConfig();
    PlantSimulator simulator = new PlantSimulator(PlantModel.loadDefault(), 7L, START, Set.of("tsmc-phx", "foxconn-hou"));
    MachinesPublisher.publish(client, topics.machines(), simulator.machineInfos(), START);
    try (TelemetryPublisher publisher = new TelemetryPublisher(client, topics.telemetry())) {
      new SimulationRunner(simulator, publisher, Speed.MAX, RunLimit.of(SIMULATED)).run();
    }

    List<ConsumerRecord<byte[], byte[]>> telemetry = kafka.readAllRaw(topics.telemetry().name());
    Map<String, MachineInfo> machines = new HashMap<>();
    simulator.machineInfos().forEach(info -> machines.put(info.getMachineId(), info));
    KpiConfig config = KpiConfig.defaults();
    KpiOracle.Result expected = new KpiOracle(config.grace(), config.staleAfter(), config.forgetAfter(),
        config.dedupHorizon(), config.maxFutureSkew()).compute(telemetry, machines);
    assertThat(expected.machineMinutes()).hasSizeGreaterThan(machines.size() * 20);
    assertThat(expected.siteHours()).isNotEmpty();

    try (KpiApplication app = new KpiApplication(KpiTopology.build(topics, config),
        KpiStreamsConfig.build(kafka.bootstrapServers(), "pipeline-it-" + System.nanoTime(), stateDir, topics, Map.of()))) {
      app.start();
      await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
        assertThat(latest(kafka.readAll(topics.siteKpi1h()))).hasSameSizeAs(expected.siteHours());
        assertThat(latest(kafka.readAll(topics.siteKpi1m()))).hasSameSizeAs(expected.siteMinutes());
        assertThat(kafka.readAll(topics.machineKpi1m())).hasSameSizeAs(expected.machineMinutes().values());
      });
    }

    List<ConsumerRecord<String, MachineKpi>> machineKpis = kafka.readAll(topics.machineKpi1m());
    Map<String, KpiOracle.Window> actualMachines = new LinkedHashMap<>();
    for (ConsumerRecord<String, MachineKpi> record : machineKpis) {
      MachineKpi kpi = record.value();
      assertThat(record.key()).isEqualTo(KpiKeys.of(kpi.getMachineId(), kpi.getWindowStart().toEpochMilli()));
      assertThat(kpi.getFinal$()).isTrue();
      assertRatios(kpi.getStateMillis(), kpi.getUptime(), kpi.getUnitsTotal(), kpi.getUnitsGood(), kpi.getYield());
      assertThat(actualMachines.put(oracleKey(kpi.getMachineId(), kpi.getWindowStart()), window(kpi))).isNull();
    }
    assertThat(actualMachines).isEqualTo(expected.machineMinutes());

    assertThat(asWindows(latest(kafka.readAll(topics.siteKpi1m())))).isEqualTo(expected.siteMinutes());
    assertThat(asWindows(latest(kafka.readAll(topics.siteKpi1h())))).isEqualTo(expected.siteHours());
    latest(kafka.readAll(topics.siteKpi1m())).values().forEach(site -> {
      assertRatios(site.getStateMillis(), site.getUptime(), site.getUnitsTotal(), site.getUnitsGood(), site.getYield());
      assertThat(site.getFinal$())
          .isEqualTo(expected.siteMinuteFinal().get(oracleKey(site.getSiteId(), site.getWindowStart())));
    });
    assertThat(kafka.readAll(topics.late())).hasSameSizeAs(expected.late());
  }

  /** The newest revision per key of a compacted KPI topic. */
  private static Map<String, SiteKpi> latest(List<ConsumerRecord<String, SiteKpi>> records) {
    Map<String, SiteKpi> latest = new LinkedHashMap<>();
    for (ConsumerRecord<String, SiteKpi> record : records) {
      SiteKpi previous = latest.get(record.key());
      assertThat(previous == null || previous.getRevision() < record.value().getRevision())
          .as("revisions of %s grow", record.key()).isTrue();
      latest.put(record.key(), record.value());
    }
    return latest;
  }

  private static Map<String, KpiOracle.Window> asWindows(Map<String, SiteKpi> sites) {
    Map<String, KpiOracle.Window> windows = new HashMap<>();
    sites.values().forEach(site -> windows.put(oracleKey(site.getSiteId(), site.getWindowStart()),
        new KpiOracle.Window(site.getSiteId(), site.getWindowStart().toEpochMilli(),
            site.getWindowEnd().toEpochMilli(), states(site.getStateMillis()), site.getUnitsTotal(),
            site.getUnitsGood(), site.getMachinesReporting())));
    return windows;
  }

  private static KpiOracle.Window window(MachineKpi kpi) {
    return new KpiOracle.Window(kpi.getMachineId(), kpi.getWindowStart().toEpochMilli(),
        kpi.getWindowEnd().toEpochMilli(), states(kpi.getStateMillis()), kpi.getUnitsTotal(), kpi.getUnitsGood(), 1);
  }

  private static long[] states(StateMillis s) {
    return new long[] {s.getProductive(), s.getStandby(), s.getEngineering(), s.getScheduledDown(),
        s.getUnscheduledDown(), s.getNonScheduled(), s.getUnknown()};
  }

  private static String oracleKey(String id, Instant windowStart) {
    return id + "@" + windowStart.toEpochMilli();
  }

  /** Ratios follow from the sums: uptime over operations time, yield over units. */
  private static void assertRatios(StateMillis s, Double uptime, long total, long good, Double yield) {
    long up = s.getProductive() + s.getStandby() + s.getEngineering();
    long down = s.getScheduledDown() + s.getUnscheduledDown();
    if (up + down == 0) {
      assertThat(uptime).isNull();
    } else {
      assertThat(uptime).isCloseTo((double) up / (up + down), within(1e-12));
    }
    if (total == 0) {
      assertThat(yield).isNull();
    } else {
      assertThat(yield).isCloseTo((double) good / total, within(1e-12));
    }
  }
}
