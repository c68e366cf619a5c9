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
import io.plantstream.avro.ShiftInfo;
import io.plantstream.avro.SiteInfo;
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
 * on the KPI topics, for sites and machines, minute, hour, shift and day windows, whole ranges and
 * single windows, and the losses of the newest final hour, shift and day; with two instances
 * sharing the work, either instance answers every key. The single instance's {@code /metrics}
 * export the same newest final windows and their losses.
 *
 * <p>foxconn-hou is on {@code plant.sites} in Pacific/Honolulu (UTC-10, no daylight saving), with
 * three 8-hour shifts, so its local day 2026-11-27 and its shift B (16:00 to midnight) end at
 * 10:00 UTC, within the run; the other sites are not there: days in UTC, no shifts, none final.
 */
class KpiHttpIT {

  @RegisterExtension static final KafkaFixture kafka = new KafkaFixture();

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Instant START = Instant.parse("2026-11-28T09:52:00Z");
  private static final Duration SPAN = Duration.ofMinutes(14);
  private static final List<String> SITES = List.of("tsmc-phx", "amkor-az", "foxconn-hou");
  /** The site on plant.sites. */
  private static final String CALENDAR_SITE = "foxconn-hou";
  private static final String ZONE = "Pacific/Honolulu";
  private static final Instant SHIFT_B = Instant.parse("2026-11-28T02:00:00Z");
  private static final Instant DAY = Instant.parse("2026-11-27T10:00:00Z");

  @TempDir Path stateDir;

  @Test
  void answersEqualTheLatestKpiRecordsOnTheTopics() throws Exception {
    Topics topics = kafka.uniqueTopics("http");
    kafka.createTopics(topics, 3);
    List<MachineInfo> machines = publishMachinesAndSites(topics);
    publishTelemetry(topics);

    try (KpiHttpServer http = KpiHttpServer.start("127.0.0.1", 0);
        KpiApplication app = instance(topics, "http-it-" + System.nanoTime(), stateDir, http)) {
      app.start();
      await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofSeconds(1))
          .untilAsserted(() -> assertAnswersEqualTopics(topics, machines, http.port()));
      await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertMetricsShowTheNewestFinalWindows(topics,
          http.port()));

      assertThat(TestHttp.get(http.port(), "/health").json().get("state").asText()).isEqualTo("RUNNING");
      JsonNode sites = TestHttp.get(http.port(), "/sites").json();
      assertThat(sites.findValuesAsText("siteId")).containsExactly("amkor-az", "foxconn-hou", "tsmc-phx");
      assertThat(sites.get(2).get("machines")).hasSize(4);
      assertThat(sites.findValuesAsText("timeZone")).containsExactly("UTC", ZONE, "UTC");
      assertThat(sites.get(1).get("shifts").findValuesAsText("name")).containsExactly("A", "B", "C");
      assertThat(sites.get(0).get("shifts")).isEmpty();
      assertThat(TestHttp.get(http.port(), "/sites/nowhere/losses").status()).isEqualTo(404);
      assertThat(TestHttp.get(http.port(), "/sites/tsmc-phx/losses?window=1m").status()).isEqualTo(400);
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
      List<MachineInfo> machines = publishMachinesAndSites(topics);
      // The calendar is read from the global store as telemetry comes: both instances must have it first.
      await().atMost(Duration.ofMinutes(1)).untilAsserted(() -> {
        for (int port : List.of(firstHttp.port(), secondHttp.port())) {
          assertThat(TestHttp.get(port, "/sites").json().findValuesAsText("timeZone")).contains(ZONE);
        }
      });
      publishTelemetry(topics);

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

