package io.plantstream.bench;

import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.core.ConditionTimeoutException;

/**
 * One {@code plant <command>} of the packaged application (the jar {@code ./plant} builds) in a
 * JVM of its own, as users run it, with a heap cap, a GC log ({@code gc.log}) and its log file
 * ({@code plantstream.log}) in its work directory. What it prints, standard output and error
 * together, is echoed with its name in front and kept, so that a benchmark can wait for a line and
 * time it. At the end it tells its peak heap in use (from the GC log), its live heap after a full
 * collection ({@code jcmd GC.run}) and its peak resident set. {@link #close()} stops it as Ctrl-C
 * does (SIGTERM, which runs its shutdown hooks), then kills it if it does not end.
 */
final class PlantJvm implements AutoCloseable {

  private static final Pattern GC_PAUSE = Pattern.compile("(\\d+)M->(\\d+)M\\((\\d+)M\\)");
  /** The first line of a stack trace: an exception's class name and its message. */
  private static final Pattern EXCEPTION_LINE = Pattern.compile("^(?:[a-z]\\w*\\.)+\\w*(?:Exception|Error): ");

  private final String name;
  private final Process process;
  private final long startedNanos;
  private final Path workDir;
  private final List<Line> lines = new ArrayList<>();
  private boolean outputEnded;

  /**
   * A line the process printed.
   *
   * @param text the line
   * @param nanos when the benchmark read it, {@link System#nanoTime()}
   */
  record Line(String text, long nanos) {}

  /**
   * Heap in use seen by the collector, MB.
   *
   * @param peakMb largest heap in use before a collection
   * @param peakAfterGcMb largest heap in use after a collection
   */
  record HeapPeaks(long peakMb, long peakAfterGcMb) {}

  private PlantJvm(String name, Process process, long startedNanos, Path workDir) {
    this.name = name;
    this.process = process;
    this.startedNanos = startedNanos;
    this.workDir = workDir;
  }

