package io.plantstream.producer.fault;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * How many faults to inject, as ratios: per event for {@code late}, {@code outOfOrder},
 * {@code duplicate} and {@code corrupt}; per machine for {@code skew} and {@code silence}. Written
 * on the command line as {@code late=0.001,out-of-order=0.01,duplicate=0.005,corrupt=0.0005,skew=0.01,silence=0.01},
 * every part optional. {@link FaultInjector} says what each fault does.
 *
 * @param late ratio of sensor readings and unit completions that are re-sent as a late copy
 * @param outOfOrder ratio of events held back behind later events of the same machine (within the grace)
 * @param duplicate ratio of events published twice (same event id, same bytes)
 * @param corrupt ratio of events followed by a record of bytes that are not Avro
 * @param skew ratio of machines whose clock runs a day ahead after the first minutes
 * @param silence ratio of machines that stop sending for a while
 */
public record FaultRates(double late, double outOfOrder, double duplicate, double corrupt, double skew, double silence) {

  /** No faults at all. */
  public static final FaultRates NONE = new FaultRates(0, 0, 0, 0, 0, 0);

  private static final Map<String, String> ALIASES = Map.of(
      "out-of-order", "out-of-order", "ooo", "out-of-order", "reorder", "out-of-order",
      "late", "late", "duplicate", "duplicate", "duplicates", "duplicate",
      "corrupt", "corrupt", "skew", "skew", "clock-skew", "skew", "silence", "silence");

  /** Checks that every ratio is in [0, 1] and that the per-event ratios add up to at most 1. */
  public FaultRates {
    check("late", late);
    check("out-of-order", outOfOrder);
    check("duplicate", duplicate);
    check("corrupt", corrupt);
    check("skew", skew);
    check("silence", silence);
    double perEvent = late + outOfOrder + duplicate + corrupt;
    if (perEvent > 1.0 + 1e-12) {
      throw new IllegalArgumentException("late + out-of-order + duplicate + corrupt must not exceed 1, got " + perEvent);
    }
  }

  /**
   * Parses {@code name=ratio} pairs separated by commas, e.g. {@code late=0.001,duplicate=0.005};
   * names: late, out-of-order, duplicate, corrupt, skew (or clock-skew), silence. Empty or
   * {@code none} means no faults.
   */
  public static FaultRates parse(String text) {
    String trimmed = text == null ? "" : text.strip();
    if (trimmed.isEmpty() || trimmed.equalsIgnoreCase("none")) {
      return NONE;
    }
    Map<String, Double> ratios = new LinkedHashMap<>();
    List<String> problems = new ArrayList<>();
    for (String part : trimmed.split(",")) {
      String[] pair = part.split("=", 2);
      String name = ALIASES.get(pair[0].strip().toLowerCase(Locale.ROOT));
      if (pair.length != 2 || name == null) {
        problems.add("'" + part.strip() + "' is not a fault; use name=ratio with late, out-of-order, duplicate, "
            + "corrupt, skew, silence, e.g. late=0.001,duplicate=0.005");
        continue;
      }
      try {
        double ratio = Double.parseDouble(pair[1].strip());
        if (!(ratio >= 0 && ratio <= 1)) {
          problems.add(name + " must be a ratio between 0 and 1, got " + pair[1].strip());
        } else if (ratios.put(name, ratio) != null) {
          problems.add(name + " is given twice");
        }
      } catch (NumberFormatException e) {
        problems.add(name + " must be a ratio between 0 and 1, got '" + pair[1].strip() + "'");
      }
    }
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(String.join("; ", problems));
    }
    return new FaultRates(ratios.getOrDefault("late", 0.0), ratios.getOrDefault("out-of-order", 0.0),
        ratios.getOrDefault("duplicate", 0.0), ratios.getOrDefault("corrupt", 0.0),
        ratios.getOrDefault("skew", 0.0), ratios.getOrDefault("silence", 0.0));
  }

  /** True when no fault is injected. */
  public boolean isNone() {
    return equals(NONE);
  }

  @Override
  public String toString() {
    return "late=" + late + ",out-of-order=" + outOfOrder + ",duplicate=" + duplicate + ",corrupt=" + corrupt
        + ",skew=" + skew + ",silence=" + silence;
  }

  private static void check(String name, double ratio) {
    if (!(ratio >= 0 && ratio <= 1)) {
      throw new IllegalArgumentException(name + " must be a ratio between 0 and 1, got " + ratio);
    }
  }
}
