package io.plantstream.streams;

/**
 * An event the KPI topology refuses before it touches any state: it goes to the dead-letter queue
 * with {@link #reason()} in the {@value DeadLetters#REASON_HEADER} header.
 */
public final class RejectedEventException extends RuntimeException {

  /** Why an event is rejected; the header value is the lower-case name with dashes. */
  public enum Reason {
    /** Bytes that are not a TelemetryEvent in single-object encoding. */
    CORRUPT,
    /** Stamped more than maxFutureSkew ahead of the partition's stream time. */
    FUTURE_SKEW,
    /** A machine that {@code plant.machines} does not list. */
    UNKNOWN_MACHINE,
    /** A field with an impossible value (key not the machine id, site not the machine's, NaN, ...). */
    INVALID_FIELD;

    /** The header value, e.g. {@code future-skew}. */
    public String code() {
      return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }
  }

  private final Reason reason;

  /** A rejection for {@code reason}, with a message naming the event and what is wrong. */
  public RejectedEventException(Reason reason, String message) {
    super(reason.code() + ": " + message, null, false, false);
    this.reason = reason;
  }

  /** Why the event was rejected. */
  public Reason reason() {
    return reason;
  }
}
