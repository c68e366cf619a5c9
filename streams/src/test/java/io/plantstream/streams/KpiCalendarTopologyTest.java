package io.plantstream.streams;

import static io.plantstream.avro.EquipmentState.PRODUCTIVE;
import static io.plantstream.avro.EquipmentState.UNSCHEDULED_DOWN;
import static io.plantstream.avro.UnitOutcome.FAIL;
import static io.plantstream.avro.UnitOutcome.PASS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.plantstream.avro.EquipmentState;
import io.plantstream.avro.MachineInfo;
import io.plantstream.avro.MachineKpi;
import io.plantstream.avro.ShiftInfo;
import io.plantstream.avro.SiteInfo;
import io.plantstream.avro.SiteKpi;
import io.plantstream.avro.TelemetryEvent;
import io.plantstream.schemas.Topics;
import io.plantstream.testing.TestMachine;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Shift and day windows, losses by reason and failures on TopologyTestDriver, at named instants in
 * America/Chicago (CST is UTC−6 until 2027-03-14 02:00, CDT UTC−5 after), with expectations worked
 * out by hand from docs/kpi-rules.md.
 */
class KpiCalendarTopologyTest {

  private static final Topics TOPICS = Topics.defaults();
  private static final long HOUR = 3_600_000L;
  private static final long MINUTE = 60_000L;
  private static final List<String> WEEKDAYS = List.of("MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY");
  private static final List<String> MON_SAT = List.of("MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY",
      "SATURDAY");

  private final TestMachine trays = TestMachine.of("wistron-dal", "wistron-dal-trays", "wistron-dal-trays-01");
  private final TestMachine racks = TestMachine.of("foxconn-hou", "foxconn-hou-racks", "foxconn-hou-racks-01");

  @TempDir Path stateDir;
  private TopologyTestDriver driver;
  private TestInputTopic<String, TelemetryEvent> telemetry;

  @BeforeEach
  void startDriver() {
    Properties config = KpiStreamsConfig.build("unused:9092", "kpi-calendar-test", stateDir, TOPICS, Map.of());
    driver = new TopologyTestDriver(KpiTopology.build(TOPICS, KpiConfig.defaults(), 1), config);
    telemetry = driver.createInputTopic(TOPICS.telemetry().name(),
        TOPICS.telemetry().keySerde().serializer(), TOPICS.telemetry().valueSerde().serializer());
    TestInputTopic<String, MachineInfo> machines = driver.createInputTopic(TOPICS.machines().name(),
        TOPICS.machines().keySerde().serializer(), TOPICS.machines().valueSerde().serializer());
    TestInputTopic<String, SiteInfo> sites = driver.createInputTopic(TOPICS.sites().name(),
        TOPICS.sites().keySerde().serializer(), TOPICS.sites().valueSerde().serializer());
    Instant published = Instant.parse("2027-03-01T00:00:00Z");
    machines.pipeInput(trays.id(), trays.info("tray-assembly", Duration.ofSeconds(60)), published);
    machines.pipeInput(racks.id(), racks.info("rack-integration", Duration.ofMinutes(30)), published);
    sites.pipeInput("wistron-dal", site("wistron-dal", List.of(),
        new ShiftInfo("first", MON_SAT, "07:00", "15:00"),
        new ShiftInfo("second", MON_SAT, "15:00", "23:00"),
        new ShiftInfo("third", WEEKDAYS, "23:00", "07:00")), published);
    // Saturday 2027-03-13 is a holiday: its day shift does not start.
    sites.pipeInput("foxconn-hou", site("foxconn-hou", List.of("2027-03-13"),
        new ShiftInfo("day", MON_SAT, "06:00", "14:30"),
        new ShiftInfo("swing", WEEKDAYS, "14:30", "23:00")), published);
  }

  @AfterEach
  void closeDriver() {
    driver.close();
  }

