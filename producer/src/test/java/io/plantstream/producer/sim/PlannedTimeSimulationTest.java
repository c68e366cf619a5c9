package io.plantstream.producer.sim;

import static org.assertj.core.api.Assertions.assertThat;

import io.plantstream.avro.EquipmentState;
import io.plantstream.avro.Heartbeat;
import io.plantstream.avro.StateChange;
import io.plantstream.avro.TelemetryEvent;
import io.plantstream.producer.model.Machine;
import io.plantstream.producer.model.PlantModel;
import io.plantstream.producer.model.ShiftCalendar;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Planned time in the simulated stream: shifts in local time (across the 2027 daylight-saving
 * change), holidays, staggered maintenance, qualification runs, and machines that run unattended.
 */
class PlannedTimeSimulationTest {

  private static final String PLANT = """
      machineKinds:
        assembler:
          unitName: tray
          idealCycle: 30m
          mtbf: 100h
          mttr: 2h
          yield: 0.97
          defectCodes: [LOOSE_SCREW]
          starvation: {every: 10h, duration: 1h}
          maintenance: {every: 3d, duration: 4h}
          engineering: {every: 30h, duration: 2h}
        oven:
          unitName: rack
          idealCycle: 24h
          mtbf: 500h
          mttr: 4h
          yield: 0.9
          defectCodes: [BURN_IN_FAIL]
          unattended: true
      sites:
        - id: hou
          operator: Texas Co
          place: Houston, TX
          timeZone: America/Chicago
          kind: assembly
          calendar:
            shifts:
              - {name: day, days: MON-FRI, from: "06:00", to: "14:00"}
              - {name: swing, days: MON-FRI, from: "14:00", to: "22:00"}
            holidays: [2027-03-19]
          lines:
            - id: hou-line
              machines:
                - {kind: assembler, count: 3}
                - {kind: oven, count: 1}
        - id: phx
          operator: Arizona Co
          place: Phoenix, AZ
          timeZone: America/Phoenix
          kind: assembly
          calendar:
            shifts:
              - {name: day, days: MON-FRI, from: "06:00", to: "14:00"}
              - {name: swing, days: MON-FRI, from: "14:00", to: "22:00"}
          lines:
            - id: phx-line
              machines:
                - {kind: assembler, count: 1}
      """;

  /** Four weeks around the start of daylight saving time in Texas (Sunday 2027-03-14). */
  private static final Instant START = Instant.parse("2027-03-01T00:00:00Z");
  private static final Instant END = Instant.parse("2027-03-29T00:00:00Z");
  private static final Set<EquipmentState> PROCESS_STATES = EnumSet.of(EquipmentState.PRODUCTIVE,
      EquipmentState.STANDBY, EquipmentState.UNSCHEDULED_DOWN, EquipmentState.ENGINEERING);

  private static final Map<String, TreeMap<Long, Boolean>> SCHEDULE = new HashMap<>();
  private static PlantModel model;
  private static Map<String, Machine> machines;
  private static Map<String, Long> phases;
  private static List<TelemetryEvent> stateEvents;

  @BeforeAll
  static void simulate() {
    model = PlantModel.parse(PLANT, "planned-plant.yaml");
    machines = new HashMap<>();
    model.machines().forEach(machine -> machines.put(machine.machineId(), machine));
    phases = PlantSimulator.maintenancePhases(model);
    PlantSimulator simulator = new PlantSimulator(model, 3, START, Set.of());
    stateEvents = new ArrayList<>();
    for (TelemetryEvent event = simulator.next(); event.getEventTime().isBefore(END); event = simulator.next()) {
      if (event.getPayload() instanceof StateChange || event.getPayload() instanceof Heartbeat) {
        stateEvents.add(event);
      }
    }
  }

  @Test
  void everyReportedStateFollowsThePlan() {
    int checked = 0;
    for (TelemetryEvent event : stateEvents) {
      Machine machine = machines.get(event.getMachineId());
      EquipmentState state = stateOf(event);
      long at = event.getEventTime().toEpochMilli();
      if (inMaintenance(machine, at)) {
        assertThat(state).as("%s at %s", machine.machineId(), event.getEventTime()).isEqualTo(EquipmentState.SCHEDULED_DOWN);
      } else if (!machine.kind().unattended() && !scheduled(machine.siteId(), at)) {
        assertThat(state).as("%s at %s", machine.machineId(), event.getEventTime()).isEqualTo(EquipmentState.NON_SCHEDULED);
      } else {
        assertThat(state).as("%s at %s", machine.machineId(), event.getEventTime()).isIn(PROCESS_STATES);
      }
      checked++;
    }
    assertThat(checked).isGreaterThan(1_000_000);
  }

