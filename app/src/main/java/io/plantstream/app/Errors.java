package io.plantstream.app;

import java.util.concurrent.ExecutionException;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.TimeoutException;

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
    return message.replaceAll("\\s*\\R\\s*", " ").trim();
  }
}
