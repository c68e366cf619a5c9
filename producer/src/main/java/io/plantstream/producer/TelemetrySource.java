package io.plantstream.producer;

import io.plantstream.avro.TelemetryEvent;
import java.time.Instant;

/** Where a run gets its events from, in non-decreasing event-time order: a simulator or a recording. */
public interface TelemetrySource {

  /** The event time the run's duration is measured from. */
  Instant start();

  /** The next event, or null when the source is exhausted (a simulator never is). */
  TelemetryEvent next();
}
