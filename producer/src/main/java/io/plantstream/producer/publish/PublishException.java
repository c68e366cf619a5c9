package io.plantstream.producer.publish;

import org.apache.kafka.common.KafkaException;

/** Records could not be published; the message names the topic and the key (machine id). */
public final class PublishException extends KafkaException {

  private static final long serialVersionUID = 1L;

  private final String topic;

  /** A failure with its context and cause. */
  public PublishException(String message, Throwable cause) {
    this(null, message, cause);
  }

  /** A failure to publish to {@code topic}, with its context and cause. */
  public PublishException(String topic, String message, Throwable cause) {
    super(message, cause);
    this.topic = topic;
  }

  /** The topic the records were for, or null when not known. */
  public String topic() {
    return topic;
  }
}
