package io.plantstream.app.http;

import static io.plantstream.avro.EquipmentState.PRODUCTIVE;
import static io.plantstream.avro.UnitOutcome.PASS;
import static io.plantstream.testing.TestMachine.T0;
import static io.plantstream.testing.TestMachine.at;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.plantstream.avro.TelemetryEvent;
import io.plantstream.schemas.Topic;
import io.plantstream.schemas.Topics;
import io.plantstream.streams.KpiApplication;
import io.plantstream.streams.KpiConfig;
import io.plantstream.streams.KpiStreamsConfig;
import io.plantstream.testing.KafkaFixture;
import io.plantstream.testing.TestMachine;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code GET /metrics} of a running instance on a real broker: the counters stay at zero for good
 * input, and move by exactly one for each corrupt record, unknown machine, future timestamp, late
 * event and duplicate injected; the close boundary follows the partition's events; the site gauges
 * show the newest final site window.
 */
class KpiMetricsIT {

  @RegisterExtension static final KafkaFixture kafka = new KafkaFixture();

  /** The task of the site aggregation of one window size, as the corrections counter names it. */
  private static String siteTask(Map<String, Double> metrics, String window) {
    return metrics.keySet().stream()
        .filter(name -> name.startsWith("plantstream_site_corrections_total{") && name.contains("window=\"" + window))
        .map(name -> name.replaceAll(".*task=\"([^\"]+)\".*", "$1")).findFirst().orElseThrow();
  }

  private static final String DLQ = "plantstream_dlq_records_total";

  @TempDir Path stateDir;

