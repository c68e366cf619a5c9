package io.plantstream.producer.replay;

import java.time.Duration;

/**
 * A time that follows record timestamps forward without being thrown by outliers: what a replay is
 * paced by and what a recording orders its partitions by.
 *
 * <p>A timestamp at or behind the current time leaves it there (late and out-of-order records go
 * out at once, as they originally did). One at most {@code maxJump} ahead moves it forward. One
 * further ahead is an outlier, a machine with a bad clock, and leaves the time where it is, unless
 * the records that follow confirm the jump: when the next {@code confirmations} timestamps are all
 * that far ahead too, the plant really went quiet for a while and the time jumps to the earliest
 * of them. Without this a replay would wait a day for one event stamped by a clock a day fast. The
 * last records of a recording cannot be confirmed: far ahead, they go out at once.
 */
public final class SteadyTime {

  /** How far ahead a timestamp may be before it is suspect; the pipeline's default future skew. */
  public static final Duration DEFAULT_MAX_JUMP = Duration.ofMinutes(5);
  /** How many following records must agree before a larger jump is believed. */
  public static final int DEFAULT_CONFIRMATIONS = 16;

  /** Value of {@link #millis()} before the first timestamp. */
  public static final long UNSET = Long.MIN_VALUE;

  private final long maxJumpMillis;
  private final int confirmations;
  private long millis = UNSET;

  /** A steady time believing jumps up to {@code maxJump} at once and larger ones after {@code confirmations} agree. */
  public SteadyTime(Duration maxJump, int confirmations) {
    if (maxJump.isNegative() || confirmations < 1) {
      throw new IllegalArgumentException("maxJump must not be negative and confirmations positive");
    }
    this.maxJumpMillis = maxJump.toMillis();
    this.confirmations = confirmations;
  }

  /** With the defaults: 5 minutes, 16 confirmations. */
  public static SteadyTime defaults() {
    return new SteadyTime(DEFAULT_MAX_JUMP, DEFAULT_CONFIRMATIONS);
  }

  /** The current time in epoch milliseconds, {@link #UNSET} before the first record. */
  public long millis() {
    return millis;
  }

  /**
   * The steady time of a record stamped {@code timestamp} whose successors are {@code following},
   * without moving to it.
   */
  public long at(long timestamp, Lookahead following) {
    if (millis == UNSET) {
      return timestamp;
    }
    if (timestamp <= millis) {
      return millis;
    }
    long bound = millis + maxJumpMillis;
    if (timestamp <= bound) {
      return timestamp;
    }
    if (following.size() < confirmations) {
      // Not enough evidence (yet, or ever: the last records of a recording): an outlier.
      return millis;
    }
    long earliest = timestamp;
    for (int i = 0; i < confirmations; i++) {
      long next = following.timestamp(i);
      if (next <= bound) {
        return millis;
      }
      earliest = Math.min(earliest, next);
    }
    return earliest;
  }

  /** Moves to the steady time of a record stamped {@code timestamp} followed by {@code following}; returns it. */
  public long advance(long timestamp, Lookahead following) {
    millis = Math.max(millis, at(timestamp, following));
    return millis;
  }

  /** Moves to {@code steadyMillis} if that is later than the current time. */
  public void moveTo(long steadyMillis) {
    millis = Math.max(millis, steadyMillis);
  }

  /** The timestamps of the records after the one in hand, as far as they are known. */
  public interface Lookahead {

    /** No records known after the one in hand. */
    Lookahead NONE = new Lookahead() {
      @Override
      public int size() {
        return 0;
      }

      @Override
      public long timestamp(int index) {
        throw new IndexOutOfBoundsException(index);
      }
    };

    /** How many following records are known. */
    int size();

    /** Timestamp of the {@code index}-th following record, from 0. */
    long timestamp(int index);
  }
}
