package io.plantstream.producer;

import io.plantstream.avro.TelemetryEvent;

/** Where a run hands its events to: a Kafka topic, a file, a list in a test. */
public interface TelemetrySink {

  /** Takes one event; may buffer it. */
  void accept(TelemetryEvent event);

  /** Completes everything accepted so far, throwing if any of it failed. */
  void flush();
}
