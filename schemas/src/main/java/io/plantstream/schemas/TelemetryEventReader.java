package io.plantstream.schemas;

import io.plantstream.avro.EquipmentState;
import io.plantstream.avro.Heartbeat;
import io.plantstream.avro.SensorReading;
import io.plantstream.avro.StateChange;
import io.plantstream.avro.TelemetryEvent;
import io.plantstream.avro.UnitCompleted;
import io.plantstream.avro.UnitOutcome;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * Decodes a telemetry event written with the current {@code TelemetryEvent} schema straight from
 * its bytes: the streams application's hot path. Avro's generic reader goes through a resolving
 * decoder, a builder-free but reflective record fill and a UTF-8 decoder per string; this reads the
 * one schema it knows field by field. It yields exactly the object Avro's reader would.
 *
 * <p>{@link AvroSerde} calls it only for bytes whose header (single-object fingerprint or registry
 * schema id) names this schema. A body that does not parse or has bytes left over returns null, and
 * the serde decodes the bytes the generic way, which words the errors. A schema change can thus cost speed, never correctness; a test
 * pins this reader to the current schema.
 *
 * <p>The schema it is written for is named by {@link Topics#HAND_WRITTEN_TELEMETRY_FINGERPRINT}.
 */
final class TelemetryEventReader {

  private static final EquipmentState[] STATES = EquipmentState.values();
  private static final UnitOutcome[] OUTCOMES = UnitOutcome.values();

  private final byte[] bytes;
  private int position;

  private TelemetryEventReader(byte[] bytes, int bodyAt) {
    this.bytes = bytes;
    this.position = bodyAt;
  }

  /**
   * The event whose Avro body starts at {@code bodyAt} of {@code bytes} (after a header that
   * {@link AvroSerde} has checked names the known schema), or null when the body is not a
   * well-formed event of that schema.
   */
  static TelemetryEvent read(byte[] bytes, int bodyAt) {
    if (bytes.length <= bodyAt) {
      return null;
    }
    try {
      TelemetryEventReader reader = new TelemetryEventReader(bytes, bodyAt);
      TelemetryEvent event = reader.event();
      return reader.position == bytes.length ? event : null;
    } catch (RuntimeException malformed) {
      // Out of bounds, a bad union branch or enum symbol: the generic reader says what is wrong.
      return null;
    }
  }

  private TelemetryEvent event() {
    String eventId = string();
    String siteId = string();
    String lineId = string();
    String machineId = string();
    Instant eventTime = Instant.ofEpochMilli(varLong());
    long sequence = varLong();
    Object payload = switch ((int) varLong()) {
      case 0 -> new StateChange(STATES[(int) varLong()], optionalString());
      case 1 -> new UnitCompleted(string(), OUTCOMES[(int) varLong()], optionalString());
      case 2 -> new SensorReading(string(), doubleValue(), string());
      case 3 -> new Heartbeat(STATES[(int) varLong()]);
      default -> throw new IllegalArgumentException("unknown payload branch");
    };
    return new TelemetryEvent(eventId, siteId, lineId, machineId, eventTime, sequence, payload);
  }

  private String optionalString() {
    return switch ((int) varLong()) {
      case 0 -> null;
      case 1 -> string();
      default -> throw new IllegalArgumentException("unknown union branch");
    };
  }

  private String string() {
    int length = Math.toIntExact(varLong());
    if (length < 0 || length > bytes.length - position) {
      throw new IllegalArgumentException("string length out of range");
    }
    String value = new String(bytes, position, length, StandardCharsets.UTF_8);
    position += length;
    return value;
  }

  /** Avro's long: 7 bits per byte, low bits first, then zig-zag. */
  private long varLong() {
    long raw = 0;
    int shift = 0;
    byte b;
    do {
      if (shift > 63) {
        throw new IllegalArgumentException("varint longer than 10 bytes");
      }
      b = bytes[position++];
      raw |= (b & 0x7FL) << shift;
      shift += 7;
    } while (b < 0);
    return (raw >>> 1) ^ -(raw & 1);
  }

  /** Avro's double: the IEEE 754 bits, little-endian. */
  private double doubleValue() {
    long bits = 0;
    for (int i = 0; i < 8; i++) {
      bits |= (bytes[position++] & 0xFFL) << (8 * i);
    }
    return Double.longBitsToDouble(bits);
  }
}
