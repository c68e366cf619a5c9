package io.plantstream.producer.publish;

import org.apache.kafka.common.KafkaException;

/** Records could not be published; the message names the topic and the key (machine id). */
public final class PublishException extends KafkaException {

  private static final long serialVersionUID = 1L;

  /** A failure with its context and cause. */
  public PublishException(String message, Throwable cause) {
    super(message, cause);
  }
}
