package io.plantstream.producer.publish;

import io.plantstream.avro.TelemetryEvent;
import io.plantstream.producer.TelemetrySink;
import io.plantstream.schemas.Topic;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;

/**
 * Publishes telemetry events to Kafka (SPEC §3): key = machine id, so one machine's events stay
 * in order on one partition; record timestamp = event time. A failed send is remembered and
 * thrown, with topic and machine id, from the next {@link #accept}, {@link #flush} or {@link #close}.
 */
public final class TelemetryPublisher implements TelemetrySink, AutoCloseable {

  private final RecordPublisher<TelemetryEvent> publisher;

  /** A publisher with its own producer built from {@code clientProperties} (plus project defaults). */
  public TelemetryPublisher(Map<String, Object> clientProperties, Topic<String, TelemetryEvent> topic) {
    this(new KafkaProducer<>(ProducerConfigs.withDefaults(clientProperties),
        topic.keySerde().serializer(), topic.valueSerde().serializer()), topic);
  }

  /** A publisher sending with {@code producer}, which it closes when closed. */
  public TelemetryPublisher(Producer<String, TelemetryEvent> producer, Topic<String, TelemetryEvent> topic) {
    this.publisher = new RecordPublisher<>(producer, topic.name(), TelemetryEvent::getMachineId);
  }

  /** Sends one event asynchronously; throws if an earlier send failed. */
  @Override
  public void accept(TelemetryEvent event) {
    publisher.send(event, event.getEventTime().toEpochMilli());
  }

  /** Waits until every event sent is acknowledged; throws the first failure. */
  @Override
  public void flush() {
    publisher.flush();
  }

  /** Events handed to the producer so far. */
  public long sent() {
    return publisher.sent();
  }

  /** Events the broker acknowledged so far. */
  public long acknowledged() {
    return publisher.acknowledged();
  }

  /** Completes outstanding sends and closes the producer; throws a failure not reported before. */
  @Override
  public void close() {
    publisher.close();
  }
}
