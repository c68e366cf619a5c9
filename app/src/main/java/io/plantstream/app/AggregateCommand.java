package io.plantstream.app;

import io.plantstream.app.http.KpiHttpServer;
import io.plantstream.schemas.Topics;
import io.plantstream.streams.EmitMode;
import io.plantstream.streams.KpiApplication;
import io.plantstream.streams.KpiConfig;
import io.plantstream.streams.KpiStreamsConfig;
import io.plantstream.streams.KpiTopology;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.ClusterAuthorizationException;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code plant aggregate}: runs one instance of the KPI streams application until Ctrl-C. */
@Command(name = "aggregate", mixinStandardHelpOptions = true,
    description = {"Run the Kafka Streams KPI application: plant.telemetry -> per-machine and per-site "
        + "yield, output, uptime and OEE per 1-minute and 1-hour window.",
        "Start more instances with the same --application-id to share the partitions; with --http-port "
            + "any instance answers KPI queries for all of them."})
final class AggregateCommand implements Callable<Integer> {

  private static final Logger log = LoggerFactory.getLogger(AggregateCommand.class);

  @Mixin CommonOptions common;

  @Option(names = "--application-id", paramLabel = "ID", defaultValue = KpiStreamsConfig.DEFAULT_APPLICATION_ID,
      description = "Kafka Streams application id; instances sharing it share the work (default: ${DEFAULT-VALUE}).")
  String applicationId;

  @Option(names = "--state-dir", paramLabel = "DIR",
      description = "Where this instance keeps its state stores (default: ./state/<application-id>).")
  Path stateDir;

  @Option(names = "--emit", paramLabel = "final|updates", defaultValue = "final",
      description = {"final: one record per machine and closed window (default).",
          "updates: also provisional records every --update-interval while a window is open (final=false, growing revisions)."})
  EmitMode emit;

  @Option(names = "--update-interval", paramLabel = "DURATION", defaultValue = "250ms", converter = DurationConverter.class,
      description = "With --emit updates: how often, in wall-clock time, open windows' provisional records are "
          + "emitted (default: ${DEFAULT-VALUE}).")
  Duration updateInterval;

  @Option(names = "--grace", paramLabel = "DURATION", defaultValue = "30s", converter = DurationConverter.class,
      description = "How long after its end a window still accepts events, in event time (default: ${DEFAULT-VALUE}).")
  Duration grace;

  @Option(names = "--idle-after", paramLabel = "DURATION", defaultValue = "30s", converter = DurationConverter.class,
      description = "Wall-clock time without an accepted event after which a telemetry partition no longer holds "
          + "site windows back from becoming final (default: ${DEFAULT-VALUE}).")
  Duration idleAfter;

  @Option(names = "--http-port", paramLabel = "PORT",
      description = {"Serve HTTP on this port: the live dashboard at /, GET /sites, /sites/{site}/kpis, "
          + "/machines/{machine}/kpis, /health, /metrics (0: any free port; default: no HTTP server).",
          "The instance advertises it to the others (application.server) so any instance answers for all."})
  Integer httpPort;

  @Option(names = "--http-host", paramLabel = "HOST", defaultValue = "127.0.0.1",
      description = "Address the HTTP server listens on (default: ${DEFAULT-VALUE}, this host only; "
          + "0.0.0.0 for every interface, advertised under this host's name).")
  String httpHost;

  @Override
  public Integer call() throws Exception {
    if (httpPort != null && (httpPort < 0 || httpPort > 65_535)) {
      throw new UsageException("--http-port must be between 0 and 65535, was " + httpPort);
    }
    // Kafka names internal topics and the consumer group after it: only these characters are legal.
    if (!applicationId.matches("[A-Za-z0-9._-]+")) {
      throw new UsageException("--application-id '" + applicationId
          + "' may only have letters, digits, '.', '_' and '-'");
    }
    if (stateDir != null && java.nio.file.Files.exists(stateDir) && !java.nio.file.Files.isDirectory(stateDir)) {
      throw new UsageException("--state-dir " + stateDir + " is a file, not a directory");
    }
    Topics topics = common.topics();
    if (updateInterval.isZero() || updateInterval.isNegative()) {
      throw new UsageException("--update-interval must be positive, was " + updateInterval);
    }
    if (idleAfter.isZero() || idleAfter.isNegative()) {
      throw new UsageException("--idle-after must be positive, was " + idleAfter);
    }
    KpiConfig config = KpiConfig.defaults().withGrace(grace).withEmit(emit).withUpdateInterval(updateInterval)
        .withIdleAfter(idleAfter);
    try (KafkaCluster cluster = KafkaCluster.connect(common.clientConfig())) {
      cluster.requireTopics(topics.telemetry().name(), topics.machines().name(), topics.sites().name(),
          topics.machineKpi1m().name(), topics.machineKpiDay().name(), topics.siteKpi1m().name(),
          topics.siteKpi1h().name(), topics.siteKpiShift().name(), topics.siteKpiDay().name(), topics.late().name(),
          topics.dlq().name());
      cluster.refuseRetiredState(applicationId, KpiTopology.RETIRED_INTERNAL_TOPICS);
    }
    topics.registerSchemas(List.of(topics.machineKpi1m(), topics.machineKpiDay(), topics.siteKpi1m(),
        topics.siteKpi1h(), topics.siteKpiShift(), topics.siteKpiDay(), topics.late()));
    Path state = stateDir != null ? stateDir : Path.of("state", applicationId);
    KpiHttpServer http = httpPort == null ? null : listen();
    try {
      String advertised = http == null ? null : advertisedHost(httpHost) + ":" + http.port();
      KpiApplication app = KpiApplication.forTopics(topics, config, KpiStreamsConfig.build(
          common.bootstrapServers, applicationId, state, topics, common.clientConfig(), advertised));
      if (http != null) {
        http.serve(app, topics);
      }
      return run(app, state, http);
    } finally {
      if (http != null) {
        http.close();
      }
    }
  }

