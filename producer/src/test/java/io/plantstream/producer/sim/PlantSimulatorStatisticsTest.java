package io.plantstream.producer.sim;

import static io.plantstream.testing.TestMachine.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.plantstream.avro.EquipmentState;
import io.plantstream.avro.Heartbeat;
import io.plantstream.avro.SensorReading;
import io.plantstream.avro.StateChange;
import io.plantstream.avro.TelemetryEvent;
import io.plantstream.avro.UnitCompleted;
import io.plantstream.avro.UnitOutcome;
import io.plantstream.producer.model.Machine;
import io.plantstream.producer.model.MachineKind;
import io.plantstream.producer.model.PlantModel;
import io.plantstream.producer.model.SensorSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.DoubleSummaryStatistics;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Long simulated spans: measured yield, state shares and cycle times agree with the model. The
 * runs are deterministic (fixed seed), the tolerances are several standard errors wide.
 */
class PlantSimulatorStatisticsTest {

  /** One kind whose expected shares are easy to compute: per hour productive, 0.1 h down, 0.1 h starved. */
  private static final String TEST_PLANT = """
      machineKinds:
        tester:
          unitName: package
          idealCycle: 2m
          mtbf: 10h
          mttr: 1h
          yield: 0.8
          performanceLoss: 0.10
          defectCodes: [OPEN, SHORT]
          starvation: {every: 5h, duration: 30m}
      sites:
        - id: lab
          operator: Lab
          place: Austin, TX
          timeZone: America/Chicago
          kind: test
          lines:
            - id: lab-test
              machines:
                - {kind: tester, count: 4}
      """;

  private static final Duration FAB_SPAN = Duration.ofDays(7);
  private static final Duration PRESS_SPAN = Duration.ofDays(60);
  /** Readings this close before a failure count as "before the failure". */
  private static final Duration VIBRATION_WINDOW = Duration.ofMinutes(30);
  private static RunStats fabWeek;
  private static RunStats pressRun;

  @BeforeAll
  static void simulate() {
    PlantModel model = PlantModel.loadDefault();
    fabWeek = RunStats.of(new PlantSimulator(model, 7, T0, Set.of("tsmc-phx")), T0.plus(FAB_SPAN));
    PlantModel press = PlantModel.parse(PRESS_PLANT, "press-plant.yaml");
    pressRun = RunStats.of(new PlantSimulator(press, 11, T0, Set.of()), T0.plus(PRESS_SPAN));
  }

  @Test
  void measuredSharesYieldAndCycleTimeMatchTheConfiguredFigures() {
    PlantModel model = PlantModel.parse(TEST_PLANT, "test-plant.yaml");
    RunStats stats = RunStats.of(new PlantSimulator(model, 1, T0, Set.of()), T0.plus(Duration.ofDays(60)));
    MachineKind tester = model.machineKinds().get("tester");

    // Per hour of productive time: 0.1 h repairing (mttr/mtbf) and 0.1 h starved (duration/every).
    assertThat(stats.share(EquipmentState.PRODUCTIVE)).isCloseTo(1 / 1.2, within(0.015));
    assertThat(stats.share(EquipmentState.UNSCHEDULED_DOWN)).isCloseTo(0.1 / 1.2, within(0.01));
    assertThat(stats.share(EquipmentState.STANDBY)).isCloseTo(0.1 / 1.2, within(0.01));
    assertThat(stats.yield("tester")).isCloseTo(0.8, within(0.006));
    double meanCycle = stats.stateMillis(EquipmentState.PRODUCTIVE) / (double) stats.units("tester");
    assertThat(meanCycle).isCloseTo(tester.idealCycle().toMillis() * 1.10, within(tester.idealCycle().toMillis() * 0.02));
    assertThat(stats.failures).isGreaterThan(400);
    assertThat(stats.failures - stats.repairs).isBetween(0L, 4L);
  }

