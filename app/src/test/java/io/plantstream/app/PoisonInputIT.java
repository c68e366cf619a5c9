package io.plantstream.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.plantstream.app.http.KpiHttpServer;
import io.plantstream.app.http.TestHttp;
import io.plantstream.avro.EquipmentState;
import io.plantstream.avro.MachineInfo;
import io.plantstream.avro.TelemetryEvent;
import io.plantstream.producer.model.PlantModel;
import io.plantstream.producer.publish.MachinesPublisher;
import io.plantstream.producer.sim.PlantSimulator;
import io.plantstream.schemas.Topic;
import io.plantstream.schemas.Topics;
import io.plantstream.streams.DeadLetters;
import io.plantstream.streams.KpiApplication;
import io.plantstream.streams.KpiConfig;
import io.plantstream.streams.KpiStreamsConfig;
import io.plantstream.streams.RejectedEventException;
import io.plantstream.testing.KafkaFixture;
import io.plantstream.testing.TestMachine;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.BiFunction;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Poison and garbage on a real broker (issue 9 item 5; the dead-letter rules of docs/kpi-rules.md): ten simulated minutes of one site
 * with a known number of bad records of each kind spread through them — bytes that are not Avro,
 * a truncated event, an unknown schema fingerprint, impossible field values, machines that
 * {@code plant.machines} does not list, clocks a day ahead. The KPI application keeps running,
 * each bad record lands in the DLQ exactly once as the bytes it was, with the reason, the error and
 * its source partition and offset, the DLQ metric counts them by reason, and every KPI equals the
 * batch oracle's over the input (nothing valid is lost).
 */
@Tag("reliability")
class PoisonInputIT {

  @RegisterExtension static final KafkaFixture kafka = new KafkaFixture();
  private static final Logger log = LoggerFactory.getLogger(PoisonInputIT.class);

  private static final Instant START = Instant.parse("2026-11-03T08:00:00Z");
  private static final Duration SIMULATED = Duration.ofMinutes(10);
  private static final int PARTITIONS = 3;
  private static final long SEED = 9L;
  private static final KpiConfig CONFIG = KpiConfig.defaults();
  private static final String DLQ_METRIC = "plantstream_dlq_records_total";

  /**
   * One kind of bad record: how many to inject, the DLQ reason it must carry, a fragment of the
   * message that says why, and how to make the n-th one from a valid event of the plant.
   */
  private enum Poison {
    NOT_AVRO(2, DeadLetters.CORRUPT, "neither Avro single-object encoding",
        (template, n) -> ("sensor gateway reboot banner #" + n).getBytes(StandardCharsets.UTF_8)),
    TRUNCATED(2, DeadLetters.CORRUPT, "cannot decode TelemetryEvent", (template, n) -> {
      byte[] whole = Topics.TELEMETRY_SERDE.encode(renamed(template, "truncated-" + n));
      return Arrays.copyOf(whole, whole.length / 2);
    }),
    UNKNOWN_FINGERPRINT(3, DeadLetters.CORRUPT, "unknown schema fingerprint", (template, n) -> {
      byte[] bytes = Topics.TELEMETRY_SERDE.encode(renamed(template, "fingerprint-" + n));
      // Single-object encoding: C3 01, then the writer schema's 8-byte fingerprint, then the body.
      ByteBuffer.wrap(bytes, 2, 8).putLong(new Random(SEED + n).nextLong());
      return bytes;
    }),
    WRONG_SITE(1, "invalid-field", "invalid-field: event wrong-site-", (template, n) ->
        encode(TelemetryEvent.newBuilder(renamed(template, "wrong-site-" + n)).setSiteId("spil-az").build())),
    KEY_NOT_MACHINE(1, "invalid-field", "invalid-field: event key-", (template, n) ->
        encode(TelemetryEvent.newBuilder(renamed(template, "key-" + n)).setMachineId(template.getMachineId() + "-x")
            .build())),
    NAN_READING(2, "invalid-field", "reads NaN", (template, n) ->
        encode(renamed(machine(template).sensor("chamber-temperature", Double.NaN, template.getEventTime()),
            "nan-" + n))),
    UNKNOWN_MACHINE(4, "unknown-machine", "is not on plant.machines", (template, n) ->
        encode(TestMachine.of(template.getSiteId(), template.getLineId(), template.getMachineId() + "-ghost" + n)
            .heartbeat(EquipmentState.PRODUCTIVE, template.getEventTime()))),
    // A day ahead: held, then settled by the very next event of the same machine, which is in step.
    FUTURE(5, "future-skew", "ahead of the partition's stream time", (template, n) ->
        encode(TelemetryEvent.newBuilder(renamed(template, "future-" + n))
            .setEventTime(template.getEventTime().plus(Duration.ofDays(1))).build()));

