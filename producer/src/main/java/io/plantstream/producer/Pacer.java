package io.plantstream.producer;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.function.BooleanSupplier;

/**
 * Holds a run back so that simulated time advances {@link Speed#factor()} times faster than the
 * wall clock. The first event anchors both clocks; later events wait until their wall-clock due
 * time. A run that falls behind is not slowed further and catches up by itself.
 */
public final class Pacer {

  /** Longest single sleep, so that a stop request is noticed promptly. */
  public static final Duration MAX_SLEEP = Duration.ofSeconds(1);
  /** Shorter waits are skipped: sleeping that little costs more than it paces. */
  public static final Duration MIN_SLEEP = Duration.ofMillis(1);

  private final Speed speed;
  private final InstantSource clock;
  private final Sleeper sleeper;
  private Instant wallAnchor;
  private Instant simulatedAnchor;

  /** A pacer for {@code speed} reading {@code clock} and waiting with {@code sleeper}. */
  public Pacer(Speed speed, InstantSource clock, Sleeper sleeper) {
    this.speed = speed;
    this.clock = clock;
    this.sleeper = sleeper;
  }

  /**
   * Waits until the event at simulated time {@code eventTime} is due; returns false if
   * {@code stopped} became true meanwhile.
   */
  public boolean awaitDue(Instant eventTime, BooleanSupplier stopped) throws InterruptedException {
    if (speed.isMax()) {
      return !stopped.getAsBoolean();
    }
    if (wallAnchor == null) {
      wallAnchor = clock.instant();
      simulatedAnchor = eventTime;
    }
    Instant due = wallAnchor.plus(wallOffset(Duration.between(simulatedAnchor, eventTime)));
    while (!stopped.getAsBoolean()) {
      Duration ahead = Duration.between(clock.instant(), due);
      if (ahead.compareTo(MIN_SLEEP) < 0) {
        return true;
      }
      sleeper.sleep(ahead.compareTo(MAX_SLEEP) > 0 ? MAX_SLEEP : ahead);
    }
    return false;
  }

  /** Wall-clock time that {@code simulated} time takes at this speed. */
  public Duration wallOffset(Duration simulated) {
    return Duration.ofNanos(Math.round(simulated.toNanos() / speed.factor()));
  }
}
