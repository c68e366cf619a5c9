package io.plantstream.producer.fault;

import java.util.List;

/**
 * The faults a run injected, counted exactly, so that a test can predict what the KPI pipeline
 * sees: {@link #dlqRecords()} records on the dead-letter topic, {@link #lateRecords()} on the
 * late topic, {@link #duplicates()} events counted once.
 *
 * @param late late copies published (fresh event id, stamped well before the current time)
 * @param outOfOrder events published after later events of the same machine, within the grace
 * @param duplicates second publications of an event (same event id, same bytes)
 * @param corrupt records published whose value is in neither Avro encoding (single-object or Confluent wire format)
 * @param skewedEvents events stamped a day ahead by a machine whose clock is skewed
 * @param silencedEvents events not published because their machine was silent
 * @param skewedMachines machine ids whose clock is skewed, in model order
 * @param silentMachines machine ids that fall silent for a while, in model order
 */
public record FaultCounts(long late, long outOfOrder, long duplicates, long corrupt, long skewedEvents,
    long silencedEvents, List<String> skewedMachines, List<String> silentMachines) {

  /** A run without fault injection. */
  public static final FaultCounts NONE = new FaultCounts(0, 0, 0, 0, 0, 0, List.of(), List.of());

  /** Copies the lists. */
  public FaultCounts {
    skewedMachines = List.copyOf(skewedMachines);
    silentMachines = List.copyOf(silentMachines);
  }

  /** Records the pipeline must send to its dead-letter topic: corrupt bytes plus skewed events. */
  public long dlqRecords() {
    return corrupt + skewedEvents;
  }

  /** Records the pipeline must send to its late topic: the late copies. */
  public long lateRecords() {
    return late;
  }

  /** One line, e.g. {@code late=3 out-of-order=120 duplicate=61 corrupt=6 skewed=1 machine/2301 events ...}. */
  public String describe() {
    return "late=" + late + " out-of-order=" + outOfOrder + " duplicate=" + duplicates + " corrupt=" + corrupt
        + " skewed-events=" + skewedEvents + " " + skewedMachines
        + " silenced-events=" + silencedEvents + " " + silentMachines
        + " (expect DLQ=" + dlqRecords() + ", late topic=" + lateRecords() + ")";
  }
}