  @Test
  void aShiftCrossingLocalMidnightBelongsToTheDayItStartsWhileTheDaysSplitAtMidnight() {
    // Tuesday 2027-03-09 22:00 CST = 2027-03-10T04:00Z, productive until Wednesday 08:00 CST.
    Instant start = Instant.parse("2027-03-10T04:00:00Z");
    send(trays.state(PRODUCTIVE, "SHIFT_START", start));
    heartbeats(trays, PRODUCTIVE, start.plusSeconds(10), Instant.parse("2027-03-10T14:00:00Z"));

    Map<String, SiteKpi> shifts = latest(TOPICS.siteKpiShift().name());
    // The third shift of Tuesday: 23:00 CST Tuesday (05:00Z) to 07:00 CST Wednesday (13:00Z).
    SiteKpi third = shifts.get("wistron-dal@2027-03-10T05:00:00Z");
    assertThat(third.getShift()).isEqualTo("third");
    assertThat(third.getLocalDate()).isEqualTo("2027-03-09");
    assertThat(third.getWindowEnd()).isEqualTo(Instant.parse("2027-03-10T13:00:00Z"));
    assertThat(third.getStateMillis().getProductive()).isEqualTo(8 * HOUR);
    assertThat(third.getStateReasonMillis()).containsExactly(Map.entry("PRODUCTIVE/SHIFT_START", 8 * HOUR));
    assertThat(third.getFinal$()).isTrue();
    // Tuesday's second shift (15:00 to 23:00 CST) saw its last hour.
    SiteKpi second = shifts.get("wistron-dal@2027-03-09T21:00:00Z");
    assertThat(second.getShift()).isEqualTo("second");
    assertThat(second.getLocalDate()).isEqualTo("2027-03-09");
    assertThat(second.getStateMillis().getProductive()).isEqualTo(HOUR);

    // Tuesday is local midnight to local midnight: 06:00Z to 06:00Z, two hours of it productive.
    Map<String, SiteKpi> days = latest(TOPICS.siteKpiDay().name());
    SiteKpi tuesday = days.get("wistron-dal@2027-03-09");
    assertThat(tuesday.getLocalDate()).isEqualTo("2027-03-09");
    assertThat(tuesday.getShift()).isNull();
    assertThat(tuesday.getWindowStart()).isEqualTo(Instant.parse("2027-03-09T06:00:00Z"));
    assertThat(tuesday.getWindowEnd()).isEqualTo(Instant.parse("2027-03-10T06:00:00Z"));
    assertThat(tuesday.getStateMillis().getProductive()).isEqualTo(2 * HOUR);
    assertThat(tuesday.getMachinesReporting()).isEqualTo(1);
    // Wednesday has not ended: no day record yet.
    assertThat(days).doesNotContainKey("wistron-dal@2027-03-10");
  }

