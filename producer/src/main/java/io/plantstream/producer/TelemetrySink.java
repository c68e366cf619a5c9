package io.plantstream.producer;

import io.plantstream.avro.TelemetryEvent;
import java.time.Instant;

/** Where a run hands its events to: a Kafka topic, a file, a list in a test. */
public interface TelemetrySink {

  /** Takes one event; may buffer it. */
  void accept(TelemetryEvent event);

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
