package io.plantstream.producer.model;

import java.util.Objects;

/**
 * One analog sensor of a machine kind: its normal range while the machine runs, the noise on
 * each reading, and optionally the level it settles at when the machine idles or is down.
 *
 * @param name sensor name, unique within its machine kind, e.g. {@code chamber-temperature}
 * @param unit unit of the values, e.g. {@code degC}, {@code kW}
 * @param min lower end of the normal range while running
 * @param max upper end of the normal range while running
 * @param noise standard deviation of the noise added to each reading
 * @param standby level in STANDBY, or null to stay in the normal range
 * @param down level when down (scheduled or unscheduled), or null to use {@code standby}
 */
public record SensorSpec(String name, String unit, double min, double max, double noise, Double standby, Double down) {

  /** Checks that name and unit are present. */
  public SensorSpec {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(unit, "unit");
  }

  /** True when the quantity cannot be negative (all configured levels are non-negative). */
  public boolean nonNegative() {
    return min >= 0 && (standby == null || standby >= 0) && (down == null || down >= 0);
  }
}
