package io.plantstream.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.plantstream.avro.TelemetryEvent;
import io.plantstream.producer.RunLimit;
import io.plantstream.producer.SimulationRunner;
import io.plantstream.producer.SimulationSummary;
import io.plantstream.producer.Speed;
import io.plantstream.producer.TelemetrySink;
import io.plantstream.producer.model.PlantModel;
import io.plantstream.producer.publish.MachinesPublisher;
import io.plantstream.producer.publish.TelemetryPublisher;
import io.plantstream.producer.sim.PlantSimulator;
import io.plantstream.schemas.Topic;
import io.plantstream.schemas.Topics;
import io.plantstream.streams.KpiApplication;
import io.plantstream.streams.KpiConfig;
import io.plantstream.streams.KpiStreamsConfig;
import io.plantstream.testing.EmbeddedKafkaCluster;
import io.plantstream.testing.KafkaFixture;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A broker dies hard mid-stream (SIGKILL of its JVM) in a three-node cluster, on topics as
 * {@code plant topics} creates them there (replication factor 3, {@code min.insync.replicas=2}),
 * while the simulator publishes with its production settings ({@code acks=all}, idempotent) and the
 * KPI application runs; the node comes back on its data directory and rejoins every ISR. Every event whose send was acknowledged is on the telemetry
 * topic, and every machine and site KPI equals the batch oracle's recomputation.
 */
@Tag("reliability")
class BrokerCrashIT {

  @RegisterExtension static final KafkaFixture kafka = KafkaFixture.cluster(3);

  private static final Logger log = LoggerFactory.getLogger(BrokerCrashIT.class);
  private static final Instant START = Instant.parse("2026-11-28T07:40:00Z");
  private static final Duration SIMULATED = Duration.ofMinutes(25);
  private static final int PARTITIONS = 6;
  /** Records per second: slow enough that the stream spans the whole outage. */
  private static final double RATE = 400;
  /** The node dies once this many events are acknowledged... */
  private static final int ACKNOWLEDGED_BEFORE_KILL = 3_000;
  /** ...and comes back once this many events sent after it was fenced (out of every ISR) are acknowledged. */
  private static final int ACKNOWLEDGED_DURING_OUTAGE = 2_000;
  private static final KpiConfig CONFIG = KpiConfig.defaults();

  @TempDir Path stateDir;

