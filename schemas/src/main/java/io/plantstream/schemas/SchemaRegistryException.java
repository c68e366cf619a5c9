package io.plantstream.schemas;

import org.apache.kafka.common.KafkaException;

/**
 * The schema registry could not be used: unreachable, not a registry, a schema refused, an answer
 * that makes no sense. The message is one line that names the registry. Unlike a
 * {@link org.apache.kafka.common.errors.SerializationException} it says nothing about the record
 * at hand, so a record is never dead-lettered for it.
 */
public class SchemaRegistryException extends KafkaException {

  private static final long serialVersionUID = 1L;

  /** An error with its one-line message. */
  public SchemaRegistryException(String message) {
    super(message);
  }
}
