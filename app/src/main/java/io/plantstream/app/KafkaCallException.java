package io.plantstream.app;

import java.util.Set;
import org.apache.kafka.common.acl.AclOperation;

/**
 * A Kafka call that failed, with the ACL operation it needed: when the cause is a refusal by the
 * cluster's authorizer, {@link Errors} names that operation, the principal and the resource.
 */
final class KafkaCallException extends IllegalStateException {

  private static final long serialVersionUID = 1L;

  private final transient AclOperation operation;
  private final String transactionalIdPrefix;
  private final Set<String> topics;

  /** A failure of a call that needed {@code operation}, with its context in {@code message}. */
  KafkaCallException(String message, AclOperation operation, Throwable cause) {
    this(message, operation, Set.of(), null, cause);
  }

  /** A failure of a call that needed {@code operation} on {@code topics} (those refused, if known). */
  KafkaCallException(String message, AclOperation operation, Set<String> topics, Throwable cause) {
    this(message, operation, topics, null, cause);
  }

  private KafkaCallException(String message, AclOperation operation, Set<String> topics,
      String transactionalIdPrefix, Throwable cause) {
    super(message, cause);
    this.operation = operation;
    this.topics = Set.copyOf(topics);
    this.transactionalIdPrefix = transactionalIdPrefix;
  }

  /** A failure of a client whose transactional ids start with {@code prefix} (Kafka Streams: the application id). */
  static KafkaCallException ofTransactionalClient(String message, AclOperation operation, String prefix,
      Throwable cause) {
    return new KafkaCallException(message, operation, Set.of(), prefix, cause);
  }

  /** The topics the call was refused, when the refusal itself does not name them. */
  Set<String> topics() {
    return topics;
  }

  /** The prefix of the transactional ids of the client that failed (Kafka Streams: the application id), or null. */
  String transactionalIdPrefix() {
    return transactionalIdPrefix;
  }

  /** The operation the call needed on the resource it touched. */
  AclOperation operation() {
    return operation;
  }
}
