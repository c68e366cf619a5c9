package io.plantstream.app.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.Tags;
import io.plantstream.app.http.ScrapedFamily.Type;
import java.util.Map;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.metrics.Metrics;
import org.apache.kafka.common.metrics.Sensor;
import org.apache.kafka.common.metrics.stats.Meter;
import org.apache.kafka.common.metrics.stats.Value;
import org.apache.kafka.common.metrics.stats.WindowedCount;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * One registry per command: Kafka's metrics as Micrometer's binder maps them (a cumulative total a
 * counter, a rate a gauge, Kafka's tags as labels, one spelling of a topic), plantstream's families
 * whose label sets come and go, and the Prometheus text 0.0.4 of the scrape.
 */
class CommandMetricsTest {

  @Test
  void kafkaClientMetricsAreMappedByMicrometersBinder() {
    Metrics kafka = new Metrics();
    Map<String, String> client = Map.of("client-id", "producer-1");
    Sensor sends = kafka.sensor("record-send");
    sends.add(new Meter(new WindowedCount(), new MetricName("record-send-rate", "producer-metrics", "", client),
        new MetricName("record-send-total", "producer-metrics", "", client)));
    sends.record();
    sends.record();
    sends.record();
    // A consumer's lag of a dotted topic, also under the older spelling with underscores.
    for (String topic : new String[] {"plant.telemetry", "plant_telemetry"}) {
      Sensor lag = kafka.sensor(topic + "-0.records-lag");
      lag.add(new MetricName("records-lag", "consumer-fetch-manager-metrics", "",
          Map.of("client-id", "consumer-1", "topic", topic, "partition", "0")), new Value());
      lag.record(42);
    }
    MockProducer<String, byte[]> producer = new MockProducer<>(true, null, new StringSerializer(),
        new ByteArraySerializer());
    kafka.metrics().forEach(producer::setMockMetrics);

    try (CommandMetrics metrics = new CommandMetrics()) {
      metrics.bind(producer);
      String text = metrics.scrape();

      assertThat(text).contains("# TYPE kafka_producer_record_send_total counter\n")
          .contains("# TYPE kafka_producer_record_send_rate gauge\n")
          .contains("# TYPE kafka_consumer_fetch_manager_records_lag gauge\n");
      assertThat(TestHttp.samples(text))
          .hasEntrySatisfying("kafka_producer_record_send_total{client_id=\"producer-1\",kafka_version=\"unknown\"}",
              total -> assertThat(total).isEqualTo(3.0))
          .containsEntry("kafka_consumer_fetch_manager_records_lag{client_id=\"consumer-1\",kafka_version=\"unknown\","
              + "partition=\"0\",topic=\"plant.telemetry\"}", 42.0)
          .doesNotContainKey("kafka_consumer_fetch_manager_records_lag{client_id=\"consumer-1\","
              + "kafka_version=\"unknown\",partition=\"0\",topic=\"plant_telemetry\"}");
    } finally {
      kafka.close();
    }
  }

  @Test
  void familiesExportExactlyTheLabelSetsOfTheirLastValues() {
    try (CommandMetrics metrics = new CommandMetrics()) {
      ScrapedFamily dlq = new ScrapedFamily(metrics.registry(), "plantstream_dlq_records_total",
          "DLQ records by reason.", Type.COUNTER);
      ScrapedFamily lag = new ScrapedFamily(metrics.registry(), "plantstream_kpi_emission_lag_seconds_max",
          "Emission lag.", Type.GAUGE);
      dlq.set(Map.of(Tags.of("reason", "corrupt"), 3.0, Tags.of("reason", "future-skew"), 0.0));
      lag.set(Map.of(Tags.of("topic", "plant.kpi.site.1m", "task", "2_0"), 12.5));

      String text = metrics.scrape();
      assertThat(text).contains("""
          # HELP plantstream_dlq_records_total DLQ records by reason.
          # TYPE plantstream_dlq_records_total counter
          """).contains("# TYPE plantstream_kpi_emission_lag_seconds_max gauge\n");
      assertThat(TestHttp.samples(text))
          .containsEntry("plantstream_dlq_records_total{reason=\"corrupt\"}", 3.0)
          .containsEntry("plantstream_dlq_records_total{reason=\"future-skew\"}", 0.0)
          .containsEntry("plantstream_kpi_emission_lag_seconds_max{task=\"2_0\",topic=\"plant.kpi.site.1m\"}", 12.5);

      dlq.set(Map.of(Tags.of("reason", "corrupt"), 4.0));
      lag.set(Map.of());
      assertThat(TestHttp.samples(metrics.scrape()))
          .containsEntry("plantstream_dlq_records_total{reason=\"corrupt\"}", 4.0)
          .doesNotContainKey("plantstream_dlq_records_total{reason=\"future-skew\"}")
          .noneSatisfy((name, value) -> assertThat(name).startsWith("plantstream_kpi_emission_lag_seconds_max"));
    }
  }

  @Test
  void scrapeRunsTheUpdatesFirstAndIsServedAsPrometheusText() {
    try (CommandMetrics metrics = new CommandMetrics()) {
      ScrapedFamily up = new ScrapedFamily(metrics.registry(), "plantstream_up", "Up.", Type.GAUGE);
      metrics.beforeScrape(() -> up.set(Map.of(Tags.empty(), 1.0)));

      ApiResponse response = metrics.response();
      assertThat(response.status()).isEqualTo(200);
      assertThat(response.contentType()).isEqualTo("text/plain; version=0.0.4; charset=utf-8");
      assertThat(TestHttp.samples(response.bodyText())).containsEntry("plantstream_up", 1.0);
    }
  }

  @Test
  void aCountersNameEndsInTotalAndAGaugesDoesNot() {
    try (CommandMetrics metrics = new CommandMetrics()) {
      assertThatThrownBy(() -> new ScrapedFamily(metrics.registry(), "plantstream_dlq_records", "x", Type.COUNTER))
          .isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> new ScrapedFamily(metrics.registry(), "plantstream_x_total", "x", Type.GAUGE))
          .isInstanceOf(IllegalArgumentException.class);
    }
  }
}