  @Test
  void theTexasShiftStartMovesOneUtcHourAcrossDaylightSavingAndArizonasDoesNot() {
    Map<LocalDate, Integer> houStarts = shiftStartHours("hou", ZoneId.of("America/Chicago"));
    Map<LocalDate, Integer> phxStarts = shiftStartHours("phx", ZoneId.of("America/Phoenix"));

    // 06:00 in Houston is 12:00 UTC before Sunday 2027-03-14 and 11:00 UTC after; Phoenix stays at 13:00 UTC.
    houStarts.forEach((date, hour) -> assertThat(hour).as("Houston shift start on %s", date)
        .isEqualTo(date.isBefore(LocalDate.of(2027, 3, 14)) ? 12 : 11));
    phxStarts.forEach((date, hour) -> assertThat(hour).as("Phoenix shift start on %s", date).isEqualTo(13));
    // Weekdays only, and no shift on the Houston holiday.
    assertThat(houStarts.keySet()).hasSize(19).doesNotContain(LocalDate.of(2027, 3, 19));
    assertThat(phxStarts.keySet()).hasSize(20);
  }

  @Test
  void maintenanceTakesItsFullWindowAndTheMachinesOfALineTakeTurns() {
    Map<String, List<Instant[]>> windows = new TreeMap<>();
    Map<String, Instant> openSince = new HashMap<>();
    for (TelemetryEvent event : stateEvents) {
      if (!(event.getPayload() instanceof StateChange change)) {
        continue;
      }
      Instant since = openSince.remove(event.getMachineId());
      if (since != null) {
        windows.computeIfAbsent(event.getMachineId(), m -> new ArrayList<>()).add(new Instant[] {since, event.getEventTime()});
      }
      // A window under way when the run starts is announced at the start, partly over.
      if (change.getState() == EquipmentState.SCHEDULED_DOWN && "PM".equals(change.getReason())
          && event.getEventTime().isAfter(START)) {
        openSince.put(event.getMachineId(), event.getEventTime());
      }
    }

    assertThat(windows.keySet()).containsExactly("hou-line-assembler-01", "hou-line-assembler-02",
        "hou-line-assembler-03", "phx-line-assembler-01");
    windows.forEach((machine, list) -> {
      assertThat(list).hasSizeBetween(8, 9);
      for (int i = 0; i < list.size(); i++) {
        assertThat(Duration.between(list.get(i)[0], list.get(i)[1])).isEqualTo(Duration.ofHours(4));
        if (i > 0) {
          assertThat(Duration.between(list.get(i - 1)[0], list.get(i)[0])).isEqualTo(Duration.ofDays(3));
        }
      }
    });
    // Staggered: a third of the period apart, so never two at once.
    List<Instant[]> all = new ArrayList<>();
    windows.entrySet().stream().filter(e -> e.getKey().startsWith("hou-")).forEach(e -> all.addAll(e.getValue()));
    for (Instant[] a : all) {
      for (Instant[] b : all) {
        if (a != b) {
          assertThat(a[1].isAfter(b[0]) && b[1].isAfter(a[0])).as("overlap").isFalse();
        }
      }
    }
  }

  @Test
  void qualificationRunsAreEngineeringTimeAndEndInProduction() {
    Map<String, EquipmentState> previous = new HashMap<>();
    Map<String, String> openRun = new HashMap<>();
    int runs = 0;
    int completed = 0;
    for (TelemetryEvent event : stateEvents) {
      if (!(event.getPayload() instanceof StateChange change)) {
        continue;
      }
      EquipmentState before = previous.put(event.getMachineId(), change.getState());
      if (openRun.remove(event.getMachineId()) != null && "QUALIFIED".equals(change.getReason())) {
        assertThat(change.getState()).isEqualTo(EquipmentState.PRODUCTIVE);
        completed++;
      }
      if (change.getState() == EquipmentState.ENGINEERING) {
        // A run starts from production, or resumes after the plan interrupted it: QUALIFICATION either way.
        assertThat(change.getReason()).isEqualTo("QUALIFICATION");
        openRun.put(event.getMachineId(), change.getReason());
        runs += before == EquipmentState.PRODUCTIVE ? 1 : 0;
      }
    }
    assertThat(runs).isGreaterThan(10);
    assertThat(completed).isGreaterThan(runs / 2);
  }

