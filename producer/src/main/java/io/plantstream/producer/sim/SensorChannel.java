package io.plantstream.producer.sim;

import io.plantstream.avro.EquipmentState;
import io.plantstream.producer.model.SensorSpec;
import java.util.SplittableRandom;

/**
 * One sensor of one simulated machine: a level that wanders inside the normal range while the
 * machine runs and settles at the configured idle or down level otherwise, plus noise.
 */
final class SensorChannel {

  private static final double REVERSION = 0.1;
  private static final double STEP = 0.05;

  private final SensorSpec spec;
  private double level;
  private long nextAt;

  SensorChannel(SensorSpec spec, double initialLevel, long firstAt) {
    this.spec = spec;
    this.level = initialLevel;
    this.nextAt = firstAt;
  }

  SensorSpec spec() {
    return spec;
  }

  long nextAt() {
    return nextAt;
  }

  /** Takes the reading due now in {@code state} and schedules the next one. */
  double read(EquipmentState state, SplittableRandom random, long intervalMillis) {
    double range = spec.max() - spec.min();
    double mid = spec.min() + range / 2;
    // The walk always advances, so the draws per reading do not depend on the state.
    level += REVERSION * (mid - level) + STEP * range * SimRandom.gaussian(random);
    level = Math.max(spec.min(), Math.min(spec.max(), level));
    double value = target(state) + spec.noise() * SimRandom.gaussian(random);
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
