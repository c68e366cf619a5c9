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
 * The event timeline of one machine following the SEMI E10 states, plus periodic heartbeats and
 * sensor readings, produced lazily in time order.
 *
 * <p>Two layers decide the state. The <em>calendar</em> ({@link MachineCalendar}) plans
 * SCHEDULED_DOWN (maintenance) and NON_SCHEDULED (outside the site's shifts). When the calendar
 * leaves the machine free, its <em>process</em> runs: PRODUCTIVE cycles that complete units,
 * failures after exponential productive time (UNSCHEDULED_DOWN, log-normal repairs), waits for
 * material (STANDBY) and qualification runs (ENGINEERING). A planned block suspends the process
 * where it is (the unit in progress, the repair, the wait) and resumes it afterwards with the
 * time it had left, so planned time never eats into MTBF or MTTR.
 *
 * <p>All randomness comes from generators derived from (seed, machine id), split by concern, so
 * a machine's events do not depend on any other machine, and its process (states, units) does
 * not depend on how many sensors it has.
 */
final class MachineSimulator {

  /** Reason of a failure (to UNSCHEDULED_DOWN, also when a repair resumes after planned time). */
  static final String FAILURE = "FAILURE";
  /** Reason of the end of a repair (UNSCHEDULED_DOWN to PRODUCTIVE). */
  static final String REPAIRED = "REPAIRED";
  /** Reason of a wait for material (to STANDBY). */
  static final String NO_MATERIAL = "NO_MATERIAL";
  /** Reason of the end of a wait for material (STANDBY to PRODUCTIVE). */
  static final String MATERIAL_ARRIVED = "MATERIAL_ARRIVED";
  /** Reason of a qualification run (to ENGINEERING, also when one resumes after planned time). */
  static final String QUALIFICATION = "QUALIFICATION";
  /** Reason of the end of a qualification run (ENGINEERING to PRODUCTIVE). */
  static final String QUALIFIED = "QUALIFIED";
  /** Reason of the start of planned maintenance (to SCHEDULED_DOWN). */
  static final String MAINTENANCE = "PM";
  /** Reason of the end of planned maintenance (back to PRODUCTIVE). */
  static final String MAINTENANCE_DONE = "PM_DONE";
  /** Reason of the end of the site's shifts (to NON_SCHEDULED). */
  static final String OFF_SHIFT = "OFF_SHIFT";
  /** Reason of the start of a shift (NON_SCHEDULED back to PRODUCTIVE). */
  static final String SHIFT_START = "SHIFT_START";

  private static final double REPAIR_SIGMA = 0.5;
  private static final long NEVER = Long.MAX_VALUE / 4;

  private enum Step { INITIAL_STATE, COMPLETE_UNIT, FAIL, REPAIR, STARVE, RESUME, QUALIFY, QUALIFIED }

  private final Machine machine;
  private final MachineKind kind;
  private final int order;
  private final long heartbeatMillis;
  private final MachineCalendar calendar;
  private final SplittableRandom process;
  private final SplittableRandom sensorRandom;
  private final NormalSource sensorNormal;
  private final SplittableRandom idRandom;
  private final SplittableRandom quality;
  private final SensorChannel[] sensors;
  private final String unitIdPrefix;

  /** The state last announced. */
  private EquipmentState state;
  /** The state of the process; equals {@link #state} unless a planned block holds the machine. */
  private EquipmentState processState;
  /** The planned state holding the machine (SCHEDULED_DOWN, NON_SCHEDULED), or null if it is free. */
  private EquipmentState blockState;
  private long calendarAt = NEVER;

  private long sequence;
  private long unitCounter;
  private long nextHeartbeatAt;
  private long nextAt;

  private Step step;
  private long stepAt;
  private long cycleEndAt;
  private long failAt;
  private long starveAt;
  private long qualifyAt;
  // Productive time left until the next failure, starvation and qualification, kept while not productive.
  private long timeToFailure;
  private long timeToStarvation;
  private long timeToQualification;

  // The process step a planned block interrupted and what it had left.
  private Step suspendedStep;
  private long suspendedRemaining;

  // Quality: the logarithm of the defect-rate factor (yield drift) and the excursion plan.
  private double driftLog;
  private long driftAt;
  private long excursionStart;
  private long excursionEnd;

  MachineSimulator(Machine machine, int order, long seed, long startMillis, long heartbeatMillis,
      MachineCalendar calendar) {
    this.machine = machine;
    this.kind = machine.kind();
    this.order = order;
    this.heartbeatMillis = heartbeatMillis;
    this.calendar = calendar;
    this.unitIdPrefix = machine.machineId() + "-u";
    SplittableRandom root = SimRandom.forMachine(seed, machine.machineId());
    this.process = root.split();
    this.sensorRandom = root.split();
    this.sensorNormal = new NormalSource(sensorRandom);
    this.idRandom = root.split();
    this.quality = root.split();

    // Phases spread the periodic events of different machines over the interval.
    this.nextHeartbeatAt = startMillis + SimRandom.below(sensorRandom, heartbeatMillis);
    List<SensorSpec> specs = kind.sensors();
    this.sensors = new SensorChannel[specs.size()];
    for (int i = 0; i < sensors.length; i++) {
      SensorSpec spec = specs.get(i);
      double level = spec.min() + SimRandom.uniform(sensorRandom) * (spec.max() - spec.min());
      long phase = SimRandom.below(sensorRandom, spec.every().toMillis());
      sensors[i] = new SensorChannel(spec, level, startMillis + phase);
    }

    MachineKind.YieldDrift drift = kind.yieldDrift();
    this.driftLog = drift == null ? 0 : drift.sigma() * SimRandom.gaussian(quality);
    this.driftAt = startMillis;
    MachineKind.Excursions excursions = kind.excursions();
    if (excursions != null) {
      excursionStart = startMillis + atLeastOne(SimRandom.exponential(quality, excursions.every().toMillis()));
      excursionEnd = excursionStart + atLeastOne(SimRandom.exponential(quality, excursions.duration().toMillis()));
    } else {
      excursionStart = NEVER;
      excursionEnd = NEVER;
    }

    this.timeToFailure = timeToFailure();
    this.timeToStarvation = timeToStarvation();
    this.timeToQualification = timeToQualification();
    this.processState = initialState();
    this.state = processState;
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

  /**
   * Produces the next event of this machine and advances its timeline. At one instant a change of
   * plan comes first, then the process, then sensors, then the heartbeat.
   */
  TelemetryEvent next() {
    while (true) {
      long at = nextAt;
      TelemetryEvent event = null;
      if (calendarAt == at) {
        Object change = calendarStep(at);
        event = change == null ? null : event(at, change);
      } else if (stepAt == at) {
        event = event(at, processStep(at));
      } else {
        for (SensorChannel sensor : sensors) {
          if (sensor.nextAt() == at) {
            event = reading(sensor, at);
            break;
          }
        }
        if (event == null) {
          nextHeartbeatAt += heartbeatMillis;
          event = event(at, new Heartbeat(state));
        }
      }
      updateNextAt();
      if (event != null) {
        return event;
      }
    }
  }

  private TelemetryEvent reading(SensorChannel sensor, long at) {
    SensorSpec spec = sensor.spec();
    long toFailure = processState == EquipmentState.PRODUCTIVE && blockState == null ? failAt - at : NEVER;
    boolean excursion = sensor.showsExcursions() && inExcursion(at);
    double value = sensor.read(state, sensorNormal, toFailure, excursion);
    return event(at, new SensorReading(spec.name(), value, spec.unit()));
  }

  // ---- the calendar layer ------------------------------------------------------------------

  /** Applies the plan at {@code at}; returns the state change, or null if the planned state did not change. */
  private StateChange calendarStep(long at) {
    EquipmentState planned = calendar.stateAt(at);
    calendarAt = calendar.nextChangeAfter(at);
    if (planned == blockState) {
      return null;
    }
    EquipmentState previous = blockState;
    if (previous == null) {
      suspend(at);
    }
    blockState = planned;
    if (planned == null) {
      resume(at);
      state = processState;
      // The reason belongs to the state entered: a repair, a wait or a run that goes on keeps its own.
      String reason = processReason(processState);
      if (reason == null) {
        reason = previous == EquipmentState.SCHEDULED_DOWN ? MAINTENANCE_DONE : SHIFT_START;
      }
      return new StateChange(state, reason);
    }
    state = planned;
    return new StateChange(state, planned == EquipmentState.SCHEDULED_DOWN ? MAINTENANCE : OFF_SHIFT);
  }

  /** Holds the process at {@code at}: remembers the step in progress and the time it has left. */
  private void suspend(long at) {
    suspendedStep = step;
    switch (step) {
      case COMPLETE_UNIT, FAIL -> {
        keepProductiveBudgets(at);
        // The unit in progress waits in the machine.
        suspendedRemaining = Math.max(0, cycleEndAt - at);
      }
      case STARVE, QUALIFY -> {
        keepProductiveBudgets(at);
        suspendedRemaining = 0;
      }
      default -> suspendedRemaining = Math.max(0, stepAt - at);
    }
    stepAt = NEVER;
  }

  /** Lets the process go on at {@code at} from where {@link #suspend} held it. */
  private void resume(long at) {
    switch (suspendedStep) {
      case COMPLETE_UNIT, FAIL -> enterProductive(at, suspendedRemaining);
      case STARVE, QUALIFY -> {
        // A wait or a qualification was due between two units: it starts now.
        restartProductiveClocks(at);
        schedule(suspendedStep, at);
      }
      default -> schedule(suspendedStep, at + suspendedRemaining);
    }
    suspendedStep = null;
  }

  // ---- the process layer -------------------------------------------------------------------

  private Object processStep(long at) {
    switch (step) {
      case INITIAL_STATE:
        return enterInitialState(at);
      case COMPLETE_UNIT:
        return completeUnit(at);
      case FAIL:
        processState = EquipmentState.UNSCHEDULED_DOWN;
        state = processState;
        keepProductiveBudgets(at);
        timeToFailure = timeToFailure();
        schedule(Step.REPAIR, at + repairTime());
        return new StateChange(state, FAILURE);
      case REPAIR:
        enterProductive(at, cycleTime());
        return new StateChange(state, REPAIRED);
      case STARVE:
        processState = EquipmentState.STANDBY;
        state = processState;
        keepProductiveBudgets(at);
        timeToStarvation = timeToStarvation();
        schedule(Step.RESUME, at + starvedTime());
        return new StateChange(state, NO_MATERIAL);
      case RESUME:
        enterProductive(at, cycleTime());
        return new StateChange(state, MATERIAL_ARRIVED);
      case QUALIFY:
        processState = EquipmentState.ENGINEERING;
        state = processState;
        keepProductiveBudgets(at);
        timeToQualification = timeToQualification();
        schedule(Step.QUALIFIED, at + qualificationTime());
        return new StateChange(state, QUALIFICATION);
      case QUALIFIED:
        enterProductive(at, cycleTime());
        return new StateChange(state, QUALIFIED);
      default:
        throw new IllegalStateException("unknown step " + step);
    }
  }

  /** Why the process is in {@code processState} when it is not PRODUCTIVE; null when it is. */
  private static String processReason(EquipmentState processState) {
    return switch (processState) {
      case UNSCHEDULED_DOWN -> FAILURE;
      case STANDBY -> NO_MATERIAL;
      case ENGINEERING -> QUALIFICATION;
      default -> null;
    };
  }

  private StateChange enterInitialState(long at) {
    String reason = null;
    switch (processState) {
      case UNSCHEDULED_DOWN -> {
        schedule(Step.REPAIR, at + repairTime());
        reason = FAILURE;
      }
      case STANDBY -> {
        schedule(Step.RESUME, at + starvedTime());
        reason = NO_MATERIAL;
      }
      case ENGINEERING -> {
        schedule(Step.QUALIFIED, at + qualificationTime());
        reason = QUALIFICATION;
      }
      default -> {
        // The machine was already busy before the run began: its first unit is partly done.
        long firstCycle = Math.max(1, (long) Math.ceil(SimRandom.uniform(process) * cycleTime()));
        enterProductive(at, firstCycle);
      }
    }
    if (!calendar.isEmpty()) {
      calendarAt = calendar.nextChangeAfter(at);
      EquipmentState planned = calendar.stateAt(at);
      if (planned != null) {
        suspend(at);
        blockState = planned;
        state = planned;
        reason = planned == EquipmentState.SCHEDULED_DOWN ? MAINTENANCE : OFF_SHIFT;
      }
    }
    return new StateChange(state, reason);
  }

  private UnitCompleted completeUnit(long at) {
    unitCounter++;
    String unitId = unitIdPrefix + unitCounter;
    UnitCompleted unit;
    if (SimRandom.uniform(process) >= defectRate(at)) {
      unit = new UnitCompleted(unitId, UnitOutcome.PASS, null);
    } else {
      List<String> codes = kind.defectCodes();
      String code = codes.isEmpty() ? null : codes.get((int) SimRandom.below(process, codes.size()));
      unit = new UnitCompleted(unitId, UnitOutcome.FAIL, code);
    }
    // Waits and qualification runs start between units: the unit in progress is finished first.
    if (starveAt <= at) {
      schedule(Step.STARVE, at);
    } else if (qualifyAt <= at) {
      schedule(Step.QUALIFY, at);
    } else {
      cycleEndAt = at + cycleTime();
      planProductive();
    }
    return unit;
  }

  private void enterProductive(long at, long cycleMillis) {
    processState = EquipmentState.PRODUCTIVE;
    state = processState;
    restartProductiveClocks(at);
    cycleEndAt = at + cycleMillis;
    planProductive();
  }

  private void restartProductiveClocks(long at) {
    failAt = at + timeToFailure;
    starveAt = at + timeToStarvation;
    qualifyAt = at + timeToQualification;
  }

  /** Leaving productive time at {@code at}: the clocks that did not ring keep what they have left. */
  private void keepProductiveBudgets(long at) {
    timeToFailure = Math.max(0, failAt - at);
    timeToStarvation = Math.max(0, starveAt - at);
    timeToQualification = Math.max(0, qualifyAt - at);
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

  // ---- quality ------------------------------------------------------------------------------

  /** Probability that the unit completed at {@code at} fails. */
  private double defectRate(long at) {
    MachineKind.Excursions excursions = kind.excursions();
    if (excursions != null && inExcursion(at)) {
      return 1.0 - excursions.yield();
    }
    double base = 1.0 - kind.yield();
    MachineKind.YieldDrift drift = kind.yieldDrift();
    if (drift == null || drift.sigma() == 0) {
      return base;
    }
    // Ornstein-Uhlenbeck step of the log factor, exact for any time step; the factor's mean is 1.
    double decay = StrictMath.exp(-(at - driftAt) / (double) drift.correlation().toMillis());
    driftLog = driftLog * decay + drift.sigma() * StrictMath.sqrt(1 - decay * decay) * SimRandom.gaussian(quality);
    driftAt = at;
    double sigma = drift.sigma();
    return Math.min(1.0, base * StrictMath.exp(driftLog - sigma * sigma / 2));
  }

  /** True when {@code at} falls in a yield excursion; {@code at} never decreases between calls. */
  private boolean inExcursion(long at) {
    MachineKind.Excursions excursions = kind.excursions();
    if (excursions == null) {
      return false;
    }
    while (at >= excursionEnd) {
      excursionStart = excursionEnd + atLeastOne(SimRandom.exponential(quality, excursions.every().toMillis()));
      excursionEnd = excursionStart + atLeastOne(SimRandom.exponential(quality, excursions.duration().toMillis()));
    }
    return at >= excursionStart;
  }

  // ---- draws --------------------------------------------------------------------------------

  private EquipmentState initialState() {
    // Shares of the process states per unit of productive time, for a start in the steady state.
    double down = kind.mttr().toMillis() / (double) kind.mtbf().toMillis();
    double standby = 0;
    MachineKind.Starvation starvation = kind.starvation();
    if (starvation != null) {
      standby = starvation.duration().toMillis() / (double) starvation.every().toMillis();
    }
    double engineering = 0;
    MachineKind.Engineering runs = kind.engineering();
    if (runs != null) {
      engineering = runs.duration().toMillis() / (double) runs.every().toMillis();
    }
    double total = 1 + down + standby + engineering;
    double u = SimRandom.uniform(process) * total;
    if (u < down) {
      return EquipmentState.UNSCHEDULED_DOWN;
    }
    if (u < down + standby) {
      return EquipmentState.STANDBY;
    }
    return u < down + standby + engineering ? EquipmentState.ENGINEERING : EquipmentState.PRODUCTIVE;
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

  private long timeToQualification() {
    MachineKind.Engineering runs = kind.engineering();
    return runs == null ? NEVER : atLeastOne(SimRandom.exponential(process, runs.every().toMillis()));
  }

  private long qualificationTime() {
    MachineKind.Engineering runs = kind.engineering();
    return runs == null ? 1 : atLeastOne(SimRandom.exponential(process, runs.duration().toMillis()));
  }

  private TelemetryEvent event(long at, Object payload) {
    return new TelemetryEvent(SimRandom.uuid(idRandom).toString(), machine.siteId(), machine.lineId(),
        machine.machineId(), Instant.ofEpochMilli(at), sequence++, payload);
  }

  private void updateNextAt() {
    long next = Math.min(Math.min(stepAt, calendarAt), nextHeartbeatAt);
    for (SensorChannel sensor : sensors) {
      next = Math.min(next, sensor.nextAt());
    }
    nextAt = next;
  }

  private static long atLeastOne(double millis) {
    return Math.max(1L, Math.round(millis));
  }
}
