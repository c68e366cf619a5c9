package io.plantstream.producer.publish;

import static io.plantstream.testing.TestMachine.T0;
import static io.plantstream.testing.TestMachine.at;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import io.plantstream.avro.EquipmentState;
import io.plantstream.avro.MachineInfo;
import io.plantstream.avro.TelemetryEvent;
import io.plantstream.producer.model.Machine;
import io.plantstream.producer.model.PlantModel;
import io.plantstream.schemas.Topic;
import io.plantstream.schemas.Topics;
import io.plantstream.testing.TestMachine;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/** The publishers' own logic against kafka-clients' in-memory MockProducer; the broker path is covered by ITs. */
class TelemetryPublisherTest {

  private static final Topic<String, TelemetryEvent> TELEMETRY = new Topics("test.").telemetry();
  private static final TestMachine SCANNER = TestMachine.of("tsmc-phx", "tsmc-phx-litho", "tsmc-phx-litho-euv-scanner-01");
  private static final TestMachine ETCH = TestMachine.of("tsmc-phx", "tsmc-phx-etch", "tsmc-phx-etch-dry-etch-01");

  @Test
  void keysByMachineIdAndStampsWithEventTime() {
    MockProducer<String, byte[]> producer = producer(true);
    TelemetryEvent first = SCANNER.state(EquipmentState.PRODUCTIVE, T0);
    TelemetryEvent second = ETCH.heartbeat(EquipmentState.STANDBY, at(T0, "10s"));

    try (TelemetryPublisher publisher = new TelemetryPublisher(producer, TELEMETRY)) {
      publisher.accept(first);
      publisher.accept(second);
      publisher.flush();

      assertThat(publisher.sent()).isEqualTo(2);
      assertThat(publisher.acknowledged()).isEqualTo(2);
    }
    assertThat(producer.history())
        .extracting(ProducerRecord::topic, ProducerRecord::key, ProducerRecord::timestamp,
            record -> Topics.TELEMETRY_SERDE.decode(record.value()))
        .containsExactly(
            tuple("test.telemetry", SCANNER.id(), T0.toEpochMilli(), first),
            tuple("test.telemetry", ETCH.id(), at(T0, "10s").toEpochMilli(), second));
    assertThat(producer.history().get(0).value()).isEqualTo(Topics.TELEMETRY_SERDE.encode(first));
    assertThat(producer.closed()).isTrue();
  }

  @Test
  void rawRecordsGoOutAsTheyAreKeyedByMachine() {
    MockProducer<String, byte[]> producer = producer(true);
    byte[] garbage = {0x13, 0x37, 0x00, 0x42};

    try (TelemetryPublisher publisher = new TelemetryPublisher(producer, TELEMETRY)) {
      publisher.acceptRaw(SCANNER.id(), at(T0, "5s"), garbage);
      publisher.flush();

      assertThat(publisher.acknowledged()).isEqualTo(1);
    }
    assertThat(producer.history()).singleElement().satisfies(record -> {
      assertThat(record.key()).isEqualTo(SCANNER.id());
      assertThat(record.timestamp()).isEqualTo(at(T0, "5s").toEpochMilli());
      assertThat(record.value()).isEqualTo(garbage);
    });
  }

  @Test
  void aFailedSendIsThrownFromFlushWithTopicAndMachine() {
    MockProducer<String, byte[]> producer = producer(false);
    TelemetryPublisher publisher = new TelemetryPublisher(producer, TELEMETRY);
    publisher.accept(SCANNER.state(EquipmentState.PRODUCTIVE, T0));
    publisher.accept(ETCH.state(EquipmentState.PRODUCTIVE, T0));
    producer.completeNext();
    producer.errorNext(new TimeoutException("delivery timed out"));

    assertThatThrownBy(publisher::flush)
        .isInstanceOf(PublishException.class)
        .hasMessage("cannot publish to topic test.telemetry (machine " + ETCH.id() + "): delivery timed out")
        .hasCauseInstanceOf(TimeoutException.class);
    assertThat(publisher.acknowledged()).isEqualTo(1);
    assertThatThrownBy(() -> publisher.accept(SCANNER.heartbeat(EquipmentState.PRODUCTIVE, at(T0, "10s"))))
        .isInstanceOf(PublishException.class);
    publisher.close();
  }

  @Test
  void aFailureNotYetReportedIsThrownFromClose() {
    MockProducer<String, byte[]> producer = producer(false);
    TelemetryPublisher publisher = new TelemetryPublisher(producer, TELEMETRY);
    publisher.accept(SCANNER.state(EquipmentState.PRODUCTIVE, T0));
    producer.errorNext(new TimeoutException("delivery timed out"));

    assertThatThrownBy(publisher::close)
        .isInstanceOf(PublishException.class)
        .hasMessageContaining("test.telemetry")
        .hasMessageContaining(SCANNER.id());
  }

  @Test
  void projectDefaultsGoUnderTheUsersProperties() {
    Map<String, Object> config = ProducerConfigs.withDefaults(Map.of("bootstrap.servers", "kafka:9092", "linger.ms", 50));

    assertThat(config).containsExactlyInAnyOrderEntriesOf(Map.of(
        "bootstrap.servers", "kafka:9092",
        "linger.ms", 50,
        "acks", "all",
        "enable.idempotence", true,
        "compression.type", "lz4",
        "batch.size", 128 * 1024));
  }

  @Test
  void machinesArePublishedKeyedByMachineIdAtTheGivenTime() {
    MockProducer<String, MachineInfo> producer =
        new MockProducer<>(true, null, Topics.defaults().machines().keySerde().serializer(), Topics.MACHINE_INFO_SERDE.serializer());
    List<MachineInfo> machines = PlantModel.loadDefault().machines().stream()
        .map(Machine::toMachineInfo)
        .collect(Collectors.toList());

    long acknowledged = MachinesPublisher.publish(producer, Topics.defaults().machines(), machines, T0);

    assertThat(acknowledged).isEqualTo(machines.size());
    assertThat(producer.history()).extracting(ProducerRecord::key)
        .containsExactlyElementsOf(machines.stream().map(MachineInfo::getMachineId).collect(Collectors.toList()));
    assertThat(producer.history()).allSatisfy(record -> {
      assertThat(record.topic()).isEqualTo("plant.machines");
      assertThat(record.timestamp()).isEqualTo(T0.toEpochMilli());
    });
    assertThat(producer.closed()).isTrue();
  }

  private static MockProducer<String, byte[]> producer(boolean autoComplete) {
    return new MockProducer<>(autoComplete, null, new StringSerializer(), new ByteArraySerializer());
  }
}
