package io.plantstream.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.plantstream.avro.MachineInfo;
import io.plantstream.avro.RecordedTelemetry;
import io.plantstream.producer.RunLimit;
import io.plantstream.producer.SimulationRunner;
import io.plantstream.producer.SimulationSummary;
import io.plantstream.producer.Speed;
import io.plantstream.producer.fault.FaultCounts;
import io.plantstream.producer.fault.FaultInjector;
import io.plantstream.producer.fault.FaultRates;
import io.plantstream.producer.model.Machine;
import io.plantstream.producer.model.PlantModel;
import io.plantstream.producer.publish.MachinesPublisher;
import io.plantstream.producer.publish.TelemetryPublisher;
import io.plantstream.producer.replay.RecordingReader;
import io.plantstream.producer.sim.PlantSimulator;
import io.plantstream.schemas.Topics;
import io.plantstream.streams.KpiConfig;
import io.plantstream.testing.KafkaFixture;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Record and replay on a real broker, as a user runs them: the simulator publishes 20 minutes of
 * three sites with every fault, the KPI application aggregates them, {@code plant record} records
 * the telemetry topic, {@code plant replay} publishes the recording into fresh topics, and a fresh
 * application id aggregates the replay. Every KPI record (every key, every field), the dead letters
 * and the late events equal those of the recorded run.
 */
class RecordReplayIT {

  @RegisterExtension static final KafkaFixture kafka = new KafkaFixture();

  private static final Instant START = Instant.parse("2026-11-02T13:00:00Z");
  private static final Duration SIMULATED = Duration.ofMinutes(20);
  private static final int PARTITIONS = 4;
  private static final long SEED = 5L;
  private static final KpiConfig CONFIG = KpiConfig.defaults();

  @TempDir static Path dir;

  private static Topics recorded;
  private static FaultCounts injected;
  private static List<MachineInfo> machines;
  private static Path recording;
  private static Path clientProperties;

  @BeforeAll
  static void simulateAggregateAndRecord() throws Exception {
    // As the fixture's own test producers: no idempotence on the shared embedded broker (see KafkaFixture).
    clientProperties = Files.writeString(dir.resolve("client.properties"), "enable.idempotence=false\n");
    recorded = kafka.uniqueTopics("recorded");
    kafka.createTopics(recorded, PARTITIONS);
    Map<String, Object> client = kafka.clientConfig();
    PlantSimulator simulator = new PlantSimulator(PlantModel.loadDefault(), SEED, START,
        Set.of("tsmc-phx", "amkor-az", "foxconn-hou"));
    machines = List.copyOf(simulator.machineInfos());
    MachinesPublisher.publish(client, recorded.machines(), machines, START);
    FaultInjector faults = new FaultInjector(
        FaultRates.parse("late=0.003,out-of-order=0.01,duplicate=0.005,corrupt=0.002,skew=0.05"),
        SEED, simulator.machines().stream().map(Machine::machineId).toList(), START, PARTITIONS);
    SimulationSummary summary;
    try (TelemetryPublisher publisher = new TelemetryPublisher(client, recorded.telemetry())) {
      summary = SimulationRunner.builder(simulator, publisher).speed(Speed.MAX).limit(RunLimit.of(SIMULATED))
          .faults(faults).build().run();
    }
    injected = summary.faults();
    assertThat(injected.corrupt()).isPositive();
    assertThat(injected.late()).isPositive();
    assertThat(injected.skewedEvents()).isPositive();
    aggregate(recorded, "recorded-" + System.nanoTime(), injected.dlqRecords());

    recording = dir.resolve("recording.avro");
    CliRun record = CliRun.plant("record", "--out", recording.toString(), "--from-beginning", "--to-end",
        "--bootstrap-servers", kafka.bootstrapServers(), "--command-config", clientProperties.toString(),
        "--topic-prefix", recorded.prefix());
    assertThat(record.exitCode()).as(record.err()).isZero();
    assertThat(record.out()).contains("recorded " + (summary.records()) + " records (" + injected.corrupt()
        + " undecodable, kept as bytes)");
  }

