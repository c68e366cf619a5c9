package io.plantstream.app.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.plantstream.avro.SiteKpi;
import io.plantstream.schemas.Topic;
import io.plantstream.schemas.Topics;
import io.plantstream.testing.KafkaFixture;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.containers.output.Slf4jLogConsumer;
import org.testcontainers.containers.startupcheck.OneShotStartupCheckStrategy;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.images.builder.ImageFromDockerfile;
import org.testcontainers.kafka.KafkaContainer;

/**
 * The docker-compose stack in Testcontainers, when a Docker engine is there: {@code apache/kafka:4.4.0}
 * with the internal listener {@code kafka:19092}, and the image built from the repository's
 * Dockerfile running the commands of docker-compose.yml's {@code topics}, {@code simulator} and two
 * {@code aggregator} replicas. Every site gets final KPIs, and either replica answers KPI queries for
 * both (each advertises its container's host name). Without Docker it is skipped, saying so in one line.
 */
class DockerStackIT {

  private static final Logger log = LoggerFactory.getLogger(DockerStackIT.class);
  private static final ComposeFile COMPOSE = ComposeFile.load();
  private static final Set<String> SITES = Set.of("tsmc-phx", "amkor-az", "spil-az", "foxconn-hou", "wistron-dal");
  private static final int HTTP_PORT = 8080;

  private static Network network;
  private static KafkaContainer kafka;
  private static final List<GenericContainer<?>> plant = new ArrayList<>();

  @BeforeAll
  static void startTheStack() {
    boolean docker = KafkaFixture.dockerAvailable();
    if (!docker) {
      log.info("DockerStackIT skipped: no Docker engine reachable (it builds the Dockerfile and runs the compose services)");
    }
    Assumptions.assumeTrue(docker, "no Docker engine reachable");

    network = Network.newNetwork();
    kafka = new KafkaContainer(KafkaFixture.KAFKA_IMAGE).withNetwork(network).withNetworkAliases("kafka")
        .withListener("kafka:19092");
    kafka.start();
    ImageFromDockerfile image = new ImageFromDockerfile("plantstream-it", true)
        .withDockerfile(RepositoryFiles.path("Dockerfile"));

    run(service(image, "topics").withStartupCheckStrategy(
        new OneShotStartupCheckStrategy().withTimeout(Duration.ofMinutes(2))));
    for (int replica = 1; replica <= 2; replica++) {
      run(service(image, "aggregator").withExposedPorts(HTTP_PORT)
          .waitingFor(Wait.forHttp("/health").forPort(HTTP_PORT).forStatusCode(200)
              .withStartupTimeout(Duration.ofMinutes(3))));
    }
    run(service(image, "simulator"));
  }

  @AfterAll
  static void stopTheStack() {
    plant.forEach(GenericContainer::stop);
    if (kafka != null) {
      kafka.stop();
    }
    if (network != null) {
      network.close();
    }
  }

  @Test
  void everySiteGetsFinalKpisAndEitherReplicaAnswersForBoth() {
    Topics topics = new Topics("plant.");
    await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(2)).untilAsserted(() -> {
      Set<String> finalSites = readAll(topics.siteKpi1m()).stream()
          .map(ConsumerRecord::value).filter(SiteKpi::getFinal$).map(SiteKpi::getSiteId)
          .collect(Collectors.toCollection(TreeSet::new));
      assertThat(finalSites).containsExactlyInAnyOrderElementsOf(SITES);
    });

    for (GenericContainer<?> aggregator : plant.subList(1, 3)) {
      await().atMost(Duration.ofMinutes(1)).untilAsserted(() -> {
        JsonNode kpis = get(aggregator, "/sites/tsmc-phx/kpis?window=1m");
        List<Instant> finalMinutes = new ArrayList<>();
        kpis.forEach(kpi -> {
          if (kpi.path("final").asBoolean()) {
            finalMinutes.add(Instant.parse(kpi.path("windowStart").asText()));
          }
        });
        // Consecutive minutes live on both replicas (keys spread by hash): no gap means both answered.
        assertThat(finalMinutes).hasSizeGreaterThanOrEqualTo(3);
        for (int i = 1; i < finalMinutes.size(); i++) {
          assertThat(Duration.between(finalMinutes.get(i - 1), finalMinutes.get(i))).isEqualTo(Duration.ofMinutes(1));
        }
      });
    }
  }

  private static GenericContainer<?> service(ImageFromDockerfile image, String name) {
    GenericContainer<?> container = new GenericContainer<>(image).withNetwork(network)
        .withCommand(COMPOSE.command(name).toArray(String[]::new))
        .withLogConsumer(new Slf4jLogConsumer(log).withPrefix(name));
    Map<String, String> environment = COMPOSE.environment(name);
    environment.forEach(container::withEnv);
    return container;
  }

  private static void run(GenericContainer<?> container) {
    plant.add(container);
    container.start();
  }

  /** Every committed record of {@code topic} up to its end offsets as of now, from the host's side. */
  private static <K, V> List<ConsumerRecord<K, V>> readAll(Topic<K, V> topic) {
    Map<String, Object> config = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.getBootstrapServers(),
        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed", ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    try (KafkaConsumer<K, V> consumer = new KafkaConsumer<>(config, topic.keySerde().deserializer(),
        topic.valueSerde().deserializer())) {
      List<TopicPartition> partitions = consumer.partitionsFor(topic.name(), Duration.ofSeconds(30)).stream()
          .map(info -> new TopicPartition(info.topic(), info.partition())).toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
      List<ConsumerRecord<K, V>> records = new ArrayList<>();
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (partitions.stream().anyMatch(partition -> consumer.position(partition) < end.get(partition))
          && System.nanoTime() < deadline) {
        consumer.poll(Duration.ofMillis(200)).forEach(records::add);
      }
      return records;
    }
  }

  private static JsonNode get(GenericContainer<?> aggregator, String path) throws Exception {
    URI uri = URI.create("http://" + aggregator.getHost() + ":" + aggregator.getMappedPort(HTTP_PORT) + path);
    HttpResponse<String> response = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as("GET %s: %s", uri, response.body()).isEqualTo(200);
    return new ObjectMapper().readTree(response.body());
  }
}
