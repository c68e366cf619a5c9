package io.plantstream.testing;

import io.plantstream.broker.EmbeddedKafkaBroker;
import io.plantstream.broker.PartitionLeaders;
import io.plantstream.schemas.Topic;
import io.plantstream.schemas.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.Serdes;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.kafka.KafkaContainer;

/**
 * The one way tests get a real Kafka broker: Testcontainers' {@code apache/kafka:4.4.0} when a
 * Docker engine is reachable, the embedded KRaft broker of the official Kafka artifacts when not.
 * It logs which one it uses. One broker serves the whole test JVM; tests keep apart by taking
 * unique topic prefixes ({@link #uniqueTopics}) and application ids.
 *
 * <p>Set {@code PLANTSTREAM_TEST_BROKER=embedded} or {@code =docker} to force a choice.
 *
 * <pre>
 * {@literal @}RegisterExtension static final KafkaFixture kafka = new KafkaFixture();
 * </pre>
 *
 * <p>A test that needs replication, or a broker to fail, takes a cluster of its own instead:
 * {@link #cluster(int)}, embedded nodes in child JVMs whatever Docker says, started before the
 * test class and killed after it.
 */
public final class KafkaFixture implements BeforeAllCallback, AfterAllCallback {

  /** The broker image used when Docker is available. */
  public static final String KAFKA_IMAGE = "apache/kafka:4.4.0";

  /**
   * How often the test broker expires idle producer ids (Kafka's default: every 10 minutes). Every
   * second, so that a record stamped long ago, which expires its producer at once, shows in a test.
   */
  private static final long PRODUCER_EXPIRY_CHECK_MS = 1000;

  private static final Logger log = LoggerFactory.getLogger(KafkaFixture.class);
  private static final AtomicInteger TOPIC_SEQUENCE = new AtomicInteger();
  private static volatile RunningBroker shared;

  /** The cluster of this fixture alone; null for the shared single broker. */
  private final EmbeddedKafkaCluster cluster;

  /** A fixture on the broker shared by the whole test JVM. */
  public KafkaFixture() {
    this(null);
  }

  private KafkaFixture(EmbeddedKafkaCluster cluster) {
    this.cluster = cluster;
  }

  /**
   * A fixture on a cluster of its own of {@code brokers} embedded KRaft nodes (at least 3), each
   * in a child JVM so that it can be killed ({@link #cluster()}); topics get one replica per node
   * and need all but one in sync. Register it per test class: it is stopped after the class.
   */
  public static KafkaFixture cluster(int brokers) {
    return new KafkaFixture(new EmbeddedKafkaCluster(brokers,
        Map.of("producer.id.expiration.check.interval.ms", String.valueOf(PRODUCER_EXPIRY_CHECK_MS))));
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    if (cluster != null) {
      cluster.start();
    } else {
      broker();
    }
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (cluster != null) {
      cluster.close();
    }
  }

  /** {@code bootstrap.servers} of the shared broker (starting it if needed) or of this fixture's cluster. */
  public String bootstrapServers() {
    return cluster != null ? cluster.start().bootstrapServers() : broker().bootstrapServers();
  }

  /** Which broker serves the tests: {@code docker}, {@code embedded} or {@code embedded cluster}. */
  public String kind() {
    return cluster != null ? "embedded cluster" : broker().kind();
  }

  /** This fixture's cluster, to kill and restart nodes; only for a fixture from {@link #cluster(int)}. */
  public EmbeddedKafkaCluster cluster() {
    if (cluster == null) {
      throw new IllegalStateException("this fixture uses the shared single broker; take KafkaFixture.cluster(n)");
    }
    return cluster;
  }

  /** Replicas of each topic {@link #createTopics} creates: 1, or one per node of a cluster. */
  public short replicationFactor() {
    return cluster != null ? cluster.replicationFactor() : 1;
  }

