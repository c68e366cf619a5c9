package io.plantstream.app.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.plantstream.app.KpiComparison;
import io.plantstream.avro.TelemetryEvent;
import io.plantstream.producer.RunLimit;
import io.plantstream.producer.SimulationRunner;
import io.plantstream.producer.Speed;
import io.plantstream.producer.TelemetrySink;
import io.plantstream.producer.model.PlantModel;
import io.plantstream.producer.publish.MachinesPublisher;
import io.plantstream.producer.publish.TelemetryPublisher;
import io.plantstream.producer.sim.PlantSimulator;
import io.plantstream.schemas.Topics;
import io.plantstream.streams.KpiConfig;
import io.plantstream.testing.KafkaFixture;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * State loss: an instance of {@code plant aggregate} (a child JVM) whose state directory is deleted
 * restores its stores from the changelogs and serves and computes the same KPIs as before; and a
 * standby replica on a second instance makes the take-over of a killed instance's tasks restore
 * (almost) nothing, where without one the survivor restores their whole changelogs.
 */
@Tag("reliability")
class StateLossIT {

  @RegisterExtension static final KafkaFixture kafka = new KafkaFixture();

  private static final Logger log = LoggerFactory.getLogger(StateLossIT.class);
  private static final Instant START = Instant.parse("2026-11-28T12:00:00Z");
  /** The first part ends mid-hour: the hour windows are open, in the stores only, when state is lost. */
  private static final Duration FIRST_PART = Duration.ofMinutes(35);
  /** Past 13:00:30, so the 12:00 hour closes in the second part, from restored state. */
  private static final Duration WHOLE = Duration.ofMinutes(65);
  private static final Set<String> SITES = Set.of("tsmc-phx", "amkor-az", "wistron-dal");
  private static final int PARTITIONS = 4;
  private static final long SEED = 41L;
  private static final KpiConfig CONFIG = KpiConfig.defaults();
  private static final Pattern RESTORED = Pattern.compile("restoration finished: (\\d+) records of (\\d+) stores in (\\d+) ms");
  private static final Pattern HTTP_PORT = Pattern.compile("HTTP on http://[^:]+:(\\d+)");
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @TempDir Path work;

  private final List<PlantProcess> processes = new ArrayList<>();

  @AfterEach
  void killWhatIsLeft() {
    processes.forEach(PlantProcess::close);
  }

  @Test
  void anInstanceWhoseStateDirectoryIsDeletedRestoresItAndServesAndComputesTheSameKpis() throws Exception {
    Topics topics = kafka.uniqueTopics("state-loss");
    kafka.createTopics(topics, PARTITIONS);
    PlantSimulator simulator = publishMachines(topics);
    publish(topics, START, START.plus(FIRST_PART));
    KpiComparison firstPart = KpiComparison.recompute(kafka, topics, simulator.machineInfos(), CONFIG);

    String applicationId = "state-loss-" + System.nanoTime();
    Path stateDir = work.resolve("state");
    String[] args = AggregateProcesses.args(kafka, topics, applicationId, stateDir,
        AggregateProcesses.commandConfig(work.resolve("aggregate.properties"), Map.of()), "--http-port", "0");
    PlantProcess first = start("state-loss-first", args);
    first.awaitRunning(Duration.ofMinutes(2));
    await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(1)).untilAsserted(firstPart::assertComplete);
    Map<String, String> before = await().atMost(Duration.ofMinutes(1)).until(() -> served(first), answers -> answers != null);
    first.stop(Duration.ofMinutes(1));
    // The stores live in memory, so Kafka Streams may not have created the directory at all; if a
    // store becomes persistent, this deletes its files and the rest of the test still holds.
    long stateFiles = deleteRecursively(stateDir);

    PlantProcess restarted = start("state-loss-restarted", args);
    restarted.awaitRunning(Duration.ofMinutes(2));
    Map<String, String> after = await().atMost(Duration.ofMinutes(1)).until(() -> served(restarted),
        answers -> answers != null);
    Restoration restoration = Restoration.after(restarted, 0);
    assertThat(restoration.records()).as("records restored from the changelogs").isPositive();
    assertThat(after).as("KPIs served after the restoration").isEqualTo(before);

