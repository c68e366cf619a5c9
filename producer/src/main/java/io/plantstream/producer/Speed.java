package io.plantstream.producer;

/**
 * How fast a run goes: {@code factor} simulated seconds per wall-clock second, or as fast as
 * possible ({@link #MAX}, an infinite factor).
 *
 * @param factor simulated seconds per wall second, positive; infinite for unpaced
 */
public record Speed(double factor) {

  /** As fast as possible: no pacing at all. */
  public static final Speed MAX = new Speed(Double.POSITIVE_INFINITY);
  /** Real time: one simulated second per second. */
  public static final Speed REAL_TIME = new Speed(1);

  /** Checks that the factor is positive. */
  public Speed {
    if (!(factor > 0)) {
      throw new IllegalArgumentException("speed must be a positive number or 'max', got " + factor);
    }
  }

  /** Parses {@code max} or a positive number such as {@code 60} or {@code 0.5}. */
  public static Speed parse(String text) {
    String trimmed = text == null ? "" : text.trim();
    if (trimmed.equalsIgnoreCase("max")) {
      return MAX;
    }
    double factor;
    try {
      factor = Double.parseDouble(trimmed);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("speed must be a positive number or 'max', got '" + text + "'");
    }
    if (Double.isInfinite(factor) || Double.isNaN(factor)) {
      throw new IllegalArgumentException("speed must be a positive number or 'max', got '" + text + "'");
    }
    return new Speed(factor);
  }

  /** True when the run is not paced. */
  public boolean isMax() {
    return Double.isInfinite(factor);
  }

  @Override
  public String toString() {
    return isMax() ? "max" : (factor == Math.rint(factor) ? String.valueOf((long) factor) : String.valueOf(factor));
  }
}
