package io.plantstream.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

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

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
      "simulate --nonsense                       | Unknown option: '--nonsense'",
      "simulate --duration 5x                    | '5x' is not a duration",
      "simulate --speed fast                     | speed must be a positive number or 'max'",
      "simulate --start yesterday                | 'yesterday' is not an instant",
      "simulate --sites nowhere                  | unknown site 'nowhere'",
      "simulate --events 0                       | --events must be at least 1",
      "simulate --http-port 70000                | --http-port must be between 0 and 65535",
      "aggregate --emit sometimes                | Invalid value for option '--emit'",
      "consume                                   | Missing required parameter: 'TOPIC'",
      "consume not.a.topic                       | 'not.a.topic' is not a plantstream topic",
      "demo --duration 0s                        | --duration must be positive",
      "broker --port 70000                       | --port must be 0..65535",
      "topics --min-insync-replicas 0            | --min-insync-replicas must be at least 1",
      "topics --replication-factor 2 --min-insync-replicas 3 | --min-insync-replicas must be at most the replication factor, 2",
      "record                                    | Missing required option: '--out=FILE'",
      "record --out r.avro --to-end              | --to-end stops at the end offsets found at start",
      "record --out r.avro --max 0               | --max must be at least 1",
      "record --out r.avro --compression lz4     | Invalid value for option '--compression'",
      "record --out r.avro --from 2026-11-28T11:00:00Z --to 2026-11-28T10:00:00Z | --from must be before --to",
      "replay                                    | Missing required parameter: 'FILE'",
      "replay missing.avro                       | cannot read recording missing.avro: no such file",
      "replay r.avro --speed 0                   | speed must be a positive number or 'max'",
      "replay r.avro --rebase-time later         | 'later' is not an instant",
      "nocommand                                 | Unmatched argument at index 0: 'nocommand'"})
  void badUsageIsExitCodeTwoAndOneLine(String args, String message) {
    CliRun run = CliRun.plant(args.trim().split("\\s+"));

    assertThat(run.exitCode()).isEqualTo(PlantCommand.USAGE);
    assertThat(run.errLines()).hasSize(1);
    assertThat(run.errLines().get(0)).contains(message).doesNotContain("Exception");
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