  @Test
  void theSpringForwardDayHas23HoursAndAHolidayHasNoShift() {
    // Saturday 2027-03-13 05:00 CST (11:00Z) to Monday 2027-03-15 01:00 CDT (06:00Z), productive,
    // a unit every hour on the hour.
    Instant start = Instant.parse("2027-03-13T11:00:00Z");
    Instant end = Instant.parse("2027-03-15T06:01:00Z");
    send(racks.state(PRODUCTIVE, start));
    for (Instant at = start.plusSeconds(30); !at.isAfter(end); at = at.plusSeconds(30)) {
      send(at.getEpochSecond() % 3600 == 1800 ? racks.unit(PASS, at) : racks.heartbeat(PRODUCTIVE, at));
    }

    Map<String, SiteKpi> days = latest(TOPICS.siteKpiDay().name());
    SiteKpi sunday = days.get("foxconn-hou@2027-03-14");
    assertThat(sunday.getWindowStart()).isEqualTo(Instant.parse("2027-03-14T06:00:00Z"));
    assertThat(sunday.getWindowEnd()).isEqualTo(Instant.parse("2027-03-15T05:00:00Z"));
    assertThat(sunday.getStateMillis().getProductive()).isEqualTo(23 * HOUR);
    assertThat(sunday.getUnitsTotal()).isEqualTo(23);
    assertThat(sunday.getOutputPerHour()).isCloseTo(1.0, within(1e-12));
    // Saturday: 06:00Z to 06:00Z, from 11:00Z on.
    SiteKpi saturday = days.get("foxconn-hou@2027-03-13");
    assertThat(saturday.getWindowEnd().toEpochMilli() - saturday.getWindowStart().toEpochMilli()).isEqualTo(24 * HOUR);
    assertThat(saturday.getStateMillis().getProductive()).isEqualTo(19 * HOUR);

    // The machine's day has the same length and no failure, so no MTBF or MTTR.
    Map<String, MachineKpi> machineDays = latestMachine(TOPICS.machineKpiDay().name());
    MachineKpi machineSunday = machineDays.get(racks.id() + "@2027-03-14");
    assertThat(machineSunday.getLocalDate()).isEqualTo("2027-03-14");
    assertThat(machineSunday.getStateMillis().getProductive()).isEqualTo(23 * HOUR);
    assertThat(machineSunday.getFailures()).isZero();
    assertThat(machineSunday.getMtbfMillis()).isNull();
    assertThat(machineSunday.getMttrMillis()).isNull();

    // No shift on the holiday Saturday nor on Sunday; Monday's day shift starts at 06:00 CDT, after the input.
    assertThat(latest(TOPICS.siteKpiShift().name())).isEmpty();
  }

  @Test
  void aFailureCountsOnceInTheShiftItStartsAndItsReasonCarriesIntoTheNext() {
    // Monday 2027-03-08: day shift 06:00-14:30 CST (12:00Z-20:30Z), swing 14:30-23:00 (20:30Z-05:00Z).
    Instant dayShift = Instant.parse("2027-03-08T12:00:00Z");
    Instant failure = Instant.parse("2027-03-08T20:00:00Z");
    Instant repaired = Instant.parse("2027-03-08T21:00:00Z");
    send(racks.state(PRODUCTIVE, dayShift));
    heartbeats(racks, PRODUCTIVE, dayShift.plusSeconds(10), failure.minusSeconds(10));
    send(racks.unit(FAIL, failure.minusSeconds(5)));
    send(racks.state(UNSCHEDULED_DOWN, "FAILURE", failure));
    heartbeats(racks, UNSCHEDULED_DOWN, failure.plusSeconds(10), repaired.minusSeconds(10));
    send(racks.state(PRODUCTIVE, "REPAIRED", repaired));
    heartbeats(racks, PRODUCTIVE, repaired.plusSeconds(10), Instant.parse("2027-03-09T06:01:00Z"));

    Map<String, SiteKpi> shifts = latest(TOPICS.siteKpiShift().name());
    SiteKpi day = shifts.get("foxconn-hou@2027-03-08T12:00:00Z");
    assertThat(day.getShift()).isEqualTo("day");
    assertThat(day.getFailures()).isEqualTo(1);
    assertThat(day.getStateReasonMillis()).containsOnly(
        Map.entry("PRODUCTIVE/UNSPECIFIED", 8 * HOUR),
        Map.entry("UNSCHEDULED_DOWN/FAILURE", 30 * MINUTE));
    assertThat(day.getDefectUnits()).containsOnly(Map.entry("D01", 1L));
    SiteKpi swing = shifts.get("foxconn-hou@2027-03-08T20:30:00Z");
    assertThat(swing.getShift()).isEqualTo("swing");
    assertThat(swing.getFailures()).isZero();
    // The repair ends 30 minutes into the swing shift: the failure's reason goes on with its state.
    assertThat(swing.getStateReasonMillis()).containsOnly(
        Map.entry("UNSCHEDULED_DOWN/FAILURE", 30 * MINUTE),
        Map.entry("PRODUCTIVE/REPAIRED", 8 * HOUR));

    // The machine's Monday (06:00Z to 06:00Z): 8 h + 9 h productive, one failure of one hour.
    MachineKpi monday = latestMachine(TOPICS.machineKpiDay().name()).get(racks.id() + "@2027-03-08");
    assertThat(monday.getFailures()).isEqualTo(1);
    assertThat(monday.getStateMillis().getProductive()).isEqualTo(17 * HOUR);
    assertThat(monday.getMtbfMillis()).isEqualTo(17 * HOUR);
    assertThat(monday.getMttrMillis()).isEqualTo(HOUR);
    assertThat(monday.getUnitsTotal() - monday.getUnitsGood()).isEqualTo(1);

    // The hour of the failure, with its reasons, in the 1-hour window too.
    SiteKpi hour = latest(TOPICS.siteKpi1h().name()).get("foxconn-hou@2027-03-08T20:00:00Z");
    assertThat(hour.getFailures()).isEqualTo(1);
    assertThat(hour.getStateReasonMillis()).containsOnly(Map.entry("UNSCHEDULED_DOWN/FAILURE", HOUR));
  }

