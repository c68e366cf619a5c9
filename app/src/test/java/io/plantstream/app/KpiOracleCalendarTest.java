package io.plantstream.app;

import static io.plantstream.avro.EquipmentState.PRODUCTIVE;
import static io.plantstream.avro.EquipmentState.SCHEDULED_DOWN;
import static io.plantstream.avro.EquipmentState.STANDBY;
import static io.plantstream.avro.EquipmentState.UNSCHEDULED_DOWN;
import static org.assertj.core.api.Assertions.assertThat;

import io.plantstream.avro.EquipmentState;
import io.plantstream.avro.Heartbeat;
import io.plantstream.avro.MachineInfo;
import io.plantstream.avro.SensorReading;
import io.plantstream.avro.ShiftInfo;
import io.plantstream.avro.SiteInfo;
import io.plantstream.avro.StateChange;
import io.plantstream.avro.TelemetryEvent;
import io.plantstream.avro.UnitCompleted;
import io.plantstream.avro.UnitOutcome;
import io.plantstream.schemas.Topics;
import io.plantstream.testing.KpiOracle;
import java.nio.charset.StandardCharsets;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/**
 * The oracle's calendar arithmetic and losses at named instants, every expected value worked out by
 * hand from docs/kpi-rules.md: the 23-hour spring-forward day in Texas, a shift across local
 * midnight, a holiday, a failure repaired in the next shift, a state's reason across a shift
 * boundary, and which state changes and heartbeats count as failures.
 */
class KpiOracleCalendarTest {

  private static final long MINUTE = 60_000;
  private static final long HOUR = 3_600_000;
  private static final ZoneId CHICAGO = ZoneId.of("America/Chicago");
  private static final List<String> MON_FRI = days(DayOfWeek.MONDAY, DayOfWeek.FRIDAY);
  private static final List<String> MON_SAT = days(DayOfWeek.MONDAY, DayOfWeek.SATURDAY);

  /**
   * Sparse timelines: nothing goes stale or is forgotten between events hours apart, and no event is
   * held as ahead of its partition's clock.
   */
  private static final KpiOracle SPARSE = new KpiOracle(Duration.ofSeconds(30), Duration.ofDays(7),
      Duration.ofDays(8), Duration.ofDays(7));

  private static SiteInfo foxconn(List<String> holidays) {
    return site("foxconn-hou", "America/Chicago", holidays,
        new ShiftInfo("day", MON_SAT, "06:00", "14:30"),
        new ShiftInfo("swing", MON_FRI, "14:30", "23:00"));
  }

  private static SiteInfo wistron() {
    return site("wistron-dal", "America/Chicago", List.of(),
        new ShiftInfo("first", MON_SAT, "07:00", "15:00"),
        new ShiftInfo("second", MON_SAT, "15:00", "23:00"),
        new ShiftInfo("third", MON_FRI, "23:00", "07:00"));
  }