  /** Availability and yield when nothing but failures and drift interrupt production. */
  private static final String PRESS_PLANT = """
      machineKinds:
        press:
          unitName: part
          idealCycle: 1m
          mtbf: 1h
          mttr: 7m30s
          yield: 0.9
          defectCodes: [CRACK]
          yieldDrift: {sigma: 0.5, correlation: 6h}
        planned-press:
          unitName: part
          idealCycle: 1m
          mtbf: 1h
          mttr: 7m30s
          yield: 0.9
          defectCodes: [CRACK]
          maintenance: {every: 2d, duration: 5h}
      sites:
        - id: works
          operator: Works
          place: Houston, TX
          timeZone: America/Chicago
          kind: test
          calendar:
            shifts:
              - {name: day, days: MON-FRI, from: "06:00", to: "18:00"}
          lines:
            - id: works-line
              machines:
                - {kind: press, count: 3}
                - {kind: planned-press, count: 3}
      """;

  /** Excursions: every 3 h on average a 1 h burst at 50 % yield; a sensor shows them. */
  private static final String EXCURSION_PLANT = """
      machineKinds:
        bonder:
          unitName: package
          idealCycle: 1m
          mtbf: 1000h
          mttr: 1h
          yield: 0.95
          defectCodes: [VOID]
          excursions: {every: 3h, duration: 1h, yield: 0.5}
          unattended: true
          sensors:
            - {name: head-temperature, unit: degC, min: 250, max: 250, noise: 0.2, excursionShift: 8}
      sites:
        - id: pkg
          operator: Pkg
          place: Peoria, AZ
          timeZone: America/Phoenix
          kind: test
          lines:
            - id: pkg-line
              machines:
                - {kind: bonder, count: 2}
      """;

  @Test
  void availabilityConvergesToMtbfOverMtbfPlusMttrAndDriftingYieldToItsBase() {
    RunStats stats = pressRun;

    // Only failures interrupt production in the time the plan leaves (shifts, maintenance), so
    // there PRODUCTIVE / (PRODUCTIVE + UNSCHEDULED_DOWN) = MTBF / (MTBF + MTTR).
    for (String kind : new String[] {"press", "planned-press"}) {
      double productive = stats.stateMillis(kind, EquipmentState.PRODUCTIVE);
      double down = stats.stateMillis(kind, EquipmentState.UNSCHEDULED_DOWN);
      assertThat(productive / (productive + down)).as("availability of %s", kind).isCloseTo(8.0 / 9.0, within(0.01));
      assertThat(stats.failuresByKind.get(kind)).as("failures of %s", kind).isGreaterThan(1_000L);
    }
    // The drifting yield keeps its base yield in the long run.
    long units = stats.units("press");
    assertThat(stats.yield("press")).isCloseTo(0.9, within(5 * Math.sqrt(0.09 / units) + 0.006));
    // Shifts and maintenance plan time away, they do not eat into it.
    assertThat(stats.stateMillis("press", EquipmentState.SCHEDULED_DOWN)).isZero();
    assertThat(stats.stateMillis("planned-press", EquipmentState.SCHEDULED_DOWN))
        .isEqualTo(3 * PRESS_SPAN.toDays() / 2 * Duration.ofHours(5).toMillis());
    assertThat(stats.share("press", EquipmentState.NON_SCHEDULED)).isCloseTo(1 - 60.0 / 168, within(0.01));
  }

  @Test
  void driftMakesYieldWanderMoreThanChanceAlone() {
    RunStats stats = pressRun;

    // Daily yields of a drifting machine vary far more than binomial noise would make them.
    assertThat(stats.dailyYieldVarianceRatio("press")).isGreaterThan(2.0);
    assertThat(stats.dailyYieldVarianceRatio("planned-press")).isBetween(0.5, 1.6);
  }

  @Test
  void excursionsAreBurstsOfLowYieldThatSensorsShow() {
    PlantModel model = PlantModel.parse(EXCURSION_PLANT, "excursion-plant.yaml");
    RunStats stats = RunStats.of(new PlantSimulator(model, 5, T0, Set.of()), T0.plus(Duration.ofDays(20)));

    // A quarter of the time in excursions (1 h of every 4 h): 0.75 x 0.95 + 0.25 x 0.5.
    assertThat(stats.yield("bonder")).isCloseTo(0.8375, within(0.03));
    // Units completed while the head temperature reads high fail half the time; the others rarely.
    assertThat(stats.yieldWhileShifted()).isCloseTo(0.5, within(0.03));
    assertThat(stats.yieldWhileNotShifted()).isCloseTo(0.95, within(0.01));
  }

