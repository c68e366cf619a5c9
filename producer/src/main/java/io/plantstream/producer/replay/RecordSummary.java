package io.plantstream.producer.replay;

import java.time.Instant;

/**
 * What a recording run wrote.
 *
 * @param entries entries written to the file
 * @param undecodable of those, records whose value is not an event (kept as bytes)
 * @param skipped records read but left out by the filters (sites, from, to)
 * @param firstTime record timestamp of the first entry written, or null
 * @param lastTime record timestamp of the last entry written, or null
 * @param stopReason why it ended
 */
public record RecordSummary(long entries, long undecodable, long skipped, Instant firstTime, Instant lastTime,
    StopReason stopReason) {

  /** Why a recording run ended. */
  public enum StopReason {
    /** Every partition reached the end offset taken at the start ({@code --to-end}). */
    END,
    /** The entry limit ({@code --max}) was reached. */
    MAX,
    /** {@link TelemetryRecorder#stop()} was called (Ctrl-C). */
    STOPPED
  }
}
