package io.plantstream.bench;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * How much of an input topic an application has committed: the topic's end offsets, taken once
 * when this is made, against the offsets the application's consumer group has committed since.
 */
final class CommittedInput {

  private final Admin admin;
  private final String group;
  private final Map<TopicPartition, Long> end;
  private final long total;

  private CommittedInput(Admin admin, String group, Map<TopicPartition, Long> end) {
    this.admin = admin;
    this.group = group;
    this.end = Map.copyOf(end);
    this.total = end.values().stream().mapToLong(Long::longValue).sum();
  }

  /** The input as of now: the end offsets of every partition of {@code topic}; {@code group} is the application id. */
  static CommittedInput of(Admin admin, String group, String topic) throws ExecutionException, InterruptedException {
    int partitions = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions().size();
    Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
    for (int p = 0; p < partitions; p++) {
      latest.put(new TopicPartition(topic, p), OffsetSpec.latest());
    }
    Map<TopicPartition, Long> end = new HashMap<>();
    admin.listOffsets(latest).all().get().forEach((partition, offset) -> end.put(partition, offset.offset()));
    return new CommittedInput(admin, group, end);
  }

  /** Records in the input: the sum of the end offsets. */
  long total() {
    return total;
  }

  /** Records of the input committed by the group now, summed over the partitions. */
  long committed() throws ExecutionException, InterruptedException {
    Map<TopicPartition, OffsetAndMetadata> offsets =
        admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
    long done = 0;
    for (Map.Entry<TopicPartition, Long> partition : end.entrySet()) {
      OffsetAndMetadata offset = offsets.get(partition.getKey());
      done += offset == null ? 0 : Math.min(offset.offset(), partition.getValue());
    }
    return done;
  }

  /** True once every record of the input is committed. */
  boolean done() throws ExecutionException, InterruptedException {
    return committed() >= total;
  }
}