  @Test
  void theSpringForwardDayInTexasIs23HoursAndTheSaturdayShiftIsTheOnlyShiftClosed() {
    Input input = new Input();
    Machine trays = input.machine("foxconn-hou", "foxconn-hou-trays", "foxconn-hou-trays-tray-assembly-01");
    Machine racks = input.machine("foxconn-hou", "foxconn-hou-racks", "foxconn-hou-racks-leak-test-01");
    trays.state("2027-03-13T12:00:00Z", PRODUCTIVE, "SHIFT_START");
    trays.unit("2027-03-14T07:00:00Z", UnitOutcome.PASS, null);
    trays.unit("2027-03-14T09:00:00Z", UnitOutcome.FAIL, "LEAK");
    racks.state("2027-03-14T10:00:00Z", STANDBY, "NO_MATERIAL");
    // Closes everything up to 2027-03-15T11:59Z: the 14th's day but not the 15th's.
    trays.sensor("2027-03-15T12:00:00Z");

    KpiOracle.Result result = input.compute(SPARSE, foxconn(List.of()));

    // Saturday: local midnight is 06:00Z (CST); the machine runs from 12:00Z, 18 hours of that day.
    KpiOracle.Window saturday = result.siteDays().get("foxconn-hou@2027-03-13");
    assertThat(saturday.windowStart()).isEqualTo(at("2027-03-13T06:00:00Z"));
    assertThat(saturday.windowEnd()).isEqualTo(at("2027-03-14T06:00:00Z"));
    assertThat(saturday.stateReasonMillis()).isEqualTo(Map.of("PRODUCTIVE/SHIFT_START", 18 * HOUR));
    // Sunday the 14th: 02:00 CST becomes 03:00 CDT, so the next midnight is 05:00Z: 23 hours.
    KpiOracle.Window sunday = result.siteDays().get("foxconn-hou@2027-03-14");
    assertThat(sunday.windowStart()).isEqualTo(at("2027-03-14T06:00:00Z"));
    assertThat(sunday.windowEnd()).isEqualTo(at("2027-03-15T05:00:00Z"));
    assertThat(sunday.windowEnd() - sunday.windowStart()).isEqualTo(23 * HOUR);
    assertThat(sunday.localDate()).isEqualTo("2027-03-14");
    assertThat(sunday.shift()).isNull();
    assertThat(sunday.stateMillis()).containsExactly(23 * HOUR, 19 * HOUR, 0, 0, 0, 0, 0);
    assertThat(sunday.stateReasonMillis()).isEqualTo(Map.of("PRODUCTIVE/SHIFT_START", 23 * HOUR,
        "STANDBY/NO_MATERIAL", 19 * HOUR));
    assertThat(sunday.unitsTotal()).isEqualTo(2);
    assertThat(sunday.unitsGood()).isEqualTo(1);
    assertThat(sunday.defectUnits()).isEqualTo(Map.of("LEAK", 1L));
    assertThat(sunday.machinesReporting()).isEqualTo(2);
    assertThat(sunday.idealProductiveMillis()).isEqualTo(2 * MINUTE);
    assertThat(sunday.oeeProductiveMillis()).isEqualTo(23 * HOUR);
    // The 15th ends at 2027-03-16T05:00Z, after the input: not closed.
    assertThat(result.siteDays().keySet()).containsExactly("foxconn-hou@2027-03-13", "foxconn-hou@2027-03-14");

    KpiOracle.Window machineSunday = result.machineDays().get("foxconn-hou-trays-tray-assembly-01@2027-03-14");
    assertThat(machineSunday.windowEnd() - machineSunday.windowStart()).isEqualTo(23 * HOUR);
    assertThat(machineSunday.stateMillis()[0]).isEqualTo(23 * HOUR);
    assertThat(machineSunday.machinesReporting()).isEqualTo(1);
    assertThat(machineSunday.failures()).isZero();
    assertThat(machineSunday.mtbfMillis()).as("no failure, no MTBF").isNull();
    assertThat(machineSunday.mttrMillis()).isNull();
    assertThat(result.machineDays()).hasSize(3);

    // Saturday's day shift, 06:00-14:30 CST = 12:00Z-20:30Z; none on Sunday; Monday's ends after the input.
    assertThat(result.siteShifts().keySet()).containsExactly("foxconn-hou@2027-03-13T12:00:00Z");
    KpiOracle.Window shift = result.siteShifts().get("foxconn-hou@2027-03-13T12:00:00Z");
    assertThat(shift.shift()).isEqualTo("day");
    assertThat(shift.localDate()).isEqualTo("2027-03-13");
    assertThat(shift.windowEnd()).isEqualTo(at("2027-03-13T20:30:00Z"));
    assertThat(shift.stateReasonMillis()).isEqualTo(Map.of("PRODUCTIVE/SHIFT_START", 8 * HOUR + 30 * MINUTE));
    assertThat(shift.machinesReporting()).isEqualTo(1);
  }

  @Test
  void onAHolidayNoShiftStartsButTheDayIsADayLikeAnyOther() {
    Input input = new Input();
    Machine trays = input.machine("foxconn-hou", "foxconn-hou-trays", "foxconn-hou-trays-tray-assembly-01");
    trays.state("2027-03-13T12:00:00Z", PRODUCTIVE, "SHIFT_START");
    trays.sensor("2027-03-15T12:00:00Z");

    KpiOracle.Result result = input.compute(SPARSE, foxconn(List.of("2027-03-13")));

    assertThat(result.siteShifts()).as("Saturday the 13th is a holiday, Sunday has no shift").isEmpty();
    assertThat(result.siteDays().get("foxconn-hou@2027-03-13").stateMillis()[0]).isEqualTo(18 * HOUR);
    assertThat(result.siteDays().get("foxconn-hou@2027-03-14").stateMillis()[0]).isEqualTo(23 * HOUR);
    assertThat(KpiOracle.shifts(foxconn(List.of("2027-03-13")), LocalDate.parse("2027-03-13"))).isEmpty();
    assertThat(KpiOracle.shifts(foxconn(List.of("2027-03-13")), LocalDate.parse("2027-03-12")))
        .extracting(KpiOracle.ShiftInstance::shift).containsExactly("day", "swing");
  }

