package io.plantstream.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.plantstream.avro.MachineKpi;
import io.plantstream.avro.SiteKpi;
import io.plantstream.avro.TelemetryEvent;
import io.plantstream.producer.replay.RecordingInfo;
import io.plantstream.producer.replay.RecordingReader;
import io.plantstream.schemas.Topics;
import io.plantstream.producer.RunLimit;
import io.plantstream.producer.SimulationRunner;
import io.plantstream.producer.Speed;
import io.plantstream.producer.fault.FaultInjector;
import io.plantstream.producer.fault.FaultRates;
import io.plantstream.producer.model.Machine;
import io.plantstream.producer.model.PlantModel;
import io.plantstream.producer.publish.MachinesPublisher;
import io.plantstream.producer.publish.TelemetryPublisher;
import io.plantstream.producer.sim.PlantSimulator;
import io.plantstream.streams.KpiApplication;
import io.plantstream.streams.KpiConfig;
import io.plantstream.streams.KpiStreamsConfig;
import io.plantstream.testing.KafkaFixture;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Replay idempotence: one recording of six simulated hours (two sites, every fault: duplicates,
 * late copies, out-of-order events, silent machines, clocks a day fast, corrupt records), made in
 * the test with {@code plant simulate}'s engine and {@code plant record}, replayed twice with
 * {@code plant replay --speed max} into fresh topics and aggregated by fresh application ids: once
 * as a backlog published before one instance starts, once live into two instances already running.
 * The KPI, late and dead-letter topics come out the same, and equal to the batch oracle.
 *
 * <p>What "the same" can mean: the telemetry partitions are processed by separate tasks, so where
 * two tasks write into one output partition their records interleave as the threads ran. Everything
 * else is compared record by record: each output partition's records from each source partition, in
 * offset order (key and every field, revision and final flag included); each site key's sequence of
 * revisions and final flags (one record, final, however the input arrived); and its last record.
 */
@Tag("reliability")
class ReplayIdempotenceIT {

  @RegisterExtension static final KafkaFixture kafka = new KafkaFixture();

  private static final Logger log = LoggerFactory.getLogger(ReplayIdempotenceIT.class);
  private static final Instant START = Instant.parse("2026-06-01T00:00:00Z");
  private static final Duration RECORDED = Duration.ofHours(6);
  private static final int PARTITIONS = 6;
  private static final String FAULTS = "late=0.001,out-of-order=0.01,duplicate=0.005,corrupt=0.0005,skew=0.05,silence=0.05";
  /**
   * The product's default idle-after (30 s). With 10 s, a loaded machine (load average 6 on 2 cores)
   * once starved a partition of the backlog for longer than that: it was marked idle, its site
   * minutes became final without it and were corrected up to eleven times, which this test refuses.
   */
  private static final KpiConfig CONFIG = KpiConfig.defaults();
  private static final String SOURCE_TOPIC = "__streams.errors.topic";

  @TempDir Path dir;

