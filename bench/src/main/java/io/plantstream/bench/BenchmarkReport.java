package io.plantstream.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Locale;

/**
 * The Markdown report a benchmark writes: a title with the date, the machine and the command, a
 * table of figures against their goals (figure, plantstream's value, the ceiling measured in the
 * same run, the ratio, the goal, met), then details; printed and written to {@code bench/results/}.
 */
final class BenchmarkReport {

  /** The header of the table of figures. */
  static final String TABLE_HEADER =
      "| figure | plantstream | ceiling, same run | ratio | goal | met |\n|---|---|---|---|---|---|\n";

  private BenchmarkReport() {}

  /**
   * The report's first lines: {@code title} with the start time (and a warning for {@code quick}
   * runs), the machine, the command and {@code setup}, one line saying how it ran.
   */
  static String header(String title, Instant started, boolean quick, String command, String setup) {
    return "## " + title + " " + DateTimeFormatter.ISO_INSTANT.format(started.truncatedTo(ChronoUnit.SECONDS))
        + (quick ? " (quick: small sizes, not for quoting)" : "") + "\n\n"
        + "- machine: " + BenchmarkSuite.machine() + "\n"
        + "- command: `" + command + "`\n"
        + "- " + setup + "\n\n";
  }

  /** A row of the table; {@code met} null for a figure without a goal. */
  static String row(String figure, String value, String ceiling, String ratio, String goal, Boolean met) {
    String verdict = met == null ? "–" : met ? "yes" : "**no**";
    return "| " + figure + " | " + value + " | " + ceiling + " | " + ratio + " | " + goal + " | " + verdict + " |\n";
  }

  /** Where a report named {@code name} started at {@code started} goes by default: {@code bench/results/<name>-<time>.md}. */
  static Path defaultOut(String name, Instant started) {
    return Path.of("bench/results/" + name + "-"
        + DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HHmm'Z'").withZone(ZoneOffset.UTC).format(started) + ".md");
  }

  /** The command line that ran the benchmark: what the script says, else {@code main}'s class and arguments. */
  static String command(String mainClass, String[] args) {
    return System.getenv().getOrDefault("BENCH_COMMAND", mainClass + " " + String.join(" ", args)).strip();
  }

  /** Prints {@code report} and writes it to {@code out}. */
  static void write(Path out, String report) throws IOException {
    System.out.println();
    System.out.println(report);
    Files.createDirectories(out.toAbsolutePath().getParent());
    Files.writeString(out, report);
    System.out.println("written to " + out);
  }

  /** {@code fraction} as a percentage with one decimal, e.g. {@code 81.3 %}. */
  static String percent(double fraction) {
    return String.format(Locale.ROOT, "%.1f %%", 100 * fraction);
  }
}
