package io.plantstream.broker;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;

/**
 * One node of a multi-node embedded cluster, run in a JVM of its own so that it can be killed
 * hard (SIGKILL) while the others go on: {@code java -cp ... io.plantstream.broker.BrokerNode
 * node.properties}. It formats its data directory on first start, starts, prints {@link #READY}
 * and the bootstrap address on standard output, and runs until the JVM ends; SIGTERM stops it
 * cleanly, SIGKILL leaves its data directory as a crash would.
 *
 * <p>The properties file holds {@code node.id}, {@code port}, {@code controller.port},
 * {@code controller.quorum.voters}, {@code cluster.id}, {@code data.dir}, {@code replication.factor},
 * {@code min.insync.replicas}, and any broker config prefixed with {@code broker.}
 * (e.g. {@code broker.producer.id.expiration.check.interval.ms=1000}).
 */
public final class BrokerNode {

  /** The line a node prints once it answers clients. */
  public static final String READY = "BROKER NODE READY";
  /** Prefix of the properties passed on to the broker as its own configs. */
  public static final String BROKER_CONFIG_PREFIX = "broker.";

  private BrokerNode() {}

  /** Starts the node described by the properties file {@code args[0]} and runs until the JVM ends. */
  public static void main(String[] args) throws InterruptedException {
    if (args.length != 1) {
      System.err.println("usage: BrokerNode NODE_PROPERTIES_FILE");
      System.exit(2);
    }
    EmbeddedKafkaBroker broker = fromProperties(load(Path.of(args[0])));
    CountDownLatch stopped = new CountDownLatch(1);
    broker.start();
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      broker.close();
      stopped.countDown();
    }, "broker-node-stop"));
    System.out.println(READY + " " + broker.bootstrapServers());
    System.out.flush();
    stopped.await();
  }

  /** The broker the properties describe, not yet started. */
  static EmbeddedKafkaBroker fromProperties(Properties props) {
    EmbeddedKafkaBroker.Builder builder = EmbeddedKafkaBroker.builder()
        .nodeId(Integer.parseInt(required(props, "node.id")))
        .port(Integer.parseInt(required(props, "port")))
        .controllerPort(Integer.parseInt(required(props, "controller.port")))
        .controllerQuorumVoters(required(props, "controller.quorum.voters"))
        .clusterId(required(props, "cluster.id"))
        .dataDir(Path.of(required(props, "data.dir")))
        .replication(Integer.parseInt(props.getProperty("replication.factor", "1")),
            Integer.parseInt(props.getProperty("min.insync.replicas", "1")));
    for (String name : props.stringPropertyNames()) {
      if (name.startsWith(BROKER_CONFIG_PREFIX)) {
        builder.config(name.substring(BROKER_CONFIG_PREFIX.length()), props.getProperty(name));
      }
    }
    return builder.build();
  }

  private static String required(Properties props, String name) {
    String value = props.getProperty(name);
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException("node properties lack " + name);
    }
    return value.trim();
  }

  private static Properties load(Path file) {
    Properties props = new Properties();
    try (InputStream in = Files.newInputStream(file)) {
      props.load(in);
      return props;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read node properties " + file, e);
    }
  }
}
