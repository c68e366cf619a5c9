package io.plantstream.producer.replay;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.ToIntFunction;
import java.util.function.ToLongFunction;

/**
 * Merges the partitions of a topic into one sequence in time order (event time), keeping each partition's
 * records in offset order: what makes a recording replay with the original pacing (a consumer
 * returns one partition's backlog after another) and with every partition's records in the order
 * the pipeline saw them.
 *
 * <p>Each partition is ordered by its own {@link SteadyTime}, so a clock-skewed record does not
 * hold its partition back until everyone else catches up a day later. A record is released only
 * when every partition that may still deliver an earlier one has a record queued: a partition is
 * waited for unless it is {@linkplain #finished finished} or {@linkplain #caughtUp caught up}
 * (nothing left to fetch right now). Not thread-safe.
 */
public final class PartitionMerge<T> {

  private final Map<Integer, Lane> lanes = new LinkedHashMap<>();
  private final ToIntFunction<T> partitionOf;
  private final ToLongFunction<T> timeOf;
  private int queued;

  /** A merge of {@code partitions}, placing records by {@code partitionOf} and ordering them by {@code timeOf}. */
  public PartitionMerge(Collection<Integer> partitions, ToIntFunction<T> partitionOf, ToLongFunction<T> timeOf) {
    this.partitionOf = partitionOf;
    this.timeOf = timeOf;
    partitions.forEach(partition -> lanes.put(partition, new Lane()));
  }

  /** Queues a record fetched from its partition, after the ones fetched before. */
  public void add(T record) {
    lane(partitionOf.applyAsInt(record)).queue.add(record);
    queued++;
  }

  /** Whether the partition has nothing to fetch right now (its lag is 0): it is not waited for. */
  public void caughtUp(int partition, boolean caughtUp) {
    lane(partition).caughtUp = caughtUp;
  }

  /** The partition will deliver nothing more (it reached the end offset it is read to). */
  public void finished(int partition) {
    lane(partition).finished = true;
  }

  /** Records queued in the partition. */
  public int queued(int partition) {
    return lane(partition).queue.size();
  }

  /** Records queued in all partitions. */
  public int queued() {
    return queued;
  }

  /** True when every partition is finished and nothing is queued. */
  public boolean done() {
    return queued == 0 && lanes.values().stream().allMatch(lane -> lane.finished);
  }

  /**
   * The next record in time order, or null if a partition that may still deliver an earlier one
   * has nothing queued. With {@code force} (stopping), whatever is queued goes without waiting.
   */
  public T next(boolean force) {
    Lane earliest = null;
    long earliestTime = Long.MAX_VALUE;
    for (Lane lane : lanes.values()) {
      if (lane.queue.isEmpty()) {
        if (!force && !lane.finished && !lane.caughtUp) {
          return null;
        }
        continue;
      }
      long time = lane.headTime();
      if (earliest == null || time < earliestTime) {
        earliest = lane;
        earliestTime = time;
      }
    }
    if (earliest == null) {
      return null;
    }
    queued--;
    earliest.steady.moveTo(earliestTime);
    return earliest.queue.poll();
  }

  private Lane lane(int partition) {
    Lane lane = lanes.get(partition);
    if (lane == null) {
      throw new IllegalArgumentException("partition " + partition + " is not merged here: " + lanes.keySet());
    }
    return lane;
  }

  /** One partition: its queue and its steady time. */
  private final class Lane {

    private final ArrayDeque<T> queue = new ArrayDeque<>();
    private final SteadyTime steady = SteadyTime.defaults();
    private boolean caughtUp;
    private boolean finished;

    long headTime() {
      return steady.at(timeOf.applyAsLong(queue.peekFirst()), new Behind());
    }

    /** The timestamps queued behind the head, gathered only if the steady time asks (an outlier). */
    private final class Behind implements SteadyTime.Lookahead {

      private long[] timestamps;

      @Override
      public int size() {
        return timestamps().length;
      }

      @Override
      public long timestamp(int index) {
        return timestamps()[index];
      }

      private long[] timestamps() {
        if (timestamps == null) {
          Iterator<T> records = queue.iterator();
          records.next();
          long[] gathered = new long[SteadyTime.DEFAULT_CONFIRMATIONS];
          int count = 0;
          while (count < gathered.length && records.hasNext()) {
            gathered[count++] = timeOf.applyAsLong(records.next());
          }
          timestamps = Arrays.copyOf(gathered, count);
        }
        return timestamps;
      }
    }
  }
}
