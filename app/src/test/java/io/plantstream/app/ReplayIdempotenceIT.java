package io.plantstream.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.plantstream.avro.MachineKpi;
import io.plantstream.avro.SiteKpi;
import io.plantstream.avro.TelemetryEvent;
import io.plantstream.producer.replay.RecordingInfo;
import io.plantstream.producer.replay.RecordingReader;
import io.plantstream.schemas.Topics;
import io.plantstream.streams.KpiConfig;
import io.plantstream.testing.KafkaFixture;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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
 * Replay idempotence (issue 9 item 6): the same recording, {@code samples/plant-hour.avro} (three
 * sites with duplicates, late copies, out-of-order events, a clock a day fast and corrupt records)
 * (88 262 records of one simulated hour), replayed twice with {@code plant replay} into fresh topics and
 * aggregated by fresh application ids, gives the same KPI, late and dead-letter topics.
 *
 * <p>What "the same" can mean: the telemetry partitions are processed by separate tasks, so where
 * two tasks write into one output partition their records interleave as the threads ran, and a
 * site's intermediate revisions sum machine records in the order they arrived from those tasks.
 * Everything else is compared record by record: each output partition's records from each source
 * partition, in offset order (key and every field, revision and final flag included); each site
 * key's sequence of revisions and final flags; and its last record, which is authoritative.
 */
@Tag("reliability")
class ReplayIdempotenceIT {

  @RegisterExtension static final KafkaFixture kafka = new KafkaFixture();

  private static final Logger log = LoggerFactory.getLogger(ReplayIdempotenceIT.class);
  private static final Path SAMPLE = Path.of("..", "samples", "plant-hour.avro");
  private static final KpiConfig CONFIG = KpiConfig.defaults();
  private static final String SOURCE_TOPIC = "__streams.errors.topic";

  @TempDir Path dir;

  @Test
  void theSameRecordingReplayedTwiceGivesIdenticalKpiLateAndDeadLetterTopics() throws Exception {
    RecordingInfo info;
    try (RecordingReader reader = RecordingReader.open(SAMPLE)) {
      info = reader.info();
    }
    // As the fixture's own test producers: no idempotence on the shared embedded broker (see KafkaFixture).
    Path clientProperties = Files.writeString(dir.resolve("client.properties"), "enable.idempotence=false\n");

    Topics first = replayAndAggregate(info, clientProperties, "replay-first");
    Topics second = replayAndAggregate(info, clientProperties, "replay-second");

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
    assertThat(revisions(kafka.readAll(second.siteKpi1m()))).isEqualTo(revisions(kafka.readAll(first.siteKpi1m())));
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

  /** Replays the sample into fresh topics and aggregates it with a fresh application id. */
  private Topics replayAndAggregate(RecordingInfo info, Path clientProperties, String name) throws Exception {
    Topics topics = kafka.uniqueTopics(name);
    kafka.createTopics(topics, info.partitions());
    CliRun replay = CliRun.plant("replay", SAMPLE.toString(), "--speed", "max",
        "--bootstrap-servers", kafka.bootstrapServers(), "--command-config", clientProperties.toString(),
        "--topic-prefix", topics.prefix());
    assertThat(replay.exitCode()).as(replay.err()).isZero();
    KpiComparison comparison = KpiComparison.recompute(kafka, topics, info.machines(), CONFIG);
    Map<String, Long> deadLetters = comparison.expected().deadLetters();
    assertThat(deadLetters).as("the hour has corrupt and skewed records").containsKeys("corrupt", "future-skew");
    assertThat(comparison.expected().late()).isNotEmpty();
    assertThat(comparison.expected().duplicates()).isPositive();
    String applicationId = name + "-" + System.nanoTime();
    comparison.aggregateAndMatch(applicationId, dir.resolve(applicationId), CONFIG,
        deadLetters.values().stream().mapToLong(Long::longValue).sum());
    return topics;
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