    final int count;
    final String reason;
    final String message;
    final BiFunction<TelemetryEvent, Integer, byte[]> make;

    Poison(int count, String reason, String message, BiFunction<TelemetryEvent, Integer, byte[]> make) {
      this.count = count;
      this.reason = reason;
      this.message = message;
      this.make = make;
    }
  }

  @TempDir Path stateDir;

  @Test
  void everyBadRecordIsDeadLetteredOnceWithItsReasonAndEveryValidOneIsCounted() throws Exception {
    Topics topics = kafka.uniqueTopics("poison");
    kafka.createTopics(topics, PARTITIONS);
    PlantSimulator simulator = new PlantSimulator(PlantModel.loadDefault(), SEED, START, Set.of("tsmc-phx"));
    List<MachineInfo> machines = List.copyOf(simulator.machineInfos());
    MachinesPublisher.publish(kafka.clientConfig(), topics.machines(), machines, START);

    List<TelemetryEvent> valid = new ArrayList<>();
    for (TelemetryEvent event = simulator.next(); event.getEventTime().isBefore(START.plus(SIMULATED));
        event = simulator.next()) {
      valid.add(event);
    }
    List<Poison> schedule = new ArrayList<>();
    for (Poison kind : Poison.values()) {
      for (int i = 0; i < kind.count; i++) {
        schedule.add(kind);
      }
    }
    // Spread the bad records evenly through the first 80 % of the valid stream, kinds interleaved,
    // so that every partition goes on in step after each of them.
    java.util.Collections.shuffle(schedule, new Random(SEED));
    int every = valid.size() * 4 / 5 / schedule.size();
    Topic<byte[], byte[]> raw = new Topic<>(topics.telemetry().name(), topics.dlq().keySerde(),
        topics.dlq().valueSerde());
    List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
    Map<String, Poison> injected = new HashMap<>();
    Map<Poison, Integer> made = new HashMap<>();
    for (int i = 0; i < valid.size(); i++) {
      TelemetryEvent event = valid.get(i);
      if (i > 0 && i % every == 0 && i / every <= schedule.size()) {
        Poison kind = schedule.get(i / every - 1);
        int n = made.merge(kind, 1, Integer::sum);
        byte[] bad = kind.make.apply(event, n);
        assertThat(injected.put(hex(bad), kind)).as("each bad record is unique").isNull();
        String key = kind == Poison.UNKNOWN_MACHINE ? Topics.TELEMETRY_SERDE.decode(bad).getMachineId()
            : event.getMachineId();
        records.add(new ProducerRecord<>(raw.name(), null, null, bytes(key), bad));
      }
      records.add(new ProducerRecord<>(raw.name(), null, null, bytes(event.getMachineId()), encode(event)));
    }
    Map<String, Long> expectedByReason = new TreeMap<>();
    for (Poison kind : Poison.values()) {
      assertThat(made.get(kind)).as("%s injected", kind).isEqualTo(kind.count);
      expectedByReason.merge(kind.reason, (long) kind.count, Long::sum);
    }
    int totalInjected = injected.size();
    kafka.send(raw, records);
    log.info("sent {} valid events with {} bad records among them: {}", valid.size(), totalInjected, made);

    // Where each bad record landed: the DLQ must name exactly these partitions and offsets.
    Map<String, Poison> injectedAt = new HashMap<>();
    Map<String, byte[]> bytesAt = new HashMap<>();
    for (ConsumerRecord<byte[], byte[]> record : kafka.readAllRaw(topics.telemetry().name())) {
      Poison kind = injected.get(hex(record.value()));
      if (kind != null) {
        injectedAt.put(record.partition() + "@" + record.offset(), kind);
        bytesAt.put(record.partition() + "@" + record.offset(), record.value());
      }
    }
    assertThat(injectedAt).hasSize(totalInjected);

    KpiComparison comparison = KpiComparison.recompute(kafka, topics, machines, CONFIG);
    assertThat(comparison.expected().deadLetters()).as("the oracle finds what was injected")
        .isEqualTo(expectedByReason);
    assertThat(comparison.expected().held()).isZero();
    assertThat(comparison.expected().machineMinutes()).isNotEmpty();

    try (KpiHttpServer http = KpiHttpServer.start("127.0.0.1", 0);
        KpiApplication app = KpiApplication.forTopics(topics, CONFIG,
            KpiStreamsConfig.build(kafka.bootstrapServers(), "poison-it-" + System.nanoTime(), stateDir, topics,
                Map.of(), "127.0.0.1:" + http.port()))) {
      http.serve(app, topics);
      app.start();
      await().atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
        comparison.assertComplete();
        assertThat(kafka.readAllRaw(topics.dlq().name())).hasSize(totalInjected);
      });

