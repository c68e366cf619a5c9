package io.plantstream.producer.model;

import java.util.List;
import java.util.Objects;

/**
 * A production line of a site: the machine groups on it, in model order.
 *
 * @param id line id, starting with its site id, e.g. {@code tsmc-phx-litho}
 * @param machines the machine groups on the line
 */
public record Line(String id, List<MachineGroup> machines) {

  /** Checks the id and copies the list. */
  public Line {
    Objects.requireNonNull(id, "id");
    machines = List.copyOf(machines);
  }
}
