package io.plantstream.app;

import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code plant ...} in a child JVM, for commands that run until Ctrl-C ({@code aggregate}, a long
 * {@code simulate}): its output is read while it runs, {@link #stop()} sends what Ctrl-C sends
 * (SIGTERM, so the shutdown hooks run), and {@link #close()} kills whatever is left. Its log file
 * goes to {@code logDir} (the {@code plantstream.log.dir} system property).
 */
final class PlantProcess implements AutoCloseable {

  private final Process process;
  private final List<String> out = new CopyOnWriteArrayList<>();
  private final List<String> err = new CopyOnWriteArrayList<>();
  private final Thread outReader;
  private final Thread errReader;

  private PlantProcess(Process process) {
    this.process = process;
    this.outReader = pump(process.getInputStream(), out, "plant-out-" + process.pid());
    this.errReader = pump(process.getErrorStream(), err, "plant-err-" + process.pid());
  }

  /** Starts {@code plant args...} with this test JVM's class path, logging into {@code logDir}. */
  static PlantProcess start(Path logDir, String... args) {
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx384m", "-Dplantstream.log.dir=" + logDir,
        "-cp", System.getProperty("java.class.path"),
        PlantCommand.class.getName()));
    command.addAll(List.of(args));
    try {
      return new PlantProcess(new ProcessBuilder(command).start());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + command.get(0), e);
    }
  }

  /** Waits until a line of standard output matches {@code pattern}; returns its match. */
  Matcher awaitOut(Pattern pattern, Duration timeout) {
    Matcher[] found = new Matcher[1];
    await().atMost(timeout).pollInterval(Duration.ofMillis(200)).until(() -> {
      for (String line : out) {
        Matcher matcher = pattern.matcher(line);
        if (matcher.find()) {
          found[0] = matcher;
          return true;
        }
      }
      if (!process.isAlive()) {
        throw new AssertionError("plant exited with " + process.exitValue() + " before printing " + pattern
            + "; stdout " + out + ", stderr " + err);
      }
      return false;
    });
    return found[0];
  }

  /** Ctrl-C: SIGTERM, then waits for the exit code. */
  int stop(Duration timeout) throws InterruptedException {
    // Through the handle: Process#destroy also closes our ends of its pipes, losing what it prints on the way out.
    process.toHandle().destroy();
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new AssertionError("plant did not stop within " + timeout + " of SIGTERM; stderr " + err);
    }
    outReader.join(5_000);
    errReader.join(5_000);
    return process.exitValue();
  }

  /** Standard output so far. */
  String out() {
    return String.join("\n", out);
  }

  /** Standard error so far. */
  String err() {
    return String.join("\n", err);
  }

  /** Kills the JVM if it still runs. */
  @Override
  public void close() {
    process.destroyForcibly();
  }

  private static Thread pump(InputStream stream, List<String> lines, String name) {
    Thread thread = new Thread(() -> {
      try (BufferedReader reader = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
        String line;
        while ((line = reader.readLine()) != null) {
          lines.add(line);
        }
      } catch (IOException closed) {
        // the process is gone
      }
    }, name);
    thread.setDaemon(true);
    thread.start();
    return thread;
  }
}
