package io.plantstream.app.http;

import static io.plantstream.avro.EquipmentState.PRODUCTIVE;
import static io.plantstream.avro.EquipmentState.STANDBY;
import static io.plantstream.avro.EquipmentState.UNSCHEDULED_DOWN;
import static io.plantstream.avro.UnitOutcome.FAIL;
import static io.plantstream.avro.UnitOutcome.PASS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.plantstream.app.RecordJson;
import io.plantstream.avro.MachineInfo;
import io.plantstream.avro.TelemetryEvent;
import io.plantstream.schemas.Topic;
import io.plantstream.schemas.Topics;
import io.plantstream.streams.KpiApplication;
import io.plantstream.streams.KpiConfig;
import io.plantstream.streams.KpiStoreQueries;
import io.plantstream.streams.KpiStreamsConfig;
import io.plantstream.streams.KpiWindow;
import io.plantstream.testing.KafkaFixture;
import io.plantstream.testing.TestMachine;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.ThreadMetadata;
import org.apache.kafka.streams.state.HostInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HTTP API of running instances on a real broker: every answer equals the latest record per key
 * on the KPI topics, for sites and machines, minute and hour windows, whole ranges and single
 * windows; with two instances sharing the work, either instance answers every key.
 */
class KpiHttpIT {

  @RegisterExtension static final KafkaFixture kafka = new KafkaFixture();

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Instant START = Instant.parse("2026-11-28T09:52:00Z");
  private static final Duration SPAN = Duration.ofMinutes(14);
  private static final List<String> SITES = List.of("tsmc-phx", "amkor-az", "foxconn-hou");

  @TempDir Path stateDir;

