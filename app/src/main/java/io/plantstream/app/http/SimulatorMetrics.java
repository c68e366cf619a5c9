package io.plantstream.app.http;

import io.micrometer.core.instrument.Tags;
import io.plantstream.app.http.ScrapedFamily.Type;
import io.plantstream.avro.TelemetryEvent;
import io.plantstream.producer.PayloadKind;
import io.plantstream.producer.TelemetrySink;
import io.plantstream.producer.fault.FaultCounts;
import io.plantstream.producer.fault.FaultInjector;
import io.plantstream.producer.publish.TelemetryPublisher;
import java.time.Instant;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * What a running simulator has published, for {@code GET /metrics} of {@code plant simulate
 * --http-port}: it sits between the simulation and its {@link TelemetryPublisher}, counts each
 * event by payload kind on the way, and exports those counts, the broker's acknowledgements, the
 * simulated time reached and the faults injected so far as meters of the command's
 * {@link CommandMetrics}, where Micrometer's Kafka binder exports the producer's own metrics. The
 * counts are written by the simulating thread and read by HTTP threads.
 */
public final class SimulatorMetrics implements TelemetrySink {

  private final TelemetryPublisher publisher;
  private final FaultInjector faults;
  private final CommandMetrics metrics;
  private final Map<PayloadKind, LongAdder> events = new EnumMap<>(PayloadKind.class);
  private final LongAdder corrupt = new LongAdder();
  private volatile long simulatedTime = Long.MIN_VALUE;
  private final ScrapedFamily sent;
  private final ScrapedFamily acknowledged;
  private final ScrapedFamily clock;
  private final ScrapedFamily injected;

  /**
   * Counts what goes to {@code publisher}; {@code faults} (null: none) says what was injected; the
   * meters go to {@code metrics}.
   */
  public SimulatorMetrics(TelemetryPublisher publisher, FaultInjector faults, CommandMetrics metrics) {
    this.publisher = publisher;
    this.faults = faults;
    this.metrics = metrics;
    for (PayloadKind kind : PayloadKind.values()) {
      events.put(kind, new LongAdder());
    }
    var registry = metrics.registry();
    sent = new ScrapedFamily(registry, "plantstream_simulator_records_sent_total",
        "Records handed to the producer, by payload kind (corrupt: deliberately undecodable bytes).", Type.COUNTER);
    acknowledged = new ScrapedFamily(registry, "plantstream_simulator_records_acknowledged_total",
        "Records the broker acknowledged.", Type.COUNTER);
    clock = new ScrapedFamily(registry, "plantstream_simulator_simulated_time_seconds",
        "Event time of the newest event published, in seconds since the epoch.", Type.GAUGE);
    injected = new ScrapedFamily(registry, "plantstream_simulator_faults_injected_total",
        "Faults injected so far, by kind.", Type.COUNTER);
    metrics.beforeScrape(this::update);
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
        .get("/metrics", request -> metrics.response());
  }

  /** Reads every value now. */
  private void update() {
    Map<Tags, Double> byKind = new HashMap<>();
    events.forEach((kind, count) -> byKind.put(
        Tags.of("kind", kind.name().toLowerCase(Locale.ROOT).replace('_', '-')), (double) count.sum()));
    byKind.put(Tags.of("kind", "corrupt"), (double) corrupt.sum());
    sent.set(byKind);
    acknowledged.set(Map.of(Tags.empty(), (double) publisher.acknowledged()));
    long newest = simulatedTime;
    clock.set(newest == Long.MIN_VALUE ? Map.of() : Map.of(Tags.empty(), newest / 1000.0));
    if (faults != null) {
      injected.set(faultCounts(faults.counts()));
    }
  }

  private static Map<Tags, Double> faultCounts(FaultCounts counts) {
    return Map.of(
        Tags.of("fault", "late"), (double) counts.late(),
        Tags.of("fault", "out-of-order"), (double) counts.outOfOrder(),
        Tags.of("fault", "duplicate"), (double) counts.duplicates(),
        Tags.of("fault", "corrupt"), (double) counts.corrupt(),
        Tags.of("fault", "skewed-event"), (double) counts.skewedEvents(),
        Tags.of("fault", "silenced-event"), (double) counts.silencedEvents());
  }
}
