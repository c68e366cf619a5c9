package io.plantstream.producer.model;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses and prints the short durations used in plant models and on the command line:
 * {@code 250ms}, {@code 25s}, {@code 4m}, {@code 6h}, {@code 2d}, combinations such as
 * {@code 1h30m}, decimals such as {@code 1.5h}, and ISO-8601 ({@code PT4M}).
 */
public final class Durations {

  private static final Pattern PART = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|s|m|h|d)");
  private static final Pattern WHOLE = Pattern.compile("(?:\\d+(?:\\.\\d+)?(?:ms|s|m|h|d))+");

  private Durations() {}

  /** Parses {@code text}; throws IllegalArgumentException saying what a duration looks like. */
  public static Duration parse(String text) {
    String trimmed = text == null ? "" : text.trim();
    if (trimmed.startsWith("P") || trimmed.startsWith("p")) {
      try {
        return Duration.parse(trimmed);
      } catch (DateTimeParseException e) {
        throw invalid(text);
      }
    }
    if (!WHOLE.matcher(trimmed).matches()) {
      throw invalid(text);
    }
    BigDecimal millis = BigDecimal.ZERO;
    Matcher part = PART.matcher(trimmed);
    while (part.find()) {
      millis = millis.add(new BigDecimal(part.group(1)).multiply(BigDecimal.valueOf(unitMillis(part.group(2)))));
    }
    return Duration.ofMillis(millis.longValue());
  }

  /** Prints {@code duration} in the short form {@link #parse} reads, e.g. {@code 1h30m}. */
  public static String format(Duration duration) {
    if (duration.isZero()) {
      return "0s";
    }
    StringBuilder out = new StringBuilder(duration.isNegative() ? "-" : "");
    long rest = Math.abs(duration.toMillis());
    for (String unit : new String[] {"d", "h", "m", "s", "ms"}) {
      long size = unitMillis(unit);
      if (rest >= size) {
        out.append(rest / size).append(unit);
        rest %= size;
      }
    }
    return out.toString();
  }

  private static long unitMillis(String unit) {
    return switch (unit) {
      case "ms" -> 1;
      case "s" -> 1_000;
      case "m" -> 60_000;
      case "h" -> 3_600_000;
      case "d" -> 86_400_000;
      default -> throw new IllegalArgumentException("unknown duration unit " + unit);
    };
  }

  private static IllegalArgumentException invalid(String text) {
    return new IllegalArgumentException(
        "'" + text + "' is not a duration; use a number with a unit (ms, s, m, h, d) such as 25s, 4m, 1h30m, or ISO-8601 such as PT4M");
  }
}
