package io.plantstream.streams;

import java.time.Duration;
import java.util.Objects;

/**
 * The time rules of the KPI topology (docs/kpi-rules.md).
 *
 * @param grace how long after a window's end it still accepts events, in partition stream time
 * @param staleAfter silence after which a machine's time counts as UNKNOWN
 * @param forgetAfter silence after which a machine is no longer counted until it speaks again
 * @param maxFutureSkew how far ahead of the partition's stream time an event may be stamped before it is held
 *     until the partition shows whether its clock moved (see {@link MachineTimelineProcessor})
 * @param idleAfter wall-clock time without an accepted event after which a telemetry partition is idle:
 *     it no longer holds site windows back from becoming final (see {@link SiteKpiProcessor})
 * @param emit final records only, or early updates too
 * @param updateInterval wall-clock interval of early updates in {@link EmitMode#UPDATES}
 */
public record KpiConfig(Duration grace, Duration staleAfter, Duration forgetAfter, Duration maxFutureSkew,
    Duration idleAfter, EmitMode emit, Duration updateInterval) {

  /** Length of the short tumbling window. */
  public static final long MINUTE = 60_000L;
  /** Length of the long tumbling window. */
  public static final long HOUR = 3_600_000L;

  /**
   * How often open windows' provisional records go out in {@link EmitMode#UPDATES}: a quarter of a
   * second, so that a reader sees an event counted within a second (BENCHMARKS.md: with one second,
   * the p99 from publication to update was above a second by construction).
   */
  public static final Duration DEFAULT_UPDATE_INTERVAL = Duration.ofMillis(250);

  /**
   * How long a partition may go without an accepted event before it stops holding site windows
   * back: well above the gaps of a live partition (every machine sends a heartbeat or a reading
   * every few seconds), well below what an operator waits for a site minute.
   */
  public static final Duration DEFAULT_IDLE_AFTER = Duration.ofSeconds(30);

  /** Validates the durations. */
  public KpiConfig {
    Objects.requireNonNull(grace, "grace");
    Objects.requireNonNull(staleAfter, "staleAfter");
    Objects.requireNonNull(forgetAfter, "forgetAfter");
    Objects.requireNonNull(maxFutureSkew, "maxFutureSkew");
    Objects.requireNonNull(idleAfter, "idleAfter");
    Objects.requireNonNull(emit, "emit");
    Objects.requireNonNull(updateInterval, "updateInterval");
    if (updateInterval.isZero() || updateInterval.isNegative()) {
      throw new IllegalArgumentException("updateInterval must be positive, was " + updateInterval);
    }
    if (idleAfter.isZero() || idleAfter.isNegative()) {
      throw new IllegalArgumentException("idleAfter must be positive, was " + idleAfter);
    }
    if (maxFutureSkew.isNegative()) {
      throw new IllegalArgumentException("maxFutureSkew must not be negative, was " + maxFutureSkew);
    }
    if (grace.isNegative()) {
      throw new IllegalArgumentException("grace must not be negative, was " + grace);
    }
    if (staleAfter.isZero() || staleAfter.isNegative() || forgetAfter.compareTo(staleAfter) < 0) {
      throw new IllegalArgumentException(
          "need 0 < staleAfter <= forgetAfter, was " + staleAfter + " and " + forgetAfter);
    }
  }

  /**
   * Grace 30 s, staleAfter 60 s, forgetAfter 1 h, maxFutureSkew 5 min, idleAfter
   * {@link #DEFAULT_IDLE_AFTER}, final records only (updates every {@link #DEFAULT_UPDATE_INTERVAL}
   * when switched on).
   */
  public static KpiConfig defaults() {
    return new KpiConfig(Duration.ofSeconds(30), Duration.ofSeconds(60), Duration.ofHours(1),
        Duration.ofMinutes(5), DEFAULT_IDLE_AFTER, EmitMode.FINAL, DEFAULT_UPDATE_INTERVAL);
  }

  /** The same rules with another grace period. */
  public KpiConfig withGrace(Duration newGrace) {
    return new KpiConfig(newGrace, staleAfter, forgetAfter, maxFutureSkew, idleAfter, emit, updateInterval);
  }

  /** The same rules with early updates every {@code newUpdateInterval} of wall-clock time. */
  public KpiConfig withUpdateInterval(Duration newUpdateInterval) {
    return new KpiConfig(grace, staleAfter, forgetAfter, maxFutureSkew, idleAfter, emit, newUpdateInterval);
  }

  /** The same rules with another emit mode. */
  public KpiConfig withEmit(EmitMode newEmit) {
    return new KpiConfig(grace, staleAfter, forgetAfter, maxFutureSkew, idleAfter, newEmit, updateInterval);
  }

  /** The same rules with partitions idle after {@code newIdleAfter} of wall-clock time without an accepted event. */
  public KpiConfig withIdleAfter(Duration newIdleAfter) {
    return new KpiConfig(grace, staleAfter, forgetAfter, maxFutureSkew, newIdleAfter, emit, updateInterval);
  }

  /**
   * The end of the newest closed minute window for a partition stream time: every window ending
   * at or before it is closed, and an event stamped before it is late.
   */
  public long closedUntil(long streamTime) {
    return Math.floorDiv(streamTime - grace.toMillis(), MINUTE) * MINUTE;
  }
}
