package io.plantstream.testing;

import io.plantstream.broker.BrokerNode;
import io.plantstream.broker.EmbeddedKafkaBroker;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Utils;
import org.awaitility.Awaitility;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Kafka cluster of several KRaft nodes (each broker and controller, all of them voters) on
 * loopback, each node in a JVM of its own ({@link BrokerNode}) so that a test can kill one hard
 * with SIGKILL, as a power cut would, and start it again on the same data directory and ports.
 *
 * <p>Every topic gets as many replicas as there are nodes and needs all but one of them in sync
 * for an {@code acks=all} write ({@code min.insync.replicas}), so the cluster loses nothing
 * acknowledged and keeps accepting writes, and its controller quorum keeps a majority, while one
 * node is down. Each node logs to {@code node-N/} under {@link #directory()}.
 */
public final class EmbeddedKafkaCluster implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(EmbeddedKafkaCluster.class);
  private static final String HOST = "127.0.0.1";
  private static final Duration START_TIMEOUT = Duration.ofMinutes(3);
  private static final java.util.Random PORTS = new java.util.Random();

  private final Path directory;
  private final Map<Integer, Node> nodes = new TreeMap<>();
  private final Map<String, String> brokerConfig;
  private final String voters;
  private final String clusterId = Uuid.randomUuid().toString();
  private boolean started;

  /**
   * A cluster of {@code size} nodes (at least 3, so that losing one keeps a quorum), not yet
   * started; {@code brokerConfig} is given to every node on top of the cluster's settings.
   */
  public EmbeddedKafkaCluster(int size, Map<String, String> brokerConfig) {
    if (size < 3) {
      throw new IllegalArgumentException("a cluster that survives a lost node needs 3 nodes or more, was " + size);
    }
    this.brokerConfig = Map.copyOf(brokerConfig);
    try {
      this.directory = Files.createTempDirectory("plantstream-cluster-");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a directory for the cluster", e);
    }
    for (int id = 1; id <= size; id++) {
      nodes.put(id, new Node(id, stablePort(), stablePort(), directory.resolve("node-" + id)));
    }
    this.voters = nodes.values().stream().map(node -> node.id + "@" + HOST + ":" + node.controllerPort)
        .collect(Collectors.joining(","));
  }

  /** Starts every node at once (a node waits for a quorum of the others) and waits until each answers. */
  public synchronized EmbeddedKafkaCluster start() {
    if (started) {
      return this;
    }
    started = true;
    // Backstop: no node outlives the test JVM, even when a test never reaches close().
    Runtime.getRuntime().addShutdownHook(new Thread(
        () -> nodes.values().forEach(node -> {
          if (node.process != null) {
            node.process.destroyForcibly();
          }
        }), "kafka-cluster-kill"));
    long began = System.nanoTime();
    nodes.values().forEach(Node::launch);
    nodes.values().forEach(Node::awaitReady);
    log.info("Kafka cluster of {} nodes up at {} in {} ms (cluster id {}, data in {})", nodes.size(),
        bootstrapServers(), Duration.ofNanos(System.nanoTime() - began).toMillis(), clusterId, directory);
    return this;
  }

  /** {@code bootstrap.servers} naming every node. */
  public String bootstrapServers() {
    return nodes.values().stream().map(node -> HOST + ":" + node.port).collect(Collectors.joining(","));
  }

  /** Replicas of each topic: one per node. */
  public short replicationFactor() {
    return (short) nodes.size();
  }

  /** Replicas that must be in sync for an {@code acks=all} write: all but one. */
  public int minInSyncReplicas() {
    return nodes.size() - 1;
  }

  /** The node ids, 1 to the cluster's size. */
  public Set<Integer> nodeIds() {
    return nodes.keySet();
  }

  /** Where the nodes keep their data and logs. */
  public Path directory() {
    return directory;
  }

  /** Kills node {@code id} with SIGKILL, as a crash would, and waits until its process is gone. */
  public Instant kill(int id) {
    Node node = node(id);
    node.kill();
    Instant killed = Instant.now();
    log.info("killed Kafka node {} (pid {}) with SIGKILL", id, node.pid);
    return killed;
  }

  /** Starts node {@code id} again on its data directory and ports and waits until it answers clients. */
  public void restart(int id) {
    Node node = node(id);
    if (node.process != null && node.process.isAlive()) {
      throw new IllegalStateException("node " + id + " is running");
    }
    node.launch();
    node.awaitReady();
    log.info("restarted Kafka node {} (pid {})", id, node.pid);
  }

  /** The node that leads the controller quorum now. */
  public int activeController(Admin admin) {
    try {
      return admin.describeMetadataQuorum().quorumInfo().get().leaderId();
    } catch (ExecutionException e) {
      throw new IllegalStateException("cannot describe the controller quorum", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /**
   * Partitions, of every topic including the internal ones, whose in-sync replicas are fewer than
   * their replicas, with the ids in sync, e.g. {@code {t.telemetry-3=[1, 3]}}.
   */
  public Map<String, List<Integer>> underReplicated(Admin admin) throws ExecutionException, InterruptedException {
    Set<String> names = admin.listTopics(new ListTopicsOptions().listInternal(true)).names().get();
    Map<String, List<Integer>> under = new TreeMap<>();
    for (TopicDescription topic : admin.describeTopics(names).allTopicNames().get().values()) {
      for (TopicPartitionInfo partition : topic.partitions()) {
        if (partition.isr().size() < partition.replicas().size()) {
          under.put(topic.name() + "-" + partition.partition(),
              partition.isr().stream().map(org.apache.kafka.common.Node::id).sorted().toList());
        }
      }
    }
    return under;
  }

  /** Waits until every replica of every partition is in sync again; returns how long that took. */
  public Duration awaitFullyInSync(Admin admin, Duration timeout) {
    long began = System.nanoTime();
    Awaitility.await("every replica back in sync").atMost(timeout).pollInterval(Duration.ofMillis(250))
        .ignoreExceptions().until(() -> underReplicated(admin).isEmpty());
    return Duration.ofNanos(System.nanoTime() - began);
  }

  /** An admin client on this cluster, for {@link #underReplicated} and {@link #activeController}. */
  public Admin admin() {
    return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()));
  }

  /** Kills every node and deletes the cluster's directory. */
  @Override
  public synchronized void close() {
    nodes.values().forEach(Node::kill);
    try {
      Utils.delete(directory.toFile());
    } catch (IOException e) {
      log.warn("could not delete {}: {}", directory, e.toString());
    }
  }

  private Node node(int id) {
    Node node = nodes.get(id);
    if (node == null) {
      throw new IllegalArgumentException("no node " + id + " in " + nodes.keySet());
    }
    return node;
  }

  /**
   * A free port below Linux's ephemeral range (32768 and up): a node keeps its ports across a
   * restart, and while it is down an outgoing connection of any process on the machine could
   * otherwise be given its port and keep it from coming back.
   */
  private static int stablePort() {
    for (int attempt = 0; attempt < 100; attempt++) {
      int port = 20_000 + PORTS.nextInt(12_000);
      try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getByName(HOST))) {
        return port;
      } catch (IOException taken) {
        log.debug("port {} is taken, trying another", port);
      }
    }
    return EmbeddedKafkaBroker.freePort();
  }

  /** One node: its ports, its directory and, while it runs, its process. */
  private final class Node {

    final int id;
    final int port;
    final int controllerPort;
    final Path home;
    Process process;
    long pid;

    Node(int id, int port, int controllerPort, Path home) {
      this.id = id;
      this.port = port;
      this.controllerPort = controllerPort;
      this.home = home;
    }

    void launch() {
      try {
        Files.createDirectories(home);
        Path config = home.resolve("node.properties");
        Properties props = new Properties();
        props.putAll(nodeProperties());
        try (OutputStream out = Files.newOutputStream(config)) {
          props.store(out, "plantstream cluster node " + id);
        }
        List<String> command = new ArrayList<>(List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-Xms64m", "-Xmx512m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
            "-Dplantstream.log.dir=" + home,
            "-cp", System.getProperty("java.class.path"),
            BrokerNode.class.getName(), config.toString()));
        // A new console file per start, so that the ready line found is this start's.
        Path console = home.resolve("console.log");
        Files.deleteIfExists(console);
        process = new ProcessBuilder(command).directory(home.toFile()).redirectErrorStream(true)
            .redirectOutput(console.toFile()).start();
        pid = process.pid();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot start Kafka node " + id, e);
      }
    }

    Map<String, String> nodeProperties() {
      Map<String, String> props = new LinkedHashMap<>();
      props.put("node.id", String.valueOf(id));
      props.put("port", String.valueOf(port));
      props.put("controller.port", String.valueOf(controllerPort));
      props.put("controller.quorum.voters", voters);
      props.put("cluster.id", clusterId);
      props.put("data.dir", home.resolve("data").toString());
      props.put("replication.factor", String.valueOf(replicationFactor()));
      props.put("min.insync.replicas", String.valueOf(minInSyncReplicas()));
      brokerConfig.forEach((name, value) -> props.put(BrokerNode.BROKER_CONFIG_PREFIX + name, value));
      return props;
    }

    void awaitReady() {
      Path console = home.resolve("console.log");
      Awaitility.await("Kafka node " + id + " ready").atMost(START_TIMEOUT).pollInterval(Duration.ofMillis(200))
          .until(() -> {
            String output = Files.exists(console) ? Files.readString(console, StandardCharsets.UTF_8) : "";
            if (output.contains(BrokerNode.READY)) {
              return true;
            }
            if (!process.isAlive()) {
              throw new IllegalStateException("Kafka node " + id + " exited with " + process.exitValue()
                  + "; its output (" + console + "):\n" + tail(output));
            }
            return false;
          });
    }

    void kill() {
      if (process == null) {
        return;
      }
      process.destroyForcibly();
      try {
        process.waitFor();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while killing Kafka node " + id, e);
      }
    }

    private String tail(String output) {
      return output.length() <= 4000 ? output : output.substring(output.length() - 4000);
    }
  }
}
