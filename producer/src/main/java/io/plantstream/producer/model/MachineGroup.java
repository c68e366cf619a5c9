package io.plantstream.producer.model;

import java.util.Objects;

/**
 * A number of identical machines of one kind on a line, as written in the plant model.
 *
 * @param kind id of the machine kind
 * @param count how many machines, 1..9999
 */
public record MachineGroup(String kind, int count) {

  /** Checks that the kind is present. */
  public MachineGroup {
    Objects.requireNonNull(kind, "kind");
  }
}
