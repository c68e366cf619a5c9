package io.plantstream.app;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Shows how far a long command got, on stderr: on a terminal a bar redrawn in place with the count,
 * the rate and the time left; otherwise (a pipe, a log file) one plain line every few seconds.
 * The total may be unknown (live recording, looping replay): then there is no bar and no ETA.
 */
final class ProgressDisplay implements AutoCloseable {

  /** How often a terminal bar is redrawn. */
  static final Duration BAR_EVERY = Duration.ofMillis(250);
  /** How often a plain line is written when stderr is not a terminal. */
  static final Duration LINE_EVERY = Duration.ofSeconds(5);

  private static final int BAR_WIDTH = 30;

  private final String what;
  private final String unit;
  private final LongSupplier done;
  private final LongSupplier total;
  private final PrintStream out;
  private final boolean terminal;
  private final long startNanos = System.nanoTime();
  private final ScheduledExecutorService timer;
  private int lastWidth;

  private ProgressDisplay(String what, String unit, LongSupplier done, LongSupplier total, PrintStream out,
      boolean terminal) {
    this.what = what;
    this.unit = unit;
    this.done = done;
    this.total = total;
    this.out = out;
    this.terminal = terminal;
    this.timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
      Thread thread = new Thread(runnable, "progress");
      thread.setDaemon(true);
      return thread;
    });
    Duration every = terminal ? BAR_EVERY : LINE_EVERY;
    timer.scheduleAtFixedRate(this::show, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
  }

  /**
   * Starts showing {@code done} of {@code total} (negative: unknown) {@code unit}s of {@code what}
   * on stderr, as a bar when stderr looks like a terminal.
   */
  static ProgressDisplay start(String what, String unit, LongSupplier done, LongSupplier total) {
    return new ProgressDisplay(what, unit, done, total, System.err, onTerminal());
  }

  /** True when the console is interactive: a terminal that can redraw a line. */
  static boolean onTerminal() {
    return System.console() != null && !"dumb".equals(System.getenv("TERM"));
  }

  /** The progress text for {@code count} of {@code of} (negative: unknown) after {@code elapsed}. */
  static String describe(String what, String unit, long count, long of, Duration elapsed, boolean bar) {
    double seconds = Math.max(elapsed.toNanos() / 1e9, 1e-3);
    double rate = count / seconds;
    StringBuilder text = new StringBuilder(what).append(": ");
    if (of > 0) {
      double fraction = Math.min(1.0, count / (double) of);
      if (bar) {
        int filled = (int) Math.round(fraction * BAR_WIDTH);
        text.append('[').append("#".repeat(filled)).append(".".repeat(BAR_WIDTH - filled)).append("] ");
      }
      text.append(String.format(Locale.ROOT, "%5.1f %% ", 100 * fraction));
      text.append(String.format(Locale.ROOT, "%,d of %,d %s", count, of, unit));
    } else {
      text.append(String.format(Locale.ROOT, "%,d %s", count, unit));
    }
    text.append(String.format(Locale.ROOT, ", %,.0f %s/s", rate, unit));
    if (of > 0 && count > 0 && count < of) {
      long left = Math.round(seconds * (of - count) / count);
      text.append(", ETA ").append(clock(left));
    }
    return text.toString();
  }

  private static String clock(long seconds) {
    return seconds >= 3600
        ? String.format(Locale.ROOT, "%d:%02d:%02d", seconds / 3600, seconds / 60 % 60, seconds % 60)
        : String.format(Locale.ROOT, "%d:%02d", seconds / 60, seconds % 60);
  }

  private synchronized void show() {
    String text = describe(what, unit, done.getAsLong(), total.getAsLong(),
        Duration.ofNanos(System.nanoTime() - startNanos), terminal);
    if (terminal) {
      int pad = Math.max(0, lastWidth - text.length());
      out.print("\r" + text + " ".repeat(pad));
      lastWidth = text.length();
    } else {
      out.println(text);
    }
    out.flush();
  }

  /** Stops showing; a terminal bar is cleared so that the summary line starts clean. */
  @Override
  public synchronized void close() {
    timer.shutdownNow();
    if (terminal && lastWidth > 0) {
      out.print("\r" + " ".repeat(lastWidth) + "\r");
      out.flush();
    }
  }
}
