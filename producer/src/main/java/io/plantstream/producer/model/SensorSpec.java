package io.plantstream.producer.model;

import java.time.Duration;
import java.util.Objects;

/**
 * One analog sensor of a machine kind: its normal range while the machine runs, the noise on
 * each reading, how often it is read, and optionally the level it settles at when the machine
 * idles or is down.
 *
 * @param name sensor name, unique within its machine kind, e.g. {@code chamber-temperature}
 * @param unit unit of the values, e.g. {@code degC}, {@code kW}
 * @param min lower end of the normal range while running
 * @param max upper end of the normal range while running
 * @param noise standard deviation of the noise added to each reading
 * @param standby level in STANDBY, or null to stay in the normal range
 * @param down level when down (scheduled or unscheduled), or null to use {@code standby}
 * @param beforeFailure how the value moves in the hours before a failure, or null if it does not
 * @param excursionShift added to the value while the machine is in a yield excursion (0 for none)
 * @param every simulated time between two readings, at least 1 ms
 */
public record SensorSpec(String name, String unit, double min, double max, double noise, Double standby, Double down,
    Precursor beforeFailure, double excursionShift, Duration every) {

  /** Time between two readings when neither the sensor nor its machine kind says otherwise. */
  public static final Duration DEFAULT_EVERY = Duration.ofSeconds(5);
  /** The shortest time between two readings: the simulator's clock ticks in milliseconds. */
  public static final Duration SHORTEST_EVERY = Duration.ofMillis(1);

  /** Checks that name and unit are present and that the interval is at least {@link #SHORTEST_EVERY}. */
  public SensorSpec {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(unit, "unit");
    Objects.requireNonNull(every, "every");
    if (every.compareTo(SHORTEST_EVERY) < 0) {
      throw new IllegalArgumentException("sensor " + name + ": every must be at least "
          + Durations.format(SHORTEST_EVERY) + ", was " + every);
    }
  }

  /** A sensor read every {@link #DEFAULT_EVERY} that shows neither failures coming nor excursions. */
  public SensorSpec(String name, String unit, double min, double max, double noise, Double standby, Double down) {
    this(name, unit, min, max, noise, standby, down, null, 0.0, DEFAULT_EVERY);
  }

  /** True when the quantity cannot be negative (every level it can be at is non-negative). */
  public boolean nonNegative() {
    double lowest = min + Math.min(0, excursionShift) + (beforeFailure == null ? 0 : Math.min(0, beforeFailure.rise()));
    return lowest >= 0 && (standby == null || standby >= 0) && (down == null || down >= 0);
  }

  /**
   * A failure announcing itself: during the {@code lead} time before a failure the running level
   * moves linearly by up to {@code rise} (vibration rising as a bearing wears, flow dropping as a
   * filter clogs).
   *
   * @param lead how long before the failure the change starts
   * @param rise the change reached at the moment of failure, in the sensor's unit (may be negative)
   */
  public record Precursor(Duration lead, double rise) {

    /** Checks that the lead time is present. */
    public Precursor {
      Objects.requireNonNull(lead, "lead");
    }
  }
}
