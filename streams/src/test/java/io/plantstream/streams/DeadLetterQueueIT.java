package io.plantstream.streams;

import static io.plantstream.avro.EquipmentState.PRODUCTIVE;
import static io.plantstream.avro.UnitOutcome.PASS;
import static io.plantstream.testing.TestMachine.T0;
import static io.plantstream.testing.TestMachine.at;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.plantstream.avro.TelemetryEvent;
import io.plantstream.schemas.Topic;
import io.plantstream.schemas.Topics;
import io.plantstream.testing.KafkaFixture;
import io.plantstream.testing.TestMachine;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Bad input on a real broker: the application keeps running and the DLQ says why for each record. */
class DeadLetterQueueIT {

  @RegisterExtension static final KafkaFixture kafka = new KafkaFixture();

  @TempDir Path stateDir;

  @Test
  void everyBadRecordLandsInTheDlqWithItsReasonAndGoodOnesAreCounted() {
    Topics topics = kafka.uniqueTopics("dlq");
    kafka.createTopics(topics, 1);
    TestMachine litho = TestMachine.of("tsmc-phx", "tsmc-phx-litho", "tsmc-phx-litho-euv-01");
    // Two machines share the partition, so one clock running ahead is outvoted (held, then rejected).
    TestMachine etch = TestMachine.of("tsmc-phx", "tsmc-phx-etch", "tsmc-phx-etch-etch-01");
    kafka.send(topics.machines(), List.of(
        new ProducerRecord<>(topics.machines().name(), null, T0.toEpochMilli(), litho.id(),
            litho.info("euv-scanner", Duration.ofSeconds(24))),
        new ProducerRecord<>(topics.machines().name(), null, T0.toEpochMilli(), etch.id(),
            etch.info("etch", Duration.ofSeconds(90)))));

    byte[] garbage = "definitely not avro".getBytes(StandardCharsets.UTF_8);
    Topic<byte[], byte[]> raw = new Topic<>(topics.telemetry().name(), topics.dlq().keySerde(), topics.dlq().valueSerde());
    List<ProducerRecord<String, TelemetryEvent>> events = new ArrayList<>();
    events.add(record(topics, etch.state(PRODUCTIVE, T0)));
    events.add(record(topics, litho.state(PRODUCTIVE, T0)));
    events.add(record(topics, litho.unit(PASS, at(T0, "24h"))));
    events.add(record(topics, TestMachine.of("tsmc-phx", "tsmc-phx-litho", "ghost-01").state(PRODUCTIVE, T0)));
    events.add(record(topics, litho.unit(PASS, at(T0, "10s"))));
    kafka.send(topics.telemetry(), events.subList(0, 3));
    kafka.send(raw, List.of(new ProducerRecord<>(raw.name(), null, T0.toEpochMilli(),
        litho.id().getBytes(StandardCharsets.UTF_8), garbage)));
    kafka.send(topics.telemetry(), events.subList(3, 5));
    List<ProducerRecord<String, TelemetryEvent>> heartbeats = new ArrayList<>();
    for (Instant t = at(T0, "20s"); !t.isAfter(at(T0, "1m40s")); t = t.plusSeconds(10)) {
      heartbeats.add(record(topics, litho.heartbeat(PRODUCTIVE, t)));
    }
    kafka.send(topics.telemetry(), heartbeats);

    try (KpiApplication app = KpiApplication.forTopics(topics, KpiConfig.defaults(),
        KpiStreamsConfig.build(kafka.bootstrapServers(), "dlq-it-" + System.nanoTime(), stateDir, topics, Map.of()))) {
      app.start();
      await().atMost(Duration.ofMinutes(2)).untilAsserted(() -> {
        assertThat(kafka.readAll(topics.dlq())).hasSize(3);
        assertThat(kafka.readAll(topics.machineKpi1m())).hasSize(2);
      });
      assertThat(app.state().isRunningOrRebalancing()).isTrue();
    }

    List<ConsumerRecord<byte[], byte[]>> dead = new ArrayList<>(kafka.readAll(topics.dlq()));
    // The DLQ keeps no order between handlers; the source offset says where each came from.
    dead.sort(java.util.Comparator.comparing(r -> Long.parseLong(header(r, "__streams.errors.offset"))));
    assertThat(dead).extracting(r -> header(r, DeadLetters.REASON_HEADER))
        .containsExactly("future-skew", "corrupt", "unknown-machine");
    assertThat(dead.get(1).value()).isEqualTo(garbage);
    for (ConsumerRecord<byte[], byte[]> record : dead) {
      assertThat(header(record, "__streams.errors.topic")).isEqualTo(topics.telemetry().name());
      assertThat(header(record, "__streams.errors.partition")).isEqualTo("0");
      assertThat(header(record, "__streams.errors.exception")).isNotBlank();
      assertThat(header(record, "__streams.errors.message")).isNotBlank();
    }
    assertThat(dead).extracting(r -> header(r, "__streams.errors.offset")).containsExactly("2", "3", "4");
    assertThat(kafka.readAll(topics.machineKpi1m())).filteredOn(r -> r.value().getMachineId().equals(litho.id()))
        .singleElement().satisfies(r -> assertThat(r.value().getUnitsTotal()).isEqualTo(1));
  }

  private static ProducerRecord<String, TelemetryEvent> record(Topics topics, TelemetryEvent event) {
    return new ProducerRecord<>(topics.telemetry().name(), null, event.getEventTime().toEpochMilli(),
        event.getMachineId(), event);
  }

  private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
    Header header = record.headers().lastHeader(name);
    return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
  }
}
