package io.plantstream.streams;

import static io.plantstream.avro.EquipmentState.PRODUCTIVE;
import static io.plantstream.avro.EquipmentState.STANDBY;
import static io.plantstream.avro.EquipmentState.UNSCHEDULED_DOWN;
import static io.plantstream.avro.UnitOutcome.FAIL;
import static io.plantstream.avro.UnitOutcome.PASS;
import static io.plantstream.testing.TestMachine.T0;
import static io.plantstream.testing.TestMachine.at;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.plantstream.avro.MachineInfo;
import io.plantstream.avro.MachineKpi;
import io.plantstream.avro.SiteKpi;
import io.plantstream.avro.StateMillis;
import io.plantstream.avro.TelemetryEvent;
import io.plantstream.schemas.KpiKeys;
import io.plantstream.schemas.Topics;
import io.plantstream.testing.TestMachine;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The KPI topology on TopologyTestDriver, with hand-computed expectations on named instants. */
class KpiTopologyTest {

  private static final Topics TOPICS = Topics.defaults();
  private static final Duration FOUR_MINUTES = Duration.ofMinutes(4);

  private final TestMachine litho = TestMachine.of("tsmc-phx", "tsmc-phx-litho", "tsmc-phx-litho-euv-01");
  private final TestMachine etch = TestMachine.of("tsmc-phx", "tsmc-phx-etch", "tsmc-phx-etch-etch-01");

  @TempDir Path stateDir;
  private TopologyTestDriver driver;
  private TestInputTopic<String, TelemetryEvent> telemetry;
  private TestInputTopic<String, MachineInfo> machines;
  private TestOutputTopic<String, MachineKpi> machineKpis;
  private TestOutputTopic<String, SiteKpi> siteMinutes;
  private TestOutputTopic<String, SiteKpi> siteHours;
  private TestOutputTopic<String, TelemetryEvent> late;
  private TestInputTopic<byte[], byte[]> rawTelemetry;
  private TestOutputTopic<byte[], byte[]> dlq;

  @BeforeEach
  void startDriver() {
    Properties config = KpiStreamsConfig.build("unused:9092", "kpi-topology-test", stateDir, TOPICS, Map.of());
    driver = new TopologyTestDriver(KpiTopology.build(TOPICS, KpiConfig.defaults(), 1), config);
    telemetry = driver.createInputTopic(TOPICS.telemetry().name(),
        TOPICS.telemetry().keySerde().serializer(), TOPICS.telemetry().valueSerde().serializer());
    machines = driver.createInputTopic(TOPICS.machines().name(),
        TOPICS.machines().keySerde().serializer(), TOPICS.machines().valueSerde().serializer());
    machineKpis = driver.createOutputTopic(TOPICS.machineKpi1m().name(),
        TOPICS.machineKpi1m().keySerde().deserializer(), TOPICS.machineKpi1m().valueSerde().deserializer());
    siteMinutes = driver.createOutputTopic(TOPICS.siteKpi1m().name(),
        TOPICS.siteKpi1m().keySerde().deserializer(), TOPICS.siteKpi1m().valueSerde().deserializer());
    siteHours = driver.createOutputTopic(TOPICS.siteKpi1h().name(),
        TOPICS.siteKpi1h().keySerde().deserializer(), TOPICS.siteKpi1h().valueSerde().deserializer());
    late = driver.createOutputTopic(TOPICS.late().name(),
        TOPICS.late().keySerde().deserializer(), TOPICS.late().valueSerde().deserializer());
    rawTelemetry = driver.createInputTopic(TOPICS.telemetry().name(), new ByteArraySerializer(),
        new ByteArraySerializer());
    dlq = driver.createOutputTopic(TOPICS.dlq().name(), new ByteArrayDeserializer(), new ByteArrayDeserializer());
    machines.pipeInput(litho.id(), litho.info("euv-scanner", Duration.ofSeconds(20)), T0);
    machines.pipeInput(etch.id(), etch.info("etch", Duration.ofSeconds(90)), T0);
  }