  @Test
  void aSiteWithoutCalendarHasItsDaysInUtcAndNoShifts() {
    Input input = new Input();
    Machine trays = input.machine("foxconn-hou", "foxconn-hou-trays", "foxconn-hou-trays-tray-assembly-01");
    trays.state("2027-03-13T12:00:00Z", PRODUCTIVE, "SHIFT_START");
    trays.sensor("2027-03-15T12:00:00Z");

    KpiOracle.Result result = input.compute(SPARSE);

    assertThat(result.siteShifts()).isEmpty();
    assertThat(result.siteDays().keySet()).containsExactly("foxconn-hou@2027-03-13", "foxconn-hou@2027-03-14");
    KpiOracle.Window sunday = result.siteDays().get("foxconn-hou@2027-03-14");
    assertThat(sunday.windowStart()).isEqualTo(at("2027-03-14T00:00:00Z"));
    assertThat(sunday.windowEnd()).isEqualTo(at("2027-03-15T00:00:00Z"));
    assertThat(sunday.stateMillis()[0]).isEqualTo(24 * HOUR);
    assertThat(result.siteDays().get("foxconn-hou@2027-03-13").stateMillis()[0]).isEqualTo(12 * HOUR);
  }

  /**
   * Wistron in CDT (UTC-5) after the 14th: Monday's third shift runs 23:00 to Tuesday 07:00 local,
   * 2027-03-16T04:00Z-12:00Z; Tuesday's first 12:00Z-20:00Z, second 20:00Z-2027-03-17T04:00Z.
   */
  @Test
  void shiftsAcrossMidnightBelongToTheirFirstDayAndReasonsAndFailuresFollowTheStateNotTheShift() {
    Input input = new Input();
    Machine m = input.machine("wistron-dal", "wistron-dal-trays", "wistron-dal-trays-tray-assembly-01");
    m.state("2027-03-16T03:00:00Z", PRODUCTIVE, null);
    m.unit("2027-03-16T04:30:00Z", UnitOutcome.PASS, null);
    m.unit("2027-03-16T04:45:00Z", UnitOutcome.FAIL, "SCRATCH");
    m.state("2027-03-16T05:30:00Z", STANDBY, "NO_MATERIAL");
    m.state("2027-03-16T06:00:00Z", PRODUCTIVE, "MATERIAL_ARRIVED");
    m.state("2027-03-16T11:00:00Z", SCHEDULED_DOWN, "PM");
    m.heartbeat("2027-03-16T12:30:00Z", SCHEDULED_DOWN);
    m.state("2027-03-16T13:00:00Z", PRODUCTIVE, "PM_DONE");
    m.unit("2027-03-16T13:30:00Z", UnitOutcome.FAIL, null);
    m.heartbeat("2027-03-16T14:00:00Z", STANDBY);
    m.state("2027-03-16T14:10:00Z", PRODUCTIVE, null);
    m.state("2027-03-16T19:00:00Z", UNSCHEDULED_DOWN, "FAILURE");
    m.heartbeat("2027-03-16T19:30:00Z", UNSCHEDULED_DOWN);
    m.unit("2027-03-16T20:30:00Z", UnitOutcome.PASS, null);
    m.state("2027-03-16T21:00:00Z", PRODUCTIVE, "REPAIRED");
    m.state("2027-03-17T01:00:00.001Z", UNSCHEDULED_DOWN, null);
    m.state("2027-03-17T02:00:00Z", PRODUCTIVE, "REPAIRED");
    // Closes everything up to 2027-03-17T05:59Z: Tuesday's local day, not its third shift.
    m.sensor("2027-03-17T06:00:00Z");

    KpiOracle.Result result = input.compute(SPARSE, wistron());

    assertThat(result.siteShifts().keySet()).containsExactly("wistron-dal@2027-03-15T20:00:00Z",
        "wistron-dal@2027-03-16T04:00:00Z", "wistron-dal@2027-03-16T12:00:00Z", "wistron-dal@2027-03-16T20:00:00Z");
    // Monday's second shift: the machine's first hour, 03:00Z-04:00Z.
    KpiOracle.Window mondaySecond = result.siteShifts().get("wistron-dal@2027-03-15T20:00:00Z");
    assertThat(mondaySecond.shift()).isEqualTo("second");
    assertThat(mondaySecond.stateReasonMillis()).isEqualTo(Map.of("PRODUCTIVE/UNSPECIFIED", HOUR));

    // Monday's third shift, past local midnight (05:00Z) into Tuesday, belongs to Monday.
    KpiOracle.Window third = result.siteShifts().get("wistron-dal@2027-03-16T04:00:00Z");
    assertThat(third.shift()).isEqualTo("third");
    assertThat(third.localDate()).isEqualTo("2027-03-15");
    assertThat(third.windowEnd()).isEqualTo(at("2027-03-16T12:00:00Z"));
    assertThat(third.stateReasonMillis()).isEqualTo(Map.of(
        "PRODUCTIVE/UNSPECIFIED", 90 * MINUTE,
        "STANDBY/NO_MATERIAL", 30 * MINUTE,
        "PRODUCTIVE/MATERIAL_ARRIVED", 5 * HOUR,
        "SCHEDULED_DOWN/PM", HOUR));
    assertThat(third.stateMillis()).containsExactly(6 * HOUR + 30 * MINUTE, 30 * MINUTE, 0, HOUR, 0, 0, 0);
    assertThat(third.unitsTotal()).isEqualTo(2);
    assertThat(third.unitsGood()).isEqualTo(1);
    assertThat(third.defectUnits()).isEqualTo(Map.of("SCRATCH", 1L));
    assertThat(third.failures()).isZero();

    // Tuesday's first shift: maintenance begun in the third shift goes on as PM (a heartbeat in the
    // same state keeps the reason); a heartbeat in another state has no reason; the failure at 19:00Z.
    KpiOracle.Window first = result.siteShifts().get("wistron-dal@2027-03-16T12:00:00Z");
    assertThat(first.shift()).isEqualTo("first");
    assertThat(first.localDate()).isEqualTo("2027-03-16");
    assertThat(first.stateReasonMillis()).isEqualTo(Map.of(
        "SCHEDULED_DOWN/PM", HOUR,
        "PRODUCTIVE/PM_DONE", HOUR,
        "STANDBY/UNSPECIFIED", 10 * MINUTE,
        "PRODUCTIVE/UNSPECIFIED", 4 * HOUR + 50 * MINUTE,
        "UNSCHEDULED_DOWN/FAILURE", HOUR));
    assertThat(first.failures()).as("the failure at 19:00Z, repaired in the next shift").isEqualTo(1);
    assertThat(first.defectUnits()).isEqualTo(Map.of("UNSPECIFIED", 1L));

    // Tuesday's second shift: the repair goes on as FAILURE until 21:00Z but counts no failure; the
    // second failure, at 01:00:00.001Z, does.
    KpiOracle.Window second = result.siteShifts().get("wistron-dal@2027-03-16T20:00:00Z");
    assertThat(second.stateReasonMillis()).isEqualTo(Map.of(
        "UNSCHEDULED_DOWN/FAILURE", HOUR,
        "PRODUCTIVE/REPAIRED", 6 * HOUR + 1,
        "UNSCHEDULED_DOWN/UNSPECIFIED", HOUR - 1));
    assertThat(second.failures()).isEqualTo(1);
    assertThat(second.unitsGood()).isEqualTo(1);

    // Tuesday's local day, 2027-03-16T05:00Z to 2027-03-17T05:00Z, for the machine: two failures,
    // PRODUCTIVE 30m + 5h + 1h + 4h50m + (4h + 1 ms) + 3h, UNSCHEDULED_DOWN 2h + (1h - 1 ms).
    KpiOracle.Window tuesday = result.machineDays().get("wistron-dal-trays-tray-assembly-01@2027-03-16");
    assertThat(tuesday.windowStart()).isEqualTo(at("2027-03-16T05:00:00Z"));
    assertThat(tuesday.windowEnd()).isEqualTo(at("2027-03-17T05:00:00Z"));
    assertThat(tuesday.failures()).isEqualTo(2);
    long productive = 18 * HOUR + 20 * MINUTE + 1;
    long unscheduled = 3 * HOUR - 1;
    assertThat(tuesday.stateMillis()).containsExactly(productive, 40 * MINUTE, 0, 2 * HOUR, unscheduled, 0, 0);
    assertThat(Arrays.stream(tuesday.stateMillis()).sum()).isEqualTo(24 * HOUR);
    assertThat(tuesday.mtbfMillis()).as("PRODUCTIVE / 2, rounded down").isEqualTo(33_000_000L);
    assertThat(tuesday.mttrMillis()).as("UNSCHEDULED_DOWN / 2, rounded down").isEqualTo(5_399_999L);
    assertThat(tuesday.unitsTotal()).isEqualTo(2);
    KpiOracle.Window monday = result.machineDays().get("wistron-dal-trays-tray-assembly-01@2027-03-15");
    assertThat(monday.stateReasonMillis()).isEqualTo(Map.of("PRODUCTIVE/UNSPECIFIED", 2 * HOUR));
    assertThat(monday.mtbfMillis()).isNull();
    assertThat(result.siteDays().get("wistron-dal@2027-03-16").failures()).isEqualTo(2);
  }