  @Test
  void aFailingToolVibratesBeforeItFails() {
    // EUV scanners: stage vibration rises by up to 0.25 mm/s in the 2 h before a failure.
    assertThat(fabWeek.vibrationBeforeFailure.getCount()).isGreaterThan(20);
    assertThat(fabWeek.vibrationBeforeFailure.getAverage())
        .isGreaterThan(fabWeek.vibrationOtherwise.getAverage() + 0.15);
  }

  @Test
  void fabsSpendTimeInMaintenanceAndQualification() {
    assertThat(fabWeek.share(EquipmentState.SCHEDULED_DOWN)).isBetween(0.01, 0.06);
    assertThat(fabWeek.share(EquipmentState.ENGINEERING)).isBetween(0.003, 0.04);
    assertThat(fabWeek.share(EquipmentState.NON_SCHEDULED)).isZero();
  }

  @Test
  void fabYieldsMatchTheModelWithinAFewStandardErrors() {
    for (MachineKind kind : fabWeek.kinds.values()) {
      if (kind.excursions() != null) {
        continue; // excursions lower the yield on purpose; see excursionsAreBurstsOfLowYieldThatSensorsShow
      }
      long units = fabWeek.units(kind.id());
      double tolerance = 5 * Math.sqrt(kind.yield() * (1 - kind.yield()) / units);
      assertThat(units).as("units of %s", kind.id()).isGreaterThan(10_000);
      assertThat(fabWeek.yield(kind.id())).as("yield of %s", kind.id()).isCloseTo(kind.yield(), within(tolerance));
    }
  }

  @Test
  void fabAvailabilityIsPlausible() {
    double uptime = fabWeek.share(EquipmentState.PRODUCTIVE) + fabWeek.share(EquipmentState.STANDBY)
        + fabWeek.share(EquipmentState.ENGINEERING);

    // Tool availability in a fab is typically 85-95 %.
    assertThat(uptime).isBetween(0.85, 0.97);
    assertThat(fabWeek.share(EquipmentState.PRODUCTIVE)).isBetween(0.80, 0.95);
    assertThat(fabWeek.failures).isGreaterThan(5);
  }

  @Test
  void unitsNeverCompleteFasterThanTheIdealCycle() {
    assertThat(fabWeek.shortestSpacing).isNotEmpty();
    fabWeek.shortestSpacing.forEach((machineId, spacing) ->
        assertThat(spacing).as("shortest unit spacing of %s", machineId)
            .isGreaterThanOrEqualTo(fabWeek.machines.get(machineId).kind().idealCycle().toMillis()));
  }

  @Test
  void heartbeatsCarryTheCurrentState() {
    assertThat(fabWeek.heartbeatsWithAnotherState).isZero();
  }

  @Test
  void sensorReadingsTrackTheMachineState() {
    assertThat(fabWeek.readingsOutsideTheirBand).as(fabWeek.firstOutsideBand).isZero();
    assertThat(fabWeek.readingsByState.get(EquipmentState.PRODUCTIVE)).isGreaterThan(1_000_000L);
    assertThat(fabWeek.readingsByState.get(EquipmentState.UNSCHEDULED_DOWN)).isGreaterThan(1_000L);
    assertThat(fabWeek.readingsByState.get(EquipmentState.STANDBY)).isGreaterThan(1_000L);
  }

  /** What a run did, measured from its events alone. */
  private static final class RunStats {

    final Map<String, Machine> machines = new HashMap<>();
    final Map<String, MachineKind> kinds = new HashMap<>();
    final Map<String, Map<String, SensorSpec>> sensors = new HashMap<>();
    final Map<String, EquipmentState> state = new HashMap<>();
    final Map<String, Instant> since = new HashMap<>();
    final Map<EquipmentState, Long> millisByState = new EnumMap<>(EquipmentState.class);
    final Map<String, Long> unitsByKind = new HashMap<>();
    final Map<String, Long> passByKind = new HashMap<>();
    final Map<String, Instant> lastUnit = new HashMap<>();
    final Map<String, Long> shortestSpacing = new HashMap<>();
    final Map<EquipmentState, Long> readingsByState = new EnumMap<>(EquipmentState.class);
    final Map<String, Map<EquipmentState, Long>> millisByKindAndState = new HashMap<>();
    final Map<String, Long> failuresByKind = new HashMap<>();
    final Map<String, Map<Long, long[]>> dailyUnitsByKind = new HashMap<>();
    final Map<String, Deque<double[]>> recentVibration = new HashMap<>();
    final DoubleSummaryStatistics vibrationBeforeFailure = new DoubleSummaryStatistics();
    final DoubleSummaryStatistics vibrationOtherwise = new DoubleSummaryStatistics();
    final Map<String, Boolean> shifted = new HashMap<>();
    final long[] unitsWhileShifted = new long[2];
    final long[] unitsWhileNotShifted = new long[2];
    String firstOutsideBand = "";
    long readingsOutsideTheirBand;
    long heartbeatsWithAnotherState;
    long failures;
    long repairs;

