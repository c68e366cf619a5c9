package io.plantstream.producer.model;

import io.plantstream.avro.MachineInfo;
import java.util.Objects;

/**
 * One concrete machine of the plant, expanded from a {@link MachineGroup}: its id, where it
 * stands and how it behaves.
 *
 * @param machineId {@code <lineId>-<kind>-<number>}, e.g. {@code tsmc-phx-litho-euv-scanner-01}
 * @param siteId id of its site
 * @param lineId id of its line
 * @param kind its machine kind
 */
public record Machine(String machineId, String siteId, String lineId, MachineKind kind) {

  /** Checks that every component is present. */
  public Machine {
    Objects.requireNonNull(machineId, "machineId");
    Objects.requireNonNull(siteId, "siteId");
    Objects.requireNonNull(lineId, "lineId");
    Objects.requireNonNull(kind, "kind");
  }

  /**
   * The machine id of the {@code number}th (1-based) of the {@code groupSize} machines of
   * {@code kindId} on {@code lineId}: the number has as many digits as {@code groupSize}, and at
   * least two, so ids sort in machine order and groups of up to 99 keep their two-digit ids.
   */
  public static String machineId(String lineId, String kindId, int number, int groupSize) {
    int digits = Math.max(2, Integer.toString(groupSize).length());
    return String.format("%s-%s-%0" + digits + "d", lineId, kindId, number);
  }

  /** The metadata record published to {@code plant.machines}. */
  public MachineInfo toMachineInfo() {
    return new MachineInfo(machineId, siteId, lineId, kind.id(), kind.unitName(), kind.idealCycle().toMillis());
  }
}
