package io.plantstream.streams;

import io.plantstream.avro.MachineKpi;
import io.plantstream.avro.TelemetryEvent;
import io.plantstream.avro.internal.PartitionMark;

/**
 * What {@link MachineTimelineProcessor} emits; {@link KpiTopology} sends each kind to its topic.
 */
sealed interface TimelineOutput {

  /**
   * An event stamped before its partition's close boundary: its window has closed.
   *
   * @param event the event as received
   */
  record Late(TelemetryEvent event) implements TimelineOutput {}

  /**
   * An event on its way to the dead-letter queue as the bytes it arrived as; the record carrying it
   * has the headers saying why ({@link DeadLetters}).
   *
   * @param value the bytes received on the telemetry topic
   */
  record DeadLetter(byte[] value) implements TimelineOutput {}

  /**
   * A machine window the partition's close boundary has passed (or, in updates mode, an open
   * minute's provisional record).
   *
   * @param kpi the machine's KPIs for the window
   */
  record ClosedWindow(MachineKpi kpi) implements TimelineOutput {
    /** True for a 1-minute window, false for a 1-hour one. */
    boolean minute() {
      return kpi.getWindowEnd().toEpochMilli() - kpi.getWindowStart().toEpochMilli() == KpiConfig.MINUTE;
    }
  }

  /**
   * Where the partition stands, sent after every machine window it closes and when it turns idle
   * or active; the site aggregation finalizes site windows from these.
   *
   * @param mark the partition, its close boundary and whether it is idle
   */
  record Mark(PartitionMark mark) implements TimelineOutput {}
}