    static RunStats of(PlantSimulator simulator, Instant end) {
      RunStats stats = new RunStats();
      simulator.machines().forEach(machine -> {
        stats.machines.put(machine.machineId(), machine);
        stats.kinds.put(machine.kind().id(), machine.kind());
        machine.kind().sensors().forEach(sensor ->
            stats.sensors.computeIfAbsent(machine.kind().id(), kind -> new HashMap<>()).put(sensor.name(), sensor));
      });
      for (TelemetryEvent event = simulator.next(); event.getEventTime().isBefore(end); event = simulator.next()) {
        stats.add(event);
      }
      stats.state.forEach((machine, state) -> stats.addTime(machine, state, stats.since.get(machine), end));
      stats.recentVibration.values().forEach(readings -> readings.forEach(r -> stats.vibrationOtherwise.accept(r[1])));
      return stats;
    }

    void add(TelemetryEvent event) {
      String machineId = event.getMachineId();
      Object payload = event.getPayload();
      if (payload instanceof StateChange) {
        StateChange change = (StateChange) payload;
        EquipmentState previous = state.put(machineId, change.getState());
        Instant previousSince = since.put(machineId, event.getEventTime());
        if (previous != null) {
          addTime(machineId, previous, previousSince, event.getEventTime());
        }
        // A repair that goes on after planned time is announced with FAILURE again; it is not a new failure.
        boolean failure = "FAILURE".equals(change.getReason())
            && (previous == null || previous == EquipmentState.PRODUCTIVE);
        if (failure && previous != null) {
          failuresByKind.merge(machines.get(machineId).kind().id(), 1L, Long::sum);
          vibrationBefore(machineId, event.getEventTime().toEpochMilli());
        }
        failures += failure ? 1 : 0;
        repairs += "REPAIRED".equals(change.getReason()) ? 1 : 0;
      } else if (payload instanceof UnitCompleted) {
        addUnit(machineId, (UnitCompleted) payload, event.getEventTime());
      } else if (payload instanceof SensorReading) {
        checkReading(machineId, (SensorReading) payload, event.getEventTime());
      } else if (payload instanceof Heartbeat && ((Heartbeat) payload).getState() != state.get(machineId)) {
        heartbeatsWithAnotherState++;
      }
    }

    private void addUnit(String machineId, UnitCompleted unit, Instant at) {
      String kind = machines.get(machineId).kind().id();
      int pass = unit.getOutcome() == UnitOutcome.PASS ? 1 : 0;
      unitsByKind.merge(kind, 1L, Long::sum);
      passByKind.merge(kind, (long) pass, Long::sum);
      long[] day = dailyUnitsByKind.computeIfAbsent(kind, k -> new HashMap<>())
          .computeIfAbsent(Duration.between(T0, at).toDays(), d -> new long[2]);
      day[0]++;
      day[1] += pass;
      long[] bucket = shifted.getOrDefault(machineId, false) ? unitsWhileShifted : unitsWhileNotShifted;
      bucket[0]++;
      bucket[1] += pass;
      if (unit.getOutcome() == UnitOutcome.FAIL) {
        assertThat(machines.get(machineId).kind().defectCodes()).contains(unit.getDefectCode());
      }
      Instant previous = lastUnit.put(machineId, at);
      if (previous != null) {
        shortestSpacing.merge(machineId, Duration.between(previous, at).toMillis(), Math::min);
      }
    }