  @Test
  void aHeartbeatThatChangesTheStateSetsNoReasonAndTheFirstStateIsNoFailure() {
    Instant start = Instant.parse("2027-03-08T12:00:00Z");
    // Down from the first event on: nobody saw the machine enter it, so no failure.
    send(racks.state(UNSCHEDULED_DOWN, "FAILURE", start));
    heartbeats(racks, UNSCHEDULED_DOWN, start.plusSeconds(10), start.plusSeconds(590));
    // A heartbeat reports PRODUCTIVE (its state change was lost), then one reports the machine down: a failure.
    heartbeats(racks, PRODUCTIVE, start.plusSeconds(600), start.plusSeconds(1190));
    heartbeats(racks, UNSCHEDULED_DOWN, start.plusSeconds(1200), start.plus(Duration.ofMinutes(62)));

    SiteKpi hour = latest(TOPICS.siteKpi1h().name()).get("foxconn-hou@2027-03-08T12:00:00Z");
    assertThat(hour.getFailures()).isEqualTo(1);
    assertThat(hour.getStateReasonMillis()).containsOnly(
        Map.entry("UNSCHEDULED_DOWN/FAILURE", 10 * MINUTE),
        Map.entry("PRODUCTIVE/UNSPECIFIED", 10 * MINUTE),
        Map.entry("UNSCHEDULED_DOWN/UNSPECIFIED", 40 * MINUTE));
  }

  private static SiteInfo site(String id, List<String> holidays, ShiftInfo... shifts) {
    return new SiteInfo(id, "operator", "place", "assembly", "America/Chicago", List.of(shifts), holidays, false);
  }

  private void send(TelemetryEvent event) {
    telemetry.pipeInput(event.getMachineId(), event, event.getEventTime());
  }

  /** Heartbeats every 30 s, well within staleAfter (60 s). */
  private void heartbeats(TestMachine machine, EquipmentState state, Instant from, Instant to) {
    for (Instant at = from; !at.isAfter(to); at = at.plusSeconds(30)) {
      send(machine.heartbeat(state, at));
    }
  }

  private Map<String, SiteKpi> latest(String topic) {
    return driver.createOutputTopic(topic, TOPICS.siteKpi1h().keySerde().deserializer(),
        TOPICS.siteKpi1h().valueSerde().deserializer()).readKeyValuesToMap();
  }

  private Map<String, MachineKpi> latestMachine(String topic) {
    return driver.createOutputTopic(topic, TOPICS.machineKpiDay().keySerde().deserializer(),
        TOPICS.machineKpiDay().valueSerde().deserializer()).readKeyValuesToMap();
  }
}