      // The same for the day store: the site's days, read partition by partition from their holders.
      Map<Integer, HostInfo> dayOwners = new KpiStoreQueries(first, topics).partitionOwners(KpiWindow.DAY);
      List<JsonNode> days = new ArrayList<>();
      dayOwners.forEach((partition, holder) -> days.addAll(array(holder.port(),
          "/sites/" + CALENDAR_SITE + "/kpis?window=day&scope=local&partitions=" + partition)));
      assertThat(days).containsExactlyInAnyOrderElementsOf(array(firstHttp.port(),
          "/sites/" + CALENDAR_SITE + "/kpis?window=day")).hasSize(1);
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
    assertCalendarAnswersEqualTopics(topics, machines, port);
    assertLossesAreThoseOfTheNewestFinalWindows(siteHours, latestBy(kafka.readAll(topics.siteKpiShift()), "siteId"),
        latestBy(kafka.readAll(topics.siteKpiDay()), "siteId"), port);
  }

  /**
   * The shifts and days: only foxconn-hou has final ones, its shift B and its day 2026-11-27, and
   * they are answered whole, by a range of window starts, per machine (the machine days equal
   * plant.kpi.machine.day) and for all machines at once (summing to the site's window).
   */
  private static void assertCalendarAnswersEqualTopics(Topics topics, List<MachineInfo> machines, int port) {
    Map<String, List<JsonNode>> shifts = latestBy(kafka.readAll(topics.siteKpiShift()), "siteId");
    Map<String, List<JsonNode>> days = latestBy(kafka.readAll(topics.siteKpiDay()), "siteId");
    Map<String, List<JsonNode>> machineDays = latestBy(kafka.readAll(topics.machineKpiDay()), "machineId");
    assertThat(shifts.keySet()).containsExactly(CALENDAR_SITE);
    assertThat(days.keySet()).containsExactly(CALENDAR_SITE);
    JsonNode shift = shifts.get(CALENDAR_SITE).get(0);
    JsonNode day = days.get(CALENDAR_SITE).get(0);
    assertThat(shift.get("windowStart").asText()).isEqualTo(SHIFT_B.toString());
    assertThat(shift.get("shift").asText()).isEqualTo("B");
    assertThat(day.get("localDate").asText()).isEqualTo("2026-11-27");
    for (String site : SITES) {
      List<JsonNode> none = List.of();
      assertThat(array(port, "/sites/" + site + "/kpis?window=shift")).as("shifts of %s", site)
          .isEqualTo(shifts.getOrDefault(site, none));
      assertThat(array(port, "/sites/" + site + "/kpis?window=day")).as("days of %s", site)
          .isEqualTo(days.getOrDefault(site, none));
    }
    String site = "/sites/" + CALENDAR_SITE;
    assertThat(array(port, site + "/kpis?window=day&from=2026-11-27T00:00:00Z&to=2026-11-28T00:00:00Z"))
        .as("the day starting within the range").containsExactly(day);
    assertThat(array(port, site + "/kpis?window=day&from=" + DAY.plusMillis(1))).isEmpty();
    assertThat(array(port, site + "/kpis?window=shift&from=" + SHIFT_B + "&to=" + SHIFT_B.plusMillis(1)))
        .containsExactly(shift);

    long units = 0;
    for (MachineInfo machine : machines.stream().filter(m -> m.getSiteId().equals(CALENDAR_SITE)).toList()) {
      assertThat(array(port, "/machines/" + machine.getMachineId() + "/kpis?window=day"))
          .as("day of %s", machine.getMachineId()).isEqualTo(machineDays.get(machine.getMachineId()));
      units += machineDays.get(machine.getMachineId()).get(0).get("unitsTotal").asLong();
    }
    assertThat(units).as("the machines' units make the site's day").isEqualTo(day.get("unitsTotal").asLong());
    List<JsonNode> machineShifts = array(port, site + "/machines/kpis?window=shift");
    assertThat(machineShifts).hasSize(4).allSatisfy(kpi -> {
      assertThat(kpi.get("windowStart").asText()).isEqualTo(SHIFT_B.toString());
      assertThat(kpi.get("shift").asText()).isEqualTo("B");
    });
    assertThat(machineShifts.stream().mapToLong(kpi -> kpi.get("unitsTotal").asLong()).sum())
        .isEqualTo(shift.get("unitsTotal").asLong());
  }

  /**
   * {@code /sites/{site}/losses}: the newest final window's entries of stateReasonMillis other than
   * PRODUCTIVE, largest first, each with its share of all the window's entries; none for a site
   * without a final window of that kind.
   */
  private static void assertLossesAreThoseOfTheNewestFinalWindows(Map<String, List<JsonNode>> hours,
      Map<String, List<JsonNode>> shifts, Map<String, List<JsonNode>> days, int port) {
    for (String site : SITES) {
      for (Map.Entry<String, Map<String, List<JsonNode>>> window : Map.of("1h", hours, "shift", shifts, "day", days)
          .entrySet()) {
        JsonNode answer = TestHttp.get(port, "/sites/" + site + "/losses?window=" + window.getKey()).json();
        List<JsonNode> held = window.getValue().getOrDefault(site, List.of());
        if (held.isEmpty()) {
          assertThat(answer.get("key").isNull()).as("%s %s", site, window.getKey()).isTrue();
          assertThat(answer.get("losses")).isEmpty();
          continue;
        }
        JsonNode newest = held.get(held.size() - 1);
        String key = site + "@" + (window.getKey().equals("day") ? newest.get("localDate").asText()
            : newest.get("windowStart").asText());
        assertThat(answer.get("key").asText()).isEqualTo(key);
        assertThat(answer.get("windowEnd")).isEqualTo(newest.get("windowEnd"));
        long counted = 0;
        List<Map.Entry<String, Long>> expected = new ArrayList<>();
        for (Map.Entry<String, JsonNode> entry : newest.get("stateReasonMillis").properties()) {
          counted += entry.getValue().asLong();
          if (!entry.getKey().startsWith("PRODUCTIVE/")) {
            expected.add(Map.entry(entry.getKey(), entry.getValue().asLong()));
          }
        }
        expected.sort(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()));
        List<Map.Entry<String, Long>> losses = new ArrayList<>();
        double shares = 0;
        for (JsonNode loss : answer.get("losses")) {
          losses.add(Map.entry(loss.get("state").asText() + "/" + loss.get("reason").asText(),
              loss.get("millis").asLong()));
          shares += loss.get("share").asDouble();
        }
        assertThat(losses).as("losses of %s", key).isEqualTo(expected).isNotEmpty();
        assertThat(answer.get("countedMillis").asLong()).isEqualTo(counted);
        assertThat(shares).isCloseTo((double) expected.stream().mapToLong(Map.Entry::getValue).sum() / counted,
            org.assertj.core.data.Offset.offset(1e-9));
      }
    }
  }

  /**
   * {@code /metrics} of a single instance, which holds every window: per site the gauges of its
   * newest final hour, and of foxconn-hou's shift and day, and the losses of each in seconds.
   */
  private static void assertMetricsShowTheNewestFinalWindows(Topics topics, int port) {
    Map<String, Double> metrics = TestHttp.get(port, "/metrics").samples();
    Map<String, List<JsonNode>> hours = latestBy(kafka.readAll(topics.siteKpi1h()), "siteId");
    Map<String, Map<String, List<JsonNode>>> windows = Map.of("1h", hours,
        "shift", latestBy(kafka.readAll(topics.siteKpiShift()), "siteId"),
        "day", latestBy(kafka.readAll(topics.siteKpiDay()), "siteId"));
    Map<String, Double> losses = new TreeMap<>();
    Map<String, Double> expected = new TreeMap<>();
    metrics.forEach((name, value) -> {
      if (name.startsWith("plantstream_site_loss_seconds{")) {
        losses.put(name, value);
      }
    });
    windows.forEach((window, bySite) -> bySite.forEach((site, held) -> {
      JsonNode newest = held.get(held.size() - 1);
      String labels = "{site=\"" + site + "\",window=\"" + window + "\"}";
      assertThat(metrics).containsEntry("plantstream_site_window_start_seconds" + labels,
          Instant.parse(newest.get("windowStart").asText()).toEpochMilli() / 1000.0);
      assertThat(metrics).containsEntry("plantstream_site_failures" + labels, newest.get("failures").asDouble());
      for (Map.Entry<String, JsonNode> entry : newest.get("stateReasonMillis").properties()) {
        String[] stateReason = entry.getKey().split("/", 2);
        if (!stateReason[0].equals("PRODUCTIVE")) {
          expected.put("plantstream_site_loss_seconds{reason=\"" + stateReason[1] + "\",site=\"" + site
              + "\",state=\"" + stateReason[0] + "\",window=\"" + window + "\"}", entry.getValue().asLong() / 1000.0);
        }
      }
    }));
    assertThat(metrics).containsEntry("plantstream_site_window_start_seconds{site=\"" + CALENDAR_SITE
        + "\",window=\"day\"}", DAY.toEpochMilli() / 1000.0);
    assertThat(losses).isEqualTo(expected).isNotEmpty();
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
   * Publishes four machines at each of three sites, and foxconn-hou's calendar: Pacific/Honolulu,
   * shifts A 08:00-16:00, B 16:00-00:00 and C 00:00-08:00 every day.
   */
  private static List<MachineInfo> publishMachinesAndSites(Topics topics) {
    List<MachineInfo> machines = new ArrayList<>();
    List<ProducerRecord<String, MachineInfo>> infos = new ArrayList<>();
    for (String site : SITES) {
      for (int i = 1; i <= 4; i++) {
        MachineInfo info = machine(site, i).info("tool", Duration.ofSeconds(20 + i));
        machines.add(info);
        infos.add(new ProducerRecord<>(topics.machines().name(), null, START.toEpochMilli(), info.getMachineId(),
            info));
      }
    }
    kafka.send(topics.machines(), infos);
    List<String> everyDay = List.of("MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY", "SUNDAY");
    kafka.send(topics.sites(), List.of(new ProducerRecord<>(topics.sites().name(), null, START.toEpochMilli(),
        CALENDAR_SITE, SiteInfo.newBuilder().setSiteId(CALENDAR_SITE).setOperator("Foxconn").setPlace("Houston, TX")
            .setKind("supercomputer system assembly").setTimeZone(ZONE)
            .setShifts(List.of(new ShiftInfo("A", everyDay, "08:00", "16:00"), new ShiftInfo("B", everyDay, "16:00",
                "00:00"), new ShiftInfo("C", everyDay, "00:00", "08:00")))
            .setHolidays(List.of()).setScheduledAroundTheClock(true).build())));
    return machines;
  }

  private static TestMachine machine(String site, int i) {
    return TestMachine.of(site, site + "-line-" + (i % 2 + 1), site + "-tool-0" + i);
  }

  /**
   * Publishes 14 minutes of telemetry of the machines from 09:52: heartbeats every 15 s, a state
   * change every 4 minutes (down for a reason: STANDBY for NO_MATERIAL, UNSCHEDULED_DOWN for
   * FAILURE), a unit every 30 s (every fifth one failing). The hour 09:00 and the minutes up to
   * 10:04 close, and foxconn-hou's shift B and day 2026-11-27, which end at 10:00.
   */
  private static void publishTelemetry(Topics topics) {
    List<ProducerRecord<String, TelemetryEvent>> events = new ArrayList<>();
    for (String site : SITES) {
      for (int i = 1; i <= 4; i++) {
        TestMachine machine = machine(site, i);
        int tick = 0;
        for (Instant t = START.plusSeconds(i); t.isBefore(START.plus(SPAN)); t = t.plusSeconds(15), tick++) {
          TelemetryEvent event;
          if (tick % 16 == 0) {
            event = tick % 32 == 0 ? machine.state(PRODUCTIVE, t)
                : i % 2 == 0 ? machine.state(STANDBY, "NO_MATERIAL", t) : machine.state(UNSCHEDULED_DOWN, "FAILURE", t);
          } else if (tick % 2 == 0) {
            event = machine.unit(tick % 10 == 0 ? FAIL : PASS, t);
          } else {
            event = machine.heartbeat(tick % 32 < 16 ? PRODUCTIVE : (i % 2 == 0 ? STANDBY : UNSCHEDULED_DOWN), t);
          }
          events.add(new ProducerRecord<>(topics.telemetry().name(), null, t.toEpochMilli(), machine.id(), event));
        }
      }
    }
    events.sort(Comparator.comparing(record -> record.timestamp()));
    Topic<String, TelemetryEvent> telemetry = topics.telemetry();
    kafka.send(telemetry, events);
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