    private void checkReading(String machineId, SensorReading reading, Instant at) {
      EquipmentState current = state.get(machineId);
      readingsByState.merge(current, 1L, Long::sum);
      SensorSpec spec = sensors.get(machines.get(machineId).kind().id()).get(reading.getSensor());
      double low = spec.min();
      double high = spec.max();
      Double idle = spec.standby();
      Double down = spec.down() != null ? spec.down() : idle;
      switch (current) {
        case PRODUCTIVE, ENGINEERING -> {
          // A coming failure and an excursion move a running machine's readings.
          double rise = spec.beforeFailure() == null ? 0 : spec.beforeFailure().rise();
          low += Math.min(0, rise) + Math.min(0, spec.excursionShift());
          high += Math.max(0, rise) + Math.max(0, spec.excursionShift());
        }
        case STANDBY, NON_SCHEDULED -> {
          low = idle != null ? idle : low;
          high = idle != null ? idle : high;
        }
        default -> {
          low = down != null ? down : low;
          high = down != null ? down : high;
        }
      }
      // Six standard deviations of noise: never exceeded by chance in a test of this size.
      double slack = 6 * spec.noise() + 1e-4;
      if (reading.getValue() < low - slack || reading.getValue() > high + slack || !reading.getUnit().equals(spec.unit())) {
        if (readingsOutsideTheirBand++ == 0) {
          firstOutsideBand = machineId + " " + current + " " + reading;
        }
      }
      if (spec.excursionShift() != 0) {
        shifted.put(machineId, reading.getValue() > spec.max() + spec.excursionShift() / 2);
      }
      if (reading.getSensor().equals("stage-vibration") && current == EquipmentState.PRODUCTIVE) {
        Deque<double[]> recent = recentVibration.computeIfAbsent(machineId, m -> new ArrayDeque<>());
        long now = at.toEpochMilli();
        recent.addLast(new double[] {now, reading.getValue()});
        while (now - (long) recent.peekFirst()[0] > VIBRATION_WINDOW.toMillis()) {
          vibrationOtherwise.accept(recent.pollFirst()[1]);
        }
      }
    }

    /** The readings of the last {@link #VIBRATION_WINDOW} before a failure at {@code failedAt}. */
    private void vibrationBefore(String machineId, long failedAt) {
      Deque<double[]> recent = recentVibration.remove(machineId);
      if (recent != null) {
        recent.forEach(reading -> vibrationBeforeFailure.accept(reading[1]));
      }
    }

    private void addTime(String machineId, EquipmentState state, Instant from, Instant to) {
      long millis = Duration.between(from, to).toMillis();
      millisByState.merge(state, millis, Long::sum);
      millisByKindAndState.computeIfAbsent(machines.get(machineId).kind().id(), k -> new EnumMap<>(EquipmentState.class))
          .merge(state, millis, Long::sum);
    }

    long stateMillis(String kind, EquipmentState state) {
      return millisByKindAndState.getOrDefault(kind, Map.of()).getOrDefault(state, 0L);
    }

    double share(String kind, EquipmentState state) {
      long total = millisByKindAndState.getOrDefault(kind, Map.of()).values().stream().mapToLong(Long::longValue).sum();
      return stateMillis(kind, state) / (double) total;
    }

    /** Variance of the daily yields of {@code kind} over the variance binomial noise alone gives. */
    double dailyYieldVarianceRatio(String kind) {
      double p = this.yield(kind);
      double observed = 0;
      double expected = 0;
      int days = 0;
      for (long[] day : dailyUnitsByKind.get(kind).values()) {
        if (day[0] < 100) {
          continue;
        }
        double dayYield = day[1] / (double) day[0];
        observed += (dayYield - p) * (dayYield - p);
        expected += p * (1 - p) / day[0];
        days++;
      }
      assertThat(days).isGreaterThan(30);
      return observed / expected;
    }

    double yieldWhileShifted() {
      return unitsWhileShifted[1] / (double) unitsWhileShifted[0];
    }

    double yieldWhileNotShifted() {
      return unitsWhileNotShifted[1] / (double) unitsWhileNotShifted[0];
    }

    long stateMillis(EquipmentState state) {
      return millisByState.getOrDefault(state, 0L);
    }

    double share(EquipmentState state) {
      long total = millisByState.values().stream().mapToLong(Long::longValue).sum();
      return stateMillis(state) / (double) total;
    }

    long units(String kind) {
      return unitsByKind.getOrDefault(kind, 0L);
    }

    double yield(String kind) {
      return passByKind.getOrDefault(kind, 0L) / (double) units(kind);
    }
  }
}