  @Test
  void noAcknowledgedEventIsLostAndKpisEqualTheOracleWhenABrokerIsKilledMidStream() throws Exception {
    EmbeddedKafkaCluster cluster = kafka.cluster();
    Topics topics = kafka.uniqueTopics("broker-crash");
    CliRun created = CliRun.plant("topics", "--bootstrap-servers", kafka.bootstrapServers(),
        "--topic-prefix", topics.prefix(), "--partitions", String.valueOf(PARTITIONS));
    assertThat(created.exitCode()).as("plant topics: %s", created.err()).isZero();
    PlantSimulator simulator = new PlantSimulator(PlantModel.loadDefault(), 7L, START, Set.of("tsmc-phx", "foxconn-hou"));
    Map<String, Object> client = productionSettings();
    MachinesPublisher.publish(client, topics.machines(), simulator.machineInfos(), START);
    Set<String> acknowledged = ConcurrentHashMap.newKeySet();
    ExecutorService simulation = Executors.newSingleThreadExecutor();

    try (Admin admin = cluster.admin();
        KpiApplication app = KpiApplication.forTopics(topics, CONFIG, KpiStreamsConfig.build(
            kafka.bootstrapServers(), "broker-crash-it-" + System.nanoTime(), stateDir, topics,
            // As a user's --command-config would: the application's own topics replicated too.
            Map.of(StreamsConfig.REPLICATION_FACTOR_CONFIG, (int) cluster.replicationFactor())))) {
      assertReplicated(admin, topics);
      app.start();
      assertThat(app.awaitRunning(Duration.ofMinutes(2))).as("the KPI application runs").isTrue();
      AtomicLong sent = new AtomicLong();
      Future<Outcome> run = simulation.submit(() -> {
        try (TelemetryPublisher publisher = new TelemetryPublisher(client, topics.telemetry())
            .onAcknowledged(acknowledged::add)) {
          SimulationSummary summary = SimulationRunner.builder(simulator, new CountingSink(publisher, sent))
              .speed(Speed.MAX).rate(RATE).limit(RunLimit.of(SIMULATED)).build().run();
          return new Outcome(summary, metric(publisher.metrics(), "record-retry-total"),
              metric(publisher.metrics(), "record-error-total"));
        }
      });

      await().atMost(Duration.ofMinutes(2)).until(() -> acknowledged.size() >= ACKNOWLEDGED_BEFORE_KILL);
      // The quorum leader is also a partition leader: its death moves leaders and the controller at once.
      int victim = cluster.activeController(admin);
      Instant killed = cluster.kill(victim);
      int acknowledgedAtKill = acknowledged.size();
      // Once the controller has fenced the dead node, writes go on with two replicas in sync.
      await().atMost(Duration.ofMinutes(2)).ignoreExceptions()
          .until(() -> !cluster.underReplicated(admin).isEmpty());
      Instant fenced = Instant.now();
      int acknowledgedAtFence = acknowledged.size();
      // Past the backlog held up until the fencing: events sent after it are acknowledged too.
      long sentAtFence = sent.get();
      await().atMost(Duration.ofMinutes(2))
          .until(() -> acknowledged.size() >= sentAtFence + ACKNOWLEDGED_DURING_OUTAGE);
      Map<String, List<Integer>> underReplicated = cluster.underReplicated(admin);
      assertThat(run).as("the simulation still runs when the node comes back").isNotDone();
      assertThat(underReplicated.values()).as("in-sync replicas while node %d is down", victim)
          .allSatisfy(inSync -> assertThat(inSync).hasSize(2).doesNotContain(victim));
      Instant restarted = Instant.now();
      int acknowledgedAtRestart = acknowledged.size();
      cluster.restart(victim);
      Duration startup = Duration.between(restarted, Instant.now());
      cluster.awaitFullyInSync(admin, Duration.ofMinutes(3));
      Duration rejoin = Duration.between(restarted, Instant.now());
      Outcome outcome = run.get(5, TimeUnit.MINUTES);

      List<String> onTopic = eventIds(kafka.readAll(
          new Topic<>(topics.telemetry().name(), Serdes.String(), Serdes.ByteArray())));
      Set<String> readBack = new HashSet<>(onTopic);
      Set<String> missing = new TreeSet<>(acknowledged);
      missing.removeAll(readBack);
      assertThat(acknowledged).as("events acknowledged").hasSize((int) outcome.summary().events());
      assertThat(missing).as("acknowledged events missing from the topic").isEmpty();
      // Idempotence: a batch retried across the leader change is written once.
      assertThat(onTopic.size() - readBack.size()).as("events on the topic twice").isZero();

      KpiComparison comparison = KpiComparison.recompute(kafka, topics, simulator.machineInfos(), CONFIG);
      assertThat(comparison.expected().machineMinutes()).hasSizeGreaterThan(simulator.machines().size() * 20);
      await().atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofSeconds(2))
          .untilAsserted(comparison::assertComplete);
      assertThat(app.state().isRunningOrRebalancing()).as("the KPI application survived").isTrue();
      comparison.assertMatches();

      log.info("Broker crash: node {} (quorum leader) killed after {} acknowledged events, out of the ISR of {} "
              + "partitions {} ms later, restarted {} ms after the kill, answering {} ms and in every ISR again {} ms "
              + "after its restart; "
              + "events acknowledged {} ({} while the node was down, {} of them with it fenced), read back {} ({} distinct), "
              + "missing {}; producer retries {}, errors {}; KPI keys compared: {} machine minutes, {} site minutes, "
              + "{} site hours",
          victim, acknowledgedAtKill, underReplicated.size(), Duration.between(killed, fenced).toMillis(),
          Duration.between(killed, restarted).toMillis(), startup.toMillis(), rejoin.toMillis(), acknowledged.size(),
          acknowledgedAtRestart - acknowledgedAtKill, acknowledgedAtRestart - acknowledgedAtFence, onTopic.size(), readBack.size(),
          missing.size(), outcome.retries(), outcome.errors(), comparison.expected().machineMinutes().size(),
          comparison.expected().siteMinutes().size(), comparison.expected().siteHours().size());
    } finally {
      simulation.shutdownNow();
    }
  }

  /** The simulator's own producer settings (acks=all, idempotent), not the fixture's test ones. */
  private static Map<String, Object> productionSettings() {
    Map<String, Object> client = new HashMap<>(kafka.clientConfig());
    client.remove(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG);
    client.remove(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION);
    return client;
  }

  /** Every project topic has three replicas, a leader, and min.insync.replicas=2 of its own. */
  private static void assertReplicated(Admin admin, Topics topics) throws Exception {
    List<String> names = topics.specs(PARTITIONS).stream().map(Topics.TopicSpec::name).toList();
    // An idempotent producer's first batches must not race the partitions' leader elections.
    await().atMost(Duration.ofMinutes(1)).untilAsserted(() ->
        assertThat(admin.describeTopics(names).allTopicNames().get().values())
            .flatMap(TopicDescription::partitions)
            .allSatisfy(partition -> {
              assertThat(partition.leader()).isNotNull();
              assertThat(partition.replicas()).hasSize(3);
            }));
    List<ConfigResource> resources = names.stream()
        .map(name -> new ConfigResource(ConfigResource.Type.TOPIC, name)).toList();
    Map<ConfigResource, Config> configs = admin.describeConfigs(resources).all().get();
    assertThat(configs.values()).hasSize(names.size()).allSatisfy(config -> {
      ConfigEntry minInSync = config.get(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG);
      assertThat(minInSync.value()).isEqualTo("2");
      assertThat(minInSync.source()).isEqualTo(ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG);
    });
  }

  private static List<String> eventIds(List<ConsumerRecord<String, byte[]>> records) {
    return records.stream().map(record -> Topics.TELEMETRY_SERDE.decode(record.value()).getEventId()).toList();
  }

  private static double metric(Map<MetricName, ? extends Metric> metrics, String name) {
    return metrics.entrySet().stream()
        .filter(entry -> entry.getKey().group().equals("producer-metrics") && entry.getKey().name().equals(name))
        .mapToDouble(entry -> ((Number) entry.getValue().metricValue()).doubleValue())
        .findFirst().orElseThrow(() -> new AssertionError("no producer metric " + name));
  }

  /** Hands events on to the publisher and counts them, for the test thread to read. */
  private record CountingSink(TelemetrySink publisher, AtomicLong sent) implements TelemetrySink {

    @Override
    public void accept(TelemetryEvent event) {
      publisher.accept(event);
      sent.incrementAndGet();
    }

    @Override
    public void flush() {
      publisher.flush();
    }
  }

  /** What the simulation thread saw: the run's summary and its producer's retries and errors. */
  private record Outcome(SimulationSummary summary, double retries, double errors) {}
}
