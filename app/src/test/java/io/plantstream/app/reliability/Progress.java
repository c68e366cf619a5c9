package io.plantstream.app.reliability;

import io.plantstream.testing.KafkaFixture;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;

/**
 * How far a Kafka Streams application has got, as the broker sees it: end offsets of topics and
 * offsets the application's consumer group has committed. What a test reads to decide when to kill.
 */
final class Progress {

  private Progress() {}

  /** The sum of the end offsets of {@code topic}'s partitions: records written, committed or not. */
  static long endOffsets(KafkaFixture kafka, String topic) {
    try (Admin admin = Admin.create(kafka.clientConfig())) {
      List<TopicPartition> partitions = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic)
          .partitions().stream().map(info -> new TopicPartition(topic, info.partition())).toList();
      return ends(admin, partitions).values().stream().mapToLong(Long::longValue).sum();
    } catch (InterruptedException | ExecutionException e) {
      throw failed("end offsets of " + topic, e);
    }
  }

  /** The sum of the offsets the group {@code applicationId} has committed on {@code topic}. */
  static long committed(KafkaFixture kafka, String applicationId, String topic) {
    return committedOffsets(kafka, applicationId).entrySet().stream()
        .filter(entry -> entry.getKey().topic().equals(topic))
        .mapToLong(Map.Entry::getValue).sum();
  }

  /**
   * Records on the group's input topics (telemetry and repartition topics) that it has not
   * committed; zero once an at-least-once application has processed everything.
   */
  static long lag(KafkaFixture kafka, String applicationId) {
    Map<TopicPartition, Long> committed = committedOffsets(kafka, applicationId);
    try (Admin admin = Admin.create(kafka.clientConfig())) {
      Map<TopicPartition, Long> ends = ends(admin, List.copyOf(committed.keySet()));
      return committed.entrySet().stream().mapToLong(entry -> ends.get(entry.getKey()) - entry.getValue()).sum();
    } catch (InterruptedException | ExecutionException e) {
      throw failed("lag of " + applicationId, e);
    }
  }

  /** The changelog topics Kafka Streams made for {@code applicationId}'s state stores. */
  static List<String> changelogs(KafkaFixture kafka, String applicationId) {
    try (Admin admin = Admin.create(kafka.clientConfig())) {
      return admin.listTopics().names().get().stream()
          .filter(name -> name.startsWith(applicationId + "-") && name.endsWith("-changelog"))
          .sorted().toList();
    } catch (ExecutionException | InterruptedException e) {
      throw failed("listing the changelogs of " + applicationId, e);
    }
  }

  /**
   * Records of transactions still open on the changelogs of {@code applicationId}: the high
   * watermark minus the last stable offset, summed over their partitions. Above zero, a kill now
   * leaves records behind that only an abort can settle.
   */
  static long inOpenTransactions(KafkaFixture kafka, String applicationId) {
    try (Admin admin = Admin.create(kafka.clientConfig())) {
      List<String> changelogs = admin.listTopics().names().get().stream()
          .filter(name -> name.startsWith(applicationId + "-") && name.endsWith("-changelog")).toList();
      if (changelogs.isEmpty()) {
        return 0;
      }
      List<TopicPartition> partitions = admin.describeTopics(changelogs).allTopicNames().get().values().stream()
          .flatMap(topic -> topic.partitions().stream().map(info -> new TopicPartition(topic.name(), info.partition())))
          .toList();
      Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
      partitions.forEach(partition -> latest.put(partition, OffsetSpec.latest()));
      long highWatermarks = admin.listOffsets(latest).all().get().values().stream()
          .mapToLong(ListOffsetsResult.ListOffsetsResultInfo::offset).sum();
      long lastStable = admin.listOffsets(latest, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED)).all().get()
          .values().stream().mapToLong(ListOffsetsResult.ListOffsetsResultInfo::offset).sum();
      return highWatermarks - lastStable;
    } catch (InterruptedException | ExecutionException e) {
      throw failed("open transactions of " + applicationId, e);
    }
  }

  private static Map<TopicPartition, Long> committedOffsets(KafkaFixture kafka, String applicationId) {
    try (Admin admin = Admin.create(kafka.clientConfig())) {
      Map<TopicPartition, OffsetAndMetadata> offsets =
          admin.listConsumerGroupOffsets(applicationId).partitionsToOffsetAndMetadata().get();
      Map<TopicPartition, Long> committed = new HashMap<>();
      offsets.forEach((partition, offset) -> {
        if (offset != null) {
          committed.put(partition, offset.offset());
        }
      });
      return committed;
    } catch (InterruptedException | ExecutionException e) {
      throw failed("offsets of group " + applicationId, e);
    }
  }

  private static Map<TopicPartition, Long> ends(Admin admin, List<TopicPartition> partitions)
      throws InterruptedException, ExecutionException {
    Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
    partitions.forEach(partition -> latest.put(partition, OffsetSpec.latest()));
    Map<TopicPartition, Long> ends = new HashMap<>();
    admin.listOffsets(latest).all().get().forEach((partition, info) -> ends.put(partition, info.offset()));
    return ends;
  }

  private static IllegalStateException failed(String what, Exception e) {
    if (e instanceof InterruptedException) {
      Thread.currentThread().interrupt();
    }
    return new IllegalStateException("cannot read " + what, e);
  }
}