  @Test
  void aSixHourRecordingReplayedAsABacklogAndLiveGivesIdenticalKpiLateAndDeadLetterTopics() throws Exception {
    Path recording = record();
    RecordingInfo info;
    try (RecordingReader reader = RecordingReader.open(recording)) {
      info = reader.info();
    }
    // As the fixture's own test producers: no idempotence on the shared embedded broker (see KafkaFixture).
    Path clientProperties = Files.writeString(dir.resolve("client.properties"), "enable.idempotence=false\n");

    Topics first = replayThenAggregate(recording, info, clientProperties, "replay-backlog");
    Topics second = aggregateWhileReplaying(recording, info, clientProperties, "replay-live");

    List<ConsumerRecord<byte[], byte[]>> telemetry = kafka.readAllRaw(first.telemetry().name());
    assertThat(raw(kafka.readAllRaw(second.telemetry().name()))).as("the replayed input, partition by partition")
        .isEqualTo(raw(telemetry));
    Map<String, Integer> sourcePartition = new HashMap<>();
    telemetry.forEach(record -> sourcePartition.put(new String(record.key(), StandardCharsets.UTF_8),
        record.partition()));

    Function<ConsumerRecord<String, MachineKpi>, Integer> machineSource =
        record -> sourcePartition.get(record.value().getMachineId());
    assertThat(bySource(kafka.readAll(second.machineKpi1m()), machineSource))
        .isEqualTo(bySource(kafka.readAll(first.machineKpi1m()), machineSource));
    Function<ConsumerRecord<String, TelemetryEvent>, Integer> lateSource = record -> sourcePartition.get(record.key());
    assertThat(bySource(kafka.readAll(second.late()), lateSource))
        .isEqualTo(bySource(kafka.readAll(first.late()), lateSource));
    Function<ConsumerRecord<byte[], byte[]>, Integer> dlqSource =
        record -> Integer.valueOf(header(record, "__streams.errors.partition"));
    assertThat(bySource(deadLetters(second), dlqSource)).isEqualTo(bySource(deadLetters(first), dlqSource));
    Map<String, List<String>> minuteRevisions = revisions(kafka.readAll(first.siteKpi1m()));
    assertThat(minuteRevisions).as("each site minute published once, final").allSatisfy(
        (key, revisions) -> assertThat(revisions).containsExactly("1 final"));
    assertThat(revisions(kafka.readAll(second.siteKpi1m()))).isEqualTo(minuteRevisions);
    assertThat(revisions(kafka.readAll(second.siteKpi1h()))).isEqualTo(revisions(kafka.readAll(first.siteKpi1h())));
    assertThat(KpiComparison.latest(kafka.readAll(second.siteKpi1m())))
        .isEqualTo(KpiComparison.latest(kafka.readAll(first.siteKpi1m())));
    assertThat(KpiComparison.latest(kafka.readAll(second.siteKpi1h())))
        .isEqualTo(KpiComparison.latest(kafka.readAll(first.siteKpi1h())));
    log.info("replayed {} telemetry records twice: {} machine KPIs, {} site KPI 1m records, {} late, {} dead letters "
        + "the same", telemetry.size(), kafka.readAllRaw(first.machineKpi1m().name()).size(),
        kafka.readAllRaw(first.siteKpi1m().name()).size(), kafka.readAllRaw(first.late().name()).size(),
        kafka.readAllRaw(first.dlq().name()).size());
  }

  /** Six simulated hours of two sites with every fault, published and recorded with {@code plant record}. */
  private Path record() throws Exception {
    Topics topics = kafka.uniqueTopics("recorded");
    kafka.createTopics(topics, PARTITIONS);
    Map<String, Object> client = kafka.clientConfig();
    PlantSimulator simulator = new PlantSimulator(PlantModel.loadDefault(), 21L, START, Set.of("tsmc-phx", "wistron-dal"));
    MachinesPublisher.publish(client, topics.machines(), simulator.machineInfos(), START);
    FaultInjector faults = new FaultInjector(FaultRates.parse(FAULTS), 21L,
        simulator.machines().stream().map(Machine::machineId).toList(), START, PARTITIONS);
    try (TelemetryPublisher publisher = new TelemetryPublisher(client, topics.telemetry())) {
      SimulationRunner.builder(simulator, publisher).speed(Speed.MAX).limit(RunLimit.of(RECORDED))
          .faults(faults).build().run();
    }
    Path file = dir.resolve("six-hours.avro");
    CliRun record = CliRun.plant("record", "--out", file.toString(), "--from-beginning", "--to-end",
        "--bootstrap-servers", kafka.bootstrapServers(), "--topic-prefix", topics.prefix());
    assertThat(record.exitCode()).as(record.err()).isZero();
    return file;
  }

  /** Replays the recording into fresh topics, then aggregates it with one fresh instance. */
  private Topics replayThenAggregate(Path recording, RecordingInfo info, Path clientProperties, String name)
      throws Exception {
    Topics topics = kafka.uniqueTopics(name);
    kafka.createTopics(topics, info.partitions());
    replay(recording, clientProperties, topics);
    KpiComparison comparison = expected(topics, info);
    String applicationId = name + "-" + System.nanoTime();
    comparison.aggregateAndMatch(applicationId, dir.resolve(applicationId), CONFIG, deadLetters(comparison));
    return topics;
  }

