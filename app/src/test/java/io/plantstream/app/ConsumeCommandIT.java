package io.plantstream.app;

import static io.plantstream.avro.EquipmentState.PRODUCTIVE;
import static io.plantstream.avro.EquipmentState.UNSCHEDULED_DOWN;
import static io.plantstream.avro.UnitOutcome.FAIL;
import static io.plantstream.avro.UnitOutcome.PASS;
import static io.plantstream.testing.TestMachine.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.plantstream.avro.EquipmentState;
import io.plantstream.avro.MachineInfo;
import io.plantstream.avro.ShiftInfo;
import io.plantstream.avro.SiteInfo;
import io.plantstream.avro.SiteKpi;
import io.plantstream.avro.StateChange;
import io.plantstream.avro.TelemetryEvent;
import io.plantstream.schemas.Topic;
import io.plantstream.schemas.Topics;
import io.plantstream.streams.KpiApplication;
import io.plantstream.streams.KpiConfig;
import io.plantstream.streams.KpiStreamsConfig;
import io.plantstream.testing.KafkaFixture;
import io.plantstream.testing.TestMachine;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.avro.Schema;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code plant consume} on every topic of a real pipeline: {@code --latest} keeps the newest record
 * per key, tables per topic (the shift, day and machine-day tables in the site's time zone, with
 * failures, MTBF, MTTR and the largest loss), JSON with the same field names on every line, and a
 * quiet end when the reader goes away.
 *
 * <p>amkor-az is on {@code plant.sites} in Pacific/Honolulu (UTC-10, no daylight saving), so its
 * local day 2026-11-27 and its shift {@code swing} (16:00 to midnight) end at 10:00 UTC, within the
 * run; its machine fails at 09:59:00 (reason FAILURE) and is repaired at 09:59:30. The other site
 * is not on {@code plant.sites}: days in UTC, no shifts, nothing of it closes.
 */
class ConsumeCommandIT {

  @RegisterExtension static final KafkaFixture kafka = new KafkaFixture();
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<String> LINE_FIELDS = List.of("topic", "partition", "offset", "timestamp", "key", "value");

  /** Two minutes before {@code T0}, so that the hour 09:00 closes too. */
  private static final Instant START = T0.minusSeconds(120);
  /** amkor-az's machine is UNSCHEDULED_DOWN (FAILURE) over [FAILED, REPAIRED). */
  private static final Instant FAILED = T0.minusSeconds(60);
  private static final Instant REPAIRED = T0.minusSeconds(30);

  @TempDir static Path stateDir;
  private static Topics topics;

