package io.plantstream.bench;

/** Nearest-rank percentiles of measured values. */
final class Percentile {

  private Percentile() {}

  /** The value at {@code fraction} (0..1) of {@code sorted}, nearest rank; NaN if there is none. */
  static double of(long[] sorted, double fraction) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    int index = (int) Math.ceil(fraction * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
  }
}
