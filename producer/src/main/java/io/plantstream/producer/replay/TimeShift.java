package io.plantstream.producer.replay;

import java.time.Duration;
import java.time.Instant;

/**
 * How a replay moves recorded times: {@code --rebase-time} shifts every time so that the first
 * record lands on a chosen instant, and {@code --loop} shifts each further pass by a whole number
 * of minutes so that it continues the previous one on the same minute boundaries.
 */
public final class TimeShift {

  private static final long MINUTE = Duration.ofMinutes(1).toMillis();

  private TimeShift() {}

  /** The shift that moves {@code first} to {@code rebaseTo}; zero when {@code rebaseTo} is null. */
  public static long rebase(Instant first, Instant rebaseTo) {
    return rebaseTo == null ? 0 : rebaseTo.toEpochMilli() - first.toEpochMilli();
  }

  /**
   * How far each pass of a loop is shifted beyond the previous one, for a recording whose (steady)
   * times run from {@code first} to {@code last}: the span rounded up to the next whole minute, so
   * the next pass begins after the last record and every window keeps its alignment.
   */
  public static long loopPeriod(long first, long last) {
    long span = Math.max(0, last - first);
    return (span / MINUTE + 1) * MINUTE;
  }
}
