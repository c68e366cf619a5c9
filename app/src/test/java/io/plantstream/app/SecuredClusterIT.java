package io.plantstream.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.plantstream.app.reliability.PlantProcess;
import io.plantstream.schemas.Topics;
import io.plantstream.testing.SecureKafkaFixture;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourceType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The commands against a secured broker (SASL_SSL, SCRAM-SHA-512, ACLs), each as a user holding
 * exactly the ACLs the Security section of docs/operations.md lists for it; a wrong password or one missing
 * ACL ends the command within a bounded time with exit 1 and one line naming the principal, the
 * operation and the resource; no password appears in any output or log; the HTTP servers of
 * {@code aggregate} and {@code simulate} listen on loopback unless {@code --http-host} says otherwise.
 */
@Tag("reliability")
class SecuredClusterIT {

  @RegisterExtension static final SecureKafkaFixture kafka = new SecureKafkaFixture();

  /** The happy path uses the project's own topic names: this broker is the test's alone. */
  private static final Topics PLANT = new Topics(Topics.DEFAULT_PREFIX);
  /** Topics of the refusal table, created by the super user. */
  private static final Topics DENIED = new Topics("denied.");
  private static final String APP_ID = "secure-kpi";
  private static final Duration REFUSAL_BOUND = Duration.ofSeconds(60);
  private static final Duration LOGIN_BOUND = Duration.ofSeconds(30);
  /** A JVM that ran its shutdown hooks on SIGTERM (Ctrl-C's sibling) exits with 128 + 15. */
  private static final int SIGTERM_EXIT = 143;

  @TempDir static Path dir;
  private static Path recording;
  private static final List<String> wrongPasswords = Collections.synchronizedList(new ArrayList<>());
  private static final List<CliRun> runs = Collections.synchronizedList(new ArrayList<>());

  @BeforeAll
  static void deniedTopicsWithARecording() {
    kafka.createTopics(DENIED, 3);
    Path admin = kafka.writeClientProperties(dir.resolve("admin.properties"), SecureKafkaFixture.ADMIN,
        kafka.password(SecureKafkaFixture.ADMIN));
    CliRun simulated = plant(admin, DENIED, "simulate", "--sites", "tsmc-phx", "--start", "2026-11-28T08:00:00Z",
        "--speed", "max", "--duration", "3m", "--seed", "5");
    assertThat(simulated.exitCode()).as(simulated.err()).isZero();
    recording = dir.resolve("denied.avro");
    CliRun recorded = plant(admin, DENIED, "record", "--out", recording.toString(), "--from-beginning", "--to-end");
    assertThat(recorded.exitCode()).as(recorded.err()).isZero();
  }

