package io.plantstream.app;

import io.plantstream.broker.PartitionLeaders;
import io.plantstream.schemas.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.CreateTopicsResult;
import org.apache.kafka.clients.admin.DescribeConfigsResult;
import org.apache.kafka.clients.admin.DescribeTopicsResult;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Admin work on the cluster the user points at: reachability with a clear message, the project's
 * topics created idempotently and described.
 */
final class KafkaCluster implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(KafkaCluster.class);
  private static final Duration REACH_TIMEOUT = Duration.ofSeconds(15);

  private final String bootstrapServers;
  private final Duration reachTimeout;
  private final Admin admin;

  private KafkaCluster(Map<String, Object> clientConfig) {
    this.bootstrapServers = String.valueOf(clientConfig.get(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG));
    Map<String, Object> config = new HashMap<>(clientConfig);
    Object configured = clientConfig.get(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG);
    this.reachTimeout = configured == null ? REACH_TIMEOUT : Duration.ofMillis(Long.parseLong(configured.toString()));
    config.putIfAbsent(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) REACH_TIMEOUT.toMillis());
    config.putIfAbsent(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.min(10_000, reachTimeout.toMillis()));
    this.admin = Admin.create(config);
  }

  /** Connects and checks that the cluster answers, or fails with one line saying how to fix it. */
  static KafkaCluster connect(Map<String, Object> clientConfig) {
    KafkaCluster cluster = new KafkaCluster(clientConfig);
    try {
      cluster.admin.describeCluster().clusterId().get(cluster.reachTimeout.toMillis(), TimeUnit.MILLISECONDS);
      return cluster;
    } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
      cluster.close();
      if (e.getCause() instanceof AuthenticationException || e.getCause() instanceof AuthorizationException) {
        throw new KafkaCallException("cannot connect to Kafka at " + cluster.bootstrapServers, AclOperation.DESCRIBE,
            e.getCause());
      }
      throw new IllegalStateException("cannot reach Kafka at " + cluster.bootstrapServers + " within "
          + String.format(java.util.Locale.ROOT, "%.1f", cluster.reachTimeout.toMillis() / 1000.0) + " s; start one with './plant broker' or point --bootstrap-servers at a cluster");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      cluster.close();
      throw new IllegalStateException("interrupted while connecting to " + cluster.bootstrapServers);
    }
  }

  /** Fails with one line naming the missing topics unless all of {@code names} exist. */
  void requireTopics(String... names) {
    Set<String> existing = topicNames();
    List<String> missing = new ArrayList<>();
    for (String name : names) {
      if (!existing.contains(name)) {
        missing.add(name);
      }
    }
    if (!missing.isEmpty()) {
      refuseUndescribable(missing);
      throw new IllegalStateException("missing topic" + (missing.size() > 1 ? "s " : " ")
          + String.join(", ", missing) + " on " + bootstrapServers + "; create them with './plant topics'");
    }
  }

  /**
   * Fails with one line saying what to do when {@code applicationId} has internal topics of an older
   * layout of the KPI application's state (docs/operations.md, "Upgrading"): this version would misread them.
   */
  void refuseRetiredState(String applicationId, List<String> retiredInternalTopics) {
    Set<String> existing = topicNames();
    for (String suffix : retiredInternalTopics) {
      String topic = applicationId + "-" + suffix;
      if (existing.contains(topic)) {
        throw new IllegalStateException("application id " + applicationId + " holds state of an older plantstream "
            + "(its topic " + topic + "); start with a new --application-id, which recomputes the KPIs from the "
            + "oldest retained telemetry, or stop every instance and reset it (docs/operations.md, Upgrading)");
      }
    }
  }

  /**
   * Under ACLs a topic the principal may not DESCRIBE is left out of the topic list as if missing:
   * asking for it by name tells the two apart.
   */
  private void refuseUndescribable(List<String> missing) {
    Map<String, KafkaFuture<TopicDescription>> described = admin.describeTopics(missing).topicNameValues();
    try {
      KafkaFuture.allOf(described.values().toArray(KafkaFuture[]::new)).get(reachTimeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      Set<String> refused = refused(described);
      if (!refused.isEmpty()) {
        throw new KafkaCallException("cannot describe topics " + refused, AclOperation.DESCRIBE, refused, e);
      }
    } catch (java.util.concurrent.TimeoutException e) {
      // the missing-topic message is the better guess
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while describing topics");
    }
  }

  /** The names whose call the authorizer refused; admin calls do not say which in their exception. */
  private static <K> Set<String> refused(Map<K, ? extends KafkaFuture<?>> calls) {
    Set<String> refused = new TreeSet<>();
    calls.forEach((name, call) -> {
      try {
        call.getNow(null);
      } catch (ExecutionException e) {
        if (e.getCause() instanceof AuthorizationException) {
          refused.add(name instanceof ConfigResource resource ? resource.name() : name.toString());
        }
      } catch (InterruptedException | RuntimeException notRefused) {
        // not done or failed otherwise
      }
    });
    return refused;
  }

  /**
   * Creates the project's topics that do not exist yet, with {@code minInSyncReplicas} (null: the
   * cluster's default); returns the names it created.
   */
  List<String> createTopics(Topics topics, int telemetryPartitions, short replicationFactor, Integer minInSyncReplicas) {
    Set<String> existing = topicNames();
    List<NewTopic> missing = new ArrayList<>();
    for (Topics.TopicSpec spec : topics.specs(telemetryPartitions)) {
      if (!existing.contains(spec.name())) {
        Map<String, String> configs = new HashMap<>(spec.configs());
        if (minInSyncReplicas != null) {
          configs.put("min.insync.replicas", String.valueOf(minInSyncReplicas));
        }
        missing.add(new NewTopic(spec.name(), spec.partitions(), replicationFactor).configs(configs));
      }
    }
    if (!missing.isEmpty()) {
      CreateTopicsResult creating = admin.createTopics(missing);
      try {
        creating.all().get();
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof org.apache.kafka.common.errors.TopicExistsException)) {
          throw new KafkaCallException("cannot create topics on " + bootstrapServers + ": " + Errors.oneLine(e),
              AclOperation.CREATE, refused(creating.values()), e);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while creating topics");
      }
    }
    List<String> created = missing.stream().map(NewTopic::name).toList();
    if (!created.isEmpty()) {
      // Producers that start right after this (demo, tests) must not race the new leaders.
      PartitionLeaders.await(admin, created, Duration.ofSeconds(60));
    }
    created.forEach(name -> log.info("created topic {}", name));
    return created;
  }

  /** One line per project topic that exists: partitions, replication and non-default configs. */
  List<String> describe(Topics topics) {
    List<String> names = topics.specs(Topics.DEFAULT_TELEMETRY_PARTITIONS).stream()
        .map(Topics.TopicSpec::name).filter(topicNames()::contains).toList();
    try {
      Map<String, TopicDescription> descriptions = describeTopics(names);
      List<ConfigResource> resources = names.stream()
          .map(name -> new ConfigResource(ConfigResource.Type.TOPIC, name)).toList();
      Map<ConfigResource, Config> configs;
      DescribeConfigsResult describing = admin.describeConfigs(resources);
      try {
        configs = describing.all().get();
      } catch (ExecutionException e) {
        throw new KafkaCallException("cannot describe the configs of topics on " + bootstrapServers + ": "
            + Errors.oneLine(e), AclOperation.DESCRIBE_CONFIGS, refused(describing.values()), e);
      }
      List<String> lines = new ArrayList<>();
      int width = names.stream().mapToInt(String::length).max().orElse(0);
      for (String name : names) {
        TopicDescription description = descriptions.get(name);
        String overrides = configs.get(new ConfigResource(ConfigResource.Type.TOPIC, name)).entries().stream()
            .filter(entry -> entry.source() == ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG)
            .map(entry -> entry.name() + "=" + entry.value())
            .sorted()
            .collect(Collectors.joining(","));
        lines.add(String.format("%-" + width + "s partitions=%-3d replicas=%d %s", name,
            description.partitions().size(), description.partitions().get(0).replicas().size(), overrides));
      }
      return lines;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while describing topics");
    }
  }

  /** Partitions and replicas of {@code names}, or one line saying why not (a missing DESCRIBE ACL among others). */
  Map<String, TopicDescription> describeTopics(List<String> names) throws InterruptedException {
    DescribeTopicsResult describing = admin.describeTopics(names);
    try {
      return describing.allTopicNames().get();
    } catch (ExecutionException e) {
      throw new KafkaCallException("cannot describe topics on " + bootstrapServers + ": " + Errors.oneLine(e),
          AclOperation.DESCRIBE, refused(describing.topicNameValues()), e);
    }
  }

  /** Brokers in the cluster, for choosing a replication factor. */
  int brokerCount() {
    try {
      return admin.describeCluster().nodes().get().size();
    } catch (ExecutionException e) {
      throw new IllegalStateException("cannot describe the cluster at " + bootstrapServers + ": " + Errors.oneLine(e), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted");
    }
  }

  private Set<String> topicNames() {
    try {
      return new TreeSet<>(admin.listTopics().names().get());
    } catch (ExecutionException e) {
      throw new IllegalStateException("cannot list topics on " + bootstrapServers + ": " + Errors.oneLine(e), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted");
    }
  }

  @Override
  public void close() {
    admin.close(Duration.ofSeconds(5));
  }
}
