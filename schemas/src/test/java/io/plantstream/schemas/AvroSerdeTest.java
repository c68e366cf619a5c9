package io.plantstream.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.plantstream.avro.EquipmentState;
import io.plantstream.avro.Heartbeat;
import io.plantstream.avro.MachineInfo;
import io.plantstream.avro.StateChange;
import io.plantstream.avro.TelemetryEvent;
import io.plantstream.avro.UnitCompleted;
import io.plantstream.avro.UnitOutcome;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Instant;
import java.util.Arrays;
import org.apache.avro.SchemaNormalization;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

class AvroSerdeTest {

  private static final AvroSerde<TelemetryEvent> SERDE = AvroSerde.of(TelemetryEvent.class);

  static TelemetryEvent sampleEvent() {
    return new TelemetryEvent("e-1", "tsmc-phx", "tsmc-phx-litho", "tsmc-phx-litho-euv-scanner-01",
        Instant.parse("2026-11-28T10:00:30Z"), 7L,
        new UnitCompleted("w-42", UnitOutcome.FAIL, "OVERLAY"));
  }

  @Test
  void roundTripsEveryPayloadKind() {
    for (Object payload : new Object[] {
        new StateChange(EquipmentState.UNSCHEDULED_DOWN, "FAILURE"),
        new Heartbeat(EquipmentState.STANDBY),
        new UnitCompleted("w-1", UnitOutcome.PASS, null)}) {
      TelemetryEvent event = sampleEvent();
      event.setPayload(payload);
      assertThat(SERDE.decode(SERDE.encode(event))).isEqualTo(event);
    }
  }

  @Test
  void writesSingleObjectEncodingWithTheWriterFingerprint() {
    byte[] bytes = SERDE.encode(sampleEvent());

    assertThat(Arrays.copyOfRange(bytes, 0, 2)).containsExactly(0xC3, 0x01);
    long fingerprint = ByteBuffer.wrap(bytes, 2, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
    assertThat(fingerprint)
        .isEqualTo(SchemaNormalization.parsingFingerprint64(TelemetryEvent.getClassSchema()))
        .isEqualTo(SERDE.fingerprint());
  }

  @Test
  void nullIsATombstoneBothWays() {
    assertThat(SERDE.encode(null)).isNull();
    assertThat(SERDE.decode(null)).isNull();
  }

  @Test
  void garbageIsRejectedWithAReason() {
    assertThatThrownBy(() -> SERDE.decode("not avro at all".getBytes()))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("neither Avro single-object encoding (C3 01) nor the Confluent wire format");
  }

  @Test
  void theConfluentWireFormatWithoutARegistrySaysWhatIsMissing() {
    byte[] registryEncoded = {0x00, 0x00, 0x00, 0x00, 0x2A, 0x02};
    assertThatThrownBy(() -> SERDE.decode(registryEncoded))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("Confluent wire format (schema id 42)")
        .hasMessageContaining("--schema-registry");
    assertThatThrownBy(() -> SERDE.decode(new byte[] {0x00, 0x01}))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("cut short");
  }

  @Test
  void anotherRecordTypeIsAnUnknownFingerprint() {
    byte[] machine = AvroSerde.of(MachineInfo.class)
        .encode(new MachineInfo("m", "s", "l", "etch", "wafer", 90_000L));

    assertThatThrownBy(() -> SERDE.decode(machine))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("unknown schema fingerprint");
  }

  @Test
  void truncatedBytesAreRejectedWithTheLength() {
    byte[] bytes = SERDE.encode(sampleEvent());
    byte[] truncated = Arrays.copyOf(bytes, bytes.length - 5);

    assertThatThrownBy(() -> SERDE.decode(truncated))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("cannot decode TelemetryEvent (" + truncated.length + " bytes)");
  }
}
