package io.plantstream.producer.sim;

import java.util.SplittableRandom;

/**
 * Standard normal draws from one generator, made two at a time by Marsaglia's polar method and
 * handed out one at a time. A sensor reading needs two normals; the polar method costs one
 * logarithm and one square root per pair and no trigonometry, which Box-Muller needs for each,
 * and keeps the simulator's hot path cheap. Like {@link SimRandom}, it uses only
 * {@link SplittableRandom#nextLong()} and {@link StrictMath}, so a seed gives the same numbers
 * everywhere. Not thread-safe.
 */
final class NormalSource {

  private final SplittableRandom random;
  private double spare;
  private boolean hasSpare;

  NormalSource(SplittableRandom random) {
    this.random = random;
  }

  /** The next standard normal value. */
  double next() {
    if (hasSpare) {
      hasSpare = false;
      return spare;
    }
    double u;
    double v;
    double s;
    do {
      u = 2 * SimRandom.uniform(random) - 1;
      v = 2 * SimRandom.uniform(random) - 1;
      s = u * u + v * v;
    } while (s >= 1 || s == 0);
    double factor = StrictMath.sqrt(-2 * StrictMath.log(s) / s);
    spare = v * factor;
    hasSpare = true;
    return u * factor;
  }
}