  @Test
  void answersEqualTheLatestKpiRecordsOnTheTopics() throws Exception {
    Topics topics = kafka.uniqueTopics("http");
    kafka.createTopics(topics, 3);
    List<MachineInfo> machines = publishPlant(topics);

    try (KpiHttpServer http = KpiHttpServer.start("127.0.0.1", 0);
        KpiApplication app = instance(topics, "http-it-" + System.nanoTime(), stateDir, http)) {
      app.start();
      await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofSeconds(1))
          .untilAsserted(() -> assertAnswersEqualTopics(topics, machines, http.port()));

      assertThat(TestHttp.get(http.port(), "/health").json().get("state").asText()).isEqualTo("RUNNING");
      JsonNode sites = TestHttp.get(http.port(), "/sites").json();
      assertThat(sites.findValuesAsText("siteId")).containsExactly("amkor-az", "foxconn-hou", "tsmc-phx");
      assertThat(sites.get(2).get("machines")).hasSize(4);
      assertThat(TestHttp.get(http.port(), "/sites/nowhere/kpis").status()).isEqualTo(404);
      assertThat(TestHttp.get(http.port(), "/machines/nothing/kpis").status()).isEqualTo(404);
      assertThat(TestHttp.get(http.port(), "/sites/tsmc-phx/kpis?window=2m").status()).isEqualTo(400);
    }
  }

  @Test
  void withTwoInstancesEveryKeyIsAnsweredByEither() throws Exception {
    Topics topics = kafka.uniqueTopics("http-two");
    kafka.createTopics(topics, 4);
    String applicationId = "http-two-it-" + System.nanoTime();

    try (KpiHttpServer firstHttp = KpiHttpServer.start("127.0.0.1", 0);
        KpiHttpServer secondHttp = KpiHttpServer.start("127.0.0.1", 0);
        KpiApplication first = instance(topics, applicationId, stateDir.resolve("first"), firstHttp);
        KpiApplication second = instance(topics, applicationId, stateDir.resolve("second"), secondHttp)) {
      first.start();
      second.start();
      await().atMost(Duration.ofMinutes(2)).untilAsserted(() -> {
        assertThat(activeTasks(first)).as("tasks of the first instance").isNotEmpty();
        assertThat(activeTasks(second)).as("tasks of the second instance").isNotEmpty();
      });
      List<MachineInfo> machines = publishPlant(topics);

      await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
        assertAnswersEqualTopics(topics, machines, firstHttp.port());
        assertAnswersEqualTopics(topics, machines, secondHttp.port());
      });

      // The work really is shared: each partition of the site store is held by one instance, both
      // hold some, and an instance asked for a partition it does not hold refuses (503) rather than
      // answer without it.
      Map<Integer, HostInfo> owners = new KpiStoreQueries(first, topics).partitionOwners(KpiWindow.MINUTE);
      assertThat(owners).hasSize(4);
      assertThat(java.util.Set.copyOf(owners.values())).containsExactlyInAnyOrder(
          new HostInfo("127.0.0.1", firstHttp.port()), new HostInfo("127.0.0.1", secondHttp.port()));
      List<JsonNode> all = new ArrayList<>();
      List<JsonNode> byPartition = new ArrayList<>();
      for (String site : SITES) {
        all.addAll(array(secondHttp.port(), "/sites/" + site + "/kpis"));
        owners.forEach((partition, holder) -> {
          int other = holder.port() == firstHttp.port() ? secondHttp.port() : firstHttp.port();
          byPartition.addAll(array(holder.port(), "/sites/" + site + "/kpis?scope=local&partitions=" + partition));
          TestHttp refused = TestHttp.get(other, "/sites/" + site + "/kpis?scope=local&partitions=" + partition);
          assertThat(refused.status()).as("partition %d asked of the instance not holding it", partition)
              .isEqualTo(503);
        });
      }
      assertThat(byPartition).containsExactlyInAnyOrderElementsOf(all);
    }
  }

  /** Every site and machine answer, over whole ranges and single windows, equals the topics' latest records. */
  private static void assertAnswersEqualTopics(Topics topics, List<MachineInfo> machines, int port) {
    Map<String, List<JsonNode>> siteMinutes = latestBy(kafka.readAll(topics.siteKpi1m()), "siteId");
    Map<String, List<JsonNode>> siteHours = latestBy(kafka.readAll(topics.siteKpi1h()), "siteId");
    Map<String, List<JsonNode>> machineMinutes = latestBy(kafka.readAll(topics.machineKpi1m()), "machineId");
    assertThat(siteMinutes.keySet()).containsExactlyInAnyOrderElementsOf(SITES);
    assertThat(siteMinutes.values()).allSatisfy(windows -> assertThat(windows).hasSizeGreaterThanOrEqualTo(12));
    assertThat(siteHours.values()).allSatisfy(windows -> assertThat(windows).hasSize(1));

    for (String site : SITES) {
      assertThat(array(port, "/sites/" + site + "/kpis")).as("1m KPIs of %s", site).isEqualTo(siteMinutes.get(site));
      assertThat(array(port, "/sites/" + site + "/kpis?window=1h")).as("1h KPIs of %s", site)
          .isEqualTo(siteHours.get(site));
      for (JsonNode minute : siteMinutes.get(site)) {
        Instant start = Instant.parse(minute.get("windowStart").asText());
        assertThat(array(port, "/sites/" + site + "/kpis?window=1m&from=" + start + "&to=" + start.plusSeconds(60)))
            .as("%s@%s", site, start).containsExactly(minute);
      }
    }
    List<JsonNode> firstFive = siteMinutes.get(SITES.get(0)).subList(0, 5);
    Instant from = Instant.parse(firstFive.get(0).get("windowStart").asText());
    assertThat(array(port, "/sites/" + SITES.get(0) + "/kpis?from=" + from + "&to=" + from.plusSeconds(300)))
        .as("a five-minute range").isEqualTo(firstFive);
    for (MachineInfo machine : machines) {
      assertThat(array(port, "/machines/" + machine.getMachineId() + "/kpis?window=1m"))
          .as("1m KPIs of %s", machine.getMachineId()).isEqualTo(machineMinutes.get(machine.getMachineId()));
      assertThat(array(port, "/machines/" + machine.getMachineId() + "/kpis?window=1h"))
          .as("1h KPIs of %s", machine.getMachineId()).hasSize(1)
          .allSatisfy(hour -> assertThat(hour.get("windowStart").asText()).isEqualTo("2026-11-28T09:00:00Z"));
    }
    for (String site : SITES) {
      List<JsonNode> expected = new ArrayList<>();
      machines.stream().filter(machine -> machine.getSiteId().equals(site))
          .forEach(machine -> expected.addAll(machineMinutes.get(machine.getMachineId())));
      expected.sort(java.util.Comparator.<JsonNode, String>comparing(kpi -> kpi.get("windowStart").asText())
          .thenComparing(kpi -> kpi.get("machineId").asText()));
      assertThat(array(port, "/sites/" + site + "/machines/kpis?window=1m"))
          .as("1m KPIs of every machine of %s, in one answer", site).isEqualTo(expected);
    }
  }

  private static List<JsonNode> array(int port, String pathAndQuery) {
    TestHttp response = TestHttp.get(port, pathAndQuery);
    assertThat(response.status()).as("%s: %s", pathAndQuery, response.body()).isEqualTo(200);
    List<JsonNode> records = new ArrayList<>();
    response.json().forEach(records::add);
    return records;
  }

  /** The latest record per key, as the API renders it, grouped by {@code idField} and sorted by window start. */
  private static <V> Map<String, List<JsonNode>> latestBy(List<ConsumerRecord<String, V>> records, String idField) {
    Map<String, JsonNode> latest = new LinkedHashMap<>();
    for (ConsumerRecord<String, V> record : records) {
      latest.put(record.key(), tree(RecordJson.toJson(record.value())));
    }
    Map<String, List<JsonNode>> byId = new TreeMap<>();
    latest.values().forEach(node -> byId.computeIfAbsent(node.get(idField).asText(), id -> new ArrayList<>()).add(node));
    byId.values().forEach(list -> list.sort(Comparator.comparing(node -> node.get("windowStart").asText())));
    return byId;
  }

  private static JsonNode tree(String json) {
    try {
      return JSON.readTree(json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Publishes four machines at each of three sites and 14 minutes of their telemetry from 09:52:
   * heartbeats every 15 s, a state change every 4 minutes, a unit every 30 s (every fifth one
   * failing). The hour 09:00 and the minutes up to 10:04 close.
   */
  private static List<MachineInfo> publishPlant(Topics topics) {
    List<MachineInfo> machines = new ArrayList<>();
    List<ProducerRecord<String, MachineInfo>> infos = new ArrayList<>();
    List<ProducerRecord<String, TelemetryEvent>> events = new ArrayList<>();
    for (String site : SITES) {
      for (int i = 1; i <= 4; i++) {
        TestMachine machine = TestMachine.of(site, site + "-line-" + (i % 2 + 1), site + "-tool-0" + i);
        MachineInfo info = machine.info("tool", Duration.ofSeconds(20 + i));
        machines.add(info);
        infos.add(new ProducerRecord<>(topics.machines().name(), null, START.toEpochMilli(), machine.id(), info));
        int tick = 0;
        for (Instant t = START.plusSeconds(i); t.isBefore(START.plus(SPAN)); t = t.plusSeconds(15), tick++) {
          TelemetryEvent event;
          if (tick % 16 == 0) {
            event = machine.state(tick % 32 == 0 ? PRODUCTIVE : (i % 2 == 0 ? STANDBY : UNSCHEDULED_DOWN), t);
          } else if (tick % 2 == 0) {
            event = machine.unit(tick % 10 == 0 ? FAIL : PASS, t);
          } else {
            event = machine.heartbeat(tick % 32 < 16 ? PRODUCTIVE : (i % 2 == 0 ? STANDBY : UNSCHEDULED_DOWN), t);
          }
          events.add(new ProducerRecord<>(topics.telemetry().name(), null, t.toEpochMilli(), machine.id(), event));
        }
      }
    }
    kafka.send(topics.machines(), infos);
    events.sort(Comparator.comparing(record -> record.timestamp()));
    Topic<String, TelemetryEvent> telemetry = topics.telemetry();
    kafka.send(telemetry, events);
    return machines;
  }

  private static KpiApplication instance(Topics topics, String applicationId, Path state, KpiHttpServer http) {
    KpiApplication app = KpiApplication.forTopics(topics, KpiConfig.defaults(),
        KpiStreamsConfig.build(kafka.bootstrapServers(), applicationId, state, topics, Map.of(),
            "127.0.0.1:" + http.port()));
    http.serve(app, topics);
    return app;
  }

  private static List<?> activeTasks(KpiApplication app) {
    return app.streams().metadataForLocalThreads().stream()
        .flatMap(thread -> ((ThreadMetadata) thread).activeTasks().stream()).toList();
  }
}
