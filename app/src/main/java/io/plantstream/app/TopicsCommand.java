package io.plantstream.app;

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
    try (KafkaCluster cluster = KafkaCluster.connect(common.clientConfig())) {
      if (!describeOnly) {
        short replicas = replicationFactor != null ? replicationFactor
            : (short) Math.min(3, cluster.brokerCount());
        List<String> created = cluster.createTopics(common.topics(), partitions, replicas);
        System.out.println(created.isEmpty() ? "all topics exist" : "created " + String.join(", ", created));
      }
      cluster.describe(common.topics()).forEach(System.out::println);
    }
    return 0;
  }
}