  @AfterEach
  void closeDriver() {
    driver.close();
  }

  @Test
  void stateEnteredMidWindowIsCarriedIntoLaterWindowsThroughHeartbeats() {
    send(litho.state(PRODUCTIVE, at(T0, "30s")));
    heartbeats(litho, PRODUCTIVE, at(T0, "40s"), at(T0, "3m"));

    List<KeyValue<String, MachineKpi>> out = machineKpis.readKeyValuesToList();

    // Stream time 3m: windows ending by 3m - 30s grace = 2m30s are closed, i.e. [0,1m) and [1m,2m).
    assertThat(keys(out)).containsExactly(key(litho, T0), key(litho, at(T0, "1m")));
    assertThat(out.get(0).value.getStateMillis()).isEqualTo(states(30_000, 0, 0, 0));
    assertThat(out.get(1).value.getStateMillis()).isEqualTo(states(60_000, 0, 0, 0));
    assertThat(out.get(1).value.getUptime()).isEqualTo(1.0);
    assertThat(out.get(1).value.getFinal$()).isTrue();
  }

  @Test
  void stateChangeSplitsTheWindowAndUnitsGiveYieldOutputAndOee() {
    send(litho.state(PRODUCTIVE, T0));
    send(litho.unit(PASS, at(T0, "5s")));
    send(litho.unit(FAIL, at(T0, "10s")));
    send(litho.unit(PASS, at(T0, "15s")));
    send(litho.state(UNSCHEDULED_DOWN, at(T0, "20s")));
    send(litho.state(STANDBY, at(T0, "50s")));
    heartbeats(litho, STANDBY, at(T0, "1m"), at(T0, "1m30s"));

    List<KeyValue<String, MachineKpi>> out = machineKpis.readKeyValuesToList();

    assertThat(keys(out)).containsExactly(key(litho, T0));
    MachineKpi kpi = out.get(0).value;
    assertThat(kpi.getStateMillis()).isEqualTo(states(20_000, 10_000, 30_000, 0));
    assertThat(kpi.getUptimeMillis()).isEqualTo(30_000);
    assertThat(kpi.getDowntimeMillis()).isEqualTo(30_000);
    assertThat(kpi.getUptime()).isEqualTo(0.5);
    assertThat(kpi.getUnitsTotal()).isEqualTo(3);
    assertThat(kpi.getUnitsGood()).isEqualTo(2);
    assertThat(kpi.getYield()).isCloseTo(2.0 / 3, within(1e-12));
    assertThat(kpi.getOutput()).isEqualTo(2);
    assertThat(kpi.getOutputPerHour()).isEqualTo(120.0);
    // availability 20 / (20 + 10 + 30); performance 3 x 20 s ideal / 20 s productive, capped at 1.
    assertThat(kpi.getAvailability()).isCloseTo(1.0 / 3, within(1e-12));
    assertThat(kpi.getPerformance()).isEqualTo(1.0);
    assertThat(kpi.getOee()).isCloseTo(1.0 / 3 * 2.0 / 3, within(1e-12));
  }

  @Test
  void outOfOrderWithinGraceGivesTheSameKpisAsInOrder() {
    TelemetryEvent productive = litho.state(PRODUCTIVE, T0);
    TelemetryEvent unit = litho.unit(PASS, at(T0, "10s"));
    TelemetryEvent down = litho.state(UNSCHEDULED_DOWN, at(T0, "40s"));
    TelemetryEvent up = litho.state(PRODUCTIVE, at(T0, "50s"));
    send(productive);
    send(up);
    send(down);
    send(unit);
    heartbeats(litho, PRODUCTIVE, at(T0, "1m"), at(T0, "1m30s"));

    List<KeyValue<String, MachineKpi>> out = machineKpis.readKeyValuesToList();

    assertThat(keys(out)).containsExactly(key(litho, T0));
    assertThat(out.get(0).value.getStateMillis()).isEqualTo(states(50_000, 0, 10_000, 0));
    assertThat(out.get(0).value.getUnitsTotal()).isEqualTo(1);
    assertThat(late.isEmpty()).isTrue();
  }

