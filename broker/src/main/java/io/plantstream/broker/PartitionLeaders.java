package io.plantstream.broker;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * Waits until every partition of newly created topics is served by its leader.
 *
 * <p>Why: a topic's metadata names a leader a moment before that broker acts as one. An idempotent
 * producer that starts in that moment can have its first batch to a partition refused with
 * NOT_LEADER_OR_FOLLOWER while its next batch, one request later, is appended; the retried first
 * batch (sequence 0) then lands behind a higher sequence and is refused with
 * OUT_OF_ORDER_SEQUENCE_NUMBER until delivery times out: records lost and the run failed. Seen in
 * the benchmarks and tests on a busy 2-core machine. A ListOffsets request is answered only by a
 * partition's acting leader (the admin client retries it until then), so its success for every
 * partition means produce requests will be taken too.
 */
public final class PartitionLeaders {

  private PartitionLeaders() {}

  /** Returns once every partition of {@code topics} answers its leader's ListOffsets, or throws after {@code timeout}. */
  public static void await(Admin admin, Collection<String> topics, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    try {
      Map<String, TopicDescription> descriptions = describe(admin, topics, deadline);
      Map<TopicPartition, OffsetSpec> partitions = new HashMap<>();
      descriptions.forEach((name, description) -> description.partitions().forEach(partition ->
          partitions.put(new TopicPartition(name, partition.partition()), OffsetSpec.latest())));
      long left = Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
      admin.listOffsets(partitions, new ListOffsetsOptions().timeoutMs((int) Math.min(Integer.MAX_VALUE, left)))
          .all().get(left, TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("partitions of " + topics + " have no acting leader after " + timeout
          + ": " + (e.getCause() == null ? e : e.getCause()).getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for the leaders of " + topics, e);
    }
  }

  /** Describes {@code topics}, asking again while a just-created topic is not yet known everywhere. */
  private static Map<String, TopicDescription> describe(Admin admin, Collection<String> topics, long deadline)
      throws ExecutionException, InterruptedException, TimeoutException {
    while (true) {
      try {
        long left = Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
        return admin.describeTopics(topics).allTopicNames().get(left, TimeUnit.MILLISECONDS);
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof UnknownTopicOrPartitionException) || System.nanoTime() > deadline) {
          throw e;
        }
        Thread.sleep(50);
      }
    }
  }
}