      assertThat(app.state()).isEqualTo(KafkaStreams.State.RUNNING);
      assertThat(app.deadLetters().snapshot()).isEqualTo(expectedByReason);
      Map<String, Double> metrics = TestHttp.get(http.port(), "/metrics").samples();
      expectedByReason.forEach((reason, count) ->
          assertThat(metrics).containsEntry(DLQ_METRIC + "{reason=\"" + reason + "\"}", (double) count));
    }

    List<ConsumerRecord<byte[], byte[]>> dead = kafka.readAllRaw(topics.dlq().name());
    Map<String, Long> deadByReason = new TreeMap<>();
    Map<String, Poison> deadAt = new HashMap<>();
    for (ConsumerRecord<byte[], byte[]> record : dead) {
      String source = header(record, "__streams.errors.partition") + "@" + header(record, "__streams.errors.offset");
      Poison kind = injectedAt.get(source);
      assertThat(kind).as("DLQ record %s names an injected record", source).isNotNull();
      assertThat(deadAt.put(source, kind)).as("%s dead-lettered once", source).isNull();
      assertThat(header(record, DeadLetters.REASON_HEADER)).as("reason of %s %s", kind, source).isEqualTo(kind.reason);
      assertThat(header(record, "__streams.errors.message")).as("message of %s", kind).contains(kind.message);
      assertThat(header(record, "__streams.errors.exception"))
          .isEqualTo(RejectedEventException.class.getName());
      assertThat(header(record, "__streams.errors.topic")).isEqualTo(topics.telemetry().name());
      assertThat(record.value()).as("the bytes as received").isEqualTo(bytesAt.get(source));
      deadByReason.merge(header(record, DeadLetters.REASON_HEADER), 1L, Long::sum);
    }
    assertThat(deadAt).isEqualTo(injectedAt);
    assertThat(deadByReason).isEqualTo(expectedByReason);
    comparison.assertMatches();
    assertThat(kafka.readAllRaw(topics.late().name())).isEmpty();
  }

  /** The event under another id, so that the oracle's de-duplication cannot hide it. */
  private static TelemetryEvent renamed(TelemetryEvent template, String eventId) {
    return TelemetryEvent.newBuilder(template).setEventId(eventId).build();
  }

  private static TestMachine machine(TelemetryEvent template) {
    return TestMachine.of(template.getSiteId(), template.getLineId(), template.getMachineId());
  }

  private static byte[] encode(TelemetryEvent event) {
    return Topics.TELEMETRY_SERDE.encode(event);
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static String hex(byte[] bytes) {
    return HexFormat.of().formatHex(bytes);
  }

  private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
    Header header = record.headers().lastHeader(name);
    return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
  }
}