  @Test
  void everyStateIsEnteredWithTheReasonForIt() {
    Map<EquipmentState, String> lossReasons = Map.of(
        EquipmentState.UNSCHEDULED_DOWN, "FAILURE",
        EquipmentState.STANDBY, "NO_MATERIAL",
        EquipmentState.ENGINEERING, "QUALIFICATION",
        EquipmentState.SCHEDULED_DOWN, "PM",
        EquipmentState.NON_SCHEDULED, "OFF_SHIFT");
    Set<String> backToWork = Set.of("REPAIRED", "MATERIAL_ARRIVED", "QUALIFIED", "PM_DONE", "SHIFT_START");
    Map<String, EquipmentState> previous = new HashMap<>();
    Map<EquipmentState, Integer> entered = new EnumMap<>(EquipmentState.class);
    int resumedAfterPlannedTime = 0;
    for (TelemetryEvent event : stateEvents) {
      if (!(event.getPayload() instanceof StateChange change)) {
        continue;
      }
      EquipmentState before = previous.put(event.getMachineId(), change.getState());
      String what = event.getMachineId() + " at " + event.getEventTime() + " from " + before;
      if (change.getState() == EquipmentState.PRODUCTIVE) {
        // Only the first state of a run has no reason: nobody saw the machine enter it.
        if (before != null) {
          assertThat(change.getReason()).as(what).isIn(backToWork);
        }
      } else {
        assertThat(change.getReason()).as(what).isEqualTo(lossReasons.get(change.getState()));
        entered.merge(change.getState(), 1, Integer::sum);
        if (PROCESS_STATES.contains(change.getState())
            && (before == EquipmentState.SCHEDULED_DOWN || before == EquipmentState.NON_SCHEDULED)) {
          resumedAfterPlannedTime++;
        }
      }
    }
    assertThat(entered.keySet()).containsExactlyInAnyOrderElementsOf(lossReasons.keySet());
    // Repairs, waits and runs that the plan interrupted go on with their own reason afterwards.
    assertThat(resumedAfterPlannedTime).isGreaterThan(0);
  }

  @Test
  void unattendedMachinesRunThroughNightsAndWeekends() {
    assertThat(stateEvents).filteredOn(event -> event.getMachineId().equals("hou-line-oven-01"))
        .isNotEmpty()
        .allSatisfy(event -> assertThat(stateOf(event)).isNotEqualTo(EquipmentState.NON_SCHEDULED));
  }

  /** UTC hour per local date at which a machine of the site went from NON_SCHEDULED back to work. */
  private static Map<LocalDate, Integer> shiftStartHours(String siteId, ZoneId zone) {
    Map<LocalDate, Integer> hours = new TreeMap<>();
    Map<String, EquipmentState> states = new HashMap<>();
    for (TelemetryEvent event : stateEvents) {
      if (!(event.getPayload() instanceof StateChange change)) {
        continue;
      }
      EquipmentState before = states.put(event.getMachineId(), change.getState());
      if (event.getSiteId().equals(siteId) && before == EquipmentState.NON_SCHEDULED
          && PROCESS_STATES.contains(change.getState())) {
        Integer previous = hours.put(event.getEventTime().atZone(zone).toLocalDate(),
            event.getEventTime().atZone(ZoneId.of("UTC")).getHour());
        assertThat(previous == null || previous == event.getEventTime().atZone(ZoneId.of("UTC")).getHour()).isTrue();
      }
    }
    return hours;
  }

  private static boolean inMaintenance(Machine machine, long at) {
    if (machine.kind().maintenance() == null) {
      return false;
    }
    long every = machine.kind().maintenance().every().toMillis();
    return Math.floorMod(at - phases.get(machine.machineId()), every) < machine.kind().maintenance().duration().toMillis();
  }

  /** Whether the site is scheduled at {@code at}, from its calendar's changes over the run (cached). */
  private static boolean scheduled(String siteId, long at) {
    TreeMap<Long, Boolean> changes = SCHEDULE.computeIfAbsent(siteId, id -> {
      ShiftCalendar calendar = model.site(id).orElseThrow().calendar();
      TreeMap<Long, Boolean> map = new TreeMap<>();
      for (long t = START.toEpochMilli(); t < END.toEpochMilli(); t = calendar.nextChange(t)) {
        map.put(t, calendar.isScheduled(t));
      }
      return map;
    });
    return changes.floorEntry(at).getValue();
  }

  private static EquipmentState stateOf(TelemetryEvent event) {
    return event.getPayload() instanceof StateChange change ? change.getState() : ((Heartbeat) event.getPayload()).getState();
  }
}
