package io.plantstream.streams;

import io.plantstream.schemas.Topics;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyDescription;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.apache.kafka.streams.state.HostInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running instance of the KPI application: the {@link KpiTopology} in a {@link KafkaStreams}
 * client. Start as many instances with the same application id as the input has partitions; Kafka
 * spreads the partitions (and their state) over them.
 */
public final class KpiApplication implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(KpiApplication.class);

  private final KafkaStreams streams;
  private final TopologyDescription topology;
  private final String applicationId;
  private final DeadLetterCounts deadLetters;
  private final HostInfo applicationServer;
  private final RestorationLog restoration = new RestorationLog();
  private final CountDownLatch running = new CountDownLatch(1);
  private final CountDownLatch failed = new CountDownLatch(1);
  private final AtomicReference<Throwable> failure = new AtomicReference<>();
  private volatile boolean closing;
  /** Refreshes {@link #inputLag} from the consumers' metrics while the instance runs. */
  private final ScheduledExecutorService lagRefresh = Executors.newSingleThreadScheduledExecutor(runnable -> {
    Thread thread = new Thread(runnable, "plantstream-input-lag");
    thread.setDaemon(true);
    return thread;
  });
  private final InputLag inputLag;

  /** An instance of {@code topology} with {@code config}, not yet started. */
  public KpiApplication(Topology topology, Properties config) {
    this.streams = new KafkaStreams(topology, config);
    this.topology = topology.describe();
    this.applicationId = config.getProperty(StreamsConfig.APPLICATION_ID_CONFIG);
    DeadLetterCounts configured = DeadLetterCounts.in(config);
    this.deadLetters = configured != null ? configured : new DeadLetterCounts();
    this.inputLag = InputLag.in(config);
    String server = config.getProperty(StreamsConfig.APPLICATION_SERVER_CONFIG, "");
    this.applicationServer = server.isBlank() ? null : HostInfo.buildFromEndpoint(server);
    streams.setStateListener((now, before) -> {
      log.info("streams application {} -> {}", before, now);
      if (now == KafkaStreams.State.RUNNING) {
        running.countDown();
      } else if (now == KafkaStreams.State.ERROR || now == KafkaStreams.State.NOT_RUNNING && !closing) {
        failed.countDown();
      }
    });
    streams.setGlobalStateRestoreListener(restoration);
    streams.setUncaughtExceptionHandler(exception -> {
      failure.compareAndSet(null, exception);
      // One line: Kafka Streams has logged the stack trace (to the log file), and the console stays readable.
      log.error("streams thread failed; stopping this instance: {}", exception.toString());
      return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
    });
  }

  /**
   * An instance of the {@link KpiTopology} over {@code topics} with {@code rules}, for the telemetry
   * topic's partitions as the cluster in {@code config} has them now.
   *
   * @throws IllegalStateException if the telemetry topic cannot be described
   */
  public static KpiApplication forTopics(Topics topics, KpiConfig rules, Properties config) {
    return new KpiApplication(KpiTopology.build(topics, rules, telemetryPartitions(topics, config)), config);
  }

  /** How many partitions the telemetry topic has on the cluster {@code config} points at. */
  public static int telemetryPartitions(Topics topics, Properties config) {
    String telemetry = topics.telemetry().name();
    Map<String, Object> adminConfig = new StreamsConfig(config).getAdminConfigs(
        config.getProperty(StreamsConfig.APPLICATION_ID_CONFIG) + "-setup");
    try (Admin admin = Admin.create(adminConfig)) {
      return admin.describeTopics(List.of(telemetry)).allTopicNames().get(30, TimeUnit.SECONDS)
          .get(telemetry).partitions().size();
    } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException("cannot describe the topic " + telemetry + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while describing the topic " + telemetry, e);
    }
  }

  /** Starts processing in background threads. */
  public KpiApplication start() {
    streams.start();
    if (inputLag != null) {
      // Often enough for idleAfter (30 s by default) to see a partition's backlog within a second.
      lagRefresh.scheduleWithFixedDelay(() -> inputLag.update(streams.metrics()), 0, 500, TimeUnit.MILLISECONDS);
    }
    return this;
  }

  /** Waits until the instance is RUNNING; false if it failed or the time ran out. */
  public boolean awaitRunning(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (running.await(200, TimeUnit.MILLISECONDS)) {
        return true;
      }
      if (failed.getCount() == 0) {
        return false;
      }
    }
    return false;
  }

  /** Waits until the instance stops by itself (not by {@link #close()}) or {@code timeout} passes; true if it stopped. */
  public boolean awaitFailure(Duration timeout) throws InterruptedException {
    return failed.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** What stopped a stream thread, the first of them, if any did. */
  public Optional<Throwable> failure() {
    return Optional.ofNullable(failure.get());
  }

  /** The Kafka Streams state. */
  public KafkaStreams.State state() {
    return streams.state();
  }

  /** The underlying client, for metrics and interactive queries. */
  public KafkaStreams streams() {
    return streams;
  }

  /** What the instance runs: sub-topologies, their sources and stores (for finding where a store lives). */
  public TopologyDescription topology() {
    return topology;
  }

  /** The application id, shared by every instance of the application and prefix of its internal topics. */
  public String applicationId() {
    return applicationId;
  }

  /** Records this instance sent to the dead-letter queue, by reason (zero for all when built without them). */
  public DeadLetterCounts deadLetters() {
    return deadLetters;
  }

  /** How much state this instance restored from changelogs, and how long it took (also logged). */
  public RestorationLog restoration() {
    return restoration;
  }

  /** Where this instance answers interactive queries ({@code application.server}), if anywhere. */
  public Optional<HostInfo> applicationServer() {
    return Optional.ofNullable(applicationServer);
  }

  /**
   * Stops processing, committing what was processed, and leaves the group: the other instances take
   * this one's tasks over at once, and an instance started again on the same application id does not
   * wait for the group to time this one out.
   */
  @Override
  public void close() {
    closing = true;
    lagRefresh.shutdownNow();
    streams.close(CloseOptions.timeout(Duration.ofSeconds(30))
        .withGroupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP));
  }
}
