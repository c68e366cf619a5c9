package io.plantstream.producer.replay;

import io.plantstream.avro.MachineInfo;
import java.util.List;

/**
 * What a recording says about itself, kept in the container file's metadata.
 *
 * @param topic the topic it was recorded from, e.g. {@code plant.telemetry}
 * @param partitions that topic's partition count: a replay into as many partitions keeps every key on its partition
 * @param machines the machine metadata ({@code plant.machines}) at the time of recording, which a
 *     replay publishes first so that a fresh pipeline knows the machines
 */
public record RecordingInfo(String topic, int partitions, List<MachineInfo> machines) {

  /** Copies the machines. */
  public RecordingInfo {
    machines = List.copyOf(machines);
  }
}
