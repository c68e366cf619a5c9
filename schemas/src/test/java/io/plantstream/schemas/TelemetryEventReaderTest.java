package io.plantstream.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.plantstream.avro.EquipmentState;
import io.plantstream.avro.Heartbeat;
import io.plantstream.avro.SensorReading;
import io.plantstream.avro.StateChange;
import io.plantstream.avro.TelemetryEvent;
import io.plantstream.avro.UnitCompleted;
import io.plantstream.avro.UnitOutcome;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

/**
 * The hand-written telemetry reader against Avro's own: for every payload kind, enum symbol,
 * optional field and awkward value, and for many random events, both must give the same object;
 * for anything malformed the reader must step aside so the error is Avro's.
 */
class TelemetryEventReaderTest {

  /** Avro's reader only: the reference. */
  private static final AvroSerde<TelemetryEvent> GENERIC = AvroSerde.of(TelemetryEvent.class);

  @Test
  void isWrittenForTheCurrentSchema() {
    // Fails when TelemetryEvent.avsc changes: update TelemetryEventReader (and, with TelemetryEncoder,
    // Topics.HAND_WRITTEN_TELEMETRY_FINGERPRINT) with the schema, or telemetry decoding silently
    // falls back to the slower generic reader.
    assertThat(Topics.HAND_WRITTEN_TELEMETRY_FINGERPRINT).isEqualTo(GENERIC.fingerprint());
    assertThat(Topics.TELEMETRY_SERDE.hasDirectReader()).isTrue();
  }

  @Test
  void readsEveryPayloadKindEnumSymbolAndOptionalFieldAsAvroDoes() {
    List<Object> payloads = new ArrayList<>();
    for (EquipmentState state : EquipmentState.values()) {
      payloads.add(new StateChange(state, null));
      payloads.add(new StateChange(state, "PM"));
      payloads.add(new Heartbeat(state));
    }
    for (UnitOutcome outcome : UnitOutcome.values()) {
      payloads.add(new UnitCompleted("w-1", outcome, null));
      payloads.add(new UnitCompleted("w-2", outcome, "OVERLAY"));
    }
    for (double value : new double[] {0.0, -0.0, 21.5, -1e300, Double.MIN_VALUE, Double.NaN,
        Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY}) {
      payloads.add(new SensorReading("chamber-temp", value, "°C"));
    }
    for (Object payload : payloads) {
      TelemetryEvent event = event("e-1", Instant.parse("2026-11-28T10:00:30.123Z"), 7L, payload);
      assertReadAsAvroReads(event);
    }
  }

  @Test
  void readsExtremeNumbersAndNonAsciiText() {
    assertReadAsAvroReads(event("é-🙂-事件", Instant.ofEpochMilli(Long.MIN_VALUE / 1000), Long.MAX_VALUE,
        new Heartbeat(EquipmentState.PRODUCTIVE)));
    assertReadAsAvroReads(event("", Instant.EPOCH, Long.MIN_VALUE, new UnitCompleted("", UnitOutcome.PASS, "")));
    assertReadAsAvroReads(event("x".repeat(100_000), Instant.parse("2262-01-01T00:00:00Z"), -1L,
        new StateChange(EquipmentState.NON_SCHEDULED, "ü".repeat(1000))));
  }

  @Test
  void readsRandomEventsAsAvroDoes() {
    Random random = new Random(20261128L);
    for (int i = 0; i < 20_000; i++) {
      Object payload = switch (random.nextInt(4)) {
        case 0 -> new StateChange(pick(random, EquipmentState.values()), random.nextBoolean() ? null : text(random));
        case 1 -> new UnitCompleted(text(random), pick(random, UnitOutcome.values()),
            random.nextBoolean() ? null : text(random));
        case 2 -> new SensorReading(text(random), Double.longBitsToDouble(random.nextLong()), text(random));
        default -> new Heartbeat(pick(random, EquipmentState.values()));
      };
      assertReadAsAvroReads(event(text(random), Instant.ofEpochMilli(random.nextLong() >> random.nextInt(64)),
          random.nextLong() >> random.nextInt(64), payload));
    }
  }

