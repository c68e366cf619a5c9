package io.plantstream.streams;

import java.time.Duration;
import java.util.Objects;

/**
 * The time rules of the KPI topology (SPEC §4).
 *
 * @param grace how long after a window's end it still accepts events, in partition stream time
 * @param staleAfter silence after which a machine's time counts as UNKNOWN
 * @param forgetAfter silence after which a machine is no longer counted until it speaks again
 * @param dedupHorizon how long, behind the close boundary, an accepted event id is remembered
 * @param maxFutureSkew how far ahead of the partition's stream time an event may be stamped before it is held
 *     until the partition shows whether its clock moved (see {@link MachineTimelineProcessor})
 * @param emit final records only, or early updates too
 * @param updateInterval wall-clock interval of early updates in {@link EmitMode#UPDATES}
 */
public record KpiConfig(Duration grace, Duration staleAfter, Duration forgetAfter, Duration dedupHorizon,
    Duration maxFutureSkew, EmitMode emit, Duration updateInterval) {

  /** Length of the short tumbling window. */
  public static final long MINUTE = 60_000L;
  /** Length of the long tumbling window. */
  public static final long HOUR = 3_600_000L;

  /** Validates the durations. */
  public KpiConfig {
    Objects.requireNonNull(grace, "grace");
    Objects.requireNonNull(staleAfter, "staleAfter");
    Objects.requireNonNull(forgetAfter, "forgetAfter");
    Objects.requireNonNull(dedupHorizon, "dedupHorizon");
    Objects.requireNonNull(maxFutureSkew, "maxFutureSkew");
    Objects.requireNonNull(emit, "emit");
    Objects.requireNonNull(updateInterval, "updateInterval");
    if (updateInterval.isZero() || updateInterval.isNegative()) {
      throw new IllegalArgumentException("updateInterval must be positive, was " + updateInterval);
    }
    if (dedupHorizon.isNegative() || maxFutureSkew.isNegative()) {
      throw new IllegalArgumentException("dedupHorizon and maxFutureSkew must not be negative");
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
   * Grace 30 s, staleAfter 60 s, forgetAfter 1 h, de-duplication horizon 10 min, maxFutureSkew
   * 5 min, final records only (updates every {@link #DEFAULT_UPDATE_INTERVAL} when switched on).
   */
  public static KpiConfig defaults() {
    return new KpiConfig(Duration.ofSeconds(30), Duration.ofSeconds(60), Duration.ofHours(1),
        Duration.ofMinutes(10), Duration.ofMinutes(5), EmitMode.FINAL, DEFAULT_UPDATE_INTERVAL);
  }

  /**
   * How often open windows' provisional records go out in {@link EmitMode#UPDATES}: a quarter of a
   * second, so that a reader sees an event counted within a second (BENCHMARKS.md: with one second,
   * the p99 from publication to update was above a second by construction).
   */
  public static final Duration DEFAULT_UPDATE_INTERVAL = Duration.ofMillis(250);

  /** The same rules with another grace period. */
  public KpiConfig withGrace(Duration newGrace) {
    return new KpiConfig(newGrace, staleAfter, forgetAfter, dedupHorizon, maxFutureSkew, emit, updateInterval);
  }

  /** The same rules with early updates every {@code newUpdateInterval} of wall-clock time. */
  public KpiConfig withUpdateInterval(Duration newUpdateInterval) {
    return new KpiConfig(grace, staleAfter, forgetAfter, dedupHorizon, maxFutureSkew, emit, newUpdateInterval);
  }

  /** The same rules with another emit mode. */
  public KpiConfig withEmit(EmitMode newEmit) {
    return new KpiConfig(grace, staleAfter, forgetAfter, dedupHorizon, maxFutureSkew, newEmit, updateInterval);
  }

  /**
   * The end of the newest closed minute window for a partition stream time: every window ending
   * at or before it is closed, and an event stamped before it is late.
   */
  public long closedUntil(long streamTime) {
    return Math.floorDiv(streamTime - grace.toMillis(), MINUTE) * MINUTE;
  }
}