  @Test
  void everyCommandWorksWithTheAclsTheReadmeLists() throws Exception {
    Path topicsUser = user("topics-user", ResourceType.TOPIC, Topics.DEFAULT_PREFIX, PatternType.PREFIXED,
        AclOperation.CREATE, AclOperation.DESCRIBE, AclOperation.DESCRIBE_CONFIGS);
    CliRun topics = plant(topicsUser, PLANT, "topics", "--partitions", "3");
    assertThat(topics.exitCode()).as(topics.err()).isZero();
    assertThat(topics.out()).contains("created " + PLANT.telemetry().name());
    assertThat(topics.outLines()).anyMatch(line -> line.startsWith(PLANT.siteKpi1m().name())
        && line.contains("cleanup.policy=compact"));

    Path simulateUser = user("simulate-user", writer(PLANT));
    CliRun simulated = plant(simulateUser, PLANT, "simulate", "--sites", "tsmc-phx", "--start", "2026-11-28T10:00:00Z",
        "--speed", "max", "--duration", "5m", "--seed", "11");
    assertThat(simulated.exitCode()).as(simulated.err()).isZero();
    long published = number(simulated.out(), "published (\\d+) events");
    assertThat(published).isGreaterThan(100);

    Path aggregateUser = user("aggregate-user", aggregator(PLANT, APP_ID, null));
    Path consumeUser = user("consume-user", acls -> kafka.allowTopic("consume-user", PLANT.siteKpi1m().name(),
        AclOperation.READ));
    try (PlantProcess aggregate = PlantProcess.start("secured-aggregate-" + System.nanoTime(), "aggregate",
        "--bootstrap-servers", kafka.bootstrapServers(), "--command-config", aggregateUser.toString(),
        "--application-id", APP_ID, "--state-dir", dir.resolve("state").toString(), "--http-port", "0")) {
      aggregate.awaitLine("KPI application '" + APP_ID + "' running", Duration.ofMinutes(3));
      int httpPort = (int) number(aggregate.awaitLine("HTTP on http://127\\.0\\.0\\.1:(\\d+)", Duration.ofSeconds(30)),
          "127\\.0\\.0\\.1:(\\d+)");
      assertListensOnLoopbackOnly(httpPort, "/health");

      // Windows 10:00 to 10:03 close once stream time passes their end and the 30 s grace.
      await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(3)).untilAsserted(() -> {
        CliRun kpis = plant(consumeUser, PLANT, "consume", PLANT.siteKpi1m().name(), "--latest", "--format", "json");
        assertThat(kpis.exitCode()).as(kpis.err()).isZero();
        assertThat(kpis.outLines()).as("site KPIs").isNotEmpty()
            .allSatisfy(line -> assertThat(line).contains("\"siteId\":\"tsmc-phx\""));
        assertThat(kpis.outLines()).as("final site KPIs").filteredOn(line -> line.contains("\"final\":true"))
            .hasSizeGreaterThanOrEqualTo(4);
      });

      Path recordUser = user("record-user", acls -> kafka.allowTopic("record-user", PLANT.telemetry().name(),
          AclOperation.READ), acls -> kafka.allowTopic("record-user", PLANT.machines().name(), AclOperation.READ));
      Path file = dir.resolve("secure.avro");
      CliRun recorded = plant(recordUser, PLANT, "record", "--out", file.toString(), "--from-beginning", "--to-end");
      assertThat(recorded.exitCode()).as(recorded.err()).isZero();
      assertThat(number(recorded.out(), "recorded (\\d+) records")).as("records lost between simulate and record")
          .isEqualTo(published);

      Path replayUser = user("replay-user", writer(PLANT));
      CliRun replayed = plant(replayUser, PLANT, "replay", file.toString(), "--speed", "max");
      assertThat(replayed.exitCode()).as(replayed.err()).isZero();
      assertThat(number(replayed.out(), "replayed (\\d+) events")).isEqualTo(published);

      simulateServesMetricsOnLoopbackUnlessToldOtherwise(simulateUser);

      assertThat(aggregate.stop(Duration.ofMinutes(1))).as(aggregate.text()).isEqualTo(SIGTERM_EXIT);
      assertThat(aggregate.text()).contains("stopping the KPI application");
      assertNoSecret(aggregate.text(), "aggregate's output");
      assertNoSecretInLogs(aggregate.logDir());
    }
  }

  private static void simulateServesMetricsOnLoopbackUnlessToldOtherwise(Path simulateUser) throws Exception {
    for (boolean everywhere : List.of(false, true)) {
      List<String> args = new ArrayList<>(List.of("simulate", "--bootstrap-servers", kafka.bootstrapServers(),
          "--command-config", simulateUser.toString(), "--sites", "amkor-az", "--start", "2026-11-28T12:00:00Z",
          "--speed", "1", "--duration", "1h", "--http-port", "0"));
      if (everywhere) {
        args.addAll(List.of("--http-host", "0.0.0.0"));
      }
      try (PlantProcess simulate = PlantProcess.start("secured-simulate-" + everywhere + "-" + System.nanoTime(),
          args.toArray(String[]::new))) {
        int port = (int) number(simulate.awaitLine("metrics on http://[^:]+:(\\d+)/metrics", Duration.ofMinutes(1)),
            ":(\\d+)/");
        if (everywhere) {
          assertAnswers(otherLocalAddress(), port, "/metrics");
        } else {
          assertListensOnLoopbackOnly(port, "/metrics");
        }
        assertThat(simulate.stop(Duration.ofMinutes(1))).as(simulate.text()).isEqualTo(SIGTERM_EXIT);
        assertThat(simulate.text()).as("the summary simulate prints when stopped").contains("(stopped)");
        assertNoSecret(simulate.text(), "simulate's output");
        assertNoSecretInLogs(simulate.logDir());
      }
    }
  }

  static Stream<Arguments> refusals() {
    return Stream.of(
        refusal("topics without CREATE", "topics-no-create",
            grants(ResourceType.TOPIC, "fresh.", PatternType.PREFIXED, AclOperation.DESCRIBE, AclOperation.DESCRIBE_CONFIGS),
            new Topics("fresh."), List.of("topics", "--partitions", "3"),
            "plant topics: User:topics-no-create is not allowed to CREATE topics " + names(new Topics("fresh."))
                + " (add an ACL: kafka-acls.sh --add --allow-principal User:topics-no-create --operation CREATE"
                + topicFlags(new Topics("fresh.")) + ")"),
        refusal("topics without DESCRIBE_CONFIGS", "topics-no-configs",
            grants(ResourceType.TOPIC, DENIED.prefix(), PatternType.PREFIXED, AclOperation.CREATE, AclOperation.DESCRIBE),
            DENIED, List.of("topics", "--describe-only"),
            "plant topics: User:topics-no-configs is not allowed to DESCRIBE_CONFIGS topics " + names(DENIED)
                + " (add an ACL: kafka-acls.sh --add --allow-principal User:topics-no-configs --operation DESCRIBE_CONFIGS"
                + topicFlags(DENIED) + ")"),
        refusal("simulate without WRITE on the telemetry", "simulate-no-write",
            grants(ResourceType.TOPIC, DENIED.machines().name(), PatternType.LITERAL, AclOperation.WRITE)
                .andThen(grants(ResourceType.TOPIC, DENIED.sites().name(), PatternType.LITERAL, AclOperation.WRITE))
                .andThen(grants(ResourceType.TOPIC, DENIED.telemetry().name(), PatternType.LITERAL, AclOperation.DESCRIBE)),
            DENIED, List.of("simulate", "--sites", "tsmc-phx", "--speed", "max", "--duration", "1m"),
            "plant simulate: User:simulate-no-write is not allowed to WRITE topic denied.telemetry (add an ACL: "
                + "kafka-acls.sh --add --allow-principal User:simulate-no-write --operation WRITE --topic denied.telemetry)"),
        refusal("simulate seeing no topic", "simulate-nothing", acls -> { }, DENIED,
            List.of("simulate", "--sites", "tsmc-phx", "--speed", "max", "--duration", "1m"),
            "plant simulate: User:simulate-nothing is not allowed to DESCRIBE topics denied.machines, denied.sites, "
                + "denied.telemetry (add an ACL: kafka-acls.sh --add --allow-principal User:simulate-nothing --operation "
                + "DESCRIBE --topic denied.machines --topic denied.sites --topic denied.telemetry)"),
        refusal("consume without READ", "consume-no-read",
            grants(ResourceType.TOPIC, DENIED.telemetry().name(), PatternType.LITERAL, AclOperation.DESCRIBE),
            DENIED, List.of("consume", "denied.telemetry", "--from-beginning", "--max", "5"),
            "plant consume: User:consume-no-read is not allowed to READ topic denied.telemetry (add an ACL: "
                + "kafka-acls.sh --add --allow-principal User:consume-no-read --operation READ --topic denied.telemetry)"),
        refusal("record without READ on the machines", "record-no-machines",
            grants(ResourceType.TOPIC, DENIED.telemetry().name(), PatternType.LITERAL, AclOperation.READ)
                .andThen(grants(ResourceType.TOPIC, DENIED.machines().name(), PatternType.LITERAL, AclOperation.DESCRIBE)),
            DENIED, List.of("record", "--from-beginning", "--to-end", "--out", "@FILE"),
            "plant record: User:record-no-machines is not allowed to READ topic denied.machines (add an ACL: "
                + "kafka-acls.sh --add --allow-principal User:record-no-machines --operation READ --topic denied.machines)"),
        refusal("replay without WRITE", "replay-no-write",
            grants(ResourceType.TOPIC, DENIED.prefix(), PatternType.PREFIXED, AclOperation.DESCRIBE),
            DENIED, List.of("replay", "@RECORDING", "--speed", "max"),
            "plant replay: User:replay-no-write is not allowed to WRITE topic denied.machines (add an ACL: "
                + "kafka-acls.sh --add --allow-principal User:replay-no-write --operation WRITE --topic denied.machines)"),
        refusal("aggregate without READ on its group", "aggregate-no-group",
            aggregator(DENIED, "no-group-app", ResourceType.GROUP), DENIED,
            List.of("aggregate", "--application-id", "no-group-app", "--state-dir", "@STATE"),
            "plant aggregate: User:aggregate-no-group is not allowed to READ group no-group-app (add an ACL: "
                + "kafka-acls.sh --add --allow-principal User:aggregate-no-group --operation READ --group no-group-app)"),
        refusal("aggregate without WRITE on its transactional ids", "aggregate-no-txn",
            aggregator(DENIED, "no-txn-app", ResourceType.TRANSACTIONAL_ID), DENIED,
            List.of("aggregate", "--application-id", "no-txn-app", "--state-dir", "@STATE"),
            "plant aggregate: User:aggregate-no-txn is not allowed to WRITE transactional ids no-txn-app* (exactly-once; "
                + "add an ACL: kafka-acls.sh --add --allow-principal User:aggregate-no-txn --operation WRITE "
                + "--transactional-id no-txn-app --resource-pattern-type prefixed)"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("refusals")
  void aMissingAclEndsTheCommandWithOneLineNamingPrincipalOperationAndResource(String scenario, String user,
      Consumer<String> acls, Topics topics, List<String> args, String expected) {
    kafka.addUser(user);
    acls.accept(user);
    Path config = kafka.writeClientProperties(dir.resolve(user + ".properties"), user, kafka.password(user));
    List<String> resolved = resolve(args, user);

    long started = System.nanoTime();
    CliRun run = plant(config, topics, resolved.toArray(String[]::new));
    Duration took = Duration.ofNanos(System.nanoTime() - started);

    assertThat(run.exitCode()).as(run.err()).isEqualTo(PlantCommand.FAILURE);
    assertThat(run.errLines()).as(run.err()).last().isEqualTo(expected);
    assertNoStackTrace(run);
    assertThat(took).as("time to the refusal").isLessThan(REFUSAL_BOUND);
  }

  static Stream<Arguments> wrongPasswords() {
    return Stream.of(
        Arguments.of(List.of("topics", "--describe-only")),
        Arguments.of(List.of("simulate", "--sites", "tsmc-phx", "--speed", "max", "--duration", "1m")),
        Arguments.of(List.of("aggregate", "--application-id", "wrong-password-app", "--state-dir", "@STATE")),
        Arguments.of(List.of("consume", "denied.telemetry", "--from-beginning", "--max", "5")),
        Arguments.of(List.of("record", "--from-beginning", "--to-end", "--out", "@FILE")),
        Arguments.of(List.of("replay", "@RECORDING", "--speed", "max")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("wrongPasswords")
  void aWrongPasswordEndsTheCommandWithOneLineNamingThePrincipal(List<String> args) {
    String user = "wrong-" + args.get(0);
    kafka.addUser(user);
    kafka.allow(user, ResourceType.TOPIC, DENIED.prefix(), PatternType.PREFIXED, AclOperation.ALL);
    String wrong = kafka.password(user) + "-typo";
    wrongPasswords.add(wrong);
    Path config = kafka.writeClientProperties(dir.resolve(user + ".properties"), user, wrong);
    List<String> resolved = resolve(args, user);

    long started = System.nanoTime();
    CliRun run = plant(config, DENIED, resolved.toArray(String[]::new));
    Duration took = Duration.ofNanos(System.nanoTime() - started);

    assertThat(run.exitCode()).as(run.err()).isEqualTo(PlantCommand.FAILURE);
    assertThat(run.errLines()).as(run.err()).last().asString()
        .startsWith("plant " + args.get(0) + ": User:" + user + " could not authenticate to Kafka at "
            + kafka.bootstrapServers() + " (")
        .contains("invalid credentials")
        .endsWith("check the user name and password in sasl.jaas.config, and sasl.mechanism, in " + config);
    assertNoStackTrace(run);
    assertThat(took).as("time to the refusal").isLessThan(LOGIN_BOUND);
  }

  @AfterAll
  static void noSecretInAnyOutputOrLog() throws IOException {
    for (CliRun run : runs) {
      assertNoSecret(run.out() + "\n" + run.err(), "output of an in-process command");
    }
    assertNoSecretInLogs(Path.of(System.getProperty("plantstream.log.dir", "target/test-logs")));
  }

  @SafeVarargs
  private static Path user(String name, Consumer<String>... grants) {
    kafka.addUser(name);
    for (Consumer<String> grant : grants) {
      grant.accept(name);
    }
    return kafka.writeClientProperties(dir.resolve(name + ".properties"), name, kafka.password(name));
  }

  private static Path user(String name, ResourceType type, String resource, PatternType pattern,
      AclOperation... operations) {
    return user(name, grants(type, resource, pattern, operations));
  }

  /** What simulate and replay need: WRITE on the telemetry, the machines and the sites (WRITE implies DESCRIBE). */
  private static Consumer<String> writer(Topics topics) {
    return user -> {
      kafka.allowTopic(user, topics.telemetry().name(), AclOperation.WRITE);
      kafka.allowTopic(user, topics.machines().name(), AclOperation.WRITE);
      kafka.allowTopic(user, topics.sites().name(), AclOperation.WRITE);
    };
  }

  /** What aggregate needs, as docs/operations.md lists it; without the ACL on its {@code omitted} resource (null: none). */
  private static Consumer<String> aggregator(Topics topics, String applicationId, ResourceType omitted) {
    return user -> {
      kafka.allowTopic(user, topics.telemetry().name(), AclOperation.READ);
      kafka.allowTopic(user, topics.machines().name(), AclOperation.READ);
      kafka.allowTopic(user, topics.sites().name(), AclOperation.READ);
      for (String output : List.of(topics.machineKpi1m().name(), topics.machineKpiDay().name(),
          topics.siteKpi1m().name(), topics.siteKpi1h().name(), topics.siteKpiShift().name(),
          topics.siteKpiDay().name(), topics.late().name(), topics.dlq().name())) {
        kafka.allowTopic(user, output, AclOperation.WRITE);
      }
      kafka.allow(user, ResourceType.TOPIC, applicationId, PatternType.PREFIXED, AclOperation.ALL);
      if (omitted != ResourceType.GROUP) {
        kafka.allow(user, ResourceType.GROUP, applicationId, PatternType.LITERAL, AclOperation.READ);
      }
      if (omitted != ResourceType.TRANSACTIONAL_ID) {
        kafka.allow(user, ResourceType.TRANSACTIONAL_ID, applicationId, PatternType.PREFIXED, AclOperation.WRITE);
      }
    };
  }

  private static Consumer<String> grants(ResourceType type, String resource, PatternType pattern,
      AclOperation... operations) {
    return user -> kafka.allow(user, type, resource, pattern, operations);
  }

  private static Arguments refusal(String scenario, String user, Consumer<String> acls, Topics topics,
      List<String> args, String expected) {
    return Arguments.of(scenario, user, acls, topics, args, expected);
  }

  private static String names(Topics topics) {
    return String.join(", ", topics.specs(3).stream().map(Topics.TopicSpec::name).sorted().toList());
  }

  private static String topicFlags(Topics topics) {
    StringBuilder flags = new StringBuilder();
    topics.specs(3).stream().map(Topics.TopicSpec::name).sorted().forEach(name -> flags.append(" --topic ").append(name));
    return flags.toString();
  }

  private static CliRun plant(Path commandConfig, Topics topics, String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("--bootstrap-servers", kafka.bootstrapServers(), "--command-config", commandConfig.toString(),
        "--topic-prefix", topics.prefix()));
    CliRun run = CliRun.plant(all.toArray(String[]::new));
    runs.add(run);
    return run;
  }

  /** {@code args} with the placeholders @FILE, @RECORDING and @STATE made into this user's paths. */
  private static List<String> resolve(List<String> args, String user) {
    return args.stream().map(arg -> switch (arg) {
      case "@FILE" -> dir.resolve(user + ".avro").toString();
      case "@RECORDING" -> recording.toString();
      case "@STATE" -> dir.resolve("state-" + user).toString();
      default -> arg;
    }).toList();
  }

  private static long number(String text, String regex) {
    Matcher matcher = Pattern.compile(regex).matcher(text);
    assertThat(matcher.find()).as("'" + regex + "' in " + text).isTrue();
    return Long.parseLong(matcher.group(1));
  }

  private static void assertNoStackTrace(CliRun run) {
    assertThat(run.errLines()).as(run.err())
        .noneMatch(line -> line.matches("\\s+at .*") || line.startsWith("Caused by"));
  }

  private static void assertNoSecret(String text, String where) {
    List<String> secrets = new ArrayList<>(kafka.secrets());
    secrets.addAll(wrongPasswords);
    for (String secret : secrets) {
      assertThat(text).as("a password in " + where).doesNotContain(secret);
    }
  }

  private static void assertNoSecretInLogs(Path logDir) throws IOException {
    List<Path> logs;
    try (Stream<Path> files = Files.walk(logDir)) {
      logs = files.filter(Files::isRegularFile).filter(file -> file.toString().endsWith(".log")).toList();
    }
    assertThat(logs).as("log files in " + logDir).isNotEmpty();
    for (Path log : logs) {
      assertNoSecret(Files.readString(log, StandardCharsets.ISO_8859_1), log.toString());
    }
  }

  /** An HTTP answer on 127.0.0.1, and no connection at all through another address of this host. */
  private static void assertListensOnLoopbackOnly(int port, String path) throws IOException {
    assertAnswers(InetAddress.getByName("127.0.0.1"), port, path);
    InetAddress other = otherLocalAddress();
    assertThatThrownBy(() -> {
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress(other, port), 2_000);
      }
    }).as("connecting through " + other.getHostAddress() + ":" + port).isInstanceOf(IOException.class);
  }

  /** GET {@code path} through {@code address} answers 200 (a server still starting answers 503 at first). */
  private static void assertAnswers(InetAddress address, int port, String path) {
    await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(500))
        .untilAsserted(() -> assertGetOk(address, port, path));
  }

  private static void assertGetOk(InetAddress address, int port, String path) throws IOException {
    HttpURLConnection http = (HttpURLConnection) URI.create("http://" + address.getHostAddress() + ":" + port + path)
        .toURL().openConnection();
    http.setConnectTimeout(5_000);
    http.setReadTimeout(30_000);
    try (InputStream body = http.getResponseCode() < 400 ? http.getInputStream() : http.getErrorStream()) {
      assertThat(http.getResponseCode()).as("GET " + path + " through " + address.getHostAddress()).isEqualTo(200);
      body.readAllBytes();
    } finally {
      http.disconnect();
    }
  }

  /**
   * An address of this host other than 127.0.0.1: a non-loopback IPv4 address of an interface that
   * is up, else 127.0.0.2 (on Linux all of 127/8 is this host, yet a socket bound to 127.0.0.1
   * does not accept through it).
   */
  private static InetAddress otherLocalAddress() throws IOException {
    for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
      if (nic.isUp() && !nic.isLoopback()) {
        for (InetAddress address : Collections.list(nic.getInetAddresses())) {
          if (address instanceof Inet4Address && !address.isLinkLocalAddress()) {
            return address;
          }
        }
      }
    }
    return InetAddress.getByName("127.0.0.2");
  }
}