  @Test
  void leavesMalformedBytesToAvroSoTheErrorIsAvros() {
    byte[] good = GENERIC.encode(event("e-1", Instant.parse("2026-11-28T10:00:00Z"), 1L,
        new SensorReading("vibration", 0.25, "mm/s")));
    List<byte[]> malformed = List.of(
        Arrays.copyOf(good, good.length - 1),              // cut short
        Arrays.copyOf(good, good.length + 1),              // a byte left over
        Arrays.copyOf(good, 10));                          // header only
    for (byte[] bytes : malformed) {
      assertThat(TelemetryEventReader.read(bytes, AvroSerde.SINGLE_OBJECT_HEADER)).isNull();
    }
    // A header that does not name the known schema never reaches the reader: the serde words it.
    for (byte[] bytes : List.of(withByte(good, 1, (byte) 0x02), withByte(good, 5, (byte) (good[5] ^ 0x10)))) {
      assertThatThrownBy(() -> Topics.TELEMETRY_SERDE.decode(bytes))
          .isInstanceOf(SerializationException.class)
          .hasMessage(messageOf(() -> GENERIC.decode(bytes)));
    }
    byte[] badBranch = good.clone();
    // The payload branch follows the four strings and two varints; find it by re-encoding.
    int branchAt = good.length - 1 - 8 - "vibration".length() - 1 - "mm/s".length() - 1;
    assertThat(badBranch[branchAt]).as("union branch 2, zig-zag encoded").isEqualTo((byte) 4);
    badBranch[branchAt] = 20;
    assertThat(TelemetryEventReader.read(badBranch, AvroSerde.SINGLE_OBJECT_HEADER)).isNull();
    assertThatThrownBy(() -> Topics.TELEMETRY_SERDE.decode(badBranch))
        .isInstanceOf(SerializationException.class)
        .hasMessage(messageOf(() -> GENERIC.decode(badBranch)));
  }

  private static void assertReadAsAvroReads(TelemetryEvent event) {
    byte[] bytes = GENERIC.encode(event);
    TelemetryEvent expected = GENERIC.decode(bytes);
    TelemetryEvent direct = TelemetryEventReader.read(bytes, AvroSerde.SINGLE_OBJECT_HEADER);
    for (TelemetryEvent actual : List.of(direct, Topics.TELEMETRY_SERDE.decode(bytes))) {
      // Avro's equals says NaN != NaN, so the fields are compared through their encoding and text.
      assertThat(GENERIC.encode(actual)).isEqualTo(bytes);
      assertThat(actual.getPayload().getClass()).isEqualTo(expected.getPayload().getClass());
      assertThat(actual.toString()).isEqualTo(expected.toString());
    }
  }

  private static TelemetryEvent event(String id, Instant time, long sequence, Object payload) {
    return new TelemetryEvent(id, "amkor-az", "amkor-az-test", "amkor-az-test-handler-03", time, sequence, payload);
  }

  private static String text(Random random) {
    int length = random.nextInt(40);
    StringBuilder text = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      // Mostly ASCII, sometimes two- and three-byte UTF-8.
      int kind = random.nextInt(10);
      text.append(kind < 8 ? (char) ('a' + random.nextInt(26)) : kind == 8 ? 'ß' : '測');
    }
    return text.toString();
  }

  private static <T> T pick(Random random, T[] values) {
    return values[random.nextInt(values.length)];
  }

  private static byte[] withByte(byte[] bytes, int index, byte value) {
    byte[] changed = bytes.clone();
    changed[index] = value;
    return changed;
  }

  private static String messageOf(Runnable failing) {
    try {
      failing.run();
    } catch (RuntimeException e) {
      return e.getMessage();
    }
    throw new AssertionError("expected a failure");
  }
}