  private int run(KpiApplication app, Path state, KpiHttpServer http) throws InterruptedException {
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      log.info("stopping the KPI application");
      app.close();
      stopped.countDown();
    }, "aggregate-stop"));
    app.start();
    if (!app.awaitRunning(Duration.ofMinutes(2))) {
      IllegalStateException failure = failed(app, "the KPI application did not start (state " + app.state()
          + "); see logs/plantstream.log");
      app.close();
      throw failure;
    }
    System.out.println("KPI application '" + applicationId + "' running on " + common.bootstrapServers
        + " (emit " + emit.name().toLowerCase(java.util.Locale.ROOT) + ", grace " + grace.toSeconds()
        + " s, state in " + state + "); Ctrl-C stops it");
    if (http != null) {
      System.out.println("HTTP on http://" + hostForUrl(httpHost) + ":" + http.port()
          + " (advertised as " + app.applicationServer().map(host -> host.host() + ":" + host.port()).orElse("nothing")
          + "): dashboard at /, API /sites, /sites/{site}/kpis, /machines/{machine}/kpis, /health, /metrics");
    }
    while (stopped.getCount() > 0) {
      if (app.awaitFailure(Duration.ofSeconds(1))) {
        IllegalStateException failure = failed(app, "the KPI application stopped (state " + app.state()
            + "); see logs/plantstream.log");
        app.close();
        throw failure;
      }
    }
    return 0;
  }

  /**
   * The failure of {@code app}: a refusal by the cluster's authorizer names what the application
   * needed (it reads its input topics and its group, writes its output topics under transactional
   * ids prefixed by the application id, and owns the internal topics so prefixed); anything else
   * as {@code message} says, with the cause.
   */
  private IllegalStateException failed(KpiApplication app, String message) {
    Throwable cause = app.failure().orElse(null);
    AuthorizationException denied = cause == null ? null : find(cause);
    if (denied == null) {
      return cause == null ? new IllegalStateException(message) : new IllegalStateException(message, cause);
    }
    AclOperation operation = AclOperation.WRITE;
    if (denied instanceof GroupAuthorizationException) {
      operation = AclOperation.READ;
    } else if (denied instanceof TopicAuthorizationException topics) {
      Topics project = common.topics();
      Set<String> inputs = Set.of(project.telemetry().name(), project.machines().name());
      if (!topics.unauthorizedTopics().isEmpty() && inputs.containsAll(topics.unauthorizedTopics())) {
        operation = AclOperation.READ;
      } else if (topics.unauthorizedTopics().stream().allMatch(topic -> topic.startsWith(applicationId + "-"))) {
        operation = AclOperation.ALL; // internal topics: created, read, written and purged by the application
      }
    } else if (denied instanceof ClusterAuthorizationException) {
      operation = AclOperation.IDEMPOTENT_WRITE;
    }
    return KafkaCallException.ofTransactionalClient(message, operation, applicationId, cause);
  }

  private static AuthorizationException find(Throwable error) {
    for (Throwable cause = error; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
      if (cause instanceof AuthorizationException denied) {
        return denied;
      }
    }
    return null;
  }

  private KpiHttpServer listen() {
    try {
      return KpiHttpServer.start(httpHost, httpPort);
    } catch (IOException e) {
      throw new IllegalStateException("cannot listen on " + httpHost + ":" + httpPort + " (" + e.getMessage()
          + "); choose another --http-port, or 0 for any free one");
    }
  }

  /** The name other instances reach this one by: the bind address, or this host's name for a wildcard. */
  private static String advertisedHost(String bindHost) {
    if (!isWildcard(bindHost)) {
      return bindHost.contains(":") && !bindHost.startsWith("[") ? "[" + bindHost + "]" : bindHost;
    }
    try {
      return InetAddress.getLocalHost().getCanonicalHostName();
    } catch (UnknownHostException e) {
      log.warn("cannot tell this host's name ({}); advertising localhost: set application.server in "
          + "--command-config to the name other instances reach this one by", e.getMessage());
      return "localhost";
    }
  }

  private static String hostForUrl(String bindHost) {
    return isWildcard(bindHost) ? "localhost" : bindHost.contains(":") ? "[" + bindHost + "]" : bindHost;
  }

  private static boolean isWildcard(String host) {
    return host.isBlank() || host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]");
  }
}
