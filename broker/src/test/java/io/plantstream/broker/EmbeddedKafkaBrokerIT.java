package io.plantstream.broker;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedKafkaBrokerIT {

  @TempDir Path kept;

  @Test
  void servesProducersAndConsumersAndCleansUpItsTemporaryDirectory() throws Exception {
    Path dataDir;
    try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.startDefault()) {
      dataDir = broker.dataDir();
      createTopic(broker, "greetings");
      produce(broker, "greetings", "a", "b", "c");

      assertThat(consumeAll(broker, "greetings")).containsExactly("a", "b", "c");
      assertThat(Files.exists(dataDir)).isTrue();
    }
    assertThat(Files.exists(dataDir)).isFalse();
  }

  @Test
  void keepsRecordsInAGivenDataDirectoryAcrossRestarts() throws Exception {
    int port;
    try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().dataDir(kept).build().start()) {
      port = broker.port();
      createTopic(broker, "durable");
      produce(broker, "durable", "before-restart");
    }
    try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().dataDir(kept).port(port).build().start()) {
      produce(broker, "durable", "after-restart");

      assertThat(consumeAll(broker, "durable")).containsExactly("before-restart", "after-restart");
    }
    assertThat(Files.exists(kept.resolve("metadata").resolve("meta.properties"))).isTrue();
  }

  private static void createTopic(EmbeddedKafkaBroker broker, String topic) throws Exception {
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
      admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
      assertThat(admin.listTopics().names().get()).contains(topic);
    }
  }

  private static void produce(EmbeddedKafkaBroker broker, String topic, String... values) {
    Map<String, Object> config = Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
        ProducerConfig.ACKS_CONFIG, "all");
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(config, new StringSerializer(), new StringSerializer())) {
      for (String value : values) {
        producer.send(new ProducerRecord<>(topic, value));
      }
      producer.flush();
    }
  }

  private static List<String> consumeAll(EmbeddedKafkaBroker broker, String topic) {
    Map<String, Object> config = Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer())) {
      TopicPartition partition = new TopicPartition(topic, 0);
      consumer.assign(Set.of(partition));
      consumer.seekToBeginning(Set.of(partition));
      long end = consumer.endOffsets(Set.of(partition)).get(partition);
      List<String> values = new ArrayList<>();
      while (consumer.position(partition) < end) {
        for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(500))) {
          values.add(record.value());
        }
      }
      return values;
    }
  }
}
