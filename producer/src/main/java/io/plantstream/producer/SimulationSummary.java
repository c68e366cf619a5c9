package io.plantstream.producer;

import io.plantstream.avro.TelemetryEvent;
import io.plantstream.producer.fault.FaultCounts;
import java.time.Instant;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;

/**
 * What a run published: how many events, how many of each payload kind, the simulated span, why
 * it ended, and the faults injected.
 *
 * @param events events handed to the sink (with fault injection: including duplicates, late copies
 *     and skewed events; corrupt records are counted in {@code faults})
 * @param eventsByKind events per payload kind, every kind present (zero if none)
 * @param firstEventTime simulated time of the first event taken from the source, or null if none
 * @param lastEventTime simulated time of the last event taken from the source, or null if none
 * @param stopReason why the run ended
 * @param simulatedEvents events taken from the source (what {@code --events} counts)
 * @param faults the faults injected, {@link FaultCounts#NONE} without fault injection
 */
public record SimulationSummary(
    long events,
    Map<PayloadKind, Long> eventsByKind,
    Instant firstEventTime,
    Instant lastEventTime,
    StopReason stopReason,
    long simulatedEvents,
    FaultCounts faults) {

  /** Copies the counts. */
  public SimulationSummary {
    eventsByKind = Collections.unmodifiableMap(new EnumMap<>(eventsByKind));
  }

  /** Events of one payload kind. */
  public long events(PayloadKind kind) {
    return eventsByKind.getOrDefault(kind, 0L);
  }

  /** Records handed to the sink: events plus corrupt records. */
  public long records() {
    return events + faults.corrupt();
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

    private final long[] byKind = new long[PayloadKind.values().length];
    private long events;
    private long simulated;
    private Instant first;
    private Instant last;

    /** Counts one event handed to the sink. */
    public void add(TelemetryEvent event) {
      events++;
      byKind[PayloadKind.of(event).ordinal()]++;
    }

    /** Counts one event taken from the source at simulated time {@code at}. */
    public void simulated(Instant at) {
      simulated++;
      if (first == null) {
        first = at;
      }
      last = at;
    }

    /** Events handed to the sink so far. */
    public long events() {
      return events;
    }

    /** Events taken from the source so far. */
    public long simulatedEvents() {
      return simulated;
    }

    /** Simulated time of the last event taken from the source, or null. */
    public Instant lastEventTime() {
      return last;
    }

    /** The summary of what was counted, ended for {@code reason}, with {@code faults}. */
    public SimulationSummary summary(StopReason reason, FaultCounts faults) {
      Map<PayloadKind, Long> kinds = new EnumMap<>(PayloadKind.class);
      for (PayloadKind kind : PayloadKind.values()) {
        kinds.put(kind, byKind[kind.ordinal()]);
      }
      return new SimulationSummary(events, kinds, first, last, reason, simulated, faults);
    }
  }
}
