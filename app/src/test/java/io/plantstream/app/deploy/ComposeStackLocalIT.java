package io.plantstream.app.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.plantstream.app.PlantCommand;
import io.plantstream.avro.SiteKpi;
import io.plantstream.broker.EmbeddedKafkaBroker;
import io.plantstream.broker.LocalSchemaRegistry;
import io.plantstream.producer.model.PlantModel;
import io.plantstream.schemas.SchemaRegistry;
import io.plantstream.schemas.Topics;
import io.plantstream.testing.SchemaRegistryFixture;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The plant services of {@code docker-compose.yml} as local processes, without Docker: every
 * service the plant services need is started in the file's dependency order, each plant service as
 * child JVMs of {@link PlantCommand} with the file's own command and environment, and the stack
 * must do its job: topics created and their schemas registered, final KPIs of every site on the
 * site topic in the Confluent wire format, and both aggregator replicas answering KPI queries for
 * every site.
 *
 * <p>How the file maps onto this machine:
 * <ul>
 *   <li>{@code kafka}: the embedded KRaft broker, started for this class alone (so the file's own
 *       topic prefix and application id are used unchanged), with the file's {@code KAFKA_*}
 *       settings except listeners, node identity and storage. Its internal listener
 *       ({@code kafka:19092}) becomes the broker's loopback address.</li>
 *   <li>{@code registry}: the real Apicurio Registry server of the same release, from its Maven
 *       Central distribution; {@code registry:<container port>} becomes its loopback address.</li>
 *   <li>Host names: wherever {@code service:port} of a stand-in appears in a plant service's
 *       environment or command it is replaced by the stand-in's {@code 127.0.0.1:port}; nothing
 *       else is changed, and no reference to a service's address may remain.</li>
 *   <li>Containers: each replica gets a working directory of its own under
 *       {@code target/compose-local/} (the image's {@code /app}: {@code aggregate} keeps its state
 *       in {@code ./state/<application-id>} there), its output and log file there, a bounded heap,
 *       and only the service's environment among the {@code PLANT_*} variables. The replicas of
 *       one service share this host, so the aggregator's {@code --http-port} becomes a free port
 *       per replica (in Docker each container has its own 8080).</li>
 *   <li>{@code depends_on}: {@code service_healthy} waits until the stand-in answers what its
 *       healthcheck asks, {@code service_completed_successfully} until the one-shot exits 0,
 *       {@code service_started} until it is started. Profile services are not started.
 *       {@code restart: on-failure} is not emulated: a service that dies fails the test.</li>
 * </ul>
 */
class ComposeStackLocalIT {

  private static final Logger log = LoggerFactory.getLogger(ComposeStackLocalIT.class);
  private static final ComposeFile COMPOSE = ComposeFile.load();
  private static final Path WORK = Path.of("target", "compose-local").toAbsolutePath();
  private static final Duration TIMEOUT = Duration.ofMinutes(3);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  /** Broker settings of the kafka service that are about its container (network, identity, disk), not its behaviour. */
  private static final Set<String> CONTAINER_ONLY_BROKER_SETTINGS = Set.of("node.id", "process.roles",
      "controller.quorum.voters", "controller.listener.names", "listeners", "advertised.listeners",
      "listener.security.protocol.map", "inter.broker.listener.name", "log.dirs");

  /** The running services by name, in start order. */
  private static final Map<String, Running> running = new LinkedHashMap<>();
  /** {@code service:port} as containers reach a stand-in, to its {@code host:port} on this machine. */
  private static final Map<String, String> addresses = new LinkedHashMap<>();
  private static EmbeddedKafkaBroker kafka;
  private static LocalSchemaRegistry registry;
  private static Thread killer;

  @BeforeAll
  static void startTheStack() throws IOException {
    Utils.delete(WORK.toFile());
    Files.createDirectories(WORK);
    killer = new Thread(ComposeStackLocalIT::stopEverything, "compose-local-stop");
    Runtime.getRuntime().addShutdownHook(killer);

    List<String> order = COMPOSE.startOrder(COMPOSE.plantServices());
    log.info("compose services in start order: {}", order);
    for (String service : order) {
      assertThat(COMPOSE.profiles(service)).as("service %s, which the plant services need, is in a profile", service)
          .isEmpty();
      COMPOSE.dependsOn(service).forEach((dependency, condition) ->
          running.get(dependency).await(condition, service));
      running.put(service, start(service));
    }
  }

