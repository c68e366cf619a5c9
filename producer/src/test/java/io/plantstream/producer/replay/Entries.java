package io.plantstream.producer.replay;

import io.plantstream.avro.MachineInfo;
import io.plantstream.avro.RecordedTelemetry;
import io.plantstream.avro.TelemetryEvent;
import io.plantstream.testing.TestMachine;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** Builders of recording entries and small recordings for the replay tests. */
final class Entries {

  static final List<MachineInfo> MACHINES = List.of(
      litho().info("euv-scanner", Duration.ofMinutes(2)), rack().info("rack-integration", Duration.ofHours(4)));

  private Entries() {}

  /** A fresh EUV scanner at tsmc-phx: its event ids count from {@code #0}. */
  static TestMachine litho() {
    return TestMachine.of("tsmc-phx", "tsmc-phx-litho", "tsmc-phx-litho-euv-01");
  }

  /** A fresh rack integration station at foxconn-hou. */
  static TestMachine rack() {
    return TestMachine.of("foxconn-hou", "foxconn-hou-l1", "foxconn-hou-rack-01");
  }

  /** The entry of {@code event} read from {@code partition} at {@code offset}, stamped with its event time. */
  static RecordedTelemetry entry(int partition, long offset, TelemetryEvent event) {
    return RecordedTelemetry.newBuilder().setKey(event.getMachineId()).setPartition(partition).setOffset(offset)
        .setKafkaTimestamp(event.getEventTime()).setEvent(event).setUndecodable(null).build();
  }

  /** An entry whose value was not an event: {@code bytes} as recorded. */
  static RecordedTelemetry corrupt(int partition, long offset, String key, Instant timestamp, byte[] bytes) {
    return RecordedTelemetry.newBuilder().setKey(key).setPartition(partition).setOffset(offset)
        .setKafkaTimestamp(timestamp).setEvent(null).setUndecodable(ByteBuffer.wrap(bytes)).build();
  }

  /** Writes {@code entries} to a recording of a two-partition topic with both machines. */
  static Path write(Path file, List<RecordedTelemetry> entries) {
    try (RecordingWriter writer = RecordingWriter.create(file, new RecordingInfo("plant.telemetry", 2, MACHINES),
        Compression.DEFLATE)) {
      entries.forEach(writer::write);
    }
    return file;
  }
}
