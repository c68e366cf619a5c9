package io.plantstream.app.reliability;

import static org.awaitility.Awaitility.await;

import io.plantstream.app.PlantCommand;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One {@code plant ...} command in a child JVM of its own, so that a test can kill it the hard way
 * ({@code kill -9}: {@link Process#destroyForcibly()} is SIGKILL on Linux) and start it again. It
 * runs {@link PlantCommand} on the test JVM's class path; what it prints, standard output and error
 * together, goes to {@link #output()} under {@code target/reliability/}, which stays for reading
 * after the test.
 *
 * <p>Close every instance (try-with-resources or {@code @AfterEach}): nothing may outlive its test.
 */
public final class PlantProcess implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(PlantProcess.class);
  private static final Path OUTPUT_DIR = Path.of("target", "reliability");

  private final String name;
  private final Process process;
  private final Path output;
  private final Path logDir;

  private PlantProcess(String name, Process process, Path output, Path logDir) {
    this.name = name;
    this.process = process;
    this.output = output;
    this.logDir = logDir;
  }

  /**
   * Starts {@code plant <args>} in a new JVM; {@code name} names its output file (unique per test
   * run, e.g. {@code crash-eos-run-2}).
   */
  public static PlantProcess start(String name, String... args) {
    try {
      Files.createDirectories(OUTPUT_DIR);
      Path output = OUTPUT_DIR.resolve(name + ".log").toAbsolutePath();
      Path logDir = OUTPUT_DIR.resolve(name + "-logs").toAbsolutePath();
      List<String> command = new ArrayList<>(List.of(
          Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          // Small and quick to start: the machine is shared with the broker and the test JVM.
          "-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
          "-Dplantstream.log.dir=" + logDir,
          "-cp", System.getProperty("java.class.path"),
          PlantCommand.class.getName()));
      command.addAll(List.of(args));
      Process process = new ProcessBuilder(command)
          .redirectErrorStream(true)
          .redirectOutput(output.toFile())
          .start();
      log.info("started plant {} as pid {} ({}): output in {}", args.length > 0 ? args[0] : "", process.pid(),
          name, output);
      return new PlantProcess(name, process, output, logDir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start a child JVM for " + name, e);
    }
  }

  /** The process id. */
  public long pid() {
    return process.pid();
  }

  /** True while the process runs. */
  public boolean isAlive() {
    return process.isAlive();
  }

  /** The file holding what the process printed. */
  public Path output() {
    return output;
  }

  /** The directory of the process's log files ({@code plantstream.log.dir}). */
  public Path logDir() {
    return logDir;
  }

  /** What the process printed so far, standard output and error together. */
  public String text() {
    return String.join("\n", lines());
  }

  /** What the process printed so far, line by line. */
  public List<String> lines() {
    try {
      return Files.readAllLines(output, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + output, e);
    }
  }

  /** Lines printed so far that contain a match of {@code regex}. */
  public List<String> linesMatching(String regex) {
    Pattern pattern = Pattern.compile(regex);
    return lines().stream().filter(line -> pattern.matcher(line).find()).toList();
  }

  /**
   * Waits until the process prints a line with a match of {@code regex}; fails at once, with its
   * output, if the process ends first.
   */
  public String awaitLine(String regex, Duration timeout) {
    Pattern pattern = Pattern.compile(regex);
    String[] found = new String[1];
    await().atMost(timeout).pollInterval(Duration.ofMillis(200)).until(() -> {
      for (String line : lines()) {
        if (pattern.matcher(line).find()) {
          found[0] = line;
          return true;
        }
      }
      if (!process.isAlive()) {
        throw new AssertionError(name + " ended (exit " + process.exitValue() + ") before printing /" + regex
            + "/; its output:\n" + String.join("\n", lines()));
      }
      return false;
    });
    return found[0];
  }

  /** Waits until {@code plant aggregate} says its KPI application is running. */
  public void awaitRunning(Duration timeout) {
    awaitLine("KPI application '.*' running on", timeout);
  }

  /** {@code kill -9}: the process ends at once, without running its shutdown hooks. */
  public void kill() {
    process.destroyForcibly();
    waitFor(Duration.ofSeconds(30));
    log.info("killed {} (pid {}) with SIGKILL", name, process.pid());
  }

  /** Ctrl-C, as a user stops it (SIGTERM runs the shutdown hooks); returns the exit code. */
  public int stop(Duration timeout) {
    process.destroy();
    if (!waitFor(timeout)) {
      throw new AssertionError(name + " did not stop within " + timeout + " of SIGTERM");
    }
    return process.exitValue();
  }

  /** Kills the process if it still runs. */
  @Override
  public void close() {
    if (process.isAlive()) {
      process.destroyForcibly();
      waitFor(Duration.ofSeconds(30));
    }
  }

  private boolean waitFor(Duration timeout) {
    try {
      return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for " + name, e);
    }
  }
}
