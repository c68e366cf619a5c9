package io.plantstream.producer;

import io.plantstream.avro.Heartbeat;
import io.plantstream.avro.SensorReading;
import io.plantstream.avro.StateChange;
import io.plantstream.avro.TelemetryEvent;
import io.plantstream.avro.UnitCompleted;

/** The four kinds of telemetry payload (the {@code payload} union of TelemetryEvent.avsc; docs/consuming.md), for counting and filtering events. */
public enum PayloadKind {
  /** A machine state change. */
  STATE_CHANGE,
  /** A unit left the machine. */
  UNIT_COMPLETED,
  /** A named analog value. */
  SENSOR_READING,
  /** The machine is alive, with its current state. */
  HEARTBEAT;

  /** The kind of {@code event}'s payload. */
  public static PayloadKind of(TelemetryEvent event) {
    Object payload = event.getPayload();
    if (payload instanceof StateChange) {
      return STATE_CHANGE;
    }
    if (payload instanceof UnitCompleted) {
      return UNIT_COMPLETED;
    }
    if (payload instanceof SensorReading) {
      return SENSOR_READING;
    }
    if (payload instanceof Heartbeat) {
      return HEARTBEAT;
    }
    throw new IllegalArgumentException("unknown payload " + (payload == null ? "null" : payload.getClass().getName())
        + " in event " + event.getEventId() + " of machine " + event.getMachineId());
  }
}
