package io.plantstream.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.plantstream.schemas.Topics;
import io.plantstream.testing.KafkaFixture;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The rows of the bad-input table ({@link PlantCommandTest}) that need a broker or take long: every
 * command that talks to Kafka, pointed at an address where nothing listens with the default
 * timeouts, gives up within a bounded time; pointed at a real broker without the project's topics,
 * it names the missing ones and how to create them. One line on stderr, exit code 1, no stack trace.
 */
@Tag("reliability")
class CommandLineFailureIT {

  @RegisterExtension static final KafkaFixture kafka = new KafkaFixture();

  /** The default time to reach a cluster is 15 s; a command must not retry beyond it for long. */
  private static final Duration BOUND = Duration.ofSeconds(30);
  private static final String SAMPLE = Path.of("..", "samples", "plant-hour.avro").toString();

  @TempDir Path dir;

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"topics", "simulate --events 10", "aggregate", "consume {prefix}kpi.site.1m",
      "record --out {dir}/r.avro", "replay {sample}"})
  void anUnreachableBrokerIsGivenUpOnWithinTheDefaultTimeout(String args) {
    long started = System.nanoTime();
    CliRun run = CliRun.plant(argv(args, "plant.", "--bootstrap-servers", "127.0.0.1:1"));
    Duration took = Duration.ofNanos(System.nanoTime() - started);

    assertOneLineFailure(run, args, "cannot reach Kafka at 127.0.0.1:1 within 15.0 s");
    assertThat(took).as("time to give up").isLessThan(BOUND);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"simulate --events 10", "aggregate", "consume {prefix}kpi.site.1m",
      "record --out {dir}/r.avro", "replay {sample}"})
  void missingTopicsAreNamedWithHowToCreateThem(String args) {
    Topics topics = kafka.uniqueTopics("no-topics");

    CliRun run = CliRun.plant(argv(args, topics.prefix(), "--bootstrap-servers", kafka.bootstrapServers(),
        "--topic-prefix", topics.prefix()));

    assertOneLineFailure(run, args, "missing topic");
    assertThat(run.errLines().get(0)).contains(topics.prefix()).contains("create them with './plant topics'");
  }

  @org.junit.jupiter.api.Test
  void anApplicationIdHoldingStateOfAnOlderLayoutIsRefusedWithWhatToDo() throws Exception {
    Topics topics = kafka.uniqueTopics("old-state");
    kafka.createTopics(topics, 2);
    String applicationId = "old-layout-" + System.nanoTime();
    try (Admin admin = Admin.create(kafka.clientConfig())) {
      admin.createTopics(List.of(new NewTopic(applicationId + "-machine-recent-events-store-changelog", 1,
          kafka.replicationFactor()))).all().get();
    }

    CliRun run = CliRun.plant("aggregate", "--bootstrap-servers", kafka.bootstrapServers(),
        "--topic-prefix", topics.prefix(), "--application-id", applicationId);

    assertOneLineFailure(run, "aggregate", "application id " + applicationId + " holds state of an older plantstream");
    assertThat(run.errLines().get(0)).contains("start with a new --application-id").contains("docs/operations.md, Upgrading");
  }

  private static void assertOneLineFailure(CliRun run, String args, String message) {
    String command = args.split(" ")[0];
    assertThat(run.exitCode()).as("exit code; stderr: %s", run.err()).isEqualTo(PlantCommand.FAILURE);
    assertThat(run.errLines()).as("stderr").singleElement().asString()
        .startsWith("plant " + command + ": ")
        .contains(message)
        .doesNotContain("\tat ")
        .doesNotContainPattern("[A-Za-z]+(Exception|Error)\\b");
    assertThat(run.out()).as("stdout").doesNotContain("\tat ").doesNotContainPattern("[A-Za-z]+Exception\\b");
  }

  private String[] argv(String args, String prefix, String... more) {
    List<String> argv = new ArrayList<>();
    for (String arg : args.split(" ")) {
      argv.add(arg.replace("{prefix}", prefix).replace("{dir}", dir.toString()).replace("{sample}", SAMPLE));
    }
    argv.addAll(List.of(more));
    return argv.toArray(String[]::new);
  }
}