  /** Minute windows with the default stale and forget times: 60 s and 1 h. */
  @Test
  void aFailureIsAnEntryIntoUnscheduledDownFromAKnownOtherState() {
    KpiOracle oracle = new KpiOracle(Duration.ofSeconds(30), Duration.ofSeconds(60), Duration.ofHours(1),
        Duration.ofDays(1));
    Input input = new Input();
    Machine m = input.machine("spil-az", "spil-az-test", "spil-az-test-final-test-01");
    m.state("2027-03-10T10:00:00Z", UNSCHEDULED_DOWN, "FAILURE");
    m.state("2027-03-10T10:00:10Z", PRODUCTIVE, null);
    m.heartbeat("2027-03-10T10:00:20Z", UNSCHEDULED_DOWN);
    m.state("2027-03-10T10:00:30Z", UNSCHEDULED_DOWN, "FAILURE");
    m.heartbeat("2027-03-10T10:02:00Z", PRODUCTIVE);
    // Stale from 10:03, forgotten from 11:02 (an hour after its last event): it starts over, and
    // nobody saw it enter UNSCHEDULED_DOWN.
    m.state("2027-03-10T12:00:00Z", UNSCHEDULED_DOWN, "FAILURE");
    m.sensor("2027-03-10T12:05:00Z");

    KpiOracle.Result result = input.compute(oracle);
    String id = "spil-az-test-final-test-01@";
    KpiOracle.Window first = result.machineMinutes().get(id + at("2027-03-10T10:00:00Z"));
    assertThat(first.failures()).as("the heartbeat at 10:00:20 after PRODUCTIVE; not the first state").isEqualTo(1);
    assertThat(first.stateReasonMillis()).isEqualTo(Map.of("UNSCHEDULED_DOWN/FAILURE", 40_000L,
        "PRODUCTIVE/UNSPECIFIED", 10_000L, "UNSCHEDULED_DOWN/UNSPECIFIED", 10_000L));
    KpiOracle.Window second = result.machineMinutes().get(id + at("2027-03-10T10:01:00Z"));
    assertThat(second.stateReasonMillis()).isEqualTo(Map.of("UNSCHEDULED_DOWN/FAILURE", 30_000L,
        "UNKNOWN/UNSPECIFIED", 30_000L));
    assertThat(second.failures()).isZero();
    assertThat(result.machineMinutes().get(id + at("2027-03-10T11:01:00Z")).stateReasonMillis())
        .isEqualTo(Map.of("UNKNOWN/UNSPECIFIED", 60_000L));
    assertThat(result.machineMinutes()).doesNotContainKey(id + at("2027-03-10T11:02:00Z"));
    KpiOracle.Window back = result.machineMinutes().get(id + at("2027-03-10T12:00:00Z"));
    assertThat(back.failures()).isZero();
    assertThat(back.stateReasonMillis()).isEqualTo(Map.of("UNSCHEDULED_DOWN/FAILURE", 60_000L));
    assertThat(result.machineMinutes().values().stream().mapToInt(KpiOracle.Window::failures).sum()).isEqualTo(1);
  }

