package io.plantstream.app.reliability;

import io.plantstream.testing.KafkaFixture;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListTransactionsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TransactionListing;
import org.apache.kafka.clients.admin.TransactionState;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
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
   * The transactions of {@code applicationId}'s producers that the transaction coordinator holds
   * ONGOING: begun (records sent to some partition) and neither committing nor aborting yet. Kafka
   * Streams names its transactional ids after the application id. Counted while the application
   * runs, it says a kill now would cut a transaction; counted once the process is dead, it says the
   * kill did, and those transactions can only end aborted: no producer is left to commit them.
   * (Open offsets on the changelogs do not tell it: the stores' caches write the changelogs just
   * before each commit, so a transaction shows there for a few milliseconds only.)
   */
  static List<String> ongoingTransactions(KafkaFixture kafka, String applicationId) {
    try (Admin admin = Admin.create(kafka.clientConfig())) {
      ListTransactionsOptions ongoing = new ListTransactionsOptions().filterStates(List.of(TransactionState.ONGOING));
      return admin.listTransactions(ongoing).all().get().stream()
          .map(TransactionListing::transactionalId)
          .filter(transactionalId -> transactionalId.startsWith(applicationId + "-"))
          .sorted().toList();
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
