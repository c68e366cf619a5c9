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
  private static RunStats fabWeek;

  @BeforeAll
  static void simulateAFabWeek() {
    PlantModel model = PlantModel.loadDefault();
    fabWeek = RunStats.of(new PlantSimulator(model, 7, T0, Set.of("tsmc-phx")), T0.plus(FAB_SPAN));
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

  @Test
  void fabYieldsMatchTheModelWithinAFewStandardErrors() {
    for (MachineKind kind : fabWeek.kinds.values()) {
      long units = fabWeek.units(kind.id());
      double tolerance = 5 * Math.sqrt(kind.yield() * (1 - kind.yield()) / units);
      assertThat(units).as("units of %s", kind.id()).isGreaterThan(10_000);
      assertThat(fabWeek.yield(kind.id())).as("yield of %s", kind.id()).isCloseTo(kind.yield(), within(tolerance));
    }
  }

  @Test
  void fabAvailabilityIsPlausible() {
    double uptime = fabWeek.share(EquipmentState.PRODUCTIVE) + fabWeek.share(EquipmentState.STANDBY);

    assertThat(uptime).isBetween(0.88, 0.99);
    assertThat(fabWeek.share(EquipmentState.PRODUCTIVE)).isBetween(0.85, 0.97);
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
    assertThat(fabWeek.readingsOutsideTheirBand).isZero();
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
      stats.state.forEach((machine, state) -> stats.addTime(state, stats.since.get(machine), end));
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
          addTime(previous, previousSince, event.getEventTime());
        }
        failures += "FAILURE".equals(change.getReason()) ? 1 : 0;
        repairs += "REPAIRED".equals(change.getReason()) ? 1 : 0;
      } else if (payload instanceof UnitCompleted) {
        addUnit(machineId, (UnitCompleted) payload, event.getEventTime());
      } else if (payload instanceof SensorReading) {
        checkReading(machineId, (SensorReading) payload);
      } else if (payload instanceof Heartbeat && ((Heartbeat) payload).getState() != state.get(machineId)) {
        heartbeatsWithAnotherState++;
      }
    }

    private void addUnit(String machineId, UnitCompleted unit, Instant at) {
      String kind = machines.get(machineId).kind().id();
      unitsByKind.merge(kind, 1L, Long::sum);
      passByKind.merge(kind, unit.getOutcome() == UnitOutcome.PASS ? 1L : 0L, Long::sum);
      if (unit.getOutcome() == UnitOutcome.FAIL) {
        assertThat(machines.get(machineId).kind().defectCodes()).contains(unit.getDefectCode());
      }
      Instant previous = lastUnit.put(machineId, at);
      if (previous != null) {
        shortestSpacing.merge(machineId, Duration.between(previous, at).toMillis(), Math::min);
      }
    }

    private void checkReading(String machineId, SensorReading reading) {
      EquipmentState current = state.get(machineId);
      readingsByState.merge(current, 1L, Long::sum);
      SensorSpec spec = sensors.get(machines.get(machineId).kind().id()).get(reading.getSensor());
      double low = spec.min();
      double high = spec.max();
      if (current == EquipmentState.UNSCHEDULED_DOWN && spec.down() != null) {
        low = spec.down();
        high = spec.down();
      } else if (current == EquipmentState.STANDBY && spec.standby() != null) {
        low = spec.standby();
        high = spec.standby();
      }
      // Six standard deviations of noise: never exceeded by chance in a test of this size.
      double slack = 6 * spec.noise() + 1e-4;
      if (reading.getValue() < low - slack || reading.getValue() > high + slack || !reading.getUnit().equals(spec.unit())) {
        readingsOutsideTheirBand++;
      }
    }

    private void addTime(EquipmentState state, Instant from, Instant to) {
      millisByState.merge(state, Duration.between(from, to).toMillis(), Long::sum);
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
