package io.plantstream.bench;

import io.plantstream.broker.PartitionLeaders;
import io.plantstream.producer.RunLimit;
import io.plantstream.producer.SimulationRunner;
import io.plantstream.producer.SimulationSummary;
import io.plantstream.producer.Speed;
import io.plantstream.producer.publish.MachinesPublisher;
import io.plantstream.producer.publish.SitesPublisher;
import io.plantstream.producer.publish.TelemetryPublisher;
import io.plantstream.producer.sim.PlantSimulator;
import io.plantstream.schemas.Topics;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Node;

/**
 * The project's topics on the benchmark's broker: created with the project's own specs (as
 * {@code plant topics} creates them, one replica), filled with simulated events, measured in bytes
 * and deleted.
 */
final class BenchTopics {

  private BenchTopics() {}

  /**
   * Creates every topic of {@code topics} (telemetry with {@value Topics#DEFAULT_TELEMETRY_PARTITIONS}
   * partitions) plus {@code extra}, and waits until each partition's leader acts as one, so that no
   * producer races a new partition (see {@link PartitionLeaders}).
   */
  static void create(Admin admin, Topics topics, NewTopic... extra) throws ExecutionException, InterruptedException {
    List<NewTopic> created = new ArrayList<>();
    for (Topics.TopicSpec spec : topics.specs(Topics.DEFAULT_TELEMETRY_PARTITIONS)) {
      created.add(new NewTopic(spec.name(), spec.partitions(), (short) 1).configs(spec.configs()));
    }
    created.addAll(List.of(extra));
    admin.createTopics(created).all().get();
    PartitionLeaders.await(admin, created.stream().map(NewTopic::name).toList(), Duration.ofSeconds(60));
  }

  /**
   * Publishes the simulator's machines and sites, then its events until {@code limit}, as fast as
   * the broker takes them (the simulator's own publisher and producer settings); returns what was
   * published.
   */
  static SimulationSummary preload(Map<String, Object> client, Topics topics, PlantSimulator simulator, RunLimit limit)
      throws InterruptedException {
    MachinesPublisher.publish(client, topics.machines(), simulator.machineInfos(), simulator.start());
    SitesPublisher.publish(client, topics.sites(), simulator.siteInfos(), simulator.start());
    try (TelemetryPublisher publisher = new TelemetryPublisher(client, topics.telemetry())) {
      return new SimulationRunner(simulator, publisher, Speed.MAX, limit).run();
    }
  }

  /** Bytes on disk of every topic, summed over its partitions ({@code describeLogDirs}). */
  static Map<String, Long> sizes(Admin admin) throws ExecutionException, InterruptedException {
    List<Integer> brokers = admin.describeCluster().nodes().get().stream().map(Node::id).toList();
    Map<String, Long> bytes = new TreeMap<>();
    admin.describeLogDirs(brokers).allDescriptions().get().values().forEach(dirs -> dirs.values().forEach(dir ->
        dir.replicaInfos().forEach((partition, replica) -> bytes.merge(partition.topic(), replica.size(), Long::sum))));
    return bytes;
  }

  /**
   * Bytes producers have appended to {@code topic} since it was created: the broker's
   * {@code BytesInPerSec} meter of the topic (JMX; the embedded broker runs in this JVM); 0 if the
   * topic has none. Unlike the size on disk, it counts what was purged since (Kafka Streams deletes
   * repartition records once they are committed).
   */
  static long bytesAppended(String topic) {
    try {
      ObjectName meter = new ObjectName("kafka.server:type=BrokerTopicMetrics,name=BytesInPerSec,topic=" + topic);
      MBeanServer server = ManagementFactory.getPlatformMBeanServer();
      return server.isRegistered(meter) ? ((Number) server.getAttribute(meter, "Count")).longValue() : 0;
    } catch (JMException e) {
      throw new IllegalStateException("cannot read the broker's BytesInPerSec of " + topic, e);
    }
  }

  /** Deletes every topic whose name starts with one of {@code prefixes}. */
  static void deleteWithPrefix(Admin admin, String... prefixes) throws ExecutionException, InterruptedException {
    Set<String> names = admin.listTopics().names().get().stream()
        .filter(name -> Arrays.stream(prefixes).anyMatch(name::startsWith))
        .collect(Collectors.toSet());
    if (!names.isEmpty()) {
      admin.deleteTopics(names).all().get();
    }
  }
}