  @Test
  void eventAfterItsWindowClosedGoesToTheLateTopicAndIsNotCounted() {
    send(litho.state(PRODUCTIVE, T0));
    heartbeats(litho, PRODUCTIVE, at(T0, "10s"), at(T0, "1m30s"));
    TelemetryEvent tooLate = litho.unit(PASS, at(T0, "59s"));
    send(tooLate);
    heartbeats(litho, PRODUCTIVE, at(T0, "1m40s"), at(T0, "2m30s"));

    assertThat(late.readValuesToList()).containsExactly(tooLate);
    List<KeyValue<String, MachineKpi>> out = machineKpis.readKeyValuesToList();
    assertThat(keys(out)).containsExactly(key(litho, T0), key(litho, at(T0, "1m")));
    assertThat(out).allSatisfy(kv -> assertThat(kv.value.getUnitsTotal()).isZero());
  }

  @Test
  void silenceLongerThanStaleAfterIsUnknownAndLongerThanForgetAfterIsNotCounted() {
    send(litho.state(PRODUCTIVE, T0));
    // The etch tool keeps the partition's stream time moving while the scanner is silent.
    send(etch.state(PRODUCTIVE, T0));
    heartbeats(etch, PRODUCTIVE, at(T0, "10s"), at(T0, "1h3m"));

    List<KeyValue<String, MachineKpi>> scanner = machineKpis.readKeyValuesToList().stream()
        .filter(kv -> kv.value.getMachineId().equals(litho.id())).toList();

    // Productive for staleAfter (60 s), UNKNOWN until forgetAfter (1 h), then not reported.
    assertThat(scanner).hasSize(60);
    assertThat(scanner.get(0).value.getStateMillis()).isEqualTo(states(60_000, 0, 0, 0));
    assertThat(scanner.get(1).value.getStateMillis()).isEqualTo(unknown(60_000));
    assertThat(scanner.get(59).value.getStateMillis()).isEqualTo(unknown(60_000));
    assertThat(scanner.get(1).value.getUptime()).isNull();
  }

  @Test
  void siteSumsNumeratorsAndDenominatorsAndIsPublishedOnceWhenFinal() {
    send(litho.state(PRODUCTIVE, T0));
    send(etch.state(UNSCHEDULED_DOWN, T0));
    send(litho.unit(PASS, at(T0, "20s")));
    send(etch.state(PRODUCTIVE, at(T0, "45s")));
    send(etch.unit(FAIL, at(T0, "50s")));
    send(etch.unit(PASS, at(T0, "55s")));
    heartbeats(litho, PRODUCTIVE, at(T0, "1m"), at(T0, "1m30s"));

    List<KeyValue<String, SiteKpi>> out = siteMinutes.readKeyValuesToList();

    String key = KpiKeys.of("tsmc-phx", T0.toEpochMilli());
    assertThat(out).extracting(kv -> kv.key).containsExactly(key);
    SiteKpi latest = out.get(0).value;
    assertThat(latest.getRevision()).isEqualTo(1);
    assertThat(latest.getFinal$()).isTrue();
    assertThat(latest.getMachinesReporting()).isEqualTo(2);
    assertThat(latest.getStateMillis()).isEqualTo(states(60_000 + 15_000, 0, 45_000, 0));
    assertThat(latest.getUptime()).isCloseTo(75.0 / 120, within(1e-12));
    assertThat(latest.getUnitsTotal()).isEqualTo(3);
    assertThat(latest.getYield()).isCloseTo(2.0 / 3, within(1e-12));
    // performance: (1 x 20 s + 2 x 90 s) / 75 s productive, capped at 1.
    assertThat(latest.getPerformance()).isEqualTo(1.0);
  }

