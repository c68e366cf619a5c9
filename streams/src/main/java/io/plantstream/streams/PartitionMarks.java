package io.plantstream.streams;

import java.util.Arrays;

/**
 * Where each telemetry partition stands, as one site task has heard it from the partitions' marks,
 * and the site boundary that follows: every site window ending at or before it is complete.
 *
 * <p>The rule (docs/kpi-rules.md, "When a site window is final"): until every partition has been heard of,
 * there is no site boundary. Then it is the lowest close boundary among the partitions that are
 * not idle; when all are idle, the highest close boundary of any. An idle partition holds nothing
 * back: it has accepted no event for a while, so it has no window to send. A partition's boundary
 * only grows: a mark older than one already heard changes only its idleness.
 */
final class PartitionMarks {

  private final int partitions;
  private final Long[] closedUntil;
  private final Boolean[] idle;

  /** Marks of {@code partitions} telemetry partitions, none heard yet. */
  PartitionMarks(int partitions) {
    if (partitions < 1) {
      throw new IllegalArgumentException("need at least one telemetry partition, was " + partitions);
    }
    this.partitions = partitions;
    this.closedUntil = new Long[partitions];
    this.idle = new Boolean[partitions];
  }

  /** How many telemetry partitions there are. */
  int partitions() {
    return partitions;
  }

  /**
   * Takes one partition's mark.
   *
   * @param partition the telemetry partition
   * @param boundary its close boundary, or null before its first accepted event
   * @param isIdle whether it has accepted no event for idleAfter
   */
  void update(int partition, Long boundary, boolean isIdle) {
    if (partition < 0 || partition >= partitions) {
      throw new IllegalArgumentException("telemetry partition " + partition + " is not one of the " + partitions);
    }
    if (boundary != null && (closedUntil[partition] == null || boundary > closedUntil[partition])) {
      closedUntil[partition] = boundary;
    }
    idle[partition] = isIdle;
  }

  /** The close boundary last heard from {@code partition}, or null. */
  Long closedUntil(int partition) {
    return closedUntil[partition];
  }

  /** Whether {@code partition} is idle; null if it was never heard of. */
  Boolean idle(int partition) {
    return idle[partition];
  }

  /**
   * The site boundary: the lowest close boundary of the partitions that are not idle, or the
   * highest of any when all are idle; null while a partition was never heard of or no partition
   * has a boundary yet.
   */
  Long siteBoundary() {
    Long lowestActive = null;
    Long highest = null;
    boolean anyActive = false;
    for (int p = 0; p < partitions; p++) {
      if (idle[p] == null) {
        return null;
      }
      Long boundary = closedUntil[p];
      if (boundary != null && (highest == null || boundary > highest)) {
        highest = boundary;
      }
      if (!idle[p]) {
        if (boundary == null) {
          return null; // active without a boundary: it has a first event to send windows for
        }
        anyActive = true;
        if (lowestActive == null || boundary < lowestActive) {
          lowestActive = boundary;
        }
      }
    }
    return anyActive ? lowestActive : highest;
  }

  @Override
  public String toString() {
    return "PartitionMarks" + Arrays.toString(closedUntil) + " idle " + Arrays.toString(idle);
  }
}
