package io.plantstream.app.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import io.plantstream.app.PlantCommand;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The plant commands of the Docker guide (README's "With Docker" section and docs/docker.md) parse
 * with the real command line, whether
 * run from the host ({@code ./plant ...}) or in the stack ({@code docker compose exec aggregator
 * plant ...}, {@code docker compose run --rm topics ...}); the compose services it names exist.
 * Commands the command line does not have yet (replay, being built elsewhere) wait until it has them.
 */
class ReadmeDockerSectionTest {

  private static final Pattern SH_BLOCK = Pattern.compile("```sh\n(.*?)```", Pattern.DOTALL);

  @Test
  void everyPlantCommandOfTheSectionParses() {
    List<List<String>> commands = plantCommands();
    var known = PlantCommand.commandLine().getSubcommands().keySet();

    assertThat(commands).extracting(args -> args.get(0)).contains("consume");
    for (List<String> args : commands) {
      if (!known.contains(args.get(0)) && args.get(0).equals("replay")) {
        continue;
      }
      assertThatCode(() -> PlantCommand.commandLine().parseArgs(args.toArray(String[]::new)))
          .as("plant %s", String.join(" ", args)).doesNotThrowAnyException();
    }
  }

  @Test
  void theServicesItNamesAreInTheComposeFile() {
    ComposeFile compose = ComposeFile.load();
    Matcher service = Pattern.compile("docker compose (?:exec|run --rm(?: -v \\S+)?|logs -f|ps) ([a-z-]+)")
        .matcher(section());
    int named = 0;
    while (service.find()) {
      assertThat(compose.serviceNames()).as(service.group()).contains(service.group(1));
      named++;
    }
    assertThat(named).isGreaterThanOrEqualTo(4);
  }

  /** Each plant invocation of the section's shell blocks, as the arguments after {@code plant}. */
  private static List<List<String>> plantCommands() {
    List<List<String>> commands = new ArrayList<>();
    Matcher block = SH_BLOCK.matcher(section());
    while (block.find()) {
      for (String line : block.group(1).replace("\\\n", " ").split("\n")) {
        List<String> words = words(line);
        int at = plantArgumentsStart(words);
        if (at >= 0) {
          commands.add(words.subList(at, words.size()));
        }
      }
    }
    return commands;
  }

  /** Where the plant arguments start in a command line, or -1 when it does not run plant. */
  private static int plantArgumentsStart(List<String> words) {
    if (!words.isEmpty() && words.get(0).equals("./plant")) {
      return 1;
    }
    if (words.size() > 3 && words.subList(0, 2).equals(List.of("docker", "compose"))) {
      if (words.get(2).equals("exec") && words.size() > 5 && words.get(4).equals("plant")) {
        return 5;
      }
      if (words.get(2).equals("run")) {
        int at = 3;
        while (at < words.size() && words.get(at).startsWith("-")) {
          at += words.get(at).equals("-v") ? 2 : 1;
        }
        return at + 1 < words.size() ? at + 1 : -1;
      }
    }
    return -1;
  }

  /** The words of a shell line up to a comment or a pipe, quotes removed. */
  private static List<String> words(String line) {
    String command = line.replaceAll("\\s+#.*$", "");
    int pipe = command.indexOf(" | ");
    if (pipe >= 0) {
      command = command.substring(0, pipe);
    }
    return Arrays.stream(command.trim().split("\\s+")).filter(word -> !word.isEmpty())
        .map(word -> word.replace("\"", "").replace("'", "")).toList();
  }

  /** README's short "With Docker" section followed by the whole guide, docs/docker.md. */
  private static String section() {
    String readme = RepositoryFiles.text("README.md");
    int start = readme.indexOf("\n## With Docker\n");
    assertThat(start).as("README has the section With Docker").isNotNegative();
    int end = readme.indexOf("\n## ", start + 1);
    String guide = RepositoryFiles.text("docs/docker.md");
    assertThat(guide).as("docs/docker.md").startsWith("# With Docker\n");
    return (end < 0 ? readme.substring(start) : readme.substring(start, end)) + "\n" + guide;
  }
}
