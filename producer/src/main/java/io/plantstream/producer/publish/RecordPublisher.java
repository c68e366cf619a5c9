package io.plantstream.producer.publish;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;

/**
 * Sends values to one topic keyed by machine id, counts acknowledgements and remembers the first
 * failure (sends are asynchronous) so that the next call, flush or close reports it with context.
 */
final class RecordPublisher<V> implements AutoCloseable {

  private final Producer<String, V> producer;
  private final String topic;
  private final Function<V, String> key;
  private final AtomicLong sent = new AtomicLong();
  private final AtomicLong acknowledged = new AtomicLong();
  private final AtomicReference<PublishException> failure = new AtomicReference<>();
  private volatile boolean failureReported;

  RecordPublisher(Producer<String, V> producer, String topic, Function<V, String> key) {
    this.producer = producer;
    this.topic = topic;
    this.key = key;
  }

  /** Sends {@code value} stamped {@code timestampMillis} (null: the producer's clock). */
  void send(V value, Long timestampMillis) {
    throwIfFailed();
    String machineId = key.apply(value);
    try {
      producer.send(new ProducerRecord<>(topic, null, timestampMillis, machineId, value), (metadata, exception) -> {
        if (exception == null) {
          acknowledged.incrementAndGet();
        } else {
          failure.compareAndSet(null, failed(machineId, exception));
        }
      });
    } catch (KafkaException e) {
      failure.compareAndSet(null, failed(machineId, e));
      throwIfFailed();
    }
    sent.incrementAndGet();
  }

  /** Waits for every send to complete; throws the first failure. */
  void flush() {
    producer.flush();
    throwIfFailed();
  }

  long sent() {
    return sent.get();
  }

  long acknowledged() {
    return acknowledged.get();
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

  private PublishException failed(String machineId, Exception cause) {
    return new PublishException(
        "cannot publish to topic " + topic + " (machine " + machineId + "): " + cause.getMessage(), cause);
  }
}