  @BeforeAll
  static void runThePipeline() {
    topics = kafka.uniqueTopics("consume");
    kafka.createTopics(topics, 2);
    List<TestMachine> machines = List.of(
        TestMachine.of("tsmc-phx", "tsmc-phx-litho", "tsmc-phx-litho-euv-01"),
        TestMachine.of("tsmc-phx", "tsmc-phx-etch", "tsmc-phx-etch-01"),
        TestMachine.of("amkor-az", "amkor-az-test", "amkor-az-test-01"));
    List<ProducerRecord<String, MachineInfo>> infos = new ArrayList<>();
    List<ProducerRecord<String, TelemetryEvent>> events = new ArrayList<>();
    List<ProducerRecord<String, TelemetryEvent>> late = new ArrayList<>();
    for (TestMachine machine : machines) {
      infos.add(new ProducerRecord<>(topics.machines().name(), null, START.toEpochMilli(), machine.id(),
          machine.info("tool", Duration.ofSeconds(24))));
      events.add(record(machine.state(PRODUCTIVE, START)));
      boolean fails = machine.siteId().equals("amkor-az");
      for (Instant t = START.plusSeconds(10); t.isBefore(T0.plusSeconds(270)); t = t.plusSeconds(10)) {
        boolean down = fails && !t.isBefore(FAILED) && t.isBefore(REPAIRED);
        events.add(record(t.getEpochSecond() % 30 == 0 ? machine.unit(t.getEpochSecond() % 90 == 0 ? FAIL : PASS, t)
            : machine.heartbeat(down ? UNSCHEDULED_DOWN : PRODUCTIVE, t)));
      }
      if (fails) {
        events.add(record(stateChange(machine, UNSCHEDULED_DOWN, "FAILURE", FAILED, 1)));
        events.add(record(stateChange(machine, PRODUCTIVE, null, REPAIRED, 2)));
      }
      late.add(record(machine.heartbeat(PRODUCTIVE, START.plusSeconds(5)))); // sent last: its minute has closed
    }
    events.sort(java.util.Comparator.comparing(ProducerRecord::timestamp));
    events.addAll(late);
    kafka.send(topics.machines(), infos);
    kafka.send(topics.sites(), List.of(new ProducerRecord<>(topics.sites().name(), null, START.toEpochMilli(),
        "amkor-az", SiteInfo.newBuilder().setSiteId("amkor-az").setOperator("Amkor").setPlace("Peoria, AZ")
            .setKind("advanced packaging and test").setTimeZone("Pacific/Honolulu")
            .setShifts(List.of(shift("day", "08:00", "16:00"), shift("swing", "16:00", "00:00"),
                shift("night", "00:00", "08:00")))
            .setHolidays(List.of()).setScheduledAroundTheClock(true).build())));
    kafka.send(topics.telemetry(), events);
    Topic<byte[], byte[]> raw = new Topic<>(topics.telemetry().name(), topics.dlq().keySerde(), topics.dlq().valueSerde());
    kafka.send(raw, List.of(new ProducerRecord<>(raw.name(), null, T0.toEpochMilli(),
        "tsmc-phx-etch-01".getBytes(StandardCharsets.UTF_8), new byte[] {(byte) 0xC3, 0x01, 0x42})));

    try (KpiApplication app = KpiApplication.forTopics(topics, KpiConfig.defaults(),
        KpiStreamsConfig.build(kafka.bootstrapServers(), "consume-it-" + System.nanoTime(), stateDir, topics, Map.of()))) {
      app.start();
      await().atMost(Duration.ofMinutes(2)).untilAsserted(() -> {
        assertThat(kafka.readAll(topics.siteKpi1m()).stream().filter(r -> r.value().getFinal$()).count())
            .isGreaterThanOrEqualTo(10);
        assertThat(kafka.readAll(topics.siteKpi1h())).isNotEmpty();
        assertThat(kafka.readAll(topics.siteKpiShift())).isNotEmpty();
        assertThat(kafka.readAll(topics.siteKpiDay())).isNotEmpty();
        assertThat(kafka.readAll(topics.machineKpiDay())).isNotEmpty();
        assertThat(kafka.readAll(topics.late())).hasSize(3);
        assertThat(kafka.readAll(topics.dlq())).hasSize(1);
      });
    }
    // A correction, as the application publishes when a partition that was idle sends a window
    // late: the same key again, next revision. --latest must show only this one.
    ConsumerRecord<String, SiteKpi> first = kafka.readAll(topics.siteKpi1m()).get(0);
    SiteKpi corrected = SiteKpi.newBuilder(first.value()).setRevision(first.value().getRevision() + 1)
        .setUnitsTotal(first.value().getUnitsTotal() + 1).build();
    kafka.send(topics.siteKpi1m(), List.of(new ProducerRecord<>(topics.siteKpi1m().name(), first.partition(),
        first.timestamp(), first.key(), corrected)));
  }

  @Test
  void latestPrintsOneRowPerSiteAndWindowWithItsNewestRevision() throws Exception {
    Map<String, SiteKpi> newest = new TreeMap<>();
    List<ConsumerRecord<String, SiteKpi>> all = kafka.readAll(topics.siteKpi1m());
    all.forEach(record -> newest.put(record.key(), record.value()));
    assertThat(all).as("a key with two revisions on the topic").hasSizeGreaterThan(newest.size());

    CliRun table = plant("consume", topics.siteKpi1m().name(), "--latest", "--format", "table");
    assertThat(table.exitCode()).as(table.err()).isZero();
    assertThat(table.outLines().get(0)).startsWith("SITE").contains("REV").contains("YIELD").contains("UPTIME");
    List<String> rows = table.outLines().subList(1, table.outLines().size());
    List<String> expected = newest.values().stream()
        .sorted(java.util.Comparator.comparing(SiteKpi::getWindowStart).thenComparing(SiteKpi::getSiteId))
        .map(KpiTable::row).toList();
    assertThat(rows).containsExactlyElementsOf(expected);
    assertThat(rows).allSatisfy(row -> assertThat(row).matches(".*\\d+\\.\\d%.*"));

    CliRun json = plant("consume", topics.siteKpi1m().name(), "--latest", "--format", "json", "--site", "amkor-az");
    assertThat(json.exitCode()).as(json.err()).isZero();
    List<JsonNode> lines = parse(json);
    assertThat(lines).extracting(line -> line.get("key").asText())
        .containsExactlyElementsOf(newest.keySet().stream().filter(key -> key.startsWith("amkor-az@")).toList());
    assertThat(lines).allSatisfy(line ->
        assertThat(line.at("/value/revision").asInt()).isEqualTo(newest.get(line.get("key").asText()).getRevision()));
  }