  @Test
  void countersMoveAsBadRecordsLateEventsAndDuplicatesArrive() throws Exception {
    Topics topics = kafka.uniqueTopics("metrics");
    kafka.createTopics(topics, 1);
    TestMachine litho = TestMachine.of("tsmc-phx", "tsmc-phx-litho", "tsmc-phx-litho-euv-01");
    kafka.send(topics.machines(), List.of(new ProducerRecord<>(topics.machines().name(), null,
        T0.toEpochMilli(), litho.id(), litho.info("euv-scanner", Duration.ofSeconds(24)))));
    List<TelemetryEvent> good = new ArrayList<>();
    good.add(litho.state(PRODUCTIVE, T0));
    good.add(litho.unit(PASS, at(T0, "10s")));
    for (Instant t = at(T0, "20s"); !t.isAfter(at(T0, "1m40s")); t = t.plusSeconds(10)) {
      good.add(litho.heartbeat(PRODUCTIVE, t));
    }

    try (KpiHttpServer http = KpiHttpServer.start("127.0.0.1", 0);
        KpiApplication app = KpiApplication.forTopics(topics, KpiConfig.defaults(),
            KpiStreamsConfig.build(kafka.bootstrapServers(), "metrics-it-" + System.nanoTime(), stateDir, topics,
                Map.of(), "127.0.0.1:" + http.port()))) {
      http.serve(app, topics);
      app.start();
      await().atMost(Duration.ofMinutes(2)).untilAsserted(() ->
          assertThat(TestHttp.get(http.port(), "/health").status()).isEqualTo(200));

      kafka.send(topics.telemetry(), good.stream().map(event -> record(topics, event)).toList());
      await().atMost(Duration.ofMinutes(1)).untilAsserted(() -> {
        Map<String, Double> metrics = scrape(http);
        assertThat(metrics).containsEntry("plantstream_events_in_total", (double) good.size())
            .containsEntry(DLQ + "{reason=\"corrupt\"}", 0.0)
            .containsEntry(DLQ + "{reason=\"invalid-field\"}", 0.0)
            .containsEntry(DLQ + "{reason=\"unknown-machine\"}", 0.0)
            .containsEntry(DLQ + "{reason=\"future-skew\"}", 0.0)
            .containsEntry("plantstream_streams_state{state=\"RUNNING\"}", 1.0);
        // Stream time T0+1m40s, so every window ending by T0+1m10s, floored to the minute, is closed.
        assertThat(only(metrics, "plantstream_closed_until_seconds{partition=\"0\"")).isEqualTo(seconds(at(T0, "1m")));
        assertThat(only(metrics, "plantstream_stream_time_seconds{partition=\"0\"")).isEqualTo(seconds(at(T0, "1m40s")));
        assertThat(only(metrics, "plantstream_late_events_total{")).isZero();
        assertThat(only(metrics, "plantstream_duplicate_events_total{")).isZero();
        assertThat(metrics).hasEntrySatisfying("plantstream_site_corrections_total{task=\"" + siteTask(metrics, "1m")
            + "\",window=\"1m\"}", count -> assertThat(count).isZero());
        assertThat(metrics).hasEntrySatisfying("plantstream_site_expired_machine_windows_total{task=\""
            + siteTask(metrics, "1h") + "\",window=\"1h\"}", count -> assertThat(count).isZero());
        // The minute [T0, T0+1m) closed: its machine and site records were emitted, so their lag was measured.
        assertThat(only(metrics, "plantstream_kpi_emission_lag_seconds_max{task=", topics.machineKpi1m().name()))
            .isFinite();
        assertThat(only(metrics, "plantstream_kpi_emission_lag_seconds_max{task=", topics.siteKpi1m().name()))
            .isFinite();
        // The site's one machine reported the closed minute: the site's newest final window, whose
        // yield, output and uptime are those of its one unit and its productive minute.
        String site1m = "{site=\"tsmc-phx\",window=\"1m\"}";
        assertThat(metrics).containsEntry("plantstream_site_window_start_seconds" + site1m, seconds(T0))
            .containsEntry("plantstream_site_yield_ratio" + site1m, 1.0)
            .containsEntry("plantstream_site_output_units" + site1m, 1.0)
            .containsEntry("plantstream_site_units_completed" + site1m, 1.0)
            .containsEntry("plantstream_site_output_per_hour" + site1m, 60.0)
            .containsEntry("plantstream_site_uptime_ratio" + site1m, 1.0)
            .containsEntry("plantstream_site_machines_reporting" + site1m, 1.0)
            .doesNotContainKey("plantstream_site_window_start_seconds{site=\"tsmc-phx\",window=\"1h\"}");
        // Kafka's metrics as Micrometer's Kafka Streams binder maps them, one spelling of each topic.
        assertThat(metrics.keySet()).anyMatch(name -> name.startsWith("kafka_stream_thread_process_total{"))
            .anyMatch(name -> name.startsWith("kafka_stream_thread_process_rate{"))
            .anyMatch(name -> name.startsWith("kafka_consumer_fetch_manager_records_lag{")
                && name.contains("topic=\"" + topics.telemetry().name() + "\""))
            .anyMatch(name -> name.startsWith("kafka_producer_record_send_total{client_id="))
            .noneMatch(name -> name.contains("topic=\"" + topics.telemetry().name().replace('.', '_') + "\""));
        // The streams' producers as the simulator's (SimulatorMetricsIT): the same name, a counter.
        assertThat(TestHttp.get(http.port(), "/metrics").body())
            .contains("# TYPE kafka_producer_record_send_total counter\n")
            .contains("# TYPE kafka_stream_thread_process_total counter\n")
            .contains("# TYPE kafka_stream_thread_process_rate gauge\n")
            .contains("# TYPE plantstream_dlq_records_total counter\n")
            .contains("# TYPE plantstream_site_yield_ratio gauge\n");
      });

      Topic<byte[], byte[]> raw = new Topic<>(topics.telemetry().name(), topics.dlq().keySerde(),
          topics.dlq().valueSerde());
      kafka.send(raw, List.of(new ProducerRecord<>(raw.name(), null, T0.toEpochMilli(),
          litho.id().getBytes(StandardCharsets.UTF_8), "not avro at all".getBytes(StandardCharsets.UTF_8))));
      TestMachine ghost = TestMachine.of("tsmc-phx", "tsmc-phx-litho", "ghost-01");
      kafka.send(topics.telemetry(), List.of(
          record(topics, ghost.state(PRODUCTIVE, at(T0, "1m40s"))),
          record(topics, litho.unit(PASS, at(T0, "1h"))),
          record(topics, litho.unit(PASS, at(T0, "10s"))),
          record(topics, good.get(good.size() - 1))));

      await().atMost(Duration.ofMinutes(1)).untilAsserted(() -> {
        Map<String, Double> metrics = scrape(http);
        assertThat(metrics).containsEntry("plantstream_events_in_total", good.size() + 5.0)
            .containsEntry(DLQ + "{reason=\"corrupt\"}", 1.0)
            .containsEntry(DLQ + "{reason=\"invalid-field\"}", 0.0)
            .containsEntry(DLQ + "{reason=\"unknown-machine\"}", 1.0)
            .containsEntry(DLQ + "{reason=\"future-skew\"}", 1.0);
        assertThat(only(metrics, "plantstream_late_events_total{")).isEqualTo(1.0);
        assertThat(only(metrics, "plantstream_duplicate_events_total{")).isEqualTo(1.0);
        assertThat(only(metrics, "plantstream_closed_until_seconds{partition=\"0\"")).isEqualTo(seconds(at(T0, "1m")));
        // Per-store metrics: the RocksDB sizes of the persistent stores, not the DEBUG-level rates.
        assertThat(metrics.keySet()).anyMatch(name -> name.startsWith("kafka_stream_state_estimate_num_keys{"))
            .noneMatch(name -> name.startsWith("kafka_stream_state_put_rate"));
      });
      // The counters move when a record is sent; the records show once their transaction commits.
      await().atMost(Duration.ofMinutes(1)).untilAsserted(() -> {
        assertThat(kafka.readAll(topics.dlq())).hasSize(3);
        assertThat(kafka.readAll(topics.late())).hasSize(1);
      });
    }
  }

  private static Map<String, Double> scrape(KpiHttpServer http) {
    TestHttp response = TestHttp.get(http.port(), "/metrics");
    assertThat(response.status()).isEqualTo(200);
    return response.samples();
  }

  /** The value of the one sample whose name starts with {@code prefix} and contains every fragment. */
  private static double only(Map<String, Double> metrics, String prefix, String... fragments) {
    List<Double> values = metrics.entrySet().stream()
        .filter(entry -> entry.getKey().startsWith(prefix))
        .filter(entry -> java.util.Arrays.stream(fragments).allMatch(entry.getKey()::contains))
        .map(Map.Entry::getValue).toList();
    assertThat(values).as("samples %s...%s among %s", prefix, List.of(fragments),
        metrics.keySet().stream().filter(name -> name.startsWith("plantstream_")).toList()).hasSize(1);
    return values.get(0);
  }

  private static double seconds(Instant instant) {
    return instant.toEpochMilli() / 1000.0;
  }

  private static ProducerRecord<String, TelemetryEvent> record(Topics topics, TelemetryEvent event) {
    return new ProducerRecord<>(topics.telemetry().name(), null, event.getEventTime().toEpochMilli(),
        event.getMachineId(), event);
  }
}
