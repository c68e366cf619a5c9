package io.plantstream.producer.sim;

import io.plantstream.avro.EquipmentState;
import io.plantstream.avro.Heartbeat;
import io.plantstream.avro.SensorReading;
import io.plantstream.avro.StateChange;
import io.plantstream.avro.TelemetryEvent;
import io.plantstream.avro.UnitCompleted;
import io.plantstream.avro.UnitOutcome;
import io.plantstream.producer.model.Machine;
import io.plantstream.producer.model.MachineKind;
import io.plantstream.producer.model.SensorSpec;
import java.time.Instant;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The event timeline of one machine (SEMI E10, first version): PRODUCTIVE cycles that complete
 * units, failures after exponential productive time with log-normal repairs, waits for material,
 * plus periodic heartbeats and sensor readings. Produces its events lazily, in time order.
 *
 * <p>All randomness comes from generators derived from (seed, machine id), split by concern, so
 * a machine's events do not depend on any other machine, and its process (states, units) does
 * not depend on how many sensors it has.
 */
final class MachineSimulator {

  /** Reason of a failure (PRODUCTIVE to UNSCHEDULED_DOWN). */
  static final String FAILURE = "FAILURE";
  /** Reason of the end of a repair (UNSCHEDULED_DOWN to PRODUCTIVE). */
  static final String REPAIRED = "REPAIRED";
  /** Reason of a wait for material (PRODUCTIVE to STANDBY). */
  static final String STARVED = "STARVED";
  /** Reason of the end of a wait for material (STANDBY to PRODUCTIVE). */
  static final String MATERIAL_ARRIVED = "MATERIAL_ARRIVED";

  private static final double REPAIR_SIGMA = 0.5;
  private static final long NEVER = Long.MAX_VALUE / 4;

  private enum Step { INITIAL_STATE, COMPLETE_UNIT, FAIL, REPAIR, STARVE, RESUME }

  private final Machine machine;
  private final MachineKind kind;
  private final int order;
  private final long heartbeatMillis;
  private final long sensorMillis;
  private final SplittableRandom process;
  private final SplittableRandom sensorRandom;
  private final SplittableRandom idRandom;
  private final SensorChannel[] sensors;

  private EquipmentState state;
  private long sequence;
  private long unitCounter;
  private long nextHeartbeatAt;
  private long nextAt;

  private Step step;
  private long stepAt;
  private long cycleEndAt;
  private long failAt;
  private long starveAt;
  // Productive time left until the next failure or starvation, kept while not productive.
  private long timeToFailure;
  private long timeToStarvation;

  MachineSimulator(Machine machine, int order, long seed, long startMillis, long heartbeatMillis, long sensorMillis) {
    this.machine = machine;
    this.kind = machine.kind();
    this.order = order;
    this.heartbeatMillis = heartbeatMillis;
    this.sensorMillis = sensorMillis;
    SplittableRandom root = SimRandom.forMachine(seed, machine.machineId());
    this.process = root.split();
    this.sensorRandom = root.split();
    this.idRandom = root.split();

    // Phases spread the periodic events of different machines over the interval.
    this.nextHeartbeatAt = startMillis + SimRandom.below(sensorRandom, heartbeatMillis);
    List<SensorSpec> specs = kind.sensors();
    this.sensors = new SensorChannel[specs.size()];
    for (int i = 0; i < sensors.length; i++) {
      SensorSpec spec = specs.get(i);
      double level = spec.min() + SimRandom.uniform(sensorRandom) * (spec.max() - spec.min());
      sensors[i] = new SensorChannel(spec, level, startMillis + SimRandom.below(sensorRandom, sensorMillis));
    }

    this.timeToFailure = timeToFailure();
    this.timeToStarvation = timeToStarvation();
    this.state = initialState();
    this.step = Step.INITIAL_STATE;
    this.stepAt = startMillis;
    updateNextAt();
  }

  /** Event time (epoch millis) of the next event. */
  long nextAt() {
    return nextAt;
  }

  /** Position of the machine in the model; breaks ties between machines. */
  int order() {
    return order;
  }

  Machine machine() {
    return machine;
  }

  /** Produces the next event of this machine and advances its timeline. */
  TelemetryEvent next() {
    long at = nextAt;
    TelemetryEvent event;
    if (stepAt == at) {
      event = event(at, processStep(at));
    } else {
      event = null;
      for (SensorChannel sensor : sensors) {
        if (sensor.nextAt() == at) {
          SensorSpec spec = sensor.spec();
          double value = sensor.read(state, sensorRandom, sensorMillis);
          event = event(at, new SensorReading(spec.name(), value, spec.unit()));
          break;
        }
      }
      if (event == null) {
        nextHeartbeatAt += heartbeatMillis;
        event = event(at, new Heartbeat(state));
      }
    }
    updateNextAt();
    return event;
  }

