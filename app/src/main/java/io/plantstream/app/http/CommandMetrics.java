package io.plantstream.app.http;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Supplier;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.streams.KafkaStreams;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What one command serves on {@code GET /metrics}: one Micrometer {@link PrometheusMeterRegistry}
 * holding the command's own {@code plantstream_*} meters and Kafka's client metrics, bound by
 * Micrometer's binders ({@link KafkaStreamsMetrics} for a Kafka Streams application,
 * {@link KafkaClientMetrics} for a client), so every command maps Kafka's metrics the same way.
 *
 * <p>The binders' mapping: Kafka's metric {@code <name>} of group {@code <group>} is the meter
 * {@code kafka.<group without "-metrics">.<name>}, dashes as dots, with Kafka's tags (dashes as
 * dots) and {@code kafka.version}; in Prometheus {@code kafka_<group>_<name>} with labels such as
 * {@code client_id}, {@code thread_id}, {@code task_id}, {@code kafka_version}. It is a counter when
 * Kafka measures it as a cumulative sum or count (the {@code -total} metrics), a gauge otherwise.
 * A metric Kafka registers with and without a label (per topic and per client) is exported with it
 * only. The binders look for new Kafka metrics every {@link #KAFKA_REFRESH}; the consumers' second,
 * older spelling of dotted topic names (dots as underscores) is left out.
 */
public final class CommandMetrics implements AutoCloseable {

  /** The {@code Content-Type} of {@link #scrape()}: the Prometheus text format, version 0.0.4. */
  public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  /** How often the Kafka binders look for metrics that appeared or went (tasks, partitions, topics). */
  static final Duration KAFKA_REFRESH = Duration.ofSeconds(5);

  private static final Logger log = LoggerFactory.getLogger(CommandMetrics.class);

  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final ScheduledExecutorService kafkaRefresh = Executors.newSingleThreadScheduledExecutor(task -> {
    Thread thread = new Thread(task, "kafka-metrics-refresh");
    thread.setDaemon(true);
    return thread;
  });
  private final List<AutoCloseable> binders = new CopyOnWriteArrayList<>();
  private final List<Runnable> beforeScrape = new CopyOnWriteArrayList<>();
  private final TopicSpellings topics = new TopicSpellings();

  /**
   * Of Kafka Streams' per-store metrics ({@code kafka.stream.state.*}, one series per store, task
   * and metric: more than half of a scrape), the RocksDB memory and size properties: what operating
   * the application needs. The others (put, get, flush rates and latencies) are recorded only at
   * the DEBUG recording level and are zero or NaN at the default INFO.
   */
  static final Set<String> STATE_METRICS_KEPT = Set.of("size.all.mem.tables", "cur.size.all.mem.tables",
      "block.cache.usage", "block.cache.pinned.usage", "estimate.num.keys", "estimate.table.readers.mem",
      "total.sst.files.size", "live.sst.files.size");

  private static final String STATE_METRICS = "kafka.stream.state.";

  /** An empty registry. */
  public CommandMetrics() {
    registry.config().meterFilter(MeterFilter.deny(topics::isOlderSpelling));
    registry.config().meterFilter(MeterFilter.deny(id -> id.getName().startsWith(STATE_METRICS)
        && !STATE_METRICS_KEPT.contains(id.getName().substring(STATE_METRICS.length()))));
    registry.config().onMeterRegistrationFailed((id, reason) -> log.debug("meter {} not exported: {}", id, reason));
  }

  /** The registry, for the command's own meters. */
  public MeterRegistry registry() {
    return registry;
  }

  /** Exports the metrics of {@code streams} and of its clients (consumers, producers, admin). */
  public void bind(KafkaStreams streams) {
    topics.add(streams::metrics);
    KafkaStreamsMetrics binder = new KafkaStreamsMetrics(streams, Tags.empty(), kafkaRefresh, KAFKA_REFRESH);
    binders.add(binder);
    binder.bindTo(registry);
  }

  /** Exports the metrics of {@code producer}. */
  public void bind(Producer<?, ?> producer) {
    topics.add(producer::metrics);
    KafkaClientMetrics binder = new KafkaClientMetrics(producer, Tags.empty(), kafkaRefresh, KAFKA_REFRESH);
    binders.add(binder);
    binder.bindTo(registry);
  }

  /** Runs {@code update} before each scrape: for meters whose label sets are only known then. */
  public void beforeScrape(Runnable update) {
    beforeScrape.add(update);
  }

  /** Every meter in the Prometheus text format, version 0.0.4 ({@link #CONTENT_TYPE}), read now. */
  public synchronized String scrape() {
    for (Runnable update : beforeScrape) {
      update.run();
    }
    return registry.scrape(CONTENT_TYPE);
  }

  /** {@code GET /metrics}: 200 with {@link #scrape()}. */
  public ApiResponse response() {
    return ApiResponse.text(200, CONTENT_TYPE, scrape());
  }

  /** Stops the binders and removes their meters. */
  @Override
  public void close() {
    for (AutoCloseable binder : binders) {
      try {
        binder.close();
      } catch (Exception e) {
        log.debug("could not close a metrics binder: {}", e.toString());
      }
    }
    kafkaRefresh.shutdownNow();
    registry.close();
  }

  /**
   * The topic names in the Kafka clients' metrics. Consumers tag their per-topic and per-partition
   * metrics twice when a topic's name has a dot: with the name, and with the dots as underscores
   * (an older spelling kept for compatibility). Kafka refuses topics whose names differ only there,
   * so a name without dots that is another's older spelling names no topic of its own.
   */
  static final class TopicSpellings {

    private final List<Supplier<? extends Map<MetricName, ? extends Metric>>> clients = new CopyOnWriteArrayList<>();
    private Set<String> seen = Set.of();
    private Set<String> older = Set.of();

    void add(Supplier<? extends Map<MetricName, ? extends Metric>> metrics) {
      clients.add(metrics);
    }

    /** Whether {@code id} is a Kafka meter tagged with the older spelling of a topic name. */
    boolean isOlderSpelling(Meter.Id id) {
      String topic = id.getTag("topic");
      if (topic == null || topic.indexOf('.') >= 0 || !id.getName().startsWith("kafka.")) {
        return false;
      }
      synchronized (this) {
        if (!seen.contains(topic)) {
          // A topic not seen before: its metrics are registered by now, the dotted name's first.
          Set<String> names = new HashSet<>();
          Set<String> underscored = new HashSet<>();
          for (Supplier<? extends Map<MetricName, ? extends Metric>> client : clients) {
            for (MetricName metric : client.get().keySet()) {
              String name = metric.tags().get("topic");
              if (name != null && names.add(name) && name.indexOf('.') >= 0) {
                underscored.add(name.replace('.', '_'));
              }
            }
          }
          seen = names;
          older = underscored;
        }
        return older.contains(topic);
      }
    }
  }
}