  @Test
  void hourWindowIsTheSumOfItsMinutes() {
    send(litho.state(PRODUCTIVE, at(T0, "30m")));
    List<TelemetryEvent> units = new ArrayList<>();
    for (int minute = 30; minute < 60; minute++) {
      units.add(litho.unit(minute % 3 == 0 ? FAIL : PASS, at(T0, minute + "m10s")));
    }
    units.forEach(this::send);
    heartbeats(litho, PRODUCTIVE, at(T0, "59m"), at(T0, "61m"));

    List<SiteKpi> hours = siteHours.readValuesToList();

    assertThat(hours).hasSize(1);
    SiteKpi hour = hours.get(0);
    assertThat(hour.getWindowStart()).isEqualTo(T0);
    assertThat(hour.getWindowEnd()).isEqualTo(at(T0, "1h"));
    assertThat(hour.getStateMillis()).isEqualTo(states(30 * 60_000, 0, 0, 0));
    assertThat(hour.getUnitsTotal()).isEqualTo(30);
    assertThat(hour.getUnitsGood()).isEqualTo(20);
    assertThat(hour.getOutputPerHour()).isEqualTo(20.0);
    assertThat(hour.getMachinesReporting()).isEqualTo(1);
  }

  @Test
  void storesHoldOnlyOpenWindowsAndTheEventsTheBoundaryHasNotPassed() {
    send(litho.state(PRODUCTIVE, T0));
    heartbeats(litho, PRODUCTIVE, at(T0, "10s"), at(T0, "12m30s"));

    var timeline = driver.<String, io.plantstream.avro.internal.MachineTimeline>getKeyValueStore(
        MachineTimelineProcessor.TIMELINE_STORE).get(litho.id());
    // Stream time 12m30s: closed up to the boundary 12m; the hour is still open.
    assertThat(timeline.getAccountedUntil()).isEqualTo(at(T0, "12m").toEpochMilli());
    assertThat(timeline.getMinutes()).isEmpty();
    assertThat(timeline.getHours()).hasSize(1);
    // Pending: the heartbeats at 12m, 12m10s, 12m20s and 12m30s (offsets 72 to 75, the state change
    // being 0). They share the segment of offsets 64 to 127 with applied ones, which it keeps until
    // they are applied too; the segment of offsets 0 to 63, all applied, is gone.
    assertThat(pendingOffsets()).containsExactly(64L, 65L, 66L, 67L, 68L, 69L, 70L, 71L, 72L, 73L, 74L, 75L);
  }

  @Test
  void windowsIncludeTheirStartAndExcludeTheirEnd() {
    send(litho.state(PRODUCTIVE, T0));
    send(litho.unit(PASS, at(T0, "1m")));
    send(litho.state(STANDBY, at(T0, "1m")));
    heartbeats(litho, STANDBY, at(T0, "1m10s"), at(T0, "2m30s"));

    List<KeyValue<String, MachineKpi>> out = machineKpis.readKeyValuesToList();

    assertThat(keys(out)).containsExactly(key(litho, T0), key(litho, at(T0, "1m")));
    assertThat(out.get(0).value.getUnitsTotal()).isZero();
    assertThat(out.get(0).value.getStateMillis()).isEqualTo(states(60_000, 0, 0, 0));
    assertThat(out.get(1).value.getUnitsTotal()).isEqualTo(1);
    assertThat(out.get(1).value.getStateMillis()).isEqualTo(states(0, 60_000, 0, 0));
  }

  @Test
  void aRepeatedEventIdIsCountedOnce() {
    send(litho.state(PRODUCTIVE, T0));
    TelemetryEvent unit = litho.unit(PASS, at(T0, "10s"));
    send(unit);
    send(unit);
    send(litho.unit(FAIL, at(T0, "20s")));
    send(unit);
    heartbeats(litho, PRODUCTIVE, at(T0, "30s"), at(T0, "1m30s"));

    MachineKpi kpi = machineKpis.readValuesToList().get(0);

    assertThat(kpi.getUnitsTotal()).isEqualTo(2);
    assertThat(kpi.getUnitsGood()).isEqualTo(1);
    assertThat(dlq.isEmpty()).isTrue();
    assertThat(late.isEmpty()).isTrue();
  }

