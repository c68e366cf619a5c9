package io.plantstream.producer;

import io.plantstream.avro.TelemetryEvent;
import java.time.Instant;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;

/**
 * What a run published: how many events, how many of each payload kind, the event-time span
 * and why it ended.
 *
 * @param events events handed to the sink
 * @param eventsByKind events per payload kind, every kind present (zero if none)
 * @param firstEventTime event time of the first event, or null if there was none
 * @param lastEventTime event time of the last event, or null if there was none
 * @param stopReason why the run ended
 */
public record SimulationSummary(
    long events,
    Map<PayloadKind, Long> eventsByKind,
    Instant firstEventTime,
    Instant lastEventTime,
    StopReason stopReason) {

  /** Copies the counts. */
  public SimulationSummary {
    eventsByKind = Collections.unmodifiableMap(new EnumMap<>(eventsByKind));
  }

  /** Events of one payload kind. */
  public long events(PayloadKind kind) {
    return eventsByKind.getOrDefault(kind, 0L);
  }

  /** Why a run ended. */
  public enum StopReason {
    /** The next event was at or after start + duration. */
    DURATION,
    /** The event limit was reached. */
    EVENTS,
    /** {@link SimulationRunner#stop()} was called. */
    STOPPED,
    /** The source had no more events. */
    EXHAUSTED
  }

  /** Accumulates a summary event by event. */
  public static final class Tally {

    private final EnumMap<PayloadKind, Long> byKind = new EnumMap<>(PayloadKind.class);
    private long events;
    private Instant first;
    private Instant last;

    /** An empty tally. */
    public Tally() {
      for (PayloadKind kind : PayloadKind.values()) {
        byKind.put(kind, 0L);
      }
    }

    /** Counts one event. */
    public void add(TelemetryEvent event) {
      events++;
      byKind.merge(PayloadKind.of(event), 1L, Long::sum);
      if (first == null) {
        first = event.getEventTime();
      }
      last = event.getEventTime();
    }

    /** Events counted so far. */
    public long events() {
      return events;
    }

    /** Event time of the last event counted, or null. */
    public Instant lastEventTime() {
      return last;
    }

    /** The summary of what was counted, ended for {@code reason}. */
    public SimulationSummary summary(StopReason reason) {
      return new SimulationSummary(events, byKind, first, last, reason);
    }
  }
}