    // The open windows came back too: with the rest of the input, every KPI equals the oracle's.
    publish(topics, START.plus(FIRST_PART), START.plus(WHOLE));
    KpiComparison whole = KpiComparison.recompute(kafka, topics, simulator.machineInfos(), CONFIG);
    await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(1)).untilAsserted(whole::assertComplete);
    whole.assertMatches();
    log.info("state directory deleted ({} files): {} KPI answers served identical after restoring {} records of {} stores in "
        + "{} ms; {} machine and {} site KPI keys equal the oracle after the rest of the input", stateFiles, before.size(),
        restoration.records(), restoration.stores(), restoration.millis(), whole.expected().machineMinutes().size(),
        whole.expected().siteMinutes().size() + whole.expected().siteHours().size());
  }

  @Test
  void aStandbyReplicaShortensTheTakeOverOfAKilledInstancesTasks() throws Exception {
    Restoration withoutStandby = takeOver(0);
    Restoration withStandby = takeOver(1);
    log.info("take-over of a killed instance's tasks by the survivor: without standby {} records in {} ms ({} "
        + "restorations); with a standby replica {} records in {} ms ({} restorations)", withoutStandby.records(),
        withoutStandby.millis(), withoutStandby.count(), withStandby.records(), withStandby.millis(),
        withStandby.count());
    assertThat(withoutStandby.records()).as("records restored without a standby").isPositive();
    assertThat(withStandby.records()).as("records restored with a standby replica")
        .isLessThan(withoutStandby.records());
  }

  /**
   * Two instances share the work with {@code standbys} standby replicas; once the first part is
   * aggregated, the first instance is killed and its state deleted, the second takes over its tasks
   * and, with the rest of the input, every KPI still equals the oracle. What the second restored
   * after the kill is returned.
   */
  private Restoration takeOver(int standbys) throws Exception {
    Topics topics = kafka.uniqueTopics("standby-" + standbys);
    kafka.createTopics(topics, PARTITIONS);
    PlantSimulator simulator = publishMachines(topics);
    String applicationId = "standby-" + standbys + "-" + System.nanoTime();
    Path properties = AggregateProcesses.commandConfig(work.resolve("standby-" + standbys + ".properties"),
        Map.of("num.standby.replicas", String.valueOf(standbys)));
    Path firstState = work.resolve("standby-" + standbys + "-first");
    PlantProcess first = start("standby-" + standbys + "-first",
        AggregateProcesses.args(kafka, topics, applicationId, firstState, properties));
    PlantProcess second = start("standby-" + standbys + "-second",
        AggregateProcesses.args(kafka, topics, applicationId, work.resolve("standby-" + standbys + "-second"),
            properties));
    first.awaitRunning(Duration.ofMinutes(2));
    second.awaitRunning(Duration.ofMinutes(2));
    // Both hold tasks before there is any state, so that neither is left with standbys only.
    await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(500))
        .untilAsserted(() -> assertThat(membersWithPartitions(applicationId)).isEqualTo(2));

    publish(topics, START, START.plus(FIRST_PART));
    KpiComparison firstPart = KpiComparison.recompute(kafka, topics, simulator.machineInfos(), CONFIG);
    await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(1)).untilAsserted(firstPart::assertComplete);
    int restorationsBefore = second.linesMatching(RESTORED.pattern()).size();
    assertThat(restorationsBefore).as("restorations of the second instance before the kill").isPositive();
    first.kill();
    deleteRecursively(firstState);
    await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(500))
        .untilAsserted(() -> assertThat(membersWithPartitions(applicationId)).isEqualTo(1));
    await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(500)).untilAsserted(() ->
        assertThat(second.linesMatching(RESTORED.pattern())).hasSizeGreaterThan(restorationsBefore));
    await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(500)).untilAsserted(() ->
        assertThat(lastStateChange(second)).endsWith("-> RUNNING"));

    publish(topics, START.plus(FIRST_PART), START.plus(WHOLE));
    KpiComparison whole = KpiComparison.recompute(kafka, topics, simulator.machineInfos(), CONFIG);
    await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(1)).untilAsserted(whole::assertComplete);
    whole.assertMatches();
    return Restoration.after(second, restorationsBefore);
  }

  private static String lastStateChange(PlantProcess instance) {
    List<String> changes = instance.linesMatching("streams application \\S+ -> \\S+");
    return changes.isEmpty() ? "" : changes.get(changes.size() - 1).strip();
  }

  private PlantProcess start(String name, String... args) {
    PlantProcess process = PlantProcess.start(name + "-" + System.nanoTime(), args);
    processes.add(process);
    return process;
  }

  private static PlantSimulator publishMachines(Topics topics) {
    PlantSimulator simulator = new PlantSimulator(PlantModel.loadDefault(), SEED, START, SITES);
    MachinesPublisher.publish(kafka.clientConfig(), topics.machines(), simulator.machineInfos(), START);
    return simulator;
  }

  /** Publishes the simulated events stamped in [from, to): the same seed gives the same events. */
  private static void publish(Topics topics, Instant from, Instant to) throws InterruptedException {
    PlantSimulator simulator = new PlantSimulator(PlantModel.loadDefault(), SEED, START, SITES);
    try (TelemetryPublisher publisher = new TelemetryPublisher(kafka.clientConfig(), topics.telemetry())) {
      TelemetrySink fromOn = new TelemetrySink() {
        @Override
        public void accept(TelemetryEvent event) {
          if (!event.getEventTime().isBefore(from)) {
            publisher.accept(event);
          }
        }

        @Override
        public void flush() {
          publisher.flush();
        }
      };
      new SimulationRunner(simulator, fromOn, Speed.MAX, RunLimit.of(Duration.between(START, to))).run();
    }
  }

  /** Instances of the group that hold input partitions. */
  private static long membersWithPartitions(String applicationId) throws Exception {
    try (Admin admin = Admin.create(kafka.clientConfig())) {
      ConsumerGroupDescription group = admin.describeConsumerGroups(List.of(applicationId)).all().get()
          .get(applicationId);
      return group.members().stream().map(MemberDescription::assignment)
          .filter(assignment -> !assignment.topicPartitions().isEmpty()).count();
    }
  }

  /** The site KPIs the instance serves over HTTP, minute and hour windows of every site; null while it cannot. */
  private static Map<String, String> served(PlantProcess instance) throws Exception {
    Matcher port = HTTP_PORT.matcher(String.join("\n", instance.lines()));
    if (!port.find()) {
      return null;
    }
    Map<String, String> answers = new LinkedHashMap<>();
    for (String site : SITES.stream().sorted().toList()) {
      for (String window : List.of("1m", "1h")) {
        String path = "/sites/" + site + "/kpis?window=" + window;
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + port.group(1) + path)).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
          return null;
        }
        answers.put(path, response.body());
      }
    }
    return answers;
  }

  /** Deletes {@code dir} and what it holds, if it exists; returns the number of files deleted. */
  private static long deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return 0;
    }
    long files;
    try (Stream<Path> paths = Files.walk(dir)) {
      files = paths.filter(Files::isRegularFile).count();
    }
    try {
      Utils.delete(dir.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + dir, e);
    }
    return files;
  }

  /**
   * What an instance logged about restoring its stores from changelogs ({@code RestorationLog}), summed
   * over its restorations after the first {@code skip}; the global store, which is read from
   * {@code plant.machines} at every start and is no changelog, does not count.
   */
  private record Restoration(long records, long stores, long millis, int count) {

    private static final Pattern STORE = Pattern.compile("restored (\\d+) records of store (\\S+) ");
    private static final String GLOBAL_STORE = "machines-store";

    static Restoration after(PlantProcess instance, int skip) {
      long records = 0;
      long stores = 0;
      long millis = 0;
      int count = 0;
      int seen = 0;
      boolean global = false;
      for (String line : instance.linesMatching("RestorationLog")) {
        Matcher store = STORE.matcher(line);
        Matcher finished = RESTORED.matcher(line);
        if (store.find()) {
          global |= store.group(2).equals(GLOBAL_STORE);
        } else if (finished.find()) {
          if (seen++ >= skip && !global) {
            records += Long.parseLong(finished.group(1));
            stores += Long.parseLong(finished.group(2));
            millis += Long.parseLong(finished.group(3));
            count++;
          }
          global = false;
        }
      }
      return new Restoration(records, stores, millis, count);
    }
  }
}
