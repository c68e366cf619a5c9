package io.plantstream.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.plantstream.producer.model.PlantModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine.ParseResult;

/** Usage and failures of the command line that need no broker: exit codes and one-line errors. */
class PlantCommandTest {

  @TempDir Path dir;

  @ParameterizedTest
  @ValueSource(strings = {"demo", "broker", "topics", "simulate", "aggregate", "consume", "record", "replay"})
  void everyCommandHasHelp(String command) {
    CliRun run = CliRun.plant(command, "--help");

    assertThat(run.exitCode()).isZero();
    assertThat(run.out()).startsWith("Usage: plant " + command);
  }

  /**
   * Every command against missing, malformed and conflicting options, unreadable files and an
   * unreachable broker (127.0.0.1:1, nothing listens there). Columns: exit code (2 usage, 1 failure),
   * a fragment of the one line on stderr, the arguments. Placeholders: {dir} a temporary directory,
   * {missing} a file that does not exist, {notes} a text file, {fast} client properties that give up
   * on a broker after 1.5 s, {malformed} properties that do not parse, {badvalue} properties with a
   * value Kafka refuses, {plantbad} a broken plant model, {recording} the sample recording.
   */
  @ParameterizedTest(name = "{2}")
  @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
      // No command, unknown ones, unknown options.
      "2 | missing command                                        | {empty}",
      "2 | Unmatched argument at index 0: 'nocommand'             | nocommand",
      "2 | Unknown option: '--nonsense'                           | --nonsense",
      "2 | Unknown option: '--nonsense'                           | simulate --nonsense",
      // demo
      "2 | '5x' is not a duration                                 | demo --duration 5x",
      "2 | --duration must be positive                            | demo --duration 0s",
      "2 | speed must be a positive number or 'max'               | demo --speed 0",
      "2 | --port must be 0..65535                                | demo --port 70000",
      "2 | Invalid value for option '--port'                      | demo --port web",
      "2 | --http-port must be 0..65535                           | demo --http-port 70000",
      "2 | Invalid value for option '--seed'                      | demo --seed forty-two",
      "2 | unknown site 'nowhere'                                 | demo --sites nowhere",
      "2 | {missing}: cannot read the file                        | demo --plant {missing}",
      "2 | {plantbad}                                             | demo --plant {plantbad}",
      "2 | Missing required parameter for option '--duration'     | demo --duration",
      // broker
      "2 | --port must be 0..65535                                | broker --port 70000",
      "2 | --port must be 0..65535                                | broker --port -1",
      "2 | Invalid value for option '--port'                      | broker --port web",
      "2 | --data-dir {notes} is a file, not a directory          | broker --data-dir {notes}",
      // topics
      "2 | --partitions must be at least 1                        | topics --partitions 0",
      "2 | Invalid value for option '--partitions'                | topics --partitions many",
      "2 | --replication-factor must be at least 1                | topics --replication-factor 0",
      "2 | Invalid value for option '--replication-factor'        | topics --replication-factor 70000",
      "2 | cannot read --command-config {missing}                 | topics --command-config {missing}",
      "2 | cannot read --command-config {dir}                     | topics --command-config {dir}",
      "2 | cannot read --command-config {malformed}               | topics --command-config {malformed}",
      "2 | --command-config {badvalue}: Invalid value abc for configuration request.timeout.ms | topics --command-config {badvalue}",
      "2 | --bootstrap-servers: 'localhost' is not HOST:PORT      | topics --bootstrap-servers localhost",
      "2 | --bootstrap-servers: 'localhost:http' is not HOST:PORT | topics --bootstrap-servers localhost:http",
      "2 | --bootstrap-servers is empty                           | topics --bootstrap-servers {empty}",
      "2 | --min-insync-replicas must be at least 1               | topics --min-insync-replicas 0",
      "2 | --min-insync-replicas must be at most the replication factor, 2 | topics --replication-factor 2 --min-insync-replicas 3",
      "1 | cannot reach Kafka at 127.0.0.1:1                      | topics -b 127.0.0.1:1 --command-config {fast}",
      // simulate
      "2 | '5x' is not a duration                                 | simulate --duration 5x",
      "2 | --duration must be positive                            | simulate --duration 0s",
      "2 | speed must be a positive number or 'max'               | simulate --speed fast",
      "2 | speed must be a positive number or 'max'               | simulate --speed -1",
      "2 | 'yesterday' is not an instant                          | simulate --start yesterday",
      "2 | unknown site 'nowhere'                                 | simulate --sites nowhere",
      "2 | --events must be at least 1                            | simulate --events 0",
      "2 | Invalid value for option '--events'                    | simulate --events lots",
      "2 | --duration and --events are alternatives               | simulate --duration 1h --events 10",
      "2 | --rate must be a positive number                       | simulate --rate 0",
      "2 | Invalid value for option '--rate'                      | simulate --rate fast",
      "2 | --http-port must be between 0 and 65535                | simulate --http-port 70000",
      "2 | Invalid value for option '--faults'                    | simulate --faults late=2",
      "2 | Invalid value for option '--faults'                    | simulate --faults gremlins=0.1",
      "2 | Invalid value for option '--faults'                    | simulate --faults late",
      "2 | {missing}: cannot read the file                        | simulate --plant {missing}",
      "2 | {plantbad}                                             | simulate --plant {plantbad}",
      "1 | cannot reach Kafka at 127.0.0.1:1                      | simulate -b 127.0.0.1:1 --command-config {fast} --events 10",
      // aggregate
      "2 | Invalid value for option '--emit'                      | aggregate --emit sometimes",
      "2 | '5x' is not a duration                                 | aggregate --grace 5x",
      "2 | --update-interval must be positive, was PT0S           | aggregate --update-interval 0s",
      "2 | 'often' is not a duration                              | aggregate --update-interval often",
      "2 | --idle-after must be positive, was PT0S                | aggregate --idle-after 0s",
      "2 | 'soon' is not a duration                               | aggregate --idle-after soon",
      "2 | --http-port must be between 0 and 65535                | aggregate --http-port 70000",
      "2 | --http-port must be between 0 and 65535                | aggregate --http-port -1",
      "2 | Invalid value for option '--http-port'                 | aggregate --http-port web",
      "2 | --application-id 'a/b' may only have letters, digits, '.', '_' and '-' | aggregate --application-id a/b",
      "2 | --state-dir {notes} is a file, not a directory         | aggregate --state-dir {notes}",
      "1 | cannot reach Kafka at 127.0.0.1:1                      | aggregate -b 127.0.0.1:1 --command-config {fast}",
      // consume
      "2 | Missing required parameter: 'TOPIC'                    | consume",
      "2 | 'not.a.topic' is not a plantstream topic               | consume not.a.topic",
      "2 | Invalid value for option '--format'                    | consume plant.kpi.site.1m --format xml",
      "2 | --max must be at least 1                               | consume plant.kpi.site.1m --max 0",
      "2 | '5x' is not a duration                                 | consume plant.kpi.site.1m --timeout 5x",
      "2 | --latest reads up to the end offsets                   | consume plant.kpi.site.1m --latest --follow",
      "2 | plant.telemetry is not one                             | consume plant.telemetry --latest",
      "2 | plant.telemetry.dlq is not one                         | consume plant.telemetry.dlq --latest",
      "1 | cannot reach Kafka at 127.0.0.1:1                      | consume plant.kpi.site.1m -b 127.0.0.1:1 --command-config {fast}",
      // record
      "2 | Missing required option: '--out=FILE'                  | record",
      "2 | --to-end stops at the end offsets found at start       | record --out {dir}/r.avro --to-end",
      "2 | --max must be at least 1                               | record --out {dir}/r.avro --max 0",
      "2 | Invalid value for option '--compression'               | record --out {dir}/r.avro --compression lz4",
      "2 | --from must be before --to                             | record --out {dir}/r.avro --from 2026-11-28T11:00:00Z --to 2026-11-28T10:00:00Z",
      "2 | 'noon' is not an instant                               | record --out {dir}/r.avro --from noon",
      "2 | {notes} exists                                         | record --out {notes}",
      "2 | no directory {missing}                                 | record --out {missing}/r.avro",
      "1 | cannot reach Kafka at 127.0.0.1:1                      | record --out {dir}/r.avro -b 127.0.0.1:1 --command-config {fast}",
      // replay
      "2 | Missing required parameter: 'FILE'                     | replay",
      "2 | cannot read recording {missing}: no such file          | replay {missing}",
      "2 | {notes} is not a plantstream recording                 | replay {notes}",
      "2 | cannot read recording {dir}: it is a directory         | replay {dir}",
      "2 | speed must be a positive number or 'max'               | replay {recording} --speed 0",
      "2 | 'later' is not an instant                              | replay {recording} --rebase-time later",
      "2 | --from must be before --to                             | replay {recording} --from 2026-11-24T16:00:00Z --to 2026-11-24T15:00:00Z",
      "2 | the recording has no site 'nowhere'                    | replay {recording} --sites nowhere",
      "1 | cannot reach Kafka at 127.0.0.1:1                      | replay {recording} -b 127.0.0.1:1 --command-config {fast}"})
  void badInputIsOneLineWithTheRightExitCode(int exitCode, String message, String args) throws Exception {
    Path fast = Files.writeString(dir.resolve("fast.properties"), "default.api.timeout.ms=1500\n");
    Path malformed = Files.writeString(dir.resolve("malformed.properties"), "ssl.key.password=\\u12\n");
    Path badValue = Files.writeString(dir.resolve("bad-value.properties"), "request.timeout.ms=abc\n");
    Path plantBad = Files.writeString(dir.resolve("plant.yaml"), "sites: [ {id: x, lines: }\n");
    Files.writeString(dir.resolve("notes.txt"), "not a recording");
    Map<String, String> placeholders = Map.of("{dir}", dir.toString(), "{missing}", dir.resolve("missing").toString(),
        "{notes}", dir.resolve("notes.txt").toString(), "{fast}", fast.toString(), "{malformed}", malformed.toString(),
        "{badvalue}", badValue.toString(), "{plantbad}", plantBad.toString(),
        "{recording}", Path.of("..", "samples", "plant-hour.avro").toString());
    String[] argv = Arrays.stream(args.trim().split("\\s+")).map(arg -> {
      String replaced = "{empty}".equals(arg) ? "" : arg;
      for (Map.Entry<String, String> placeholder : placeholders.entrySet()) {
        replaced = replaced.replace(placeholder.getKey(), placeholder.getValue());
      }
      return replaced;
    }).filter(arg -> !(args.trim().equals("{empty}") && arg.isEmpty())).toArray(String[]::new);
    String expected = message;
    for (Map.Entry<String, String> placeholder : placeholders.entrySet()) {
      expected = expected.replace(placeholder.getKey(), placeholder.getValue());
    }
    String command = argv.length > 0 && !argv[0].startsWith("-") && !argv[0].equals("nocommand") ? argv[0] : null;

    long started = System.nanoTime();
    CliRun run = CliRun.plant(argv);
    Duration took = Duration.ofNanos(System.nanoTime() - started);

    assertThat(run.exitCode()).as("exit code; stderr: %s", run.err()).isEqualTo(exitCode);
    assertThat(run.errLines()).as("stderr").singleElement().asString()
        .startsWith(command == null ? "plant: " : "plant " + command + ": ")
        .contains(expected)
        .doesNotContain("\tat ")
        .doesNotContainPattern("[A-Za-z]+(Exception|Error)\\b");
    assertThat(run.out()).as("stdout").doesNotContain("\tat ").doesNotContainPattern("[A-Za-z]+Exception\\b");
    // An unreachable broker is given up on after the 1.5 s of {fast}; nothing retries for ever.
    assertThat(took).as("time taken").isLessThan(Duration.ofSeconds(20));
  }

  @Test
  void unreadableCommandConfigIsUsage() {
    CliRun run = CliRun.plant("topics", "--command-config", dir.resolve("missing.properties").toString());

    assertThat(run.exitCode()).isEqualTo(PlantCommand.USAGE);
    assertThat(run.errLines()).singleElement().asString().contains("cannot read --command-config");
  }

  @Test
  void brokenPlantModelIsUsageNamingTheFile() throws Exception {
    Path model = Files.writeString(dir.resolve("plant.yaml"), "sites: [ {id: x, lines: }\n");

    CliRun run = CliRun.plant("simulate", "--plant", model.toString());

    assertThat(run.exitCode()).isEqualTo(PlantCommand.USAGE);
    assertThat(run.err()).contains(model.toString()).doesNotContain("\tat ");
  }

  @ParameterizedTest
  @ValueSource(strings = {"demo", "simulate"})
  void theFabScaleSampleIsAPlantForDemoAndSimulate(String command) {
    ParseResult parsed = PlantCommand.commandLine()
        .parseArgs(command, "--plant", Path.of("..", "samples", "fab-scale.yaml").toString());
    PlantOptions plant = (PlantOptions) parsed.subcommand().commandSpec().mixins().get("plant").userObject();

    PlantModel model = plant.model();

    assertThat(model.siteIds()).containsExactly("tsmc-phx", "amkor-az", "spil-az", "foxconn-hou", "wistron-dal");
    assertThat(model.machines()).hasSizeGreaterThanOrEqualTo(2_000);
  }

  @Test
  void aFileThatIsNotARecordingIsRefusedAsUsageNamingIt() throws Exception {
    Path notes = Files.writeString(dir.resolve("notes.txt"), "not a recording");

    CliRun run = CliRun.plant("replay", notes.toString(), "--bootstrap-servers", "127.0.0.1:1");

    assertThat(run.exitCode()).isEqualTo(PlantCommand.USAGE);
    assertThat(run.errLines()).singleElement().asString()
        .contains(notes + " is not a plantstream recording: not an Avro object container file");
  }

  @Test
  void anExistingRecordingIsNotOverwritten() throws Exception {
    Path existing = Files.writeString(dir.resolve("incident.avro"), "keep me");

    CliRun run = CliRun.plant("record", "--out", existing.toString(), "--bootstrap-servers", "127.0.0.1:1");

    assertThat(run.exitCode()).isEqualTo(PlantCommand.USAGE);
    assertThat(run.errLines()).singleElement().asString().contains(existing + " exists");
    assertThat(Files.readString(existing)).isEqualTo("keep me");
  }

  @Test
  void unreachableBrokerIsFailureInOneLine() throws Exception {
    Path config = Files.writeString(dir.resolve("client.properties"), "default.api.timeout.ms=1500\n");

    CliRun run = CliRun.plant("topics", "--bootstrap-servers", "127.0.0.1:1", "--command-config", config.toString());

    assertThat(run.exitCode()).isEqualTo(PlantCommand.FAILURE);
    assertThat(run.errLines()).singleElement().asString()
        .contains("cannot reach Kafka at 127.0.0.1:1")
        .contains("./plant broker");
  }
}