  @Test
  void aCopyAfterItsWindowClosedIsLateAndTheSameIdAtAnotherTimeIsAnotherEvent() {
    send(litho.state(PRODUCTIVE, T0));
    TelemetryEvent unit = litho.unit(PASS, at(T0, "10s"));
    send(unit);
    send(TelemetryEvent.newBuilder(unit).setEventTime(at(T0, "20s")).build());
    heartbeats(litho, PRODUCTIVE, at(T0, "30s"), at(T0, "1m30s"));
    send(unit);

    assertThat(machineKpis.readValuesToList().get(0).getUnitsTotal()).as("the id again, 10 s later, counts").isEqualTo(2);
    assertThat(late.readValuesToList()).as("the copy came after its window closed").containsExactly(unit);
  }

  @Test
  void aMachineSilentForTwoHoursHoldsNoSiteWindowBack() {
    send(litho.state(PRODUCTIVE, T0));
    send(etch.state(PRODUCTIVE, T0));
    heartbeats(etch, PRODUCTIVE, at(T0, "10s"), at(T0, "2h"));

    List<KeyValue<String, SiteKpi>> sites = siteMinutes.readKeyValuesToList();

    // Every minute closed by the etch tool's clock is final at once, published once.
    assertThat(sites).hasSize(119);
    assertThat(sites).allSatisfy(kv -> {
      assertThat(kv.value.getFinal$()).isTrue();
      assertThat(kv.value.getRevision()).isEqualTo(1);
    });
    // The scanner is UNKNOWN from staleAfter on, and forgotten after forgetAfter.
    SiteKpi halfHour = sites.get(30).value;
    assertThat(halfHour.getMachinesReporting()).isEqualTo(2);
    assertThat(halfHour.getStateMillis()).isEqualTo(states(60_000, 0, 0, 60_000));
    SiteKpi ninetyMinutes = sites.get(90).value;
    assertThat(ninetyMinutes.getMachinesReporting()).isEqualTo(1);
    assertThat(ninetyMinutes.getStateMillis()).isEqualTo(states(60_000, 0, 0, 0));
  }

  @Test
  void anEventFarInTheFutureGoesToTheDlqAndClosesNoWindow() {
    send(etch.state(STANDBY, T0));
    send(litho.state(PRODUCTIVE, T0));
    TelemetryEvent future = litho.unit(PASS, at(T0, "24h"));
    send(future);
    assertThat(dlq.isEmpty()).as("held until an in-step event says the partition's clock did not move").isTrue();
    heartbeats(litho, PRODUCTIVE, at(T0, "10s"), at(T0, "50s"));

    assertThat(machineKpis.isEmpty()).as("no window may close").isTrue();
    List<TestRecord<byte[], byte[]>> dead = dlq.readRecordsToList();
    assertThat(dead).hasSize(1);
    assertThat(header(dead.get(0), DeadLetters.REASON_HEADER)).isEqualTo("future-skew");
    assertThat(header(dead.get(0), "__streams.errors.message")).contains(future.getEventId()).contains("300 s ahead");
    assertThat(dead.get(0).value()).isEqualTo(TOPICS.telemetry().valueSerde().serializer().serialize("t", future));
    assertThat(header(dead.get(0), "__streams.errors.offset")).isEqualTo("2");
  }

  @Test
  void aPartitionSilentLongerThanTheSkewLimitResumesWhenItsMachinesAgree() {
    send(litho.state(PRODUCTIVE, T0));
    send(etch.state(STANDBY, T0));
    // The whole partition falls silent for 10 minutes, twice maxFutureSkew.
    TelemetryEvent lithoBack = litho.unit(PASS, at(T0, "10m5s"));
    send(lithoBack);

    assertThat(dlq.isEmpty()).as("one machine alone is held, not rejected").isTrue();
    assertThat(machineKpis.isEmpty()).as("and moves no clock").isTrue();

    send(etch.state(PRODUCTIVE, at(T0, "10m10s")));
    heartbeats(litho, PRODUCTIVE, at(T0, "10m20s"), at(T0, "12m"));

    assertThat(dlq.isEmpty()).isTrue();
    Map<String, MachineKpi> out = new java.util.HashMap<>(machineKpis.readKeyValuesToMap());
    // Stream time 12m closes every window ending by 11m; the unit of 10m5s counts.
    assertThat(out).containsKeys(key(litho, at(T0, "10m")), key(etch, at(T0, "10m")));
    assertThat(out.get(key(litho, at(T0, "10m"))).getUnitsTotal()).isEqualTo(1);
    // Stale after 60 s of silence, so the silent minutes are UNKNOWN, not productive.
    assertThat(out.get(key(litho, at(T0, "5m"))).getStateMillis()).isEqualTo(states(0, 0, 0, 60_000));
  }

