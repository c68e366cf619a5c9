package io.plantstream.producer.replay;

import java.time.Instant;

/**
 * What a replay published.
 *
 * @param events events published
 * @param undecodable records published whose value is not an event (corrupt bytes, as recorded)
 * @param skipped entries of the recording left out by the filters (sites, from, to)
 * @param passes passes over the recording begun (1 without --loop)
 * @param firstTime record timestamp of the first record published, after any shift; null if none
 * @param lastTime how far the replay got: the steady time (see {@link SteadyTime}) of the last record
 *     published, after any shift, which a record from a clock a day fast does not move; null if none
 * @param stopped true when {@link Replayer#stop()} ended it, false when the recording ran out
 */
public record ReplaySummary(long events, long undecodable, long skipped, int passes, Instant firstTime,
    Instant lastTime, boolean stopped) {

  /** Records published: events and undecodable ones. */
  public long records() {
    return events + undecodable;
  }
}
