package io.plantstream.producer;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.function.BooleanSupplier;

/**
 * Caps a run at a number of records per wall-clock second ({@code --rate}): record k is not
 * released before start + k / rate. A run that falls more than a second behind starts counting
 * afresh instead of bursting to catch up.
 */
final class Throttle {

  private static final long CATCH_UP_LIMIT_NANOS = Duration.ofSeconds(1).toNanos();

  private final double perSecond;
  private final InstantSource clock;
  private final Sleeper sleeper;
  private Instant anchor;
  private long released;

  /** A throttle of {@code perSecond} records per second reading {@code clock}, waiting with {@code sleeper}. */
  Throttle(double perSecond, InstantSource clock, Sleeper sleeper) {
    if (!(perSecond > 0) || Double.isInfinite(perSecond)) {
      throw new IllegalArgumentException("rate must be a positive number of events per second, got " + perSecond);
    }
    this.perSecond = perSecond;
    this.clock = clock;
    this.sleeper = sleeper;
  }

  /** Waits until the next record may go; returns early (false) if {@code stopped} becomes true. */
  boolean acquire(BooleanSupplier stopped) throws InterruptedException {
    Instant now = clock.instant();
    if (anchor == null) {
      anchor = now;
    }
    Instant due = anchor.plusNanos((long) (released * 1e9 / perSecond));
    if (Duration.between(due, now).toNanos() > CATCH_UP_LIMIT_NANOS) {
      anchor = now;
      released = 0;
      due = now;
    }
    released++;
    while (!stopped.getAsBoolean()) {
      Duration ahead = Duration.between(clock.instant(), due);
      if (ahead.compareTo(Pacer.MIN_SLEEP) < 0) {
        return true;
      }
      sleeper.sleep(ahead.compareTo(Pacer.MAX_SLEEP) > 0 ? Pacer.MAX_SLEEP : ahead);
    }
    return false;
  }
}
