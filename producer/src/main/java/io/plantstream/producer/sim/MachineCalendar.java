package io.plantstream.producer.sim;

import io.plantstream.avro.EquipmentState;
import io.plantstream.producer.model.MachineKind;
import io.plantstream.producer.model.ShiftCalendar;

/**
 * The planned time of one machine: SCHEDULED_DOWN in its maintenance windows, NON_SCHEDULED
 * outside its site's shifts (unless the machine runs unattended), otherwise free to run. A
 * maintenance window takes precedence over non-scheduled time. All times are epoch milliseconds.
 */
final class MachineCalendar {

  /** A time that never comes. */
  static final long NEVER = ShiftCalendar.NEVER;

  private final ShiftCalendar shifts;
  private final long every;
  private final long duration;
  private final long phase;

  /**
   * The calendar of a machine of {@code kind} at a site with {@code shifts}; its maintenance
   * windows start at {@code phase} + k × the kind's maintenance period (k any integer).
   */
  MachineCalendar(ShiftCalendar shifts, MachineKind kind, long phase) {
    this.shifts = kind.unattended() || shifts.isContinuous() ? null : shifts;
    MachineKind.Maintenance maintenance = kind.maintenance();
    this.every = maintenance == null ? 0 : maintenance.every().toMillis();
    this.duration = maintenance == null ? 0 : maintenance.duration().toMillis();
    this.phase = every == 0 ? 0 : Math.floorMod(phase, every);
  }

  /** True when nothing is planned: the machine is always free to run. */
  boolean isEmpty() {
    return shifts == null && every == 0;
  }

  /** The planned state at {@code at}: SCHEDULED_DOWN, NON_SCHEDULED, or null when free to run. */
  EquipmentState stateAt(long at) {
    if (every > 0 && at - windowStart(at) < duration) {
      return EquipmentState.SCHEDULED_DOWN;
    }
    if (shifts != null && !shifts.isScheduled(at)) {
      return EquipmentState.NON_SCHEDULED;
    }
    return null;
  }

  /** The first time after {@code at} at which the planned state may change, or {@link #NEVER}. */
  long nextChangeAfter(long at) {
    long next = NEVER;
    if (every > 0) {
      long start = windowStart(at);
      next = at - start < duration ? start + duration : start + every;
    }
    if (shifts != null) {
      next = Math.min(next, shifts.nextChange(at));
    }
    return next;
  }

  /** Start of the latest maintenance window that starts at or before {@code at}. */
  private long windowStart(long at) {
    return phase + Math.floorDiv(at - phase, every) * every;
  }
}
