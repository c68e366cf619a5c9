package io.plantstream.app.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.plantstream.app.http.PrometheusText.MetricFamily;
import io.plantstream.app.http.PrometheusText.Sample;
import io.plantstream.app.http.PrometheusText.Type;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.MetricName;
import org.junit.jupiter.api.Test;

/** The Prometheus text exposition: HELP and TYPE once per family, labels, escaping, special values. */
class PrometheusTextTest {

  @Test
  void rendersEachFamilyWithHelpTypeAndOneLinePerSample() {
    String text = PrometheusText.render(List.of(
        new MetricFamily("plantstream_dlq_records_total", "DLQ records by reason.", Type.COUNTER, List.of(
            new Sample(Map.of("reason", "corrupt"), 3),
            new Sample(Map.of("reason", "future-skew"), 0))),
        new MetricFamily("plantstream_events_in_per_second", "Events per second.", Type.GAUGE,
            List.of(Sample.of(12.5)))));

    assertThat(text).isEqualTo("""
        # HELP plantstream_dlq_records_total DLQ records by reason.
        # TYPE plantstream_dlq_records_total counter
        plantstream_dlq_records_total{reason="corrupt"} 3
        plantstream_dlq_records_total{reason="future-skew"} 0
        # HELP plantstream_events_in_per_second Events per second.
        # TYPE plantstream_events_in_per_second gauge
        plantstream_events_in_per_second 12.5
        """);
  }

  @Test
  void sortsLabelsAndEscapesLabelValuesAndHelp() {
    String text = PrometheusText.render(List.of(new MetricFamily("m", "a \\ back\nslash", Type.GAUGE,
        List.of(new Sample(Map.of("z", "last", "a", "say \"hi\"\\n\n"), 1)))));

    assertThat(text).isEqualTo("""
        # HELP m a \\\\ back\\nslash
        # TYPE m gauge
        m{a="say \\"hi\\"\\\\n\\n",z="last"} 1
        """);
  }

  @Test
  void writesSpecialValuesAsPrometheusSpellsThem() {
    assertThat(PrometheusText.number(Double.NaN)).isEqualTo("NaN");
    assertThat(PrometheusText.number(Double.POSITIVE_INFINITY)).isEqualTo("+Inf");
    assertThat(PrometheusText.number(Double.NEGATIVE_INFINITY)).isEqualTo("-Inf");
    assertThat(PrometheusText.number(42.0)).isEqualTo("42");
    assertThat(PrometheusText.number(-0.25)).isEqualTo("-0.25");
    assertThat(PrometheusText.number(1.7e18)).isEqualTo("1.7E18");
  }

  @Test
  void mergesFamiliesOfOneNameAndLeavesOutEmptyOnes() {
    String text = PrometheusText.render(List.of(
        new MetricFamily("late_total", "Late events.", Type.COUNTER, List.of(new Sample(Map.of("task", "0_0"), 1))),
        new MetricFamily("empty", "Nothing yet.", Type.GAUGE, List.of()),
        new MetricFamily("late_total", "Ignored help.", Type.GAUGE, List.of(new Sample(Map.of("task", "0_1"), 2)))));

    assertThat(text).isEqualTo("""
        # HELP late_total Late events.
        # TYPE late_total counter
        late_total{task="0_0"} 1
        late_total{task="0_1"} 2
        """);
  }

  @Test
  void makesValidNamesAndRejectsInvalidOnes() {
    assertThat(PrometheusText.metricName("kafka_stream-thread_process-rate")).isEqualTo("kafka_stream_thread_process_rate");
    assertThat(PrometheusText.metricName("0day")).isEqualTo("_0day");
    assertThat(PrometheusText.labelName("thread-id")).isEqualTo("thread_id");
    assertThat(PrometheusText.labelName("a:b")).isEqualTo("a_b");
    assertThatThrownBy(() -> new MetricFamily("bad-name", "help", Type.GAUGE, List.of()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("bad-name");
  }

  @Test
  void namesKafkaMetricsAfterTheirGroupAndCountsTotals() {
    MetricFamily rate = KpiMetrics.kafkaFamily(new MetricName("process-rate", "stream-thread-metrics",
        "The average number of records processed per second", Map.of("thread-id", "t1")));
    MetricFamily total = KpiMetrics.kafkaFamily(new MetricName("dropped-records-total", "stream-task-metrics",
        "", Map.of()));

    assertThat(rate.name()).isEqualTo("kafka_stream_thread_process_rate");
    assertThat(rate.type()).isEqualTo(Type.GAUGE);
    assertThat(rate.help()).isEqualTo("The average number of records processed per second");
    assertThat(total.name()).isEqualTo("kafka_stream_task_dropped_records_total");
    assertThat(total.type()).isEqualTo(Type.COUNTER);
    assertThat(total.help()).isEqualTo("Kafka metric stream-task-metrics dropped-records-total");
  }
}
