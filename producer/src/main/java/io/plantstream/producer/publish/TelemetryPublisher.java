package io.plantstream.producer.publish;

import io.plantstream.avro.TelemetryEvent;
import io.plantstream.producer.TelemetrySink;
import io.plantstream.schemas.Topic;
import java.time.Instant;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Publishes telemetry events to Kafka (docs/architecture.md, Topics): key = machine id, so one machine's
 * events stay in order on one partition; stamped with the event time, which the broker replaces with
 * its arrival time on the project's LogAppendTime topics (docs/wire-format.md, Record timestamps). A failed send is remembered and
 * thrown, with topic and machine id, from the next {@link #accept}, {@link #flush} or {@link #close}.
 *
 * <p>The producer carries bytes: events are encoded here, byte for byte as the topic's value serde
 * would ({@link TelemetryEncoder}, faster), which also lets fault injection publish bytes that are
 * not an event at all ({@link #acceptRaw}). Not thread-safe: one thread publishes.
 */
public final class TelemetryPublisher implements TelemetrySink, AutoCloseable {

  private final RecordPublisher<byte[]> publisher;
  private final TelemetryEncoder encoder;
  private Consumer<String> acknowledgedIds;

  /** A publisher with its own producer built from {@code clientProperties} (plus project defaults). */
  public TelemetryPublisher(Map<String, Object> clientProperties, Topic<String, TelemetryEvent> topic) {
    this(new KafkaProducer<>(ProducerConfigs.withDefaults(clientProperties), new StringSerializer(),
        new ByteArraySerializer()), topic);
  }

  /**
   * A publisher sending with {@code producer}, which it closes when closed, or at once if the
   * topic's serde cannot be used (a schema registry that refuses its schema or cannot be reached).
   */
  public TelemetryPublisher(Producer<String, byte[]> producer, Topic<String, TelemetryEvent> topic) {
    try {
      this.encoder = TelemetryEncoder.forSerde(topic.valueSerde(), topic.name());
    } catch (RuntimeException unusable) {
      producer.close();
      throw unusable;
    }
    this.publisher = new RecordPublisher<>(producer, topic.name());
  }

  /**
   * Hands the id of each event the broker has acknowledged to {@code listener}, for an audit of
   * what must be on the topic. It runs on the producer's I/O thread, so it must be quick and
   * thread-safe. Set it before the first send.
   */
  public TelemetryPublisher onAcknowledged(Consumer<String> listener) {
    this.acknowledgedIds = listener;
    return this;
  }

  /** Sends one event asynchronously; throws if an earlier send failed. */
  @Override
  public void accept(TelemetryEvent event) {
    Consumer<String> listener = acknowledgedIds;
    String eventId = event.getEventId();
    publisher.send(event.getMachineId(), encoder.encode(event), event.getEventTime().toEpochMilli(),
        listener == null ? null : () -> listener.accept(eventId));
  }

  /** Sends {@code value} as it is, keyed by {@code machineId} and stamped {@code timestamp}: for corrupt-record faults. */
  @Override
  public void acceptRaw(String machineId, Instant timestamp, byte[] value) {
    publisher.send(machineId, value, timestamp.toEpochMilli());
  }

  /** Waits until every event sent is acknowledged; throws the first failure. */
  @Override
  public void flush() {
    publisher.flush();
  }

  /** Records handed to the producer so far. */
  public long sent() {
    return publisher.sent();
  }

  /** Records the broker acknowledged so far. */
  public long acknowledged() {
    return publisher.acknowledged();
  }

  /** The Kafka producer's own metrics (send rate, errors, latency, buffer), safe to read from any thread. */
  public Map<MetricName, ? extends Metric> metrics() {
    return publisher.metrics();
  }

  /** Completes outstanding sends and closes the producer; throws a failure not reported before. */
  @Override
  public void close() {
    publisher.close();
  }
}
