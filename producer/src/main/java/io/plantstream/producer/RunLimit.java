package io.plantstream.producer;

import java.time.Duration;

/**
 * When a run ends by itself: after a simulated duration (events with event time before
 * start + duration are published), after a number of events, whichever comes first, or never.
 *
 * @param duration simulated duration from the source's start, or null for no limit
 * @param maxEvents most events to publish, or {@link Long#MAX_VALUE} for no limit
 */
public record RunLimit(Duration duration, long maxEvents) {

  /** Checks that the limits are positive. */
  public RunLimit {
    if (duration != null && (duration.isNegative() || duration.isZero())) {
      throw new IllegalArgumentException("duration must be positive, got " + duration);
    }
    if (maxEvents <= 0) {
      throw new IllegalArgumentException("event count must be positive, got " + maxEvents);
    }
  }

  /** Runs until stopped. */
  public static RunLimit none() {
    return new RunLimit(null, Long.MAX_VALUE);
  }

  /** Runs for {@code duration} of simulated time. */
  public static RunLimit of(Duration duration) {
    return new RunLimit(duration, Long.MAX_VALUE);
  }

  /** Runs for {@code maxEvents} events. */
  public static RunLimit events(long maxEvents) {
    return new RunLimit(null, maxEvents);
  }
}