  /**
   * Starts {@code java <heapCap> -jar appJar <plantArgs>} with its GC log and log file in
   * {@code workDir} (created if missing); {@code name} prefixes its echoed output.
   */
  static PlantJvm start(String name, Path appJar, String heapCap, Path workDir, List<String> plantArgs)
      throws IOException {
    if (!Files.isRegularFile(appJar)) {
      throw new IllegalStateException("no application jar at " + appJar + "; build it with ./plant --help");
    }
    Files.createDirectories(workDir);
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        heapCap,
        // An OutOfMemoryError in any thread ends the JVM at once: the benchmark sees a failure
        // instead of waiting out its timeout on an application that is half dead.
        "-XX:+ExitOnOutOfMemoryError",
        "-Xlog:gc:file=" + workDir.resolve("gc.log"), "-Dplantstream.log.dir=" + workDir));
    // Extra options for every child JVM, e.g. a flight recording to profile a run.
    String extra = System.getenv("PLANT_BENCH_CHILD_JAVA_OPTS");
    if (extra != null && !extra.isBlank()) {
      command.addAll(List.of(extra.trim().replace("{name}", name).split("\\s+")));
    }
    command.addAll(List.of("-jar", appJar.toString()));
    command.addAll(plantArgs);
    long started = System.nanoTime();
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    PlantJvm jvm = new PlantJvm(name, process, started, workDir);
    Thread output = new Thread(jvm::readOutput, name + "-output");
    output.setDaemon(true);
    output.start();
    return jvm;
  }

  /** The process id. */
  long pid() {
    return process.pid();
  }

  /** When the process was started, {@link System#nanoTime()}. */
  long startedNanos() {
    return startedNanos;
  }

  /** True while the process runs. */
  boolean isAlive() {
    return process.isAlive();
  }

  /** Where its GC log and log file are. */
  Path workDir() {
    return workDir;
  }

  /**
   * The first line printed so far or within {@code timeout} that has a match of {@code pattern};
   * empty if the time ran out or the process ended without printing one.
   */
  synchronized Optional<Line> awaitLine(Pattern pattern, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    int checked = 0;
    while (true) {
      for (; checked < lines.size(); checked++) {
        if (pattern.matcher(lines.get(checked).text()).find()) {
          return Optional.of(lines.get(checked));
        }
      }
      long left = deadline - System.nanoTime();
      if (outputEnded || left <= 0) {
        return Optional.empty();
      }
      TimeUnit.NANOSECONDS.timedWait(this, left);
    }
  }

  /** The lines printed so far that have a match of {@code pattern}. */
  synchronized List<Line> lines(Pattern pattern) {
    return lines.stream().filter(line -> pattern.matcher(line.text()).find()).toList();
  }

  /**
   * Why the process is not doing what was awaited, for a message: ended (and how) or still running,
   * the first exception its log names after an ERROR, and where its log is.
   */
  String describeState() {
    String state = process.isAlive() ? "still running" : "ended with exit code " + process.exitValue();
    return name + " (pid " + process.pid() + ") " + state + (ranOutOfMemory() ? ", out of memory" : "")
        + firstLoggedError().map(error -> ", first error logged: " + error).orElse("") + "; its log is in " + workDir;
  }

  /**
   * The first exception line ({@code some.Exception: message}) of its log file after its first
   * ERROR line: usually the root of a failure, which the console's one-line message leaves out.
   */
  Optional<String> firstLoggedError() {
    Path log = workDir.resolve("plantstream.log");
    try {
      boolean afterError = false;
      for (String line : Files.readAllLines(log)) {
        afterError |= line.contains(" ERROR ");
        if (afterError && EXCEPTION_LINE.matcher(line).find()) {
          return Optional.of(line.length() > 300 ? line.substring(0, 300) + "..." : line);
        }
      }
    } catch (IOException unreadable) {
      // no log to quote: the state and the path say enough
    }
    return Optional.empty();
  }

  /** True if it printed that it ran out of memory. */
  boolean ranOutOfMemory() {
    return !lines(Pattern.compile("OutOfMemoryError")).isEmpty();
  }

  /** Waits up to {@code timeout} for the process to end by itself; true if it did. */
  boolean awaitExit(Duration timeout) throws InterruptedException {
    return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /**
   * Ctrl-C: SIGTERM, then waits up to {@code timeout}; true if it ended by itself, false if it had
   * to be killed.
   */
  boolean stop(Duration timeout) throws InterruptedException {
    process.destroy();
    if (process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      return true;
    }
    process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    return false;
  }

  /** Largest heap in use before and after a collection, from its GC log so far. */
  HeapPeaks heapPeaks() throws IOException {
    long before = 0;
    long after = 0;
    for (String line : Files.readAllLines(workDir.resolve("gc.log"))) {
      Matcher pause = GC_PAUSE.matcher(line);
      if (pause.find()) {
        before = Math.max(before, Long.parseLong(pause.group(1)));
        after = Math.max(after, Long.parseLong(pause.group(2)));
      }
    }
    return new HeapPeaks(before, after);
  }

  /**
   * Heap in use after a full collection, MB: {@code jcmd <pid> GC.run}, then that collection's line
   * in its GC log; -1 if that fails. This is the state the application holds.
   */
  long liveHeapMb() throws IOException, InterruptedException {
    Process jcmd = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
        String.valueOf(process.pid()), "GC.run").redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    if (!jcmd.waitFor(60, TimeUnit.SECONDS) || jcmd.exitValue() != 0) {
      return -1;
    }
    long[] live = {-1};
    try {
      // GC.run returns once the collection is done; the log line may trail it by a moment.
      await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100)).until(() -> {
        List<String> gc = Files.readAllLines(workDir.resolve("gc.log"));
        for (int i = gc.size() - 1; i >= 0; i--) {
          Matcher pause = GC_PAUSE.matcher(gc.get(i));
          if (gc.get(i).contains("Pause Full") && pause.find()) {
            live[0] = Long.parseLong(pause.group(2));
            return true;
          }
        }
        return false;
      });
    } catch (ConditionTimeoutException noLine) {
      return -1;
    }
    return live[0];
  }

  /** Peak resident set size in kB, from /proc (Linux); -1 elsewhere or once it has ended. */
  long peakRssKb() throws IOException {
    Path status = Path.of("/proc", String.valueOf(process.pid()), "status");
    if (!Files.exists(status)) {
      return -1;
    }
    for (String line : Files.readAllLines(status)) {
      if (line.startsWith("VmHWM:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    return -1;
  }

  /** Stops it if it still runs: SIGTERM, and SIGKILL if it has not ended 30 s later. */
  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      stop(Duration.ofSeconds(30));
    }
  }

  private void readOutput() {
    try (BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(),
        StandardCharsets.UTF_8))) {
      String text;
      while ((text = reader.readLine()) != null) {
        long now = System.nanoTime();
        System.out.println("  [" + name + "] " + text);
        synchronized (this) {
          lines.add(new Line(text, now));
          notifyAll();
        }
      }
    } catch (IOException ended) {
      // The process went away; whoever waits on it finds out below.
    } finally {
      synchronized (this) {
        outputEnded = true;
        notifyAll();
      }
    }
  }
}
