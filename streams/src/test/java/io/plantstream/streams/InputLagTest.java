package io.plantstream.streams;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.metrics.KafkaMetric;
import org.apache.kafka.common.metrics.MetricConfig;
import org.apache.kafka.common.utils.Time;
import org.junit.jupiter.api.Test;

/** InputLag reads the consumer's records-lag as Kafka names it: the topic tag has '_' for '.'. */
class InputLagTest {

  @Test
  void readsTheLagOfItsTopicsPartitionsFromTheConsumersMetrics() {
    InputLag lag = new InputLag("plant.telemetry");
    Map<MetricName, Metric> metrics = new HashMap<>();
    put(metrics, "plant_telemetry", "0", 120.0);
    put(metrics, "plant_telemetry", "1", 0.0);
    put(metrics, "plant_kpi_site_1m", "2", 50.0);
    lag.update(metrics);
    assertThat(lag.caughtUp(0)).as("120 records behind").isFalse();
    assertThat(lag.caughtUp(1)).isTrue();
    assertThat(lag.caughtUp(2)).as("another topic's partition 2 says nothing of ours").isTrue();

    put(metrics, "plant_telemetry", "0", 0.0);
    lag.update(metrics);
    assertThat(lag.caughtUp(0)).isTrue();
  }

  private static void put(Map<MetricName, Metric> metrics, String topic, String partition, double value) {
    MetricName name = new MetricName(InputLag.METRIC, InputLag.GROUP, "",
        Map.of("client-id", "c", "topic", topic, "partition", partition));
    metrics.put(name, new KafkaMetric(new Object(), name, (config, now) -> value, new MetricConfig(), Time.SYSTEM));
  }
}
