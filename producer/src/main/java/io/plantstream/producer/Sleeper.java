package io.plantstream.producer;

import java.time.Duration;

/** Waits for wall-clock time to pass; a test replaces it with one that advances a fake clock. */
@FunctionalInterface
public interface Sleeper {

  /** The real thing: {@link Thread#sleep(long, int)}. */
  Sleeper SYSTEM = duration -> Thread.sleep(duration.toMillis(), duration.toNanosPart() % 1_000_000);

  /** Blocks for {@code duration}. */
  void sleep(Duration duration) throws InterruptedException;
}
