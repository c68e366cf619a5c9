package io.plantstream.producer.sim;

import io.plantstream.avro.EquipmentState;
import io.plantstream.producer.model.SensorSpec;

/**
 * One sensor of one simulated machine, read every {@link SensorSpec#every()}: a level that
 * wanders inside the normal range while the machine runs and settles at the configured idle or
 * down level otherwise, plus noise. While the machine runs, an approaching failure moves the value
 * ({@link SensorSpec#beforeFailure()}) and so does a yield excursion ({@link SensorSpec#excursionShift()}).
 */
final class SensorChannel {

  private static final double REVERSION = 0.1;
  private static final double STEP = 0.05;

  private final SensorSpec spec;
  private final long intervalMillis;
  private final long leadMillis;
  private final double rise;
  private double level;
  private long nextAt;

  SensorChannel(SensorSpec spec, double initialLevel, long firstAt) {
    this.spec = spec;
    this.intervalMillis = spec.every().toMillis();
    this.leadMillis = spec.beforeFailure() == null ? 0 : spec.beforeFailure().lead().toMillis();
    this.rise = spec.beforeFailure() == null ? 0 : spec.beforeFailure().rise();
    this.level = initialLevel;
    this.nextAt = firstAt;
  }

  /** True when the reading depends on whether the machine is in a yield excursion. */
  boolean showsExcursions() {
    return spec.excursionShift() != 0;
  }

  SensorSpec spec() {
    return spec;
  }

  long nextAt() {
    return nextAt;
  }

  /**
   * Takes the reading due now in {@code state} and schedules the next one; {@code millisToFailure}
   * is the time until the machine's next failure if it keeps running, {@code inExcursion} whether
   * its yield is in an excursion.
   */
  double read(EquipmentState state, NormalSource normal, long millisToFailure, boolean inExcursion) {
    double range = spec.max() - spec.min();
    double mid = spec.min() + range / 2;
    // The walk always advances, so the draws per reading do not depend on the state.
    level += REVERSION * (mid - level) + STEP * range * normal.next();
    level = Math.max(spec.min(), Math.min(spec.max(), level));
    double value = target(state) + spec.noise() * normal.next();
    if (state == EquipmentState.PRODUCTIVE || state == EquipmentState.ENGINEERING) {
      if (millisToFailure < leadMillis) {
        value += rise * (1.0 - millisToFailure / (double) leadMillis);
      }
      if (inExcursion) {
        value += spec.excursionShift();
      }
    }
    if (spec.nonNegative()) {
      value = Math.max(0.0, value);
    }
    nextAt += intervalMillis;
    return Math.round(value * 10_000.0) / 10_000.0;
  }

  private double target(EquipmentState state) {
    double standby = spec.standby() != null ? spec.standby() : level;
    return switch (state) {
      case STANDBY, NON_SCHEDULED -> standby;
      case SCHEDULED_DOWN, UNSCHEDULED_DOWN -> spec.down() != null ? spec.down() : standby;
      default -> level;
    };
  }
}
