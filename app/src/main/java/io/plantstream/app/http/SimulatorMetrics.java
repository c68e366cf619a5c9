package io.plantstream.app.http;

import io.plantstream.app.http.PrometheusText.MetricFamily;
import io.plantstream.app.http.PrometheusText.Sample;
import io.plantstream.app.http.PrometheusText.Type;
import io.plantstream.avro.TelemetryEvent;
import io.plantstream.producer.PayloadKind;
import io.plantstream.producer.TelemetrySink;
import io.plantstream.producer.fault.FaultCounts;
import io.plantstream.producer.fault.FaultInjector;
import io.plantstream.producer.publish.TelemetryPublisher;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.LongAdder;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;

/**
 * What a running simulator has published, for {@code GET /metrics} of {@code plant simulate
 * --http-port}: it sits between the simulation and its {@link TelemetryPublisher}, counts each
 * event by payload kind on the way, and renders those counts, the broker's acknowledgements, the
 * simulated time reached, the faults injected so far and the producer's own key metrics as
 * Prometheus text. The counts are written by the simulating thread and read by HTTP threads.
 */
public final class SimulatorMetrics implements TelemetrySink {

  /** Producer metrics worth a dashboard, from Kafka's {@code producer-metrics} group. */
  private static final Set<String> PRODUCER_METRICS = Set.of("record-send-rate", "record-send-total",
      "record-error-total", "record-retry-total", "request-latency-avg", "request-latency-max",
      "batch-size-avg", "compression-rate-avg", "buffer-available-bytes", "record-queue-time-avg");

  private final TelemetryPublisher publisher;
  private final FaultInjector faults;
  private final Map<PayloadKind, LongAdder> events = new EnumMap<>(PayloadKind.class);
  private final LongAdder corrupt = new LongAdder();
  private volatile long simulatedTime = Long.MIN_VALUE;

  /** Counts what goes to {@code publisher}; {@code faults} (null: none) says what was injected. */
  public SimulatorMetrics(TelemetryPublisher publisher, FaultInjector faults) {
    this.publisher = publisher;
    this.faults = faults;
    for (PayloadKind kind : PayloadKind.values()) {
      events.put(kind, new LongAdder());
    }
  }

  @Override
  public void accept(TelemetryEvent event) {
    publisher.accept(event);
    events.get(PayloadKind.of(event)).increment();
    long time = event.getEventTime().toEpochMilli();
    if (time > simulatedTime) {
      simulatedTime = time;
    }
  }

  @Override
  public void acceptRaw(String machineId, Instant timestamp, byte[] value) {
    publisher.acceptRaw(machineId, timestamp, value);
    corrupt.increment();
  }

  @Override
  public void flush() {
    publisher.flush();
  }

  /** {@code GET /metrics} (Prometheus text) and {@code GET /health} (200 while it runs) over these metrics. */
  public Router router() {
    return new Router()
        .get("/health", request -> ApiResponse.json(200, Map.of("state", "RUNNING")))
        .get("/metrics", request -> ApiResponse.text(200, PrometheusText.CONTENT_TYPE, scrape()));
  }

  /** The metrics as Prometheus text. */
  public String scrape() {
    List<MetricFamily> families = new ArrayList<>();
    List<Sample> byKind = new ArrayList<>();
    events.forEach((kind, count) -> byKind.add(
        new Sample(Map.of("kind", kind.name().toLowerCase(Locale.ROOT).replace('_', '-')), count.sum())));
    byKind.add(new Sample(Map.of("kind", "corrupt"), corrupt.sum()));
    families.add(new MetricFamily("plantstream_simulator_records_sent_total",
        "Records handed to the producer, by payload kind (corrupt: deliberately undecodable bytes).",
        Type.COUNTER, byKind));
    families.add(new MetricFamily("plantstream_simulator_records_acknowledged_total",
        "Records the broker acknowledged.", Type.COUNTER, List.of(Sample.of(publisher.acknowledged()))));
    long time = simulatedTime;
    families.add(new MetricFamily("plantstream_simulator_simulated_time_seconds",
        "Event time of the newest event published, in seconds since the epoch.", Type.GAUGE,
        time == Long.MIN_VALUE ? List.of() : List.of(Sample.of(time / 1000.0))));
    if (faults != null) {
      families.add(new MetricFamily("plantstream_simulator_faults_injected_total",
          "Faults injected so far, by kind.", Type.COUNTER, faultSamples(faults.counts())));
    }
    families.addAll(producerMetrics(publisher.metrics()));
    return PrometheusText.render(families);
  }

  private static List<Sample> faultSamples(FaultCounts counts) {
    return List.of(
        new Sample(Map.of("fault", "late"), counts.late()),
        new Sample(Map.of("fault", "out-of-order"), counts.outOfOrder()),
        new Sample(Map.of("fault", "duplicate"), counts.duplicates()),
        new Sample(Map.of("fault", "corrupt"), counts.corrupt()),
        new Sample(Map.of("fault", "skewed-event"), counts.skewedEvents()),
        new Sample(Map.of("fault", "silenced-event"), counts.silencedEvents()));
  }

  private static List<MetricFamily> producerMetrics(Map<MetricName, ? extends Metric> metrics) {
    List<MetricFamily> families = new ArrayList<>();
    metrics.entrySet().stream()
        .filter(entry -> entry.getKey().group().equals("producer-metrics")
            && PRODUCER_METRICS.contains(entry.getKey().name()))
        .sorted(Map.Entry.comparingByKey((a, b) -> a.name().compareTo(b.name())))
        .forEach(entry -> {
          Object value = entry.getValue().metricValue();
          if (value instanceof Number number && Double.isFinite(number.doubleValue())) {
            families.add(new MetricFamily(PrometheusText.metricName("kafka_producer_" + entry.getKey().name()),
                entry.getKey().description(), Type.GAUGE, List.of(Sample.of(number.doubleValue()))));
          }
        });
    return families;
  }
}
