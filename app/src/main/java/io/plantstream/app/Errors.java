package io.plantstream.app;

import io.plantstream.producer.publish.PublishException;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.ClusterAuthorizationException;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.TransactionalIdAuthorizationException;

/** Turns exceptions into the one line a user reads. */
final class Errors {

  private Errors() {}

  /** The most telling message of {@code error} and its causes, on one line. */
  static String oneLine(Throwable error) {
    Throwable cause = error;
    while ((cause instanceof ExecutionException || cause.getMessage() == null
        || cause instanceof KafkaException && !(cause instanceof TimeoutException))
        && cause.getCause() != null && cause.getCause() != cause) {
      cause = cause.getCause();
    }
    String message = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
    return flat(message);
  }

  /**
   * The line for {@code error} met by a command that reached Kafka with {@code client}'s settings:
   * a refused login names the principal and where to fix it, a refusal by the authorizer names the
   * principal, the operation and the resource, and the ACL that would allow it; anything else as
   * {@link #oneLine(Throwable)} says it. Never a password: the principal comes from the JAAS
   * configuration's user name alone.
   */
  static String oneLine(Throwable error, CommonOptions client) {
    AuthenticationException login = find(error, AuthenticationException.class);
    if (login != null) {
      return loginFailed(login, client);
    }
    AuthorizationException denied = find(error, AuthorizationException.class);
    if (denied != null) {
      return notAllowed(error, denied, client.principal());
    }
    return oneLine(error);
  }

  private static String loginFailed(AuthenticationException login, CommonOptions client) {
    String where = client.commandConfig == null ? "--command-config" : String.valueOf(client.commandConfig);
    if (login instanceof SslAuthenticationException) {
      return "the TLS handshake with Kafka at " + client.bootstrapServers + " failed (" + oneLine(login)
          + "); check security.protocol and ssl.truststore.* in " + where;
    }
    return client.principal() + " could not authenticate to Kafka at " + client.bootstrapServers + " ("
        + oneLine(login) + "); check the user name and password in sasl.jaas.config, and sasl.mechanism, in " + where;
  }

  /** The operation the failed call needed: said by the call site, else what the exception implies. */
  private static AclOperation operation(Throwable error, AuthorizationException denied) {
    for (Throwable cause = error; cause != null && cause != denied; cause = cause.getCause()) {
      if (cause instanceof KafkaCallException call && call.operation() != null) {
        return call.operation();
      }
      if (cause instanceof PublishException) {
        return AclOperation.WRITE;
      }
    }
    if (denied instanceof GroupAuthorizationException) {
      return AclOperation.READ;
    }
    if (denied instanceof TransactionalIdAuthorizationException) {
      return AclOperation.WRITE;
    }
    return null;
  }

  /**
   * The topics refused: named by the refusal when Kafka says (consumers, producers), else by the
   * call site (admin calls refuse with a bare "Topic authorization failed"). An idempotent
   * producer refused by the cluster wants WRITE on its topic, which implies IDEMPOTENT_WRITE.
   */
  private static Set<String> topics(Throwable error, AuthorizationException denied) {
    if (denied instanceof TopicAuthorizationException refused && !refused.unauthorizedTopics().isEmpty()) {
      return new TreeSet<>(refused.unauthorizedTopics());
    }
    for (Throwable cause = error; cause != null && cause != denied; cause = cause.getCause()) {
      if (cause instanceof KafkaCallException call && !call.topics().isEmpty()) {
        return new TreeSet<>(call.topics());
      }
      if (cause instanceof PublishException publish && publish.topic() != null
          && (denied instanceof TopicAuthorizationException || denied instanceof ClusterAuthorizationException)) {
        return new TreeSet<>(Set.of(publish.topic()));
      }
    }
    return Set.of();
  }

  private static String notAllowed(Throwable error, AuthorizationException denied, String principal) {
    AclOperation operation = operation(error, denied);
    String verb = operation == null ? "use" : operation.name();
    String acl = "kafka-acls.sh --add --allow-principal " + principal + " --operation "
        + (operation == null ? "<operation>" : operation.name());
    Set<String> names = topics(error, denied);
    if (!names.isEmpty()) {
      return principal + " is not allowed to " + verb + " topic" + (names.size() > 1 ? "s " : " ")
          + String.join(", ", names) + " (add an ACL: " + acl + " --topic " + String.join(" --topic ", names) + ")";
    }
    if (denied instanceof GroupAuthorizationException group && group.groupId() != null) {
      return principal + " is not allowed to " + verb + " group " + group.groupId()
          + " (add an ACL: " + acl + " --group " + group.groupId() + ")";
    }
    String prefix = transactionalIdPrefix(error);
    if (denied instanceof TransactionalIdAuthorizationException && prefix != null) {
      return principal + " is not allowed to " + verb + " transactional ids " + prefix
          + "* (exactly-once; add an ACL: " + acl + " --transactional-id " + prefix
          + " --resource-pattern-type prefixed)";
    }
    if (denied instanceof ClusterAuthorizationException) {
      return principal + " is not allowed to " + verb + " the cluster (add an ACL: " + acl + " --cluster)";
    }
    return principal + " is not allowed to " + verb + ": " + oneLine(denied);
  }

  private static String transactionalIdPrefix(Throwable error) {
    for (Throwable cause = error; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
      if (cause instanceof KafkaCallException call && call.transactionalIdPrefix() != null) {
        return call.transactionalIdPrefix();
      }
    }
    return null;
  }

  private static <T extends Throwable> T find(Throwable error, Class<T> type) {
    for (Throwable cause = error; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
      if (type.isInstance(cause)) {
        return type.cast(cause);
      }
    }
    return null;
  }

  private static String flat(String message) {
    return message.replaceAll("\\s*\\R\\s*", " ").trim();
  }
}
