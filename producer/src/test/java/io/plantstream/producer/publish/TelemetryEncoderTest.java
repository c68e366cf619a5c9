package io.plantstream.producer.publish;

import static io.plantstream.testing.TestMachine.T0;
import static org.assertj.core.api.Assertions.assertThat;

import io.plantstream.avro.EquipmentState;
import io.plantstream.avro.TelemetryEvent;
import io.plantstream.avro.UnitOutcome;
import io.plantstream.producer.model.PlantModel;
import io.plantstream.producer.sim.PlantSimulator;
import io.plantstream.schemas.AvroSerde;
import io.plantstream.schemas.Topics;
import io.plantstream.testing.TestMachine;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.apache.kafka.common.serialization.Serdes;
import org.junit.jupiter.api.Test;

class TelemetryEncoderTest {

  private static final TelemetryEncoder FAST = TelemetryEncoder.forSerde(Topics.TELEMETRY_SERDE, "t");

  @Test
  void theFastPathIsWrittenForTheCurrentSchema() {
    // If this fails, TelemetryEvent's schema changed: update TelemetryEncoder.Fast (and, with
    // TelemetryEventReader, Topics.HAND_WRITTEN_TELEMETRY_FINGERPRINT) to the new schema; until
    // then publishing falls back to the slower generic serde.
    assertThat(Topics.TELEMETRY_SERDE.fingerprint()).isEqualTo(Topics.HAND_WRITTEN_TELEMETRY_FINGERPRINT);
    assertThat(FAST.isFast()).isTrue();
  }

  @Test
  void writesExactlyWhatTheSerdeWritesForEveryPayload() {
    TestMachine machine = TestMachine.of("tsmc-phx", "tsmc-phx-litho", "tsmc-phx-litho-euv-scanner-01");
    List<TelemetryEvent> events = List.of(
        machine.state(EquipmentState.UNSCHEDULED_DOWN, T0),
        withReason(machine.state(EquipmentState.NON_SCHEDULED, T0), "OFF_SHIFT"),
        machine.unit(UnitOutcome.PASS, T0),
        machine.unit(UnitOutcome.FAIL, T0),
        machine.sensor("power", -1234.5678, T0),
        machine.sensor("tempé", Double.NaN, Instant.ofEpochMilli(-1)),
        machine.heartbeat(EquipmentState.ENGINEERING, Instant.ofEpochMilli(Long.MAX_VALUE / 2)));

    for (TelemetryEvent event : events) {
      assertThat(FAST.encode(event)).as("%s", event).isEqualTo(Topics.TELEMETRY_SERDE.encode(event));
    }
  }

  @Test
  void writesExactlyWhatTheSerdeWritesForASimulatedHour() {
    PlantSimulator simulator = new PlantSimulator(PlantModel.loadDefault(), 3, T0, Set.of());
    for (int i = 0; i < 200_000; i++) {
      TelemetryEvent event = simulator.next();
      assertThat(FAST.encode(event)).isEqualTo(Topics.TELEMETRY_SERDE.encode(event));
    }
  }

  @Test
  void anotherSerdeGetsTheGenericPath() {
    AvroSerde<TelemetryEvent> serde = Topics.TELEMETRY_SERDE;
    TelemetryEncoder generic = TelemetryEncoder.forSerde(Serdes.serdeFrom(serde.serializer(), serde.deserializer()), "t");
    TestMachine machine = TestMachine.of("tsmc-phx", "tsmc-phx-litho", "tsmc-phx-litho-euv-scanner-01");
    TelemetryEvent event = machine.heartbeat(EquipmentState.PRODUCTIVE, T0);

    assertThat(generic.isFast()).isFalse();
    assertThat(generic.encode(event)).isEqualTo(serde.encode(event));
  }

  private static TelemetryEvent withReason(TelemetryEvent event, String reason) {
    ((io.plantstream.avro.StateChange) event.getPayload()).setReason(reason);
    return event;
  }
}