  @Test
  void localTimesResolveAsJavaTimeDoesAcrossBothDaylightSavingChanges() {
    SiteInfo night = site("x", "America/Chicago", List.of(),
        new ShiftInfo("early", List.of("SUNDAY"), "02:30", "10:00"));
    // 02:30 does not exist on 2027-03-14: it moves forward by the gap to 03:30 CDT = 08:30Z.
    assertThat(KpiOracle.shifts(night, LocalDate.parse("2027-03-14"))).singleElement().satisfies(shift -> {
      assertThat(shift.start()).isEqualTo(Instant.parse("2027-03-14T08:30:00Z"));
      assertThat(shift.end()).isEqualTo(Instant.parse("2027-03-14T15:00:00Z"));
      assertThat(shift.key()).isEqualTo("x@2027-03-14T08:30:00Z");
    });
    // 01:30 exists twice on 2027-11-07: the earlier offset, CDT, 06:30Z.
    SiteInfo fallBack = site("x", "America/Chicago", List.of(),
        new ShiftInfo("early", List.of("SUNDAY"), "01:30", "09:00"));
    assertThat(KpiOracle.shifts(fallBack, LocalDate.parse("2027-11-07"))).singleElement()
        .satisfies(shift -> assertThat(shift.start()).isEqualTo(Instant.parse("2027-11-07T06:30:00Z")));
    long[] fallBackDay = KpiOracle.day(LocalDate.parse("2027-11-07"), CHICAGO);
    assertThat(fallBackDay[1] - fallBackDay[0]).isEqualTo(25 * HOUR);
    long[] phoenix = KpiOracle.day(LocalDate.parse("2027-03-14"), ZoneId.of("America/Phoenix"));
    assertThat(phoenix[1] - phoenix[0]).as("Arizona keeps standard time").isEqualTo(24 * HOUR);
  }