  @Test
  void aLoneMachineBackFromSilenceIsBelievedOnceItsHeldEventsSpanTheSkewLimit() {
    send(litho.state(PRODUCTIVE, T0));
    send(litho.unit(PASS, at(T0, "10m")));
    heartbeats(litho, PRODUCTIVE, at(T0, "10m10s"), at(T0, "15m"));

    assertThat(machineKpis.isEmpty()).as("5 minutes of held events are no proof yet").isTrue();

    send(litho.heartbeat(PRODUCTIVE, at(T0, "15m1s")));

    // Nothing else in the partition tells an outage from a wrong clock: after more than 5 minutes
    // of its own events, the machine is believed and nothing it sent is lost.
    assertThat(dlq.isEmpty()).isTrue();
    Map<String, MachineKpi> out = machineKpis.readKeyValuesToMap();
    assertThat(out.get(key(litho, at(T0, "10m"))).getUnitsTotal()).isEqualTo(1);
  }

  @Test
  void eventsOfUnknownMachinesAndImpossibleFieldsGoToTheDlqWithTheirReason() {
    TestMachine stranger = TestMachine.of("tsmc-phx", "tsmc-phx-litho", "tsmc-phx-litho-euv-99");
    send(stranger.state(PRODUCTIVE, T0));
    TelemetryEvent wrongKey = litho.state(PRODUCTIVE, T0);
    telemetry.pipeInput(etch.id(), wrongKey, T0);
    TelemetryEvent wrongSite = TestMachine.of("amkor-az", "tsmc-phx-litho", litho.id()).state(PRODUCTIVE, T0);
    send(wrongSite);
    send(litho.sensor("power", Double.NaN, T0));

    assertThat(dlq.readRecordsToList()).extracting(r -> header(r, DeadLetters.REASON_HEADER))
        .containsExactly("unknown-machine", "invalid-field", "invalid-field", "invalid-field");
  }

  @Test
  void theConfluentWireFormatWithoutARegistryGoesToTheDlqSayingWhatIsMissing() {
    byte[] framed = {0x00, 0x00, 0x00, 0x00, 0x07, 0x02, 0x61};
    rawTelemetry.pipeInput(litho.id().getBytes(java.nio.charset.StandardCharsets.UTF_8), framed, T0);

    List<TestRecord<byte[], byte[]>> dead = dlq.readRecordsToList();
    assertThat(dead).singleElement().satisfies(record -> {
      assertThat(record.value()).isEqualTo(framed);
      assertThat(header(record, DeadLetters.REASON_HEADER)).isEqualTo("corrupt");
      assertThat(header(record, "__streams.errors.message"))
          .contains("Confluent wire format (schema id 7)").contains("no schema registry");
    });
  }

  @Test
  void bytesThatAreNotAvroGoToTheDlqAsCorruptAndProcessingGoesOn() {
    byte[] garbage = "not a telemetry event".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    rawTelemetry.pipeInput(litho.id().getBytes(java.nio.charset.StandardCharsets.UTF_8), garbage, T0);
    send(litho.state(PRODUCTIVE, T0));
    heartbeats(litho, PRODUCTIVE, at(T0, "10s"), at(T0, "1m30s"));

    List<TestRecord<byte[], byte[]>> dead = dlq.readRecordsToList();
    assertThat(dead).hasSize(1);
    assertThat(dead.get(0).value()).isEqualTo(garbage);
    assertThat(header(dead.get(0), DeadLetters.REASON_HEADER)).isEqualTo("corrupt");
    assertThat(header(dead.get(0), "__streams.errors.message")).contains("neither Avro single-object encoding");
    assertThat(machineKpis.readValuesToList()).singleElement()
        .satisfies(kpi -> assertThat(kpi.getStateMillis()).isEqualTo(states(60_000, 0, 0, 0)));
  }

