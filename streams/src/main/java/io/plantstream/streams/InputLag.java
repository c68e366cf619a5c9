package io.plantstream.streams;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;

/**
 * How far behind the end of the telemetry topic this instance's consumers are, per partition, as
 * their fetches last reported it (the consumer metric {@value #METRIC} of group {@value #GROUP}).
 * Shared with the machine timelines through the configuration under {@value #CONFIG}, like
 * {@link DeadLetterCounts}: a partition counts as idle only once it is caught up, so a partition
 * whose records wait unread behind a busy stream thread is never taken for a quiet one
 * (docs/kpi-rules.md, "When a site window is final").
 *
 * <p>A partition this instance has no figure for (no fetch yet, or no {@code KafkaStreams} at all,
 * as under TopologyTestDriver) counts as caught up: idleness is then wall-clock time alone.
 */
public final class InputLag {

  /** The configuration key under which the instance's {@code InputLag} travels to its processors. */
  public static final String CONFIG = "plantstream.input.lag";
  /** Kafka's consumer metric of a partition's lag. */
  public static final String METRIC = "records-lag";
  /** The group of that metric. */
  public static final String GROUP = "consumer-fetch-manager-metrics";

  /** The topic as the consumer's metrics tag it: with every '.' made '_'. */
  private final String topicTag;
  private final Map<Integer, Long> lag = new ConcurrentHashMap<>();

  /** Lag on {@code topic}. */
  public InputLag(String topic) {
    this.topicTag = topic.replace('.', '_');
  }

  /** The instance's {@code InputLag} in a configuration, or null. */
  public static InputLag in(Map<?, ?> config) {
    return config.get(CONFIG) instanceof InputLag found ? found : null;
  }

  /** False while the last fetch of {@code partition} left records to read. */
  public boolean caughtUp(int partition) {
    Long behind = lag.get(partition);
    return behind == null || behind <= 0;
  }

  /** Takes the newest figures from a client's metrics (those of {@code KafkaStreams#metrics()}). */
  public void update(Map<MetricName, ? extends Metric> metrics) {
    metrics.forEach((name, metric) -> {
      if (METRIC.equals(name.name()) && GROUP.equals(name.group()) && topicTag.equals(name.tags().get("topic"))
          && name.tags().get("partition") != null && metric.metricValue() instanceof Number value
          && !Double.isNaN(value.doubleValue())) {
        lag.put(Integer.parseInt(name.tags().get("partition")), (long) value.doubleValue());
      }
    });
  }

  /** Sets one partition's figure (for tests). */
  void set(int partition, long records) {
    lag.put(partition, records);
  }
}
