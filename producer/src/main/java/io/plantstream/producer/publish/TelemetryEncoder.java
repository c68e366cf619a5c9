package io.plantstream.producer.publish;

import io.plantstream.avro.Heartbeat;
import io.plantstream.avro.SensorReading;
import io.plantstream.avro.StateChange;
import io.plantstream.avro.TelemetryEvent;
import io.plantstream.avro.UnitCompleted;
import io.plantstream.schemas.AvroSerde;
import io.plantstream.schemas.Topics;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.apache.avro.SchemaNormalization;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Encodes telemetry events byte for byte as {@link AvroSerde} writes them (single-object encoding,
 * or the Confluent wire format when the serde is in a schema registry), several times faster: the publisher's hot path. Avro's generic writer resolves every
 * field and union by schema lookups and writes varints one synchronized stream call at a time;
 * this writes the one schema it knows straight into a reused buffer.
 *
 * <p>It is written for one version of the {@code TelemetryEvent} schema, named by its fingerprint
 * {@link Topics#HAND_WRITTEN_TELEMETRY_FINGERPRINT}.
 * For any other (an evolved schema) {@link #forSchema} falls back to the generic serde, so a schema
 * change can cost speed but never correctness; a test pins the fast path to the current schema.
 */
public abstract class TelemetryEncoder {

  /** Encodes {@code event}. */
  public abstract byte[] encode(TelemetryEvent event);

  /** True when this is the hand-written fast path. */
  public abstract boolean isFast();

  /**
   * The fast encoder if {@code serde} is the Avro serde of the known schema, else one that
   * delegates to {@code serde}'s serializer for {@code topic}. A serde in a registry registers its
   * schema here if it has not yet.
   */
  public static TelemetryEncoder forSerde(Serde<TelemetryEvent> serde, String topic) {
    if (serde instanceof AvroSerde<TelemetryEvent> avro
        && SchemaNormalization.parsingFingerprint64(avro.schema()) == Topics.HAND_WRITTEN_TELEMETRY_FINGERPRINT) {
      return new Fast(avro.header());
    }
    return new Generic(serde.serializer(), topic);
  }

  /** Delegates to a serializer: correct for any schema version. */
  private static final class Generic extends TelemetryEncoder {

    private final Serializer<TelemetryEvent> serializer;
    private final String topic;

    Generic(Serializer<TelemetryEvent> serializer, String topic) {
      this.serializer = serializer;
      this.topic = topic;
    }

    @Override
    public byte[] encode(TelemetryEvent event) {
      return serializer.serialize(topic, event);
    }

    @Override
    public boolean isFast() {
      return false;
    }
  }

  /**
   * The known schema, field by field: four strings (event, site, line, machine ids), eventTime and
   * sequence as zig-zag varints, then the payload union's branch index and the branch's fields.
   * Not thread-safe: one buffer is reused; each publisher has its own encoder.
   */
  private static final class Fast extends TelemetryEncoder {

    private static final int STATE_CHANGE = 0;
    private static final int UNIT_COMPLETED = 1;
    private static final int SENSOR_READING = 2;
    private static final int HEARTBEAT = 3;

    private final byte[] header;
    private byte[] buffer = new byte[256];
    private int position;

    /** Writes {@code header} (single-object marker and fingerprint, or 00 and a schema id) before every body. */
    Fast(byte[] header) {
      this.header = header;
    }

    @Override
    public boolean isFast() {
      return true;
    }

    @Override
    public byte[] encode(TelemetryEvent event) {
      System.arraycopy(header, 0, buffer, 0, header.length);
      position = header.length;
      writeString(event.getEventId());
      writeString(event.getSiteId());
      writeString(event.getLineId());
      writeString(event.getMachineId());
      writeLong(event.getEventTime().toEpochMilli());
      writeLong(event.getSequence());
      Object payload = event.getPayload();
      if (payload instanceof SensorReading reading) {
        writeLong(SENSOR_READING);
        writeString(reading.getSensor());
        writeDouble(reading.getValue());
        writeString(reading.getUnit());
      } else if (payload instanceof Heartbeat heartbeat) {
        writeLong(HEARTBEAT);
        writeLong(heartbeat.getState().ordinal());
      } else if (payload instanceof UnitCompleted unit) {
        writeLong(UNIT_COMPLETED);
        writeString(unit.getUnitId());
        writeLong(unit.getOutcome().ordinal());
        writeOptionalString(unit.getDefectCode());
      } else if (payload instanceof StateChange change) {
        writeLong(STATE_CHANGE);
        writeLong(change.getState().ordinal());
        writeOptionalString(change.getReason());
      } else {
        throw new IllegalArgumentException("unknown payload " + (payload == null ? "null" : payload.getClass().getName())
            + " in event " + event.getEventId() + " of machine " + event.getMachineId());
      }
      return Arrays.copyOf(buffer, position);
    }

    /** A {@code ["null", "string"]} union: branch 0 for null, branch 1 and the string otherwise. */
    private void writeOptionalString(String value) {
      if (value == null) {
        writeLong(0);
      } else {
        writeLong(1);
        writeString(value);
      }
    }

    private void writeString(String value) {
      if (value == null) {
        throw new NullPointerException("a required string field is null");
      }
      byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
      writeLong(bytes.length);
      ensure(bytes.length);
      System.arraycopy(bytes, 0, buffer, position, bytes.length);
      position += bytes.length;
    }

    /** Avro's long: zig-zag, then 7 bits per byte, low bits first. */
    private void writeLong(long value) {
      ensure(10);
      long n = (value << 1) ^ (value >> 63);
      while ((n & ~0x7FL) != 0) {
        buffer[position++] = (byte) ((n & 0x7F) | 0x80);
        n >>>= 7;
      }
      buffer[position++] = (byte) n;
    }

    /** Avro's double: the IEEE 754 bits, little-endian. */
    private void writeDouble(double value) {
      ensure(8);
      long bits = Double.doubleToRawLongBits(value);
      for (int i = 0; i < 8; i++) {
        buffer[position++] = (byte) (bits >>> (8 * i));
      }
    }

    private void ensure(int more) {
      if (position + more > buffer.length) {
        buffer = Arrays.copyOf(buffer, Math.max(buffer.length * 2, position + more));
      }
    }
  }
}
