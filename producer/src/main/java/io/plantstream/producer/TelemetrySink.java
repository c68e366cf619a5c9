package io.plantstream.producer;

import io.plantstream.avro.TelemetryEvent;
import java.time.Instant;

/** Where a run hands its events to: a Kafka topic, a file, a list in a test. */
public interface TelemetrySink {

  /** Takes one event; may buffer it. */
  void accept(TelemetryEvent event);

  /**
   * Takes one event under an explicit key and record timestamp (a replay keeps both as recorded,
   * even where they differ from the event's machine id and time). Sinks that cannot carry them
   * take the event alone when they agree with it, and refuse it otherwise.
   */
  default void accept(String key, TelemetryEvent event, Instant timestamp) {
    if (!event.getMachineId().equals(key) || !event.getEventTime().equals(timestamp)) {
      throw new UnsupportedOperationException(getClass().getSimpleName() + " cannot take keys or timestamps of its own");
    }
    accept(event);
  }

  /**
   * Takes a record whose value is deliberately not an event (fault injection: corrupt bytes),
   * keyed by {@code machineId} and stamped {@code timestamp}. Sinks that cannot carry raw bytes
   * refuse it.
   */
  default void acceptRaw(String machineId, Instant timestamp, byte[] value) {
    throw new UnsupportedOperationException(getClass().getSimpleName() + " cannot take raw records");
  }

  /** Completes everything accepted so far, throwing if any of it failed. */
  void flush();
}