  @Test
  void availabilityLeavesOutEngineeringAndScheduledDownAndSiteYieldWeighsByUnits() {
    send(litho.state(PRODUCTIVE, T0));
    send(litho.state(io.plantstream.avro.EquipmentState.ENGINEERING, at(T0, "20s")));
    send(litho.state(io.plantstream.avro.EquipmentState.SCHEDULED_DOWN, at(T0, "40s")));
    send(litho.unit(PASS, at(T0, "5s")));
    send(etch.state(PRODUCTIVE, T0));
    for (int i = 0; i < 3; i++) {
      send(etch.unit(FAIL, at(T0, (10 + i) + "s")));
    }
    heartbeats(etch, PRODUCTIVE, at(T0, "50s"), at(T0, "1m30s"));

    MachineKpi scanner = machineKpis.readValuesToList().stream()
        .filter(k -> k.getMachineId().equals(litho.id())).findFirst().orElseThrow();
    // availability = PRODUCTIVE / (PRODUCTIVE + STANDBY + UNSCHEDULED_DOWN) = 20 / 20.
    assertThat(scanner.getAvailability()).isEqualTo(1.0);
    assertThat(scanner.getUptime()).isCloseTo(40.0 / 60, within(1e-12));
    // performance = 1 unit x 20 s ideal / 20 s productive.
    assertThat(scanner.getPerformance()).isEqualTo(1.0);
    SiteKpi site = siteMinutes.readValuesToList().stream().filter(SiteKpi::getFinal$).findFirst().orElseThrow();
    // 1 good of 4 units: 25 %, not the 50 % an average of the two machines' yields would give.
    assertThat(site.getYield()).isEqualTo(0.25);
    assertThat(site.getUnitsTotal()).isEqualTo(4);
  }

  private static String header(TestRecord<byte[], byte[]> record, String name) {
    var header = record.headers().lastHeader(name);
    return header == null ? null : new String(header.value(), java.nio.charset.StandardCharsets.UTF_8);
  }

  private List<Long> pendingOffsets() {
    List<Long> offsets = new ArrayList<>();
    try (var all = driver.<Long, byte[]>getKeyValueStore(MachineTimelineProcessor.PENDING_STORE).all()) {
      all.forEachRemaining(segment -> offsets.addAll(PendingEvents.offsetsIn(segment.value)));
    }
    byte[] open = driver.<String, byte[]>getKeyValueStore(MachineTimelineProcessor.PENDING_OPEN_STORE).get("open");
    if (open != null) {
      offsets.addAll(PendingEvents.offsetsInOpen(open));
    }
    return offsets;
  }

  private void send(TelemetryEvent event) {
    telemetry.pipeInput(event.getMachineId(), event, event.getEventTime());
  }

  private void heartbeats(TestMachine machine, io.plantstream.avro.EquipmentState state, Instant from,
      Instant to) {
    for (Instant at = from; !at.isAfter(to); at = at.plusSeconds(10)) {
      send(machine.heartbeat(state, at));
    }
  }

  private static List<String> keys(List<KeyValue<String, MachineKpi>> records) {
    return records.stream().map(kv -> kv.key).toList();
  }

  private static String key(TestMachine machine, Instant windowStart) {
    return KpiKeys.of(machine.id(), windowStart.toEpochMilli());
  }

  private static StateMillis states(long productive, long standby, long unscheduledDown, long unknown) {
    return new StateMillis(productive, standby, 0L, 0L, unscheduledDown, 0L, unknown);
  }

  private static StateMillis unknown(long millis) {
    return states(0, 0, 0, millis);
  }
}