  @Test
  void replayingIntoFreshTopicsWithAFreshApplicationIdGivesExactlyTheSameKpis() throws Exception {
    Topics replayed = kafka.uniqueTopics("replayed");
    kafka.createTopics(replayed, PARTITIONS);

    CliRun replay = CliRun.plant("replay", recording.toString(), "--speed", "max",
        "--bootstrap-servers", kafka.bootstrapServers(), "--command-config", clientProperties.toString(),
        "--topic-prefix", replayed.prefix());
    assertThat(replay.exitCode()).as(replay.err()).isZero();
    assertThat(replay.out()).contains(injected.corrupt() + " undecodable records");
    assertThat(kafka.readAll(replayed.machines())).hasSameSizeAs(machines);
    assertThat(telemetry(replayed)).as("every partition's records, in order")
        .isEqualTo(telemetry(recorded));

    aggregate(replayed, "replayed-" + System.nanoTime(), injected.dlqRecords());

    assertThat(byKey(kafka.readAll(replayed.machineKpi1m()))).isEqualTo(byKey(kafka.readAll(recorded.machineKpi1m())));
    assertThat(KpiComparison.latest(kafka.readAll(replayed.siteKpi1m())))
        .isEqualTo(KpiComparison.latest(kafka.readAll(recorded.siteKpi1m())));
    assertThat(KpiComparison.latest(kafka.readAll(replayed.siteKpi1h())))
        .isEqualTo(KpiComparison.latest(kafka.readAll(recorded.siteKpi1h())));
    assertThat(sorted(kafka.readAll(replayed.late()))).isEqualTo(sorted(kafka.readAll(recorded.late())));
    assertThat(kafka.readAllRaw(replayed.dlq().name())).hasSize(kafka.readAllRaw(recorded.dlq().name()).size());
  }

  @Test
  void recordFiltersBySiteAndStopsAtMax() throws Exception {
    Path file = dir.resolve("phoenix.avro");

    CliRun record = CliRun.plant("record", "--out", file.toString(), "--from-beginning", "--to-end",
        "--sites", "tsmc-phx", "--max", "500", "--bootstrap-servers", kafka.bootstrapServers(),
        "--command-config", clientProperties.toString(),
        "--topic-prefix", recorded.prefix());

    assertThat(record.exitCode()).as(record.err()).isZero();
    List<RecordedTelemetry> entries = new ArrayList<>();
    try (RecordingReader reader = RecordingReader.open(file)) {
      assertThat(reader.info().partitions()).isEqualTo(PARTITIONS);
      assertThat(reader.info().machines()).containsExactlyInAnyOrderElementsOf(machines);
      for (RecordedTelemetry entry = reader.next(); entry != null; entry = reader.next()) {
        entries.add(entry);
      }
    }
    assertThat(entries).hasSize(500)
        .allSatisfy(entry -> assertThat(entry.getEvent().getSiteId()).isEqualTo("tsmc-phx"));
  }

  @Test
  void aTruncatedRecordingFailsNamingTheBlockAndHowMuchWasPublished() throws Exception {
    Path truncated = dir.resolve("truncated.avro");
    Files.copy(recording, truncated);
    try (RandomAccessFile cut = new RandomAccessFile(truncated.toFile(), "rw")) {
      cut.setLength(cut.length() * 2 / 3);
    }
    Topics replayed = kafka.uniqueTopics("truncated");
    kafka.createTopics(replayed, PARTITIONS);

    CliRun replay = CliRun.plant("replay", truncated.toString(), "--speed", "max",
        "--bootstrap-servers", kafka.bootstrapServers(), "--command-config", clientProperties.toString(),
        "--topic-prefix", replayed.prefix());

    assertThat(replay.exitCode()).isEqualTo(PlantCommand.FAILURE);
    String published = String.valueOf(kafka.readAllRaw(replayed.telemetry().name()).size());
    assertThat(replay.errLines()).last().asString()
        .startsWith("plant replay: recording " + truncated + " is truncated: block ")
        .endsWith("; " + published + " records were published before it");
  }

  /** Runs the KPI application on {@code topics} until the oracle's keys, late events and the expected dead letters are all out. */
  private static void aggregate(Topics topics, String applicationId, long deadLetters) throws Exception {
    KpiComparison.recompute(kafka, topics, machines, CONFIG)
        .aggregateAndMatch(applicationId, dir.resolve(applicationId), CONFIG, deadLetters);
  }

  /**
   * Each partition's records as partition, key and value bytes, in offset order (the timestamps are
   * the broker's append times).
   */
  private static List<String> telemetry(Topics topics) {
    List<String> records = new ArrayList<>();
    for (ConsumerRecord<byte[], byte[]> record : kafka.readAllRaw(topics.telemetry().name())) {
      records.add(record.partition() + " " + new String(record.key(), StandardCharsets.UTF_8) + " "
          + HexFormat.of().formatHex(record.value()));
    }
    return records;
  }

  /** Records of a topic with one record per key, by key. */
  private static <V> Map<String, V> byKey(List<ConsumerRecord<String, V>> records) {
    Map<String, V> byKey = new TreeMap<>();
    records.forEach(record -> assertThat(byKey.put(record.key(), record.value())).as("one record of %s", record.key()).isNull());
    return byKey;
  }

  /** Records of a topic as key and value text, sorted: offsets differ between runs with transactions. */
  private static <V> List<String> sorted(List<ConsumerRecord<String, V>> records) {
    return records.stream().map(record -> record.key() + " " + record.value()).sorted().toList();
  }
}
