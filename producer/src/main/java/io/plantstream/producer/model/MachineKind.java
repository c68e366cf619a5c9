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
    Starvation starvation) {

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

  /**
   * How often a machine runs out of material (STANDBY, reason STARVED) and for how long.
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
}