  @Test
  void jsonLinesHaveTheSameFieldNamesOnEveryTopic() throws Exception {
    for (String topic : List.of(topics.telemetry().name(), topics.machines().name(), topics.sites().name(),
        topics.machineKpi1m().name(), topics.machineKpiDay().name(), topics.siteKpi1m().name(),
        topics.siteKpi1h().name(), topics.siteKpiShift().name(), topics.siteKpiDay().name(), topics.late().name(),
        topics.dlq().name())) {
      CliRun run = plant("consume", topic, "--from-beginning", "--format", "json");
      assertThat(run.exitCode()).as(run.err()).isZero();
      List<JsonNode> lines = parse(run);
      assertThat(lines).as(topic).isNotEmpty().allSatisfy(line -> {
        assertThat(fieldNames(line)).isEqualTo(LINE_FIELDS);
        assertThat(line.get("topic").asText()).isEqualTo(topic);
        assertThat(Instant.parse(line.get("timestamp").asText())).isNotNull();
      });
    }
    JsonNode site = parse(plant("consume", topics.siteKpi1m().name(), "--from-beginning", "--format", "json",
        "--max", "1")).get(0);
    assertThat(fieldNames(site.get("value"))).isEqualTo(
        SiteKpi.getClassSchema().getFields().stream().map(Schema.Field::name).toList());
    // --max 1 prints whichever of the topic's partitions the consumer reads first, so any of the
    // run's minutes: an ISO-8601 UTC minute, the one the key names.
    String windowStart = site.at("/value/windowStart").asText();
    assertThat(windowStart).matches("2026-11-28T(09:5[89]|10:0[0-4]):00Z");
    assertThat(site.get("key").asText()).endsWith("@" + windowStart);

    JsonNode dead = parse(plant("consume", topics.dlq().name(), "--from-beginning", "--format", "json")).get(0);
    assertThat(dead.at("/value/headers/plant.dlq.reason").asText()).isEqualTo("corrupt");
    assertThat(dead.at("/value/size").asInt()).isEqualTo(3);
    assertThat(dead.at("/value/hexPreview").asText()).isEqualTo("c3 01 42");
  }

  @Test
  void tablesFitEachTopic() {
    List<String> telemetry = plant("consume", topics.telemetry().name(), "--from-beginning", "--max", "3",
        "--site", "amkor-az").outLines();
    assertThat(telemetry.get(0)).startsWith("EVENT TIME (UTC)").contains("MACHINE").contains("DETAIL");
    assertThat(telemetry.get(1)).startsWith("2026-11-28 09:58:00.000").contains("amkor-az-test-01")
        .contains("state").contains("PRODUCTIVE");
    assertThat(telemetry).hasSize(4);

    List<String> late = plant("consume", topics.late().name(), "--from-beginning").outLines();
    assertThat(late).hasSize(4).last().asString().contains("heartbeat").contains("09:58:05.000");

    List<String> machines = plant("consume", topics.machines().name(), "--latest").outLines();
    assertThat(machines.get(0)).startsWith("MACHINE").contains("IDEAL CYCLE");
    assertThat(machines.subList(1, machines.size())).hasSize(3)
        .allSatisfy(row -> assertThat(row).endsWith("24.0 s"));

    List<String> kpis = plant("consume", topics.machineKpi1m().name(), "--latest", "--site", "tsmc-phx").outLines();
    assertThat(kpis.get(0)).startsWith("MACHINE").contains("FINAL");
    assertThat(kpis.subList(1, kpis.size())).isNotEmpty()
        .allSatisfy(row -> assertThat(row).startsWith("tsmc-phx-").contains(" yes ").contains("100.0%"));

    List<String> sites = plant("consume", topics.sites().name(), "--latest").outLines();
    assertThat(sites).containsExactly(TopicTable.SITE_HEADER, String.format(java.util.Locale.ROOT,
        "%-12s %-20s %-4s %8d  %s", "amkor-az", "Pacific/Honolulu", "yes", 0,
        "day daily 08:00-16:00, swing daily 16:00-00:00, night daily 00:00-08:00"));

    List<String> dlq = plant("consume", topics.dlq().name(), "--from-beginning").outLines();
    assertThat(dlq.get(0)).startsWith("TIME (UTC)").contains("REASON");
    assertThat(dlq.get(1)).contains("corrupt").contains(topics.telemetry().name() + "-").contains("c3 01 42");
  }

