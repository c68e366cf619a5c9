package io.plantstream.streams;

import static io.plantstream.avro.EquipmentState.PRODUCTIVE;
import static io.plantstream.avro.EquipmentState.STANDBY;
import static io.plantstream.avro.UnitOutcome.FAIL;
import static io.plantstream.avro.UnitOutcome.PASS;
import static io.plantstream.testing.TestMachine.T0;
import static io.plantstream.testing.TestMachine.at;
import static org.assertj.core.api.Assertions.assertThat;

import io.plantstream.avro.MachineKpi;
import io.plantstream.avro.SiteKpi;
import io.plantstream.avro.TelemetryEvent;
import io.plantstream.schemas.Topics;
import io.plantstream.testing.TestMachine;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --emit updates}: provisional records while a window is open, then the same final record as FINAL mode. */
class EmitUpdatesTest {

  private static final Topics TOPICS = Topics.defaults();

  private final TestMachine litho = TestMachine.of("tsmc-phx", "tsmc-phx-litho", "tsmc-phx-litho-euv-01");
  private final TestMachine etch = TestMachine.of("tsmc-phx", "tsmc-phx-etch", "tsmc-phx-etch-etch-01");

  @TempDir Path stateDir;

  @Test
  void openWindowsGetProvisionalRevisionsThenTheFinalRecordOfFinalMode() {
    List<MachineKpi> updates = new ArrayList<>();
    List<SiteKpi> siteUpdates = new ArrayList<>();
    run(EmitMode.UPDATES, updates, siteUpdates);
    List<MachineKpi> finals = new ArrayList<>();
    run(EmitMode.FINAL, finals, new ArrayList<>());

    List<MachineKpi> scannerMinute = updates.stream()
        .filter(k -> k.getMachineId().equals(litho.id()) && k.getWindowStart().equals(T0)).toList();
    assertThat(scannerMinute).hasSizeGreaterThanOrEqualTo(3);
    assertThat(scannerMinute).extracting(MachineKpi::getRevision)
        .containsExactlyElementsOf(java.util.stream.IntStream.rangeClosed(1, scannerMinute.size()).boxed().toList());
    assertThat(scannerMinute.subList(0, scannerMinute.size() - 1)).allSatisfy(k -> assertThat(k.getFinal$()).isFalse());
    // The first update already counts the unit still waiting in the pending store.
    assertThat(scannerMinute.get(0).getUnitsTotal()).isEqualTo(1);

    MachineKpi last = scannerMinute.get(scannerMinute.size() - 1);
    MachineKpi finalOnly = finals.stream()
        .filter(k -> k.getMachineId().equals(litho.id()) && k.getWindowStart().equals(T0)).findFirst().orElseThrow();
    assertThat(last.getFinal$()).isTrue();
    last.setRevision(1);
    assertThat(last).isEqualTo(finalOnly);

    SiteKpi latestSite = siteUpdates.stream().filter(s -> s.getWindowStart().equals(T0))
        .reduce((a, b) -> b).orElseThrow();
    assertThat(latestSite.getFinal$()).isTrue();
    assertThat(latestSite.getMachinesReporting()).isEqualTo(2);
    assertThat(latestSite.getUnitsTotal()).isEqualTo(3);
    assertThat(latestSite.getStateMillis().getProductive() + latestSite.getStateMillis().getStandby())
        .isEqualTo(120_000);
  }

  private void run(EmitMode mode, List<MachineKpi> machineOut, List<SiteKpi> siteOut) {
    KpiConfig config = KpiConfig.defaults().withEmit(mode);
    try (TopologyTestDriver driver = new TopologyTestDriver(KpiTopology.build(TOPICS, config, 1),
        KpiStreamsConfig.build("unused:9092", "emit-test", stateDir.resolve(mode.name()), TOPICS, Map.of()),
        T0)) {
      driver.createInputTopic(TOPICS.machines().name(), TOPICS.machines().keySerde().serializer(),
          TOPICS.machines().valueSerde().serializer())
          .pipeKeyValueList(List.of(
              new org.apache.kafka.streams.KeyValue<>(litho.id(), litho.info("euv-scanner", Duration.ofSeconds(20))),
              new org.apache.kafka.streams.KeyValue<>(etch.id(), etch.info("etch", Duration.ofSeconds(90)))));
      TestInputTopic<String, TelemetryEvent> in = driver.createInputTopic(TOPICS.telemetry().name(),
          TOPICS.telemetry().keySerde().serializer(), TOPICS.telemetry().valueSerde().serializer());
      var machineTopic = driver.createOutputTopic(TOPICS.machineKpi1m().name(),
          TOPICS.machineKpi1m().keySerde().deserializer(), TOPICS.machineKpi1m().valueSerde().deserializer());
      var siteTopic = driver.createOutputTopic(TOPICS.siteKpi1m().name(),
          TOPICS.siteKpi1m().keySerde().deserializer(), TOPICS.siteKpi1m().valueSerde().deserializer());

      TestMachine scanner = TestMachine.of("tsmc-phx", "tsmc-phx-litho", litho.id());
      TestMachine tool = TestMachine.of("tsmc-phx", "tsmc-phx-etch", etch.id());
      List<List<TelemetryEvent>> steps = List.of(
          List.of(scanner.state(PRODUCTIVE, T0), tool.state(STANDBY, T0), scanner.unit(PASS, at(T0, "12s"))),
          List.of(scanner.heartbeat(PRODUCTIVE, at(T0, "20s")), tool.unit(FAIL, at(T0, "25s"))),
          List.of(scanner.unit(PASS, at(T0, "40s")), tool.heartbeat(STANDBY, at(T0, "45s"))),
          List.of(scanner.heartbeat(PRODUCTIVE, at(T0, "1m")), tool.heartbeat(STANDBY, at(T0, "1m"))),
          List.of(scanner.heartbeat(PRODUCTIVE, at(T0, "1m30s")), tool.heartbeat(STANDBY, at(T0, "1m30s"))));
      for (List<TelemetryEvent> step : steps) {
        for (TelemetryEvent event : step) {
          in.pipeInput(event.getMachineId(), event, event.getEventTime());
        }
        driver.advanceWallClockTime(Duration.ofSeconds(1));
      }
      machineOut.addAll(machineTopic.readValuesToList());
      siteOut.addAll(siteTopic.readValuesToList());
    }
  }
}