  @AfterAll
  static void stopTheStack() {
    stopEverything();
    if (killer != null) {
      try {
        Runtime.getRuntime().removeShutdownHook(killer);
      } catch (IllegalStateException shuttingDown) {
        // the hook runs anyway
      }
    }
  }

  @Test
  void theOneShotTopicsServiceExitsZeroAndCreatesTheProjectsTopics() throws Exception {
    PlantService topicsService = (PlantService) running.get("topics");
    assertThat(topicsService.replicas).singleElement().satisfies(child ->
        assertThat(child.exitCode()).as(child.describe()).isZero());

    Topics topics = new Topics(topicPrefix());
    Set<String> expected = topics.specs(Topics.DEFAULT_TELEMETRY_PARTITIONS).stream()
        .map(Topics.TopicSpec::name).collect(Collectors.toSet());
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
      assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS)).containsAll(expected);
    }
  }

  @Test
  void theValueSchemasAreRegisteredUnderTopicValueSubjects() throws Exception {
    Topics topics = new Topics(topicPrefix());
    List<String> subjects = topics.avroTopics().stream().map(topic -> Topics.subject(topic.name())).toList();

    JsonNode answer = get(URI.create(registryUrl() + "/subjects"));
    Set<String> registered = new TreeSet<>();
    answer.forEach(subject -> registered.add(subject.asText()));
    assertThat(registered).containsAll(subjects);
  }

  /** Final KPIs of every site of the simulated model, written with the registry (magic byte 0). */
  @Test
  void everySiteGetsFinalKpisInTheConfluentWireFormat() {
    Topics topics = new Topics(topicPrefix(), SchemaRegistry.at(registryUrl()));
    String topic = topics.siteKpi1m().name();
    var deserializer = topics.siteKpi1m().valueSerde().deserializer();

    awaitStack("final KPIs of every site on " + topic).untilAsserted(() -> {
      List<ConsumerRecord<byte[], byte[]>> records = readAll(topic);
      assertThat(records).as(topic).isNotEmpty();
      Set<String> finalSites = new TreeSet<>();
      for (ConsumerRecord<byte[], byte[]> record : records) {
        assertThat(record.value()).as("value at %s-%d@%d", topic, record.partition(), record.offset())
            .isNotEmpty().startsWith((byte) 0x00);
        SiteKpi kpi = deserializer.deserialize(topic, record.value());
        if (kpi.getFinal$()) {
          finalSites.add(kpi.getSiteId());
        }
      }
      assertThat(finalSites).as("sites with a final KPI record").containsAll(sites());
    });
  }

  /**
   * Both replicas run the KPI application as one group: each holds part of the site KPI windows
   * (answers with {@code scope=local}), and each answers {@code /sites} and
   * {@code /sites/{site}/kpis?window=1m} for every site with the windows of both.
   */
  @Test
  void bothAggregatorReplicasAnswerKpiQueriesForEverySite() {
    PlantService aggregator = (PlantService) running.get("aggregator");
    assertThat(aggregator.replicas).hasSize(COMPOSE.replicas("aggregator")).hasSizeGreaterThanOrEqualTo(2);
    List<String> replicas = aggregator.replicas.stream().map(child -> "http://127.0.0.1:" + child.httpPort).toList();

    awaitStack("every aggregator replica answers for every site").untilAsserted(() -> {
      Set<String> heldByAll = new TreeSet<>();
      for (String base : replicas) {
        assertThat(status(URI.create(base + "/health"))).as("%s/health", base).isEqualTo(200);
        Set<String> listed = new TreeSet<>();
        get(URI.create(base + "/sites")).forEach(site -> listed.add(site.path("siteId").asText()));
        assertThat(listed).as("%s/sites", base).containsExactlyInAnyOrderElementsOf(sites());
        Set<String> held = new TreeSet<>();
        for (String site : sites()) {
          held.addAll(windows(site, get(siteKpis(base, site, "&scope=local"))));
        }
        assertThat(held).as("site KPI windows in the stores of %s (the replicas share the partitions)", base)
            .isNotEmpty();
        heldByAll.addAll(held);
      }
      for (String base : replicas) {
        Set<String> answered = new TreeSet<>();
        for (String site : sites()) {
          URI uri = siteKpis(base, site, "");
          JsonNode answer = get(uri);
          assertThat(answer.isArray()).as("%s", uri).isTrue();
          assertThat(answer).as("%s", uri).isNotEmpty();
          answered.addAll(windows(site, answer));
        }
        assertThat(answered).as("what %s answers includes the windows every replica holds", base)
            .containsAll(heldByAll);
      }
    });
  }

  private static URI siteKpis(String base, String site, String more) {
    return URI.create(base + "/sites/" + URLEncoder.encode(site, StandardCharsets.UTF_8) + "/kpis?window=1m" + more);
  }

  /** {@code site@windowStart} of each KPI record of an answer about {@code site}. */
  private static List<String> windows(String site, JsonNode answer) {
    List<String> windows = new ArrayList<>();
    answer.forEach(kpi -> {
      assertThat(kpi.path("siteId").asText()).as("a KPI record of an answer about %s", site).isEqualTo(site);
      windows.add(site + "@" + kpi.path("windowStart").asText());
    });
    return windows;
  }

  // --- starting services ----------------------------------------------------------------------

  private static Running start(String service) {
    return switch (service) {
      case "kafka" -> startKafka();
      case "registry" -> startRegistry();
      default -> {
        if (!COMPOSE.plantServices().contains(service)) {
          throw new AssertionError("no local stand-in for service '" + service + "' (image "
              + COMPOSE.service(service).get("image") + "), which the plant services need");
        }
        yield startPlantService(service);
      }
    };
  }

  /** The embedded broker, with the kafka service's broker settings; its internal listener maps to it. */
  private static Running startKafka() {
    Map<String, String> environment = COMPOSE.environment("kafka");
    EmbeddedKafkaBroker.Builder builder = EmbeddedKafkaBroker.builder();
    environment.forEach((name, value) -> {
      if (name.startsWith("KAFKA_")) {
        String setting = brokerSetting(name);
        if (!CONTAINER_ONLY_BROKER_SETTINGS.contains(setting)) {
          builder.config(setting, value);
        }
      }
    });
    kafka = builder.build().start();
    // What the containers are given: the advertised address of the inter-broker listener, kafka:19092.
    String internal = environment.get("KAFKA_INTER_BROKER_LISTENER_NAME") + "://";
    String advertised = Stream.of(environment.get("KAFKA_ADVERTISED_LISTENERS").split(","))
        .map(String::trim).filter(listener -> listener.startsWith(internal)).findFirst()
        .orElseThrow(() -> new AssertionError("no advertised listener " + internal))
        .substring(internal.length());
    addresses.put(advertised, kafka.bootstrapServers());
    log.info("kafka: embedded broker at {} for {}", kafka.bootstrapServers(), advertised);
    return new StandIn("kafka", () -> {
      Map<String, Object> config = Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, localized(advertised),
          AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000, AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000);
      try (Admin admin = Admin.create(config)) {
        return !admin.describeCluster().nodes().get(10, TimeUnit.SECONDS).isEmpty();
      }
    });
  }

  /** The real Apicurio Registry server of the service's release; {@code registry:<container port>} maps to it. */
  private static Running startRegistry() {
    assertThat(String.valueOf(COMPOSE.service("registry").get("image")))
        .as("the stand-in runs Apicurio Registry %s", LocalSchemaRegistry.VERSION)
        .endsWith(":" + LocalSchemaRegistry.VERSION);
    String home = System.getProperty(SchemaRegistryFixture.HOME_PROPERTY);
    assertThat(home).as("system property %s (set by the app module's failsafe configuration)",
        SchemaRegistryFixture.HOME_PROPERTY).isNotNull();
    registry = LocalSchemaRegistry.start(Path.of(home), 0, WORK.resolve("registry").resolve("output.log"));
    String local = "127.0.0.1:" + registry.port();
    for (int port : COMPOSE.containerPorts("registry")) {
      addresses.put("registry:" + port, local);
    }
    log.info("registry: Apicurio Registry {} at http://{} for {}", LocalSchemaRegistry.VERSION, local,
        COMPOSE.containerPorts("registry"));
    return new StandIn("registry", healthcheck("registry", registry.port()));
  }

  /**
   * The service's own healthcheck, run against its stand-in listening on {@code localPort}: a
   * {@code CMD-SHELL} test runs in {@code sh} as Docker runs it in the container, its container-local
   * address ({@code 127.0.0.1} or {@code localhost} and the container port, as {@code host:port} or
   * bash's {@code /dev/tcp/host/port}) moved to {@code localPort}. Without {@code sh} and
   * {@code bash} here, the HTTP path the test asks for ({@code GET /path HTTP/...}) is asked instead.
   */
  private static Probe healthcheck(String service, int localPort) {
    List<Object> test = RepositoryFiles.list(COMPOSE.healthcheck(service), "test");
    assertThat(test).as("healthcheck of %s", service).hasSize(2).first().isEqualTo("CMD-SHELL");
    String command = String.valueOf(test.get(1));
    for (int port : COMPOSE.containerPorts(service)) {
      command = command.replaceAll("\\b(?:127\\.0\\.0\\.1|localhost)([/:])" + port + "\\b", "127.0.0.1$1" + localPort);
    }
    assertThat(command).as("the healthcheck of %s, moved to port %d", service, localPort).contains(String.valueOf(localPort));
    if (Files.isExecutable(Path.of("/bin/sh")) && Files.isExecutable(Path.of("/bin/bash"))) {
      List<String> shell = List.of("/bin/sh", "-c", command);
      log.info("{} healthcheck here: {}", service, shell);
      return () -> {
        Process check = new ProcessBuilder(shell).redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (!check.waitFor(10, TimeUnit.SECONDS)) {
          check.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
          return false;
        }
        return check.exitValue() == 0;
      };
    }
    Matcher get = Pattern.compile("GET (/\\S*) HTTP").matcher(command);
    assertThat(get.find()).as("the healthcheck of %s sends an HTTP GET: %s", service, command).isTrue();
    URI health = URI.create("http://127.0.0.1:" + localPort + get.group(1));
    log.info("{} healthcheck here: GET {} (no sh and bash to run its command)", service, health);
    return () -> status(health) == 200;
  }

  /** {@code deploy.replicas} child JVMs running the service's command with its environment. */
  private static Running startPlantService(String service) {
    Map<String, String> environment = new LinkedHashMap<>();
    COMPOSE.environment(service).forEach((name, value) -> environment.put(name, localized(value)));
    int replicas = COMPOSE.replicas(service);
    List<Child> children = new ArrayList<>();
    for (int replica = 1; replica <= replicas; replica++) {
      List<String> args = new ArrayList<>(COMPOSE.command(service).stream().map(ComposeStackLocalIT::localized).toList());
      Integer httpPort = null;
      int flag = args.indexOf("--http-port");
      if (flag >= 0) {
        // Each container has its own 8080 in Docker; here the replicas share one host, so each
        // listens on a free port of its own (still on 0.0.0.0, as --http-host says).
        httpPort = freePort();
        args.set(flag + 1, String.valueOf(httpPort));
      }
      String name = replicas == 1 ? service : service + "-" + replica;
      try {
        children.add(Child.start(name, args, environment, httpPort));
      } catch (RuntimeException e) {
        children.forEach(Child::kill);
        throw e;
      }
    }
    return new PlantService(service, children);
  }

  /** {@code text} with every {@code service:port} of a stand-in replaced by its address on this machine. */
  private static String localized(String text) {
    String result = text;
    for (Map.Entry<String, String> address : addresses.entrySet()) {
      result = result.replaceAll("(?<![A-Za-z0-9.-])" + Pattern.quote(address.getKey()) + "(?![0-9])",
          Matcher.quoteReplacement(address.getValue()));
    }
    for (String service : COMPOSE.serviceNames()) {
      assertThat(Pattern.compile("(?<![A-Za-z0-9.-])" + Pattern.quote(service) + ":\\d").matcher(result).find())
          .as("'%s' still names service %s after mapping %s", result, service, addresses).isFalse();
    }
    return result;
  }

  /** {@code KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR} as the apache/kafka image reads it: offsets.topic.replication.factor. */
  private static String brokerSetting(String variable) {
    return variable.substring("KAFKA_".length()).toLowerCase(Locale.ROOT)
        .replace("___", "-").replace("__", "\u0000").replace('_', '.').replace('\u0000', '_');
  }

  // --- what the test reads --------------------------------------------------------------------

  /** The topic prefix the plant services use: PLANT_TOPIC_PREFIX of the file, else the CLI's default. */
  private static String topicPrefix() {
    return COMPOSE.environment("simulator").getOrDefault("PLANT_TOPIC_PREFIX", Topics.DEFAULT_PREFIX);
  }

  /** The sites the simulator publishes: the built-in model, as its command names neither --plant nor --sites. */
  private static List<String> sites() {
    assertThat(COMPOSE.command("simulator")).doesNotContain("--plant", "--sites");
    return PlantModel.loadDefault().siteIds();
  }

  /** The registry URL the plant services are given, on this machine. */
  private static String registryUrl() {
    return localized(COMPOSE.environment("topics").get("PLANT_SCHEMA_REGISTRY_URL"));
  }

  /** Awaitility with the stack's bound, failing at once with its output when a service dies. */
  private static org.awaitility.core.ConditionFactory awaitStack(String what) {
    return await(what).atMost(TIMEOUT).pollInterval(Duration.ofSeconds(2))
        .failFast("a service of the stack died", () -> {
          for (Running service : running.values()) {
            service.assertAlive();
          }
        });
  }

  /** Every committed record of {@code topic} up to its end offsets as of now. */
  private static List<ConsumerRecord<byte[], byte[]>> readAll(String topic) {
    Map<String, Object> config = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed", ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(),
        new ByteArrayDeserializer())) {
      List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
          .map(info -> new TopicPartition(info.topic(), info.partition())).toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
      List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (partitions.stream().anyMatch(partition -> consumer.position(partition) < end.get(partition))) {
        if (System.nanoTime() > deadline) {
          throw new AssertionError("could not read " + topic + " to its end offsets " + end);
        }
        consumer.poll(Duration.ofMillis(200)).forEach(records::add);
      }
      return records;
    }
  }

  /** The JSON body of {@code GET uri}; an AssertionError (retried by Awaitility) unless it answers 200. */
  private static JsonNode get(URI uri) throws IOException, InterruptedException {
    HttpResponse<String> response = send(uri);
    assertThat(response.statusCode()).as("GET %s: %s", uri, response.body()).isEqualTo(200);
    return JSON.readTree(response.body());
  }

  /** The status of {@code GET uri}; an AssertionError (retried by Awaitility) if nothing answers. */
  private static int status(URI uri) throws InterruptedException {
    return send(uri).statusCode();
  }

  private static HttpResponse<String> send(URI uri) throws InterruptedException {
    try {
      return HTTP.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(20)).build(),
          HttpResponse.BodyHandlers.ofString());
    } catch (IOException notListening) {
      throw new AssertionError("GET " + uri + ": no answer (" + notListening + ")", notListening);
    }
  }

  // --- stopping -------------------------------------------------------------------------------

  private static synchronized void stopEverything() {
    List<Running> services = new ArrayList<>(running.values());
    for (int i = services.size() - 1; i >= 0; i--) {
      try {
        services.get(i).stop();
      } catch (RuntimeException e) {
        log.warn("stopping {} failed: {}", services.get(i), e.toString());
      }
    }
    running.clear();
    if (registry != null) {
      registry.close();
      registry = null;
    }
    if (kafka != null) {
      kafka.close();
      kafka = null;
    }
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("0.0.0.0"))) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free port", e);
    }
  }

  // --- services -------------------------------------------------------------------------------

  /** A started service, as {@code depends_on} sees it. */
  private interface Running {

    /** Returns once {@code condition} holds of this service, which {@code dependent} waits for. */
    void await(String condition, String dependent);

    /** Fails, saying how, if a process of the service that should run has ended. */
    void assertAlive();

    /** Stops the service's processes (stand-ins are stopped with the class). */
    void stop();
  }

  /** A probe that may throw: not answering yet. */
  private interface Probe {
    boolean answers() throws Exception;
  }

  /** A stand-in for an infrastructure service; its healthcheck is {@code probe}. */
  private record StandIn(String name, Probe probe) implements Running {

    @Override
    public void await(String condition, String dependent) {
      switch (condition) {
        case "service_started" -> { }
        case "service_healthy" -> {
          assertThat(COMPOSE.healthcheck(name)).as("%s waits for %s to be healthy", dependent, name).containsKey("test");
          org.awaitility.Awaitility.await(name + " healthy, for " + dependent).atMost(TIMEOUT)
              .pollInterval(Duration.ofMillis(500)).ignoreExceptions().until(probe::answers);
        }
        default -> throw new AssertionError(dependent + " waits for " + name + " to be " + condition
            + ", which a server never is");
      }
    }

    @Override
    public void assertAlive() {
      if (name.equals("registry") && registry != null && !registry.isAlive()) {
        throw new AssertionError("the registry stand-in died; see " + registry.log());
      }
    }

    @Override
    public void stop() {}
  }

  /** The replicas of a plant service. */
  private record PlantService(String name, List<Child> replicas) implements Running {

    @Override
    public void await(String condition, String dependent) {
      switch (condition) {
        case "service_started" -> { }
        case "service_completed_successfully" -> {
          for (Child child : replicas) {
            org.awaitility.Awaitility.await(child.name + " completes, for " + dependent).atMost(TIMEOUT)
                .pollInterval(Duration.ofMillis(200)).until(() -> !child.process.isAlive());
            assertThat(child.exitCode()).as("%s exits 0 before %s starts: %s", child.name, dependent, child.describe())
                .isZero();
          }
        }
        default -> throw new AssertionError(dependent + " waits for " + name + " to be " + condition
            + ", which a service without a healthcheck never is");
      }
    }

    @Override
    public void assertAlive() {
      if ("no".equals(COMPOSE.service(name).get("restart"))) {
        return; // a one-shot: ending is its job
      }
      for (Child child : replicas) {
        if (!child.process.isAlive()) {
          throw new AssertionError(child.name + " died: " + child.describe());
        }
      }
    }

    @Override
    public void stop() {
      replicas.forEach(Child::kill);
    }
  }

  /** One container of a plant service: {@code plant <command>} in a child JVM. */
  private static final class Child {

    final String name;
    final Process process;
    final Path output;
    final Path logDir;
    final Integer httpPort;

    private Child(String name, Process process, Path output, Path logDir, Integer httpPort) {
      this.name = name;
      this.process = process;
      this.output = output;
      this.logDir = logDir;
      this.httpPort = httpPort;
    }

    static Child start(String name, List<String> args, Map<String, String> environment, Integer httpPort) {
      Path dir = WORK.resolve(name);
      Path output = dir.resolve("output.log");
      Path logDir = dir.resolve("logs");
      List<String> command = new ArrayList<>(List.of(
          Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          // The image's entrypoint sizes the heap from the container's memory; here a fixed bound,
          // small and quick to start on a machine shared with the broker, the registry and the test.
          "-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
          // The image's logging (the jar's logback.xml, not the test classpath's logback-test.xml),
          // its file in this container's logs/ as in the image's /app/logs.
          "-Dlogback.configurationFile=" + RepositoryFiles.path("app/src/main/resources/logback.xml"),
          "-Dplantstream.log.dir=" + logDir,
          // Absolute entries: the child's working directory is its own.
          "-cp", Stream.of(System.getProperty("java.class.path").split(File.pathSeparator))
              .map(entry -> Path.of(entry).toAbsolutePath().toString()).collect(Collectors.joining(File.pathSeparator)),
          PlantCommand.class.getName()));
      command.addAll(args);
      try {
        Files.createDirectories(dir);
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile())
            .redirectErrorStream(true).redirectOutput(output.toFile());
        // A container sees only the service's environment: no PLANT_* variable of this JVM's.
        builder.environment().keySet().removeIf(variable -> variable.startsWith("PLANT_"));
        builder.environment().putAll(environment);
        Process process = builder.start();
        log.info("{}: plant {} as pid {} (environment {}), output in {}", name, String.join(" ", args),
            process.pid(), environment, output);
        return new Child(name, process, output, logDir, httpPort);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot start " + name, e);
      }
    }

    int exitCode() {
      return process.exitValue();
    }

    /** The process's state and the end of its output. */
    String describe() {
      String state = process.isAlive() ? "running" : "exit " + process.exitValue();
      List<String> lines;
      try {
        lines = Files.readAllLines(output, StandardCharsets.UTF_8);
      } catch (IOException e) {
        lines = List.of("(cannot read " + output + ": " + e + ")");
      }
      return state + ", output " + output + " (log in " + logDir + "), last lines:\n"
          + String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    }

    void kill() {
      if (process.isAlive()) {
        process.destroyForcibly();
        try {
          process.waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }
  }
}
