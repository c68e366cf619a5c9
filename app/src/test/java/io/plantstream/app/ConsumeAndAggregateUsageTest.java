package io.plantstream.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * The help of consume and aggregate as printed: every option and parameter of the command's spec
 * has its own entry (no more, no fewer), with its names and parameter label, its whole description
 * and its default; the options added for consumers are among them (their bad values:
 * {@link PlantCommandTest}). Line wrapping is ignored: an entry's text is compared without whitespace.
 */
class ConsumeAndAggregateUsageTest {

  /** The first line of an entry: an option's names at column 2 or 6, or a parameter's label at column 6. */
  private static final Pattern ENTRY = Pattern.compile("^(?: {2}-\\w, | {6})(--[\\w-]+|[A-Z][A-Z_]*)(?=[=\\s]|$)");
  private static final Pattern ENV_DEFAULT = Pattern.compile("\\$\\{env:\\w+(?::-(.*))?}");

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = ';', value = {
      "aggregate; Usage: plant aggregate [-hV] [--verbose] [--application-id=ID] [-b=HOST:PORT[,...]]"
          + " [--command-config=FILE] [--emit=final|updates] [--grace=DURATION] [--http-host=HOST]"
          + " [--http-port=PORT] [--idle-after=DURATION] [--schema-registry=URL] [--state-dir=DIR]"
          + " [--topic-prefix=PREFIX] [--update-interval=DURATION]; --http-port --http-host",
      "consume; Usage: plant consume [-hV] [--follow] [--from-beginning] [--latest] [--verbose] [-b=HOST:PORT[,...]]"
          + " [--command-config=FILE] [--format=json|table] [--max=N] [--schema-registry=URL] [--site=SITE]"
          + " [--timeout=DURATION] [--topic-prefix=PREFIX] TOPIC; --latest"})
  void helpHasAnEntryForEveryOptionWithItsDescriptionAndDefault(String command, String usage, String added) {
    CommandSpec spec = PlantCommand.commandLine().getSubcommands().get(command).getCommandSpec();
    CliRun run = CliRun.plant(command, "--help");

    assertThat(run.exitCode()).isZero();
    assertThat(run.err()).isEmpty();
    assertThat(squeeze(synopsis(run.out()))).as("usage line").isEqualTo(squeeze(usage));
    Map<String, String> entries = entries(run.out());
    assertThat(entries).containsKeys(added.split(" "));

    List<ArgSpec> args = Stream.concat(spec.options().stream(), spec.positionalParameters().stream())
        .filter(arg -> !arg.hidden()).map(ArgSpec.class::cast).toList();
    assertThat(entries.keySet()).as("entries of the help")
        .containsExactlyInAnyOrderElementsOf(args.stream().map(ConsumeAndAggregateUsageTest::key).toList());
    for (ArgSpec arg : args) {
      String entry = entries.get(key(arg));
      assertThat(entry).as("entry of %s", key(arg)).startsWith(names(arg));
      for (String line : arg.description()) {
        assertThat(entry).as("description of %s", key(arg))
            .contains(squeeze(line.replace("${DEFAULT-VALUE}", String.valueOf(arg.defaultValueString()))));
      }
      String shownDefault = shownDefault(arg);
      if (shownDefault != null) {
        assertThat(entry).as("default of %s", key(arg)).contains(squeeze(shownDefault));
      }
    }
  }

  @org.junit.jupiter.api.Test
  void consumeNamesTheTopicsOfShiftsDaysReliabilityAndSites() {
    CliRun run = CliRun.plant("consume", "--help");

    assertThat(run.exitCode()).isZero();
    assertThat(squeeze(entries(run.out()).get("TOPIC"))).contains("plant.kpi.site.shift", "plant.kpi.site.day",
        "plant.kpi.machine.day", "plant.sites");
    assertThat(squeeze(run.out())).contains(squeeze("With --latest it reads a KPI topic (or plant.machines, plant.sites)"));
  }

  /** The usage line as printed: its first line and the indented lines that continue it. */
  private static String synopsis(String help) {
    List<String> lines = help.lines().toList();
    StringBuilder synopsis = new StringBuilder(lines.get(0));
    for (int i = 1; i < lines.size() && lines.get(i).startsWith(" "); i++) {
      synopsis.append(' ').append(lines.get(i));
    }
    return synopsis.toString();
  }

  /** The help's entries by option long name or parameter label, each without whitespace. */
  private static Map<String, String> entries(String help) {
    Map<String, String> entries = new LinkedHashMap<>();
    String current = null;
    for (String line : help.lines().toList()) {
      Matcher start = ENTRY.matcher(line);
      if (start.find()) {
        current = start.group(1);
        assertThat(entries).as("entries of the help").doesNotContainKey(current);
        entries.put(current, squeeze(line));
      } else if (current != null && line.startsWith(" ".repeat(7))) {
        entries.merge(current, squeeze(line), String::concat);
      } else {
        current = null;
      }
    }
    return entries;
  }

  private static String key(ArgSpec arg) {
    return arg instanceof OptionSpec option ? option.longestName() : ((PositionalParamSpec) arg).paramLabel();
  }

  /** What an entry starts with: {@code -b,--bootstrap-servers=HOST:PORT}, {@code --latest}, {@code TOPIC}. */
  private static String names(ArgSpec arg) {
    if (!(arg instanceof OptionSpec option)) {
      return arg.paramLabel();
    }
    String names = String.join(",", Arrays.stream(option.names()).sorted(Comparator.comparingInt(String::length)).toList());
    return option.arity().max() > 0 ? names + "=" + option.paramLabel() : names;
  }

  /** The default the help must show: the declared one, or the fallback of an environment variable; null for none. */
  private static String shownDefault(ArgSpec arg) {
    // As declared, environment variables not looked up (for an option without one, the field's initial value).
    String declared = arg.defaultValueString(false);
    if (declared == null || arg.defaultValue() == null && !ENV_DEFAULT.matcher(declared).matches()) {
      return null;
    }
    Matcher env = ENV_DEFAULT.matcher(declared);
    return env.matches() ? env.group(1) : declared;
  }

  private static String squeeze(String text) {
    return text.replaceAll("\\s+", "");
  }
}
