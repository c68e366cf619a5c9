package io.plantstream.app;

import io.plantstream.schemas.SchemaRegistry;
import io.plantstream.schemas.Topics;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code plant topics}: creates the project's topics that are missing, then describes them all. */
@Command(name = "topics", mixinStandardHelpOptions = true,
    description = "Create (idempotently) and describe the project's topics with their configs.")
final class TopicsCommand implements Callable<Integer> {

  @Mixin CommonOptions common;

  @Option(names = "--partitions", paramLabel = "N", defaultValue = "" + Topics.DEFAULT_TELEMETRY_PARTITIONS,
      description = "Partitions of the telemetry topic: the upper bound of parallelism (default: ${DEFAULT-VALUE}).")
  int partitions;

  @Option(names = "--replication-factor", paramLabel = "N",
      description = "Replicas per partition (default: 3, or the number of brokers if fewer).")
  Short replicationFactor;

  @Option(names = "--min-insync-replicas", paramLabel = "N",
      description = "Replicas that must have a record before an acks=all write of it succeeds "
          + "(default: 2 when the replication factor is 3 or more, else the cluster's default).")
  Integer minInSyncReplicas;

  @Option(names = "--describe-only", description = "Only describe; create nothing.")
  boolean describeOnly;

  @Override
  public Integer call() {
    if (partitions < 1) {
      throw new UsageException("--partitions must be at least 1, was " + partitions);
    }
    if (replicationFactor != null && replicationFactor < 1) {
      throw new UsageException("--replication-factor must be at least 1, was " + replicationFactor);
    }
    if (minInSyncReplicas != null && minInSyncReplicas < 1) {
      throw new UsageException("--min-insync-replicas must be at least 1, was " + minInSyncReplicas);
    }
    if (minInSyncReplicas != null && replicationFactor != null) {
      minInSync(replicationFactor);
    }
    try (KafkaCluster cluster = KafkaCluster.connect(common.clientConfig())) {
      if (!describeOnly) {
        short replicas = replicationFactor != null ? replicationFactor
            : (short) Math.min(3, cluster.brokerCount());
        List<String> created = cluster.createTopics(common.topics(), partitions, replicas, minInSync(replicas));
        System.out.println(created.isEmpty() ? "all topics exist" : "created " + String.join(", ", created));
        Topics topics = common.topics();
        topics.registry().ifPresent(registry -> {
          topics.registerSchemas(topics.avroTopics());
          System.out.println("registered the value schemas of " + topics.avroTopics().size() + " topics (subjects <topic>-value, "
              + "compatibility " + SchemaRegistry.COMPATIBILITY + ") at " + registry.url());
        });
      }
      cluster.describe(common.topics()).forEach(System.out::println);
    }
    return 0;
  }

  /**
   * The topics' {@code min.insync.replicas}, null for the cluster's default. With three replicas
   * or more, two must have a record before it is acknowledged: one broker may fail without losing
   * an acknowledged event or refusing writes (Kafka's default, 1, lets an acks=all write be
   * acknowledged by a leader left alone in sync, and lost with it).
   */
  private Integer minInSync(short replicas) {
    if (minInSyncReplicas != null) {
      if (minInSyncReplicas > replicas) {
        throw new UsageException("--min-insync-replicas must be at most the replication factor, "
            + replicas + ", was " + minInSyncReplicas);
      }
      return minInSyncReplicas;
    }
    return replicas >= 3 ? 2 : null;
  }
}