  private Object processStep(long at) {
    switch (step) {
      case INITIAL_STATE:
        return enterInitialState(at);
      case COMPLETE_UNIT:
        return completeUnit(at);
      case FAIL:
        state = EquipmentState.UNSCHEDULED_DOWN;
        timeToStarvation = starveAt - at;
        timeToFailure = timeToFailure();
        schedule(Step.REPAIR, at + repairTime());
        return new StateChange(state, FAILURE);
      case REPAIR:
        enterProductive(at, cycleTime());
        return new StateChange(state, REPAIRED);
      case STARVE:
        state = EquipmentState.STANDBY;
        timeToFailure = failAt - at;
        timeToStarvation = timeToStarvation();
        schedule(Step.RESUME, at + starvedTime());
        return new StateChange(state, STARVED);
      case RESUME:
        enterProductive(at, cycleTime());
        return new StateChange(state, MATERIAL_ARRIVED);
      default:
        throw new IllegalStateException("unknown step " + step);
    }
  }

  private StateChange enterInitialState(long at) {
    switch (state) {
      case UNSCHEDULED_DOWN:
        schedule(Step.REPAIR, at + repairTime());
        return new StateChange(state, FAILURE);
      case STANDBY:
        schedule(Step.RESUME, at + starvedTime());
        return new StateChange(state, STARVED);
      default:
        // The machine was already busy before the run began: its first unit is partly done.
        long firstCycle = Math.max(1, (long) Math.ceil(SimRandom.uniform(process) * cycleTime()));
        enterProductive(at, firstCycle);
        return new StateChange(state, null);
    }
  }

  private UnitCompleted completeUnit(long at) {
    unitCounter++;
    String unitId = machine.machineId() + "-u" + unitCounter;
    UnitCompleted unit;
    if (SimRandom.uniform(process) < kind.yield()) {
      unit = new UnitCompleted(unitId, UnitOutcome.PASS, null);
    } else {
      List<String> codes = kind.defectCodes();
      String code = codes.isEmpty() ? null : codes.get((int) SimRandom.below(process, codes.size()));
      unit = new UnitCompleted(unitId, UnitOutcome.FAIL, code);
    }
    if (starveAt <= at) {
      // Starvation shows between units: the unit in progress is finished first.
      schedule(Step.STARVE, at);
    } else {
      cycleEndAt = at + cycleTime();
      planProductive();
    }
    return unit;
  }

  private void enterProductive(long at, long cycleMillis) {
    state = EquipmentState.PRODUCTIVE;
    failAt = at + timeToFailure;
    starveAt = at + timeToStarvation;
    cycleEndAt = at + cycleMillis;
    planProductive();
  }

  private void planProductive() {
    // A failure interrupts the unit in progress, which is lost.
    if (failAt <= cycleEndAt) {
      schedule(Step.FAIL, failAt);
    } else {
      schedule(Step.COMPLETE_UNIT, cycleEndAt);
    }
  }

  private void schedule(Step next, long at) {
    step = next;
    stepAt = at;
  }

  private EquipmentState initialState() {
    double mtbf = kind.mtbf().toMillis();
    double mttr = kind.mttr().toMillis();
    double down = mttr / (mtbf + mttr);
    double standby = 0;
    MachineKind.Starvation starvation = kind.starvation();
    if (starvation != null) {
      double every = starvation.every().toMillis();
      double duration = starvation.duration().toMillis();
      standby = duration / (every + duration);
    }
    double u = SimRandom.uniform(process);
    if (u < down) {
      return EquipmentState.UNSCHEDULED_DOWN;
    }
    return u < down + standby ? EquipmentState.STANDBY : EquipmentState.PRODUCTIVE;
  }

  private long cycleTime() {
    double ideal = kind.idealCycle().toMillis();
    double loss = SimRandom.exponential(process, kind.performanceLoss());
    return (long) Math.ceil(ideal * (1 + loss));
  }

  private long timeToFailure() {
    return atLeastOne(SimRandom.exponential(process, kind.mtbf().toMillis()));
  }

  private long repairTime() {
    return atLeastOne(SimRandom.logNormal(process, kind.mttr().toMillis(), REPAIR_SIGMA));
  }

  private long timeToStarvation() {
    MachineKind.Starvation starvation = kind.starvation();
    return starvation == null ? NEVER : atLeastOne(SimRandom.exponential(process, starvation.every().toMillis()));
  }

  private long starvedTime() {
    MachineKind.Starvation starvation = kind.starvation();
    return starvation == null ? 1 : atLeastOne(SimRandom.exponential(process, starvation.duration().toMillis()));
  }

  private TelemetryEvent event(long at, Object payload) {
    return new TelemetryEvent(SimRandom.uuid(idRandom).toString(), machine.siteId(), machine.lineId(),
        machine.machineId(), Instant.ofEpochMilli(at), sequence++, payload);
  }

  private void updateNextAt() {
    long next = Math.min(stepAt, nextHeartbeatAt);
    for (SensorChannel sensor : sensors) {
      next = Math.min(next, sensor.nextAt());
    }
    nextAt = next;
  }

  private static long atLeastOne(double millis) {
    return Math.max(1L, Math.round(millis));
  }
}
