package io.plantstream.producer.model;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * A kind of machine (tool, station) and how every machine of that kind behaves: what a unit is,
 * how long it takes, how often it fails and for how long, how many units pass, and which sensors
 * it has.
 *
 * @param id kind id, e.g. {@code euv-scanner}; part of every machine id of this kind
 * @param unitName what one unit is: wafer, package, strip, tray, rack, ...
 * @param idealCycle ideal time per unit, the OEE performance reference
 * @param mtbf mean productive time between failures
 * @param mttr mean time to repair
 * @param yield probability that a unit passes, 0..1
 * @param performanceLoss mean fraction by which actual cycles are slower than ideal, e.g. 0.08
 * @param defectCodes codes a failed unit is tagged with; may be empty only when yield is 1
 * @param sensors the analog sensors of the kind
 * @param starvation how often the machine waits for material, or null if it never does
 * @param maintenance planned maintenance (SCHEDULED_DOWN), or null if none is modelled
 * @param engineering qualification runs (ENGINEERING), or null if none are modelled
 * @param yieldDrift slow wandering of the defect rate, or null for a constant one
 * @param excursions bursts of low yield, or null if none are modelled
 * @param unattended true if the machine runs through the site's non-scheduled hours (e.g. burn-in ovens)
 */
public record MachineKind(
    String id,
    String unitName,
    Duration idealCycle,
    Duration mtbf,
    Duration mttr,
    double yield,
    double performanceLoss,
    List<String> defectCodes,
    List<SensorSpec> sensors,
    Starvation starvation,
    Maintenance maintenance,
    Engineering engineering,
    YieldDrift yieldDrift,
    Excursions excursions,
    boolean unattended) {

  /** Checks required components and copies the lists. */
  public MachineKind {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(unitName, "unitName");
    Objects.requireNonNull(idealCycle, "idealCycle");
    Objects.requireNonNull(mtbf, "mtbf");
    Objects.requireNonNull(mttr, "mttr");
    defectCodes = List.copyOf(defectCodes);
    sensors = List.copyOf(sensors);
  }

  /** A kind without maintenance, engineering, yield drift or excursions that follows the site calendar. */
  public MachineKind(String id, String unitName, Duration idealCycle, Duration mtbf, Duration mttr, double yield,
      double performanceLoss, List<String> defectCodes, List<SensorSpec> sensors, Starvation starvation) {
    this(id, unitName, idealCycle, mtbf, mttr, yield, performanceLoss, defectCodes, sensors, starvation,
        null, null, null, null, false);
  }

  /**
   * How often a machine runs out of material (STANDBY, reason NO_MATERIAL) and for how long.
   *
   * @param every mean productive time between starvations
   * @param duration mean time spent waiting for material
   */
  public record Starvation(Duration every, Duration duration) {

    /** Checks that both durations are present. */
    public Starvation {
      Objects.requireNonNull(every, "every");
      Objects.requireNonNull(duration, "duration");
    }
  }

  /**
   * Planned maintenance: every machine of the kind goes SCHEDULED_DOWN for {@code duration} once
   * per {@code every}, on a fixed plan (not random) staggered so that machines of one line take
   * turns.
   *
   * @param every period of the plan
   * @param duration length of each maintenance window, shorter than {@code every}
   */
  public record Maintenance(Duration every, Duration duration) {

    /** Checks that both durations are present. */
    public Maintenance {
      Objects.requireNonNull(every, "every");
      Objects.requireNonNull(duration, "duration");
    }
  }

  /**
   * Qualification runs (ENGINEERING): after a random productive time with mean {@code every}, the
   * machine runs test material for a random time with mean {@code duration}, then returns to production.
   *
   * @param every mean productive time between qualification runs
   * @param duration mean length of a run
   */
  public record Engineering(Duration every, Duration duration) {

    /** Checks that both durations are present. */
    public Engineering {
      Objects.requireNonNull(every, "every");
      Objects.requireNonNull(duration, "duration");
    }
  }

  /**
   * Slow drift of quality: the defect rate {@code 1 - yield} is multiplied by a log-normal factor
   * whose logarithm wanders (Ornstein-Uhlenbeck) with standard deviation {@code sigma} and
   * correlation time {@code correlation}. The factor's mean is 1, so the long-run yield stays the
   * base yield.
   *
   * @param sigma standard deviation of the logarithm of the factor, e.g. 0.3
   * @param correlation how long a deviation lasts, e.g. 12h
   */
  public record YieldDrift(double sigma, Duration correlation) {

    /** Checks that the correlation time is present. */
    public YieldDrift {
      Objects.requireNonNull(correlation, "correlation");
    }
  }

  /**
   * Excursions: bursts of low yield (a process drifting out of its window until someone notices).
   * They start at random (mean {@code every} apart, in calendar time), last {@code duration} on
   * average, and units completed meanwhile pass with probability {@code yield}.
   *
   * @param every mean time between the starts of two excursions
   * @param duration mean length of an excursion
   * @param yield pass probability during an excursion
   */
  public record Excursions(Duration every, Duration duration, double yield) {

    /** Checks that both durations are present. */
    public Excursions {
      Objects.requireNonNull(every, "every");
      Objects.requireNonNull(duration, "duration");
    }
  }
}
