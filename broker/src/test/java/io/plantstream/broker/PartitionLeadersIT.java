package io.plantstream.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class PartitionLeadersIT {

  private static EmbeddedKafkaBroker broker;
  private static Admin admin;

  @BeforeAll
  static void start() {
    broker = EmbeddedKafkaBroker.startDefault();
    admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()));
  }

  @AfterAll
  static void stop() {
    admin.close();
    broker.close();
  }

  @Test
  void newPartitionsTakeAnIdempotentProducersConcurrentBatchesOnceTheirLeadersAct() throws Exception {
    // The pattern that lost records: many batches in flight to partitions created a moment ago.
    for (int round = 0; round < 3; round++) {
      String topic = "fresh-" + round;
      admin.createTopics(List.of(new NewTopic(topic, 12, (short) 1))).all().get();
      PartitionLeaders.await(admin, List.of(topic), Duration.ofSeconds(60));

      try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
          ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
          ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
          ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5,
          ProducerConfig.BATCH_SIZE_CONFIG, 1024,
          ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000,
          ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000), new ByteArraySerializer(), new ByteArraySerializer())) {
        List<Future<RecordMetadata>> sends = new ArrayList<>();
        for (int i = 0; i < 6_000; i++) {
          sends.add(producer.send(new ProducerRecord<>(topic, i % 12, null, new byte[100])));
        }
        producer.flush();
        for (Future<RecordMetadata> send : sends) {
          assertThat(send.get().hasOffset()).isTrue();
        }
      }
    }
  }

  @Test
  void saysWhichTopicsHaveNoLeaderWhenTheyNeverAppear() {
    assertThatThrownBy(() -> PartitionLeaders.await(admin, List.of("never-created"), Duration.ofSeconds(2)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("[never-created]")
        .hasMessageContaining("after PT2S");
  }
}
