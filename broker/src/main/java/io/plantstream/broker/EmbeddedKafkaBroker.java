package io.plantstream.broker;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.common.utils.Utils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A single-node Kafka broker in KRaft combined mode (broker and controller in one process), run
 * in-process from the official Kafka server classes. It is the real broker, not a mock: what works
 * against it works against a cluster.
 *
 * <p>Used by {@code plant broker}, {@code plant demo} and the integration tests when Docker is not
 * available. It listens on loopback only. A broker started without a data directory uses a
 * temporary one and deletes it on {@link #close()}.
 *
 * <p>By default it is a cluster of one. Given a node id, a controller port, the quorum's voters, a
 * shared cluster id and a replication factor, it is one node of a multi-node cluster; {@link
 * BrokerNode} runs such a node in a JVM of its own.
 *
 * <p>Secured ({@link Builder#saslSsl}): a second client listener speaks SASL_SSL with SCRAM-SHA-512
 * for the users given at format time, and {@link Builder#acls} enforces ACLs. The PLAINTEXT and
 * controller listeners stay: they are the broker's own (inter-broker and controller traffic, as
 * {@code User:ANONYMOUS}, a super user) and an operator's way in on loopback to set up topics and ACLs.
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(EmbeddedKafkaBroker.class);
  private static final String HOST = "127.0.0.1";
  private static final String SCRAM = "SCRAM-SHA-512";

  private final int nodeId;
  private final int port;
  private final int controllerPort;
  private final String controllerQuorumVoters;
  private final String clusterId;
  private final int replicationFactor;
  private final int minInSyncReplicas;
  private final Path dataDir;
  private final boolean temporaryDataDir;
  private final Map<String, String> overrides;
  private final SaslSsl saslSsl;
  private final int saslSslPort;
  private final Map<String, String> scramUsers;
  private final List<String> superUsers;
  private KafkaRaftServer server;

  private EmbeddedKafkaBroker(Builder builder) {
    this.nodeId = builder.nodeId;
    this.port = builder.port == 0 ? freePort() : builder.port;
    this.controllerPort = builder.controllerPort == 0 ? freePort() : builder.controllerPort;
    this.controllerQuorumVoters = builder.controllerQuorumVoters != null ? builder.controllerQuorumVoters
        : nodeId + "@" + HOST + ":" + controllerPort;
    this.clusterId = builder.clusterId != null ? builder.clusterId : Uuid.randomUuid().toString();
    this.replicationFactor = builder.replicationFactor;
    this.minInSyncReplicas = builder.minInSyncReplicas;
    this.temporaryDataDir = builder.dataDir == null;
    this.dataDir = temporaryDataDir ? createTempDir() : builder.dataDir;
    this.overrides = Map.copyOf(builder.overrides);
    this.saslSsl = builder.saslSsl;
    this.saslSslPort = saslSsl == null ? -1 : freePort();
    this.scramUsers = new LinkedHashMap<>(builder.scramUsers);
    this.superUsers = builder.superUsers == null ? null : List.copyOf(builder.superUsers);
  }

  /** A builder; by default a free port, a temporary data directory and single-node defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** Starts a broker with the defaults of {@link #builder()}. */
  public static EmbeddedKafkaBroker startDefault() {
    return builder().build().start();
  }

  /**
   * Formats the data directory (unless it already holds a formatted log), starts the broker and
   * waits until it answers clients.
   */
  public synchronized EmbeddedKafkaBroker start() {
    if (server != null) {
      throw new IllegalStateException("broker already started");
    }
    long started = System.nanoTime();
    Properties props = serverProperties();
    formatIfNeeded(props);
    server = new KafkaRaftServer(KafkaConfig.fromProps(props, false), Time.SYSTEM);
    server.startup();
    awaitReady(Duration.ofSeconds(60));
    log.info("Kafka broker up at {} in {} ms (data in {})",
        bootstrapServers(), Duration.ofNanos(System.nanoTime() - started).toMillis(), dataDir);
    return this;
  }

  /** The {@code bootstrap.servers} string clients use, e.g. {@code 127.0.0.1:9092}. */
  public String bootstrapServers() {
    return HOST + ":" + port;
  }

  /** The client port. */
  public int port() {
    return port;
  }

  /** This node's id in the cluster ({@code node.id}); 1 unless configured. */
  public int nodeId() {
    return nodeId;
  }

  /** The port of this node's controller listener on 127.0.0.1. */
  public int controllerPort() {
    return controllerPort;
  }

  /** The {@code bootstrap.servers} of the SASL_SSL listener; only for a broker built with {@link Builder#saslSsl}. */
  public String saslSslBootstrapServers() {
    if (saslSsl == null) {
      throw new IllegalStateException("this broker has no SASL_SSL listener; build it with saslSsl(...)");
    }
    return HOST + ":" + saslSslPort;
  }

  /** The directory that holds the broker's logs and metadata. */
  public Path dataDir() {
    return dataDir;
  }

  /** Stops the broker, waits for it to finish and, if the data directory was temporary, deletes it. */
  @Override
  public synchronized void close() {
    if (server != null) {
      server.shutdown();
      server.awaitShutdown();
      server = null;
      log.info("Kafka broker at {} stopped", bootstrapServers());
    }
    if (temporaryDataDir) {
      try {
        Utils.delete(dataDir.toFile());
      } catch (IOException e) {
        log.warn("could not delete {}: {}", dataDir, e.toString());
      }
    }
  }

  private Properties serverProperties() {
    Map<String, String> config = new HashMap<>();
    config.put("process.roles", "broker,controller");
    config.put("node.id", String.valueOf(nodeId));
    config.put("controller.quorum.voters", controllerQuorumVoters);
    config.put("listeners", "PLAINTEXT://" + HOST + ":" + port + ",CONTROLLER://" + HOST + ":" + controllerPort);
    config.put("advertised.listeners", "PLAINTEXT://" + HOST + ":" + port);
    config.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
    if (saslSsl != null) {
      String listener = "SASL_SSL://" + HOST + ":" + saslSslPort;
      config.put("listeners", config.get("listeners") + "," + listener);
      config.put("advertised.listeners", config.get("advertised.listeners") + "," + listener);
      config.put("listener.security.protocol.map", config.get("listener.security.protocol.map") + ",SASL_SSL:SASL_SSL");
      config.put("sasl.enabled.mechanisms", SCRAM);
      // The broker only checks clients on this listener; SCRAM credentials live in the metadata log.
      config.put("listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config",
          "org.apache.kafka.common.security.scram.ScramLoginModule required;");
      config.put("ssl.keystore.type", "PKCS12");
      config.put("ssl.keystore.location", saslSsl.keystore().toString());
      config.put("ssl.keystore.password", saslSsl.keystorePassword());
      config.put("ssl.key.password", saslSsl.keystorePassword());
    }
    if (superUsers != null) {
      config.put("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer");
      // The broker's own traffic (controller, inter-broker) comes over the PLAINTEXT listeners as ANONYMOUS.
      List<String> supers = new ArrayList<>(List.of("User:ANONYMOUS"));
      supers.addAll(superUsers);
      config.put("super.users", String.join(";", supers));
      config.put("allow.everyone.if.no.acl.found", "false");
    }
    config.put("controller.listener.names", "CONTROLLER");
    config.put("inter.broker.listener.name", "PLAINTEXT");
    config.put("log.dirs", dataDir.resolve("logs").toString());
    config.put("metadata.log.dir", dataDir.resolve("metadata").toString());
    // One replica of every internal topic on a single node; as many as asked for in a cluster.
    String replicas = String.valueOf(replicationFactor);
    String minIsr = String.valueOf(minInSyncReplicas);
    config.put("offsets.topic.replication.factor", replicas);
    config.put("offsets.topic.num.partitions", "3");
    config.put("transaction.state.log.replication.factor", replicas);
    config.put("transaction.state.log.min.isr", minIsr);
    config.put("transaction.state.log.num.partitions", "3");
    config.put("share.coordinator.state.topic.replication.factor", replicas);
    config.put("share.coordinator.state.topic.min.isr", minIsr);
    config.put("default.replication.factor", replicas);
    config.put("min.insync.replicas", minIsr);
    // Consumers of a fresh group start at once instead of waiting for more members.
    config.put("group.initial.rebalance.delay.ms", "0");
    config.put("auto.create.topics.enable", "false");
    config.put("log.segment.bytes", String.valueOf(64 * 1024 * 1024));
    config.putAll(overrides);
    Properties props = new Properties();
    props.putAll(config);
    return props;
  }

  private void formatIfNeeded(Properties props) {
    if (Files.exists(dataDir.resolve("metadata").resolve("meta.properties"))) {
      return;
    }
    try {
      Files.createDirectories(dataDir);
      Path configFile = dataDir.resolve("server.properties");
      try (OutputStream out = Files.newOutputStream(configFile)) {
        props.store(out, "plantstream embedded broker");
      }
      ByteArrayOutputStream output = new ByteArrayOutputStream();
      List<String> args = new ArrayList<>(List.of("format", "-t", clusterId, "-c", configFile.toString()));
      scramUsers.forEach((name, password) -> {
        args.add("--add-scram");
        args.add(SCRAM + "=[name=" + name + ",password=" + password + "]");
      });
      int status;
      try (PrintStream printer = new PrintStream(output, true, StandardCharsets.UTF_8)) {
        status = StorageTool.execute(args.toArray(String[]::new), printer);
      }
      if (status != 0) {
        throw new IllegalStateException("formatting " + dataDir + " failed: "
            + output.toString(StandardCharsets.UTF_8).trim());
      }
      log.debug("formatted {}: {}", dataDir, output.toString(StandardCharsets.UTF_8).trim());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot prepare broker data directory " + dataDir, e);
    }
  }

  private void awaitReady(Duration timeout) {
    Map<String, Object> config = Map.of(
        AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
        AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis(),
        AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
    try (Admin admin = Admin.create(config)) {
      admin.describeCluster().nodes().get();
    } catch (ExecutionException e) {
      throw new IllegalStateException("broker at " + bootstrapServers() + " did not become ready", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for the broker", e);
    }
  }

  /** A port on 127.0.0.1 that is free now, for a listener to bind to next. */
  public static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free port on " + HOST, e);
    }
  }

  private static Path createTempDir() {
    try {
      return Files.createTempDirectory("plantstream-kafka-");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a temporary broker directory", e);
    }
  }

  /**
   * The TLS side of the SASL_SSL listener.
   *
   * @param keystore a PKCS12 keystore holding the broker's key and certificate (SAN IP:127.0.0.1)
   * @param keystorePassword the password of the keystore and of its key
   */
  public record SaslSsl(Path keystore, String keystorePassword) {
    /** Never prints the password. */
    @Override
    public String toString() {
      return "SaslSsl[keystore=" + keystore + "]";
    }
  }

  /** Options of an embedded broker. */
  public static final class Builder {
    private int nodeId = 1;
    private int port;
    private int controllerPort;
    private String controllerQuorumVoters;
    private String clusterId;
    private int replicationFactor = 1;
    private int minInSyncReplicas = 1;
    private Path dataDir;
    private final Map<String, String> overrides = new HashMap<>();
    private SaslSsl saslSsl;
    private final Map<String, String> scramUsers = new LinkedHashMap<>();
    private List<String> superUsers;

    private Builder() {}

    /** The client port on 127.0.0.1; 0 (the default) picks a free one. */
    public Builder port(int port) {
      if (port < 0 || port > 65_535) {
        throw new IllegalArgumentException("port must be 0..65535, was " + port);
      }
      this.port = port;
      return this;
    }

    /** This node's id ({@code node.id}, default 1); must match its entry in the quorum voters. */
    public Builder nodeId(int nodeId) {
      if (nodeId < 0) {
        throw new IllegalArgumentException("node id must be 0 or more, was " + nodeId);
      }
      this.nodeId = nodeId;
      return this;
    }

    /** The controller port on 127.0.0.1; 0 (the default) picks a free one. */
    public Builder controllerPort(int controllerPort) {
      if (controllerPort < 0 || controllerPort > 65_535) {
        throw new IllegalArgumentException("controller port must be 0..65535, was " + controllerPort);
      }
      this.controllerPort = controllerPort;
      return this;
    }

    /**
     * The controller quorum of a cluster, {@code id@host:port,...} ({@code controller.quorum.voters}),
     * this node among them; by default this node alone.
     */
    public Builder controllerQuorumVoters(String voters) {
      this.controllerQuorumVoters = voters;
      return this;
    }

    /** The id every node of one cluster is formatted with; by default a random one (a single node). */
    public Builder clusterId(String clusterId) {
      this.clusterId = clusterId;
      return this;
    }

    /**
     * Replicas of every new topic and of the internal ones (offsets, transactions), and the
     * {@code min.insync.replicas} they need to accept an {@code acks=all} write; 1 and 1 by default.
     */
    public Builder replication(int factor, int minInSync) {
      if (factor < 1 || minInSync < 1 || minInSync > factor) {
        throw new IllegalArgumentException("need 1 <= min in-sync replicas <= replication factor, was "
            + minInSync + " of " + factor);
      }
      this.replicationFactor = factor;
      this.minInSyncReplicas = minInSync;
      return this;
    }

    /** A data directory kept after close; by default a temporary one, deleted on close. */
    public Builder dataDir(Path dataDir) {
      this.dataDir = dataDir;
      return this;
    }

    /** A broker config that replaces the single-node default of the same name. */
    public Builder config(String name, String value) {
      overrides.put(name, value);
      return this;
    }

    /**
     * A second client listener on 127.0.0.1 speaking SASL_SSL with SCRAM-SHA-512, its TLS key from
     * {@code keystore}; see {@link #saslSslBootstrapServers()}.
     */
    public Builder saslSsl(Path keystore, String keystorePassword) {
      this.saslSsl = new SaslSsl(keystore, keystorePassword);
      return this;
    }

    /** A SCRAM-SHA-512 user, written into the metadata log when the data directory is formatted. */
    public Builder scramUser(String name, String password) {
      if (!name.matches("[A-Za-z0-9._-]+") || !password.matches("[A-Za-z0-9._-]+")) {
        throw new IllegalArgumentException("SCRAM names and passwords here are letters, digits, '.', '_' and '-'");
      }
      scramUsers.put(name, password);
      return this;
    }

    /**
     * Enforces ACLs (KRaft's StandardAuthorizer, nothing allowed without an ACL); {@code superUsers}
     * (e.g. {@code User:admin}) may do anything, as may the PLAINTEXT listeners' {@code User:ANONYMOUS}.
     */
    public Builder acls(String... superUsers) {
      this.superUsers = List.of(superUsers);
      return this;
    }

    /** The broker, not yet started. */
    public EmbeddedKafkaBroker build() {
      return new EmbeddedKafkaBroker(this);
    }
  }
}
