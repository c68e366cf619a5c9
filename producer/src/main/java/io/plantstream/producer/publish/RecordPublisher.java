package io.plantstream.producer.publish;

import java.time.Instant;
import java.util.Collection;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;

/**
 * Sends values to one topic keyed by machine id (or site id), counts acknowledgements and remembers
 * the first failure (sends are asynchronous) so that the next call, flush or close reports it with
 * context.
 */
final class RecordPublisher<V> implements AutoCloseable {

  private final Producer<String, V> producer;
  private final String topic;
  private final String keyName;
  private final AtomicLong acknowledged = new AtomicLong();
  private final AtomicReference<PublishException> failure = new AtomicReference<>();
  private long sent;
  private volatile boolean failureReported;

  RecordPublisher(Producer<String, V> producer, String topic) {
    this(producer, topic, "machine");
  }

  /** A publisher whose failures name the key as a {@code keyName}, e.g. {@code site tsmc-phx}. */
  RecordPublisher(Producer<String, V> producer, String topic, String keyName) {
    this.producer = producer;
    this.topic = topic;
    this.keyName = keyName;
  }

  /**
   * Publishes each of {@code values} keyed by {@code keyOf} with {@code producer} (closed afterwards),
   * stamped {@code timestamp} (null: the producer's clock); returns the count acknowledged, throws
   * on any failure, naming the key as a {@code keyName}. What a metadata topic's publisher does.
   */
  static <V> long publishAll(Producer<String, V> producer, String topic, String keyName, Collection<V> values,
      Function<V, String> keyOf, Instant timestamp) {
    Long millis = timestamp == null ? null : timestamp.toEpochMilli();
    try (RecordPublisher<V> publisher = new RecordPublisher<>(producer, topic, keyName)) {
      for (V value : values) {
        publisher.send(keyOf.apply(value), value, millis);
      }
      publisher.flush();
      return publisher.acknowledged();
    }
  }

  /** Sends {@code value} keyed {@code machineId}, stamped {@code timestampMillis} (null: the producer's clock). */
  void send(String machineId, V value, Long timestampMillis) {
    send(machineId, value, timestampMillis, null);
  }

  /** As {@link #send(String, Object, Long)}, running {@code onAcknowledged} (if not null) once the broker acknowledged it. */
  void send(String machineId, V value, Long timestampMillis, Runnable onAcknowledged) {
    throwIfFailed();
    try {
      producer.send(new ProducerRecord<>(topic, null, timestampMillis, machineId, value),
          new Acknowledgement(machineId, onAcknowledged));
    } catch (KafkaException e) {
      failure.compareAndSet(null, failed(machineId, e));
      throwIfFailed();
    }
    sent++;
  }

  /** Waits for every send to complete; throws the first failure. */
  void flush() {
    producer.flush();
    throwIfFailed();
  }

  long sent() {
    return sent;
  }

  long acknowledged() {
    return acknowledged.get();
  }

  /** The producer's own metrics. */
  java.util.Map<org.apache.kafka.common.MetricName, ? extends org.apache.kafka.common.Metric> metrics() {
    return producer.metrics();
  }

  /** Closes the producer (completing sends); throws a failure not reported before. */
  @Override
  public void close() {
    producer.close();
    if (!failureReported) {
      throwIfFailed();
    }
  }

  private void throwIfFailed() {
    PublishException e = failure.get();
    if (e != null) {
      failureReported = true;
      throw e;
    }
  }

  private PublishException failed(String key, Exception cause) {
    return new PublishException(topic,
        "cannot publish to topic " + topic + " (" + keyName + " " + key + "): " + cause.getMessage(), cause);
  }

  /** Counts the acknowledgement of one record, or keeps its failure with its key. */
  private final class Acknowledgement implements Callback {

    private final String machineId;
    private final Runnable onAcknowledged;

    Acknowledgement(String machineId, Runnable onAcknowledged) {
      this.machineId = machineId;
      this.onAcknowledged = onAcknowledged;
    }

    @Override
    public void onCompletion(org.apache.kafka.clients.producer.RecordMetadata metadata, Exception exception) {
      if (exception == null) {
        acknowledged.incrementAndGet();
        if (onAcknowledged != null) {
          onAcknowledged.run();
        }
      } else {
        failure.compareAndSet(null, failed(machineId, exception));
      }
    }
  }
}