  /**
   * The shift and the day that ended at 10:00 UTC: two minutes of the machine, one failure, 30 s of
   * UNSCHEDULED_DOWN/FAILURE out of 120 s counted (25 %), MTBF 90 s of PRODUCTIVE per failure, MTTR 30 s.
   */
  @Test
  void shiftAndDayTablesShowLocalTimesFailuresAndTheLargestLoss() throws Exception {
    List<String> shifts = plant("consume", topics.siteKpiShift().name(), "--latest").outLines();
    assertThat(shifts.get(0)).isEqualTo(KpiTable.SHIFT_HEADER).contains("LOCAL DATE").contains("TOP LOSS");
    assertThat(shifts.subList(1, shifts.size())).singleElement().asString()
        .matches("amkor-az +2026-11-27 swing +16:00 00:00\\+1 +1 +yes +1 .* 1 UNSCHEDULED_DOWN/FAILURE 25\\.0%");

    List<String> days = plant("consume", topics.siteKpiDay().name(), "--latest").outLines();
    assertThat(days.get(0)).isEqualTo(KpiTable.DAY_HEADER);
    assertThat(days.subList(1, days.size())).singleElement().asString()
        .matches("amkor-az +2026-11-27 +24 +1 +yes +1 .* 1 UNSCHEDULED_DOWN/FAILURE 25\\.0%");

    List<String> machineDays = plant("consume", topics.machineKpiDay().name(), "--latest").outLines();
    assertThat(machineDays.get(0)).isEqualTo(KpiTable.MACHINE_DAY_HEADER).contains("MTBF").contains("MTTR");
    assertThat(machineDays.subList(1, machineDays.size())).singleElement().asString()
        .matches("amkor-az-test-01 +2026-11-27 +24 +1 +yes .* 1 +1m30s +30s UNSCHEDULED_DOWN/FAILURE 25\\.0%");

    // The day's record as JSON: the losses by state and reason that the table's last column tops.
    JsonNode day = parse(plant("consume", topics.siteKpiDay().name(), "--latest", "--format", "json")).get(0);
    assertThat(day.get("key").asText()).isEqualTo("amkor-az@2026-11-27");
    assertThat(day.at("/value/stateReasonMillis/UNSCHEDULED_DOWN~1FAILURE").asLong()).isEqualTo(30_000);
    assertThat(day.at("/value/stateReasonMillis/PRODUCTIVE~1UNSPECIFIED").asLong()).isEqualTo(90_000);
    assertThat(day.at("/value/localDate").asText()).isEqualTo("2026-11-27");
  }

  @Test
  void endsQuietlyWhenTheReaderGoesAway() {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    OutputStream closedAfterOneLine = new OutputStream() {
      private int written;

      @Override
      public void write(int b) throws IOException {
        if (++written > 200) {
          throw new IOException("Broken pipe");
        }
      }
    };
    int code;
    synchronized (CliRun.class) {
      PrintStream originalOut = System.out;
      PrintStream originalErr = System.err;
      try {
        System.setOut(new PrintStream(closedAfterOneLine, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        code = PlantCommand.execute("consume", topics.telemetry().name(), "--from-beginning", "--format", "json",
            "--bootstrap-servers", kafka.bootstrapServers(), "--topic-prefix", topics.prefix());
      } finally {
        System.setOut(originalOut);
        System.setErr(originalErr);
      }
    }
    assertThat(code).isZero();
    assertThat(err.toString(StandardCharsets.UTF_8)).isEmpty();
  }

  private static List<JsonNode> parse(CliRun run) throws IOException {
    List<JsonNode> lines = new ArrayList<>();
    for (String line : run.outLines()) {
      lines.add(JSON.readTree(line));
    }
    return lines;
  }

  private static List<String> fieldNames(JsonNode node) {
    List<String> names = new ArrayList<>();
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      names.add(it.next());
    }
    return names;
  }

  /** A state change with a reason, which {@link TestMachine} does not make; ids of its own. */
  private static TelemetryEvent stateChange(TestMachine machine, EquipmentState state, String reason, Instant at,
      int n) {
    return new TelemetryEvent(machine.id() + "#change-" + n, machine.siteId(), "amkor-az-test", machine.id(), at,
        100_000L + n, new StateChange(state, reason));
  }

  private static ShiftInfo shift(String name, String from, String to) {
    return new ShiftInfo(name, List.of("MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY", "SUNDAY"),
        from, to);
  }

  private static ProducerRecord<String, TelemetryEvent> record(TelemetryEvent event) {
    return new ProducerRecord<>(topics.telemetry().name(), null, event.getEventTime().toEpochMilli(),
        event.getMachineId(), event);
  }

  private static CliRun plant(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("--bootstrap-servers", kafka.bootstrapServers(), "--topic-prefix", topics.prefix()));
    return CliRun.plant(all.toArray(String[]::new));
  }
}