  /** Starts two instances on fresh topics, then replays the recording into them. */
  private Topics aggregateWhileReplaying(Path recording, RecordingInfo info, Path clientProperties, String name)
      throws Exception {
    Topics topics = kafka.uniqueTopics(name);
    kafka.createTopics(topics, info.partitions());
    String applicationId = name + "-" + System.nanoTime();
    try (KpiApplication one = instance(topics, applicationId, "one");
        KpiApplication two = instance(topics, applicationId, "two")) {
      await().atMost(Duration.ofMinutes(2)).untilAsserted(() -> {
        assertThat(activeTasks(one)).as("tasks of the first instance").isPositive();
        assertThat(activeTasks(two)).as("tasks of the second instance").isPositive();
      });
      replay(recording, clientProperties, topics);
      KpiComparison comparison = expected(topics, info);
      long deadLetters = deadLetters(comparison);
      await().atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
        comparison.assertComplete();
        assertThat(kafka.readAllRaw(topics.dlq().name())).hasSize((int) deadLetters);
        assertThat(kafka.readAllRaw(topics.late().name())).hasSameSizeAs(comparison.expected().late());
      });
      comparison.assertMatches();
    }
    return topics;
  }

  private KpiApplication instance(Topics topics, String applicationId, String name) {
    return KpiApplication.forTopics(topics, CONFIG, KpiStreamsConfig.build(kafka.bootstrapServers(), applicationId,
        dir.resolve(applicationId + "-" + name), topics, Map.of())).start();
  }

  private static void replay(Path recording, Path clientProperties, Topics topics) {
    CliRun replay = CliRun.plant("replay", recording.toString(), "--speed", "max",
        "--bootstrap-servers", kafka.bootstrapServers(), "--command-config", clientProperties.toString(),
        "--topic-prefix", topics.prefix());
    assertThat(replay.exitCode()).as(replay.err()).isZero();
  }

  private static KpiComparison expected(Topics topics, RecordingInfo info) {
    KpiComparison comparison = KpiComparison.recompute(kafka, topics, info.machines(), CONFIG);
    Map<String, Long> deadLetters = comparison.expected().deadLetters();
    assertThat(deadLetters).as("the recording has corrupt and skewed records").containsKeys("corrupt", "future-skew");
    assertThat(comparison.expected().late()).isNotEmpty();
    assertThat(comparison.expected().duplicates()).isPositive();
    return comparison;
  }

  private static long deadLetters(KpiComparison comparison) {
    return comparison.expected().deadLetters().values().stream().mapToLong(Long::longValue).sum();
  }

  private static int activeTasks(KpiApplication app) {
    return app.streams().metadataForLocalThreads().stream().mapToInt(thread -> thread.activeTasks().size()).sum();
  }

  /** The dead letters of a run, each of which names that run's telemetry topic as its source. */
  private static List<ConsumerRecord<byte[], byte[]>> deadLetters(Topics topics) {
    List<ConsumerRecord<byte[], byte[]>> records = kafka.readAllRaw(topics.dlq().name());
    assertThat(records).isNotEmpty()
        .allSatisfy(record -> assertThat(header(record, SOURCE_TOPIC)).isEqualTo(topics.telemetry().name()));
    return records;
  }

  /**
   * Records by output partition and source partition, each list in offset order: key and value as
   * text (bytes as hex), with the DLQ's headers.
   */
  private static <K, V> Map<String, List<String>> bySource(List<ConsumerRecord<K, V>> records,
      Function<ConsumerRecord<K, V>, Integer> source) {
    Map<String, List<String>> bySource = new TreeMap<>();
    for (ConsumerRecord<K, V> record : records) {
      bySource.computeIfAbsent(record.partition() + "<-" + source.apply(record), key -> new ArrayList<>())
          .add(text(record.key()) + " " + text(record.value()) + " " + headers(record));
    }
    return bySource;
  }

  /** Each site key's revisions and final flags, in offset order. */
  private static Map<String, List<String>> revisions(List<ConsumerRecord<String, SiteKpi>> records) {
    Map<String, List<String>> revisions = new TreeMap<>();
    records.forEach(record -> revisions.computeIfAbsent(record.partition() + " " + record.key(), key -> new ArrayList<>())
        .add(record.value().getRevision() + (record.value().getFinal$() ? " final" : "")));
    return revisions;
  }

  private static List<String> raw(List<ConsumerRecord<byte[], byte[]>> records) {
    return records.stream().map(record -> record.partition() + " " + text(record.key()) + " " + text(record.value()))
        .toList();
  }

  private static String text(Object value) {
    return value instanceof byte[] bytes ? HexFormat.of().formatHex(bytes) : String.valueOf(value);
  }

  private static String headers(ConsumerRecord<?, ?> record) {
    List<String> headers = new ArrayList<>();
    for (Header header : record.headers()) {
      if (header.key().equals(SOURCE_TOPIC)) {
        continue; // each run's own topic, checked apart
      }
      headers.add(header.key() + "=" + new String(header.value(), StandardCharsets.UTF_8));
    }
    return String.join(",", headers);
  }

  private static String header(ConsumerRecord<?, ?> record, String name) {
    Header header = record.headers().lastHeader(name);
    return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
  }
}
