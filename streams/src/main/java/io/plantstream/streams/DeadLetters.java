package io.plantstream.streams;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends bad input to the dead-letter queue ({@code errors.dead.letter.queue.topic.name}) as it was
 * received, with headers saying why, and keeps the application running.
 *
 * <p>Headers: {@value #REASON_HEADER} (corrupt, future-skew, unknown-machine, invalid-field), and
 * Kafka Streams' own {@code __streams.errors.exception}, {@code .message}, {@code .topic},
 * {@code .partition}, {@code .offset}. A processing error that is not a {@link
 * RejectedEventException} is a bug, not bad input: it fails the task (under exactly-once nothing
 * half-done is committed) rather than risk wrong numbers.
 *
 * <p>Each record sent is counted by reason in the application's {@link DeadLetterCounts} (found in
 * the configuration under {@value DeadLetterCounts#CONFIG}), which {@code GET /metrics} exports.
 */
public final class DeadLetters {

  /** Header with plantstream's short reason code. */
  public static final String REASON_HEADER = "plant.dlq.reason";
  /** Reason code of bytes that do not decode. */
  public static final String CORRUPT = "corrupt";

  private static final Logger log = LoggerFactory.getLogger(DeadLetters.class);
  private static final AtomicLong SENT = new AtomicLong();

  private DeadLetters() {}

  /** Records sent to the dead-letter queue by this JVM so far, all applications together. */
  public static long sent() {
    return SENT.get();
  }

  static ProducerRecord<byte[], byte[]> record(String dlqTopic, DeadLetterCounts counts, ErrorHandlerContext context,
      byte[] key, byte[] value, Exception error, String reason) {
    return new ProducerRecord<>(dlqTopic, null, context.timestamp(), key, value,
        headers(counts, error, reason, context.topic(), context.partition(), context.offset()));
  }

  /**
   * Headers for an event the topology itself sends to the DLQ, after holding it (an event ahead of
   * its partition's clock, found wrong when the partition's other machines went on in step).
   */
  static Headers headers(DeadLetterCounts counts, RejectedEventException rejected, String topic, int partition,
      long offset) {
    return headers(counts, rejected, rejected.reason().code(), topic, partition, offset);
  }

  private static Headers headers(DeadLetterCounts counts, Exception error, String reason, String topic,
      int partition, long offset) {
    Headers headers = new RecordHeaders();
    headers.add(REASON_HEADER, bytes(reason));
    headers.add("__streams.errors.exception", bytes(error.getClass().getName()));
    headers.add("__streams.errors.message", bytes(String.valueOf(error.getMessage())));
    headers.add("__streams.errors.topic", bytes(topic));
    headers.add("__streams.errors.partition", bytes(String.valueOf(partition)));
    headers.add("__streams.errors.offset", bytes(String.valueOf(offset)));
    long count = SENT.incrementAndGet();
    if (counts != null) {
      counts.increment(reason);
    }
    if (count <= 10 || count % 1000 == 0) {
      log.warn("to the DLQ ({} so far): {} at {}-{}@{}: {}", count, reason, topic, partition, offset,
          error.getMessage());
    } else {
      log.debug("to the DLQ: {} at {}-{}@{}: {}", reason, topic, partition, offset, error.getMessage());
    }
    return headers;
  }

  private static byte[] bytes(String text) {
    return text == null ? null : text.getBytes(StandardCharsets.UTF_8);
  }

  private static String topic(Map<String, ?> configs) {
    Object topic = configs.get(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG);
    if (topic == null) {
      throw new IllegalStateException(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG + " is not set");
    }
    return topic.toString();
  }

  /** What both handlers read from the configuration: the DLQ topic and this application's counters. */
  private abstract static class Configured {
    String dlqTopic;
    DeadLetterCounts counts;

    public void configure(Map<String, ?> configs) {
      dlqTopic = topic(configs);
      counts = DeadLetterCounts.in(configs);
    }
  }

  /** Records that cannot be deserialized: to the DLQ as {@value #CORRUPT}, and continue. */
  public static final class OnDeserialization extends Configured implements DeserializationExceptionHandler {

    @Override
    public Response handleError(ErrorHandlerContext context, ConsumerRecord<byte[], byte[]> record,
        Exception exception) {
      return Response.resume(List.of(record(dlqTopic, counts, context, record.key(), record.value(), exception,
          CORRUPT)));
    }
  }

  /** Rejected events: to the DLQ with their reason, and continue; anything else fails the task. */
  public static final class OnProcessing extends Configured implements ProcessingExceptionHandler {

    @Override
    public Response handleError(ErrorHandlerContext context, Record<?, ?> record, Exception exception) {
      if (exception instanceof RejectedEventException rejected) {
        return Response.resume(List.of(record(dlqTopic, counts, context, context.sourceRawKey(),
            context.sourceRawValue(), rejected, rejected.reason().code())));
      }
      log.error("processing failed at {}-{}@{} in {}; failing the task", context.topic(), context.partition(),
          context.offset(), context.processorNodeId(), exception);
      return Response.fail();
    }
  }
}