  /**
   * Client properties that reach the broker. Test producers are not idempotent: on the shared
   * embedded broker an idempotent producer's first batch to a partition was intermittently refused
   * with OUT_OF_ORDER_SEQUENCE_NUMBER until delivery timed out (a batch refused with
   * NOT_LEADER_OR_FOLLOWER on a new partition while the next one was appended, and records stamped
   * with old times expiring the producer's state; see Topics#specs). One request in flight keeps
   * a retried batch in its place, so what a test publishes in order arrives in order.
   */
  public Map<String, Object> clientConfig() {
    Map<String, Object> config = new HashMap<>();
    config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
    config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false);
    // Without idempotence, a retried batch (NOT_LEADER_OR_FOLLOWER right after a topic is created)
    // could land behind the next one; tests publish in event-time order and rely on it.
    config.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1);
    return config;
  }

  /** A topic catalogue whose names no other test uses, e.g. {@code t7-e2e.telemetry}. */
  public Topics uniqueTopics(String testName) {
    String safe = testName.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-");
    return new Topics("t" + TOPIC_SEQUENCE.incrementAndGet() + "-" + safe + ".");
  }

  /**
   * Creates every topic of {@code topics}, the telemetry topic with {@code partitions} partitions,
   * each with {@link #replicationFactor()} replicas.
   */
  public void createTopics(Topics topics, int partitions) {
    createTopics(clientConfig(), topics, partitions, replicationFactor());
  }

  /**
   * Creates every topic of {@code topics} with {@code replicas} replicas on the cluster
   * {@code adminConfig} reaches, and waits for their leaders.
   */
  static void createTopics(Map<String, Object> adminConfig, Topics topics, int partitions, short replicas) {
    List<NewTopic> newTopics = new ArrayList<>();
    for (Topics.TopicSpec spec : topics.specs(partitions)) {
      newTopics.add(new NewTopic(spec.name(), spec.partitions(), replicas).configs(spec.configs()));
    }
    try (Admin admin = Admin.create(adminConfig)) {
      try {
        admin.createTopics(newTopics).all().get();
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof TopicExistsException)) {
          throw new IllegalStateException("cannot create topics " + newTopics, e);
        }
      }
      // Producing before every partition's leader acts as one made producers' first batches race
      // the partition's creation (OUT_OF_ORDER_SEQUENCE_NUMBER, seen on 2 cores).
      PartitionLeaders.await(admin, newTopics.stream().map(NewTopic::name).toList(), Duration.ofSeconds(60));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Sends records to {@code topic} and waits for every acknowledgement. */
  public <K, V> void send(Topic<K, V> topic, List<ProducerRecord<K, V>> records) {
    Map<String, Object> config = clientConfig();
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    try (KafkaProducer<K, V> producer = new KafkaProducer<>(config,
        topic.keySerde().serializer(), topic.valueSerde().serializer())) {
      for (ProducerRecord<K, V> record : records) {
        producer.send(record);
      }
      producer.flush();
    }
  }

  /**
   * Every committed record of {@code topic} up to its end offsets as of now, in partition then
   * offset order. Read with {@code read_committed}.
   */
  public <K, V> List<ConsumerRecord<K, V>> readAll(Topic<K, V> topic) {
    return readAll(topic, IsolationLevel.READ_COMMITTED);
  }

  /**
   * Every record of {@code topic} up to its end offsets as of now that a consumer with
   * {@code isolation} sees, in partition then offset order: with {@code READ_UNCOMMITTED}, the
   * records of aborted and still open transactions too.
   */
  public <K, V> List<ConsumerRecord<K, V>> readAll(Topic<K, V> topic, IsolationLevel isolation) {
    Map<String, Object> config = clientConfig();
    config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation.toString());
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    try (KafkaConsumer<K, V> consumer = new KafkaConsumer<>(config,
        topic.keySerde().deserializer(), topic.valueSerde().deserializer())) {
      List<TopicPartition> partitions = consumer.partitionsFor(topic.name(), Duration.ofSeconds(30))
          .stream().map(info -> new TopicPartition(info.topic(), info.partition()))
          .sorted((a, b) -> Integer.compare(a.partition(), b.partition()))
          .toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
      Map<TopicPartition, List<ConsumerRecord<K, V>>> byPartition = new HashMap<>();
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("could not read " + topic.name() + " to its end " + end);
        }
        for (ConsumerRecord<K, V> record : consumer.poll(Duration.ofMillis(200))) {
          TopicPartition partition = new TopicPartition(record.topic(), record.partition());
          byPartition.computeIfAbsent(partition, p -> new ArrayList<>()).add(record);
        }
      }
      List<ConsumerRecord<K, V>> all = new ArrayList<>();
      partitions.forEach(p -> all.addAll(byPartition.getOrDefault(p, List.of())));
      return all;
    }
  }

  /** Every committed record of the topic named {@code topic} as raw bytes, as {@link #readAll} reads. */
  public List<ConsumerRecord<byte[], byte[]>> readAllRaw(String topic) {
    return readAll(new Topic<>(topic, Serdes.ByteArray(), Serdes.ByteArray()));
  }

  private static RunningBroker broker() {
    RunningBroker broker = shared;
    if (broker == null) {
      synchronized (KafkaFixture.class) {
        broker = shared;
        if (broker == null) {
          broker = start();
          shared = broker;
          RunningBroker stopping = broker;
          Runtime.getRuntime().addShutdownHook(new Thread(stopping::close, "kafka-fixture-stop"));
        }
      }
    }
    return broker;
  }

  private static RunningBroker start() {
    String forced = System.getenv().getOrDefault("PLANTSTREAM_TEST_BROKER", "").trim();
    boolean docker = switch (forced) {
      case "docker" -> true;
      case "embedded" -> false;
      default -> dockerAvailable();
    };
    if (docker) {
      log.info("Kafka for tests: Testcontainers {} (Docker engine found)", KAFKA_IMAGE);
      KafkaContainer container = new KafkaContainer(KAFKA_IMAGE)
          .withEnv("KAFKA_PRODUCER_ID_EXPIRATION_CHECK_INTERVAL_MS", String.valueOf(PRODUCER_EXPIRY_CHECK_MS));
      container.start();
      return new RunningBroker("docker", container.getBootstrapServers(), container::stop);
    }
    log.info("Kafka for tests: embedded KRaft broker ({})",
        forced.isEmpty() ? "no Docker engine reachable" : "PLANTSTREAM_TEST_BROKER=embedded");
    EmbeddedKafkaBroker embedded = EmbeddedKafkaBroker.builder()
        .config("producer.id.expiration.check.interval.ms", String.valueOf(PRODUCER_EXPIRY_CHECK_MS))
        .build().start();
    return new RunningBroker("embedded", embedded.bootstrapServers(), embedded::close);
  }

  /** True when Testcontainers can reach a Docker engine. */
  public static boolean dockerAvailable() {
    try {
      return DockerClientFactory.instance().isDockerAvailable();
    } catch (Throwable notThere) {
      return false;
    }
  }

  private record RunningBroker(String kind, String bootstrapServers, Runnable stopper) {
    void close() {
      try {
        stopper.run();
      } catch (RuntimeException e) {
        log.warn("stopping the test broker failed: {}", e.toString());
      }
    }
  }
}
