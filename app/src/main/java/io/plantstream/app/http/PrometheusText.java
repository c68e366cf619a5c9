package io.plantstream.app.http;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Metrics in the Prometheus text exposition format, version 0.0.4: per family one {@code # HELP}
 * and one {@code # TYPE} line, then one line per sample, {@code name{label="value",...} number}.
 */
public final class PrometheusText {

  /** The {@code Content-Type} of the format. */
  public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  /** The kinds of metric this exporter writes. */
  public enum Type {
    /** A value that only grows (resets to zero when the process restarts). */
    COUNTER,
    /** A value that goes up and down. */
    GAUGE
  }

  /**
   * One value of a family, told apart from the others by its labels.
   *
   * @param labels label names and values; names must be valid Prometheus label names
   * @param value the value; NaN and infinities are allowed
   */
  public record Sample(Map<String, String> labels, double value) {

    /** Copies the labels, sorted by name so the output is stable. */
    public Sample {
      labels = new TreeMap<>(labels);
    }

    /** A sample without labels. */
    public static Sample of(double value) {
      return new Sample(Map.of(), value);
    }
  }

  /**
   * A metric name with its help text, type and samples.
   *
   * @param name the metric name, valid per Prometheus ({@link #metricName} makes one)
   * @param help one line saying what it measures
   * @param type counter or gauge
   * @param samples the values; a family without samples is left out
   */
  public record MetricFamily(String name, String help, Type type, List<Sample> samples) {

    /** Validates the name and copies the samples. */
    public MetricFamily {
      Objects.requireNonNull(help, "help");
      Objects.requireNonNull(type, "type");
      if (!name.matches("[a-zA-Z_:][a-zA-Z0-9_:]*")) {
        throw new IllegalArgumentException("not a Prometheus metric name: '" + name + "'");
      }
      samples = List.copyOf(samples);
    }
  }

  private PrometheusText() {}

  /**
   * The exposition of {@code families}, in their order with each family's samples sorted by labels:
   * families of the same name are merged (the first help and type win), families without samples
   * are left out.
   */
  public static String render(List<MetricFamily> families) {
    Map<String, MetricFamily> merged = new LinkedHashMap<>();
    for (MetricFamily family : families) {
      merged.merge(family.name(), family, (first, more) -> {
        List<Sample> samples = new ArrayList<>(first.samples());
        samples.addAll(more.samples());
        return new MetricFamily(first.name(), first.help(), first.type(), samples);
      });
    }
    StringBuilder out = new StringBuilder();
    for (MetricFamily family : merged.values()) {
      if (family.samples().isEmpty()) {
        continue;
      }
      out.append("# HELP ").append(family.name()).append(' ').append(escapeHelp(family.help())).append('\n');
      out.append("# TYPE ").append(family.name()).append(' ')
          .append(family.type().name().toLowerCase(Locale.ROOT)).append('\n');
      List<Sample> samples = new ArrayList<>(family.samples());
      samples.sort(Comparator.comparing(sample -> sample.labels().toString()));
      for (Sample sample : samples) {
        out.append(family.name());
        if (!sample.labels().isEmpty()) {
          out.append('{');
          boolean first = true;
          for (Map.Entry<String, String> label : sample.labels().entrySet()) {
            if (!first) {
              out.append(',');
            }
            first = false;
            out.append(labelName(label.getKey())).append("=\"").append(escapeLabelValue(label.getValue())).append('"');
          }
          out.append('}');
        }
        out.append(' ').append(number(sample.value())).append('\n');
      }
    }
    return out.toString();
  }

  /** {@code raw} as a valid metric name: every character outside {@code [a-zA-Z0-9_:]} becomes {@code _}. */
  public static String metricName(String raw) {
    String name = raw.replaceAll("[^a-zA-Z0-9_:]", "_");
    return name.isEmpty() || Character.isDigit(name.charAt(0)) ? "_" + name : name;
  }

  /** {@code raw} as a valid label name: every character outside {@code [a-zA-Z0-9_]} becomes {@code _}. */
  public static String labelName(String raw) {
    String name = raw.replaceAll("[^a-zA-Z0-9_]", "_");
    return name.isEmpty() || Character.isDigit(name.charAt(0)) ? "_" + name : name;
  }

  /** A sample value as the format writes it: integers without a fraction, {@code NaN}, {@code +Inf}, {@code -Inf}. */
  static String number(double value) {
    if (Double.isNaN(value)) {
      return "NaN";
    }
    if (Double.isInfinite(value)) {
      return value > 0 ? "+Inf" : "-Inf";
    }
    if (value == Math.rint(value) && Math.abs(value) < 1e15) {
      return Long.toString((long) value);
    }
    return Double.toString(value);
  }

  private static String escapeHelp(String help) {
    return help.replace("\\", "\\\\").replace("\n", "\\n");
  }

  private static String escapeLabelValue(String value) {
    return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
  }
}
