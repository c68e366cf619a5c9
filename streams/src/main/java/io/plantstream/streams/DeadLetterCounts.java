package io.plantstream.streams;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * How many records one KPI application instance has sent to the dead-letter queue, by reason code
 * ({@code corrupt}, {@code invalid-field}, {@code unknown-machine}, {@code future-skew}).
 *
 * <p>One instance per application, created by {@link KpiStreamsConfig#build} and handed to the
 * {@link DeadLetters} handlers through the configuration under {@value #CONFIG}, so that two
 * applications in one JVM count apart. Thread-safe: every stream thread's handlers share it.
 */
public final class DeadLetterCounts {

  /** Configuration key under which the application's counts travel to the exception handlers. */
  public static final String CONFIG = "plantstream.dead.letter.counts";

  private final Map<String, LongAdder> counts = new ConcurrentHashMap<>();

  /** Counts with every known reason at zero. */
  public DeadLetterCounts() {
    counts.put(DeadLetters.CORRUPT, new LongAdder());
    for (RejectedEventException.Reason reason : RejectedEventException.Reason.values()) {
      counts.put(reason.code(), new LongAdder());
    }
  }

  /** The counts carried by {@code config}, or null when it carries none. */
  public static DeadLetterCounts in(Map<?, ?> config) {
    return config.get(CONFIG) instanceof DeadLetterCounts found ? found : null;
  }

  /** Counts one record sent to the DLQ for {@code reason}. */
  public void increment(String reason) {
    counts.computeIfAbsent(reason, code -> new LongAdder()).increment();
  }

  /** Records sent for each reason so far, by reason code; known reasons are present even at zero. */
  public Map<String, Long> snapshot() {
    Map<String, Long> snapshot = new TreeMap<>();
    counts.forEach((reason, count) -> snapshot.put(reason, count.sum()));
    return snapshot;
  }

  /** Records sent for every reason together. */
  public long total() {
    return counts.values().stream().mapToLong(LongAdder::sum).sum();
  }
}
