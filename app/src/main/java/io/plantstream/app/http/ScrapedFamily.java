package io.plantstream.app.http;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.HashMap;
import java.util.Map;

/**
 * Meters of one name whose label sets are only known when the values are read (tasks, partitions,
 * sites, reasons): {@link #set} before each scrape gives every label set its value, registers a
 * meter for a new one and removes the meter of one that is gone, so a family without values is
 * left out of the scrape.
 */
final class ScrapedFamily {

  /** How Prometheus is told to read the values. */
  enum Type {
    /** A value that only grows (resets to zero when the process restarts); its name ends in {@code _total}. */
    COUNTER,
    /** A value that goes up and down. */
    GAUGE
  }

  private final MeterRegistry registry;
  private final String name;
  private final String help;
  private final Type type;
  private final Map<Tags, Meter> meters = new HashMap<>();
  private volatile Map<Tags, Double> values = Map.of();

  /**
   * A family without values yet.
   *
   * @param name the Prometheus name, a counter's with its {@code _total}
   * @param help one line saying what it measures
   */
  ScrapedFamily(MeterRegistry registry, String name, String help, Type type) {
    if (!name.matches("[a-z][a-z0-9_]*") || type == Type.COUNTER != name.endsWith("_total")) {
      throw new IllegalArgumentException("not a Prometheus " + type + " name: '" + name + "'");
    }
    this.registry = registry;
    // Micrometer's Prometheus naming adds _total to a counter's name.
    this.name = type == Type.COUNTER ? name.substring(0, name.length() - "_total".length()) : name;
    this.help = help;
    this.type = type;
  }

  /** The values from now on, by label set: exactly these are exported. */
  synchronized void set(Map<Tags, Double> now) {
    values = Map.copyOf(now);
    meters.entrySet().removeIf(meter -> {
      if (now.containsKey(meter.getKey())) {
        return false;
      }
      registry.remove(meter.getValue());
      return true;
    });
    for (Tags tags : now.keySet()) {
      meters.computeIfAbsent(tags, this::register);
    }
  }

  private Meter register(Tags tags) {
    return switch (type) {
      case COUNTER -> FunctionCounter.builder(name, this, family -> family.value(tags))
          .tags(tags).description(help).register(registry);
      case GAUGE -> Gauge.builder(name, this, family -> family.value(tags))
          .tags(tags).description(help).strongReference(true).register(registry);
    };
  }

  private double value(Tags tags) {
    return values.getOrDefault(tags, Double.NaN);
  }
}