  private static long at(String instant) {
    return Instant.parse(instant).toEpochMilli();
  }

  private static List<String> days(DayOfWeek first, DayOfWeek last) {
    List<String> days = new ArrayList<>();
    for (int d = first.getValue(); d <= last.getValue(); d++) {
      days.add(DayOfWeek.of(d).name());
    }
    return days;
  }

  private static SiteInfo site(String id, String zone, List<String> holidays, ShiftInfo... shifts) {
    return SiteInfo.newBuilder().setSiteId(id).setOperator("op").setPlace("place").setKind("kind")
        .setTimeZone(zone).setShifts(List.of(shifts)).setHolidays(holidays).setScheduledAroundTheClock(false)
        .build();
  }

  /** Events of a few machines on one partition, offsets in the order they are added. */
  private static final class Input {
    final List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
    final Map<String, MachineInfo> machines = new HashMap<>();

    Machine machine(String site, String line, String id) {
      machines.put(id, new MachineInfo(id, site, line, "kind", "unit", MINUTE));
      return new Machine(this, site, line, id);
    }

    void add(TelemetryEvent event) {
      records.add(new ConsumerRecord<>("telemetry", 0, records.size(),
          event.getMachineId().getBytes(StandardCharsets.UTF_8), Topics.TELEMETRY_SERDE.encode(event)));
    }

    KpiOracle.Result compute(KpiOracle oracle, SiteInfo... sites) {
      Map<String, SiteInfo> calendars = new HashMap<>();
      for (SiteInfo site : sites) {
        calendars.put(site.getSiteId(), site);
      }
      return oracle.compute(records, machines, calendars);
    }
  }

  private record Machine(Input input, String site, String line, String id) {
    void state(String at, EquipmentState state, String reason) {
      add(at, new StateChange(state, reason));
    }

    void heartbeat(String at, EquipmentState state) {
      add(at, new Heartbeat(state));
    }

    void unit(String at, UnitOutcome outcome, String defect) {
      add(at, new UnitCompleted(id + "-u" + input.records.size(), outcome, defect));
    }

    void sensor(String at) {
      add(at, new SensorReading("power", 1.0, "kW"));
    }

    private void add(String at, Object payload) {
      long sequence = input.records.size();
      input.add(new TelemetryEvent(id + "#" + sequence, site, line, id, Instant.parse(at), sequence, payload));
    }
  }
}
