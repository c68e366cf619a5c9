package io.plantstream.producer.replay;

import static io.plantstream.avro.EquipmentState.PRODUCTIVE;
import static io.plantstream.avro.EquipmentState.STANDBY;
import static io.plantstream.avro.UnitOutcome.FAIL;
import static io.plantstream.avro.UnitOutcome.PASS;
import static io.plantstream.producer.replay.Entries.corrupt;
import static io.plantstream.producer.replay.Entries.entry;
import static io.plantstream.testing.TestMachine.T0;
import static io.plantstream.testing.TestMachine.at;

import io.plantstream.avro.RecordedTelemetry;
import io.plantstream.schemas.SchemaHistory;
import io.plantstream.testing.TestMachine;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.file.CodecFactory;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * The test resource {@code recording-v1.avro}: a recording written with the first released
 * {@code RecordedTelemetry} schema ({@code RecordedTelemetry.v1.avsc}, read from the released
 * files, not taken from the generated classes), kept as it was written so that every later schema
 * version must still read it. Regenerate only when a new recording format makes the old one
 * meaningless:
 * {@code ./mvnw -pl producer test -Dtest=OldRecording -Dplantstream.regenerate=true}.
 */
class OldRecording {

  /** What the file holds: every payload kind, a second machine and a corrupt record. */
  static final List<RecordedTelemetry> ENTRIES = entries(Entries.litho(), Entries.rack());

  private static List<RecordedTelemetry> entries(TestMachine litho, TestMachine rack) {
    return List.of(
      entry(0, 0, litho.state(PRODUCTIVE, T0)),
      entry(0, 1, litho.sensor("chuck-temperature", 22.25, at(T0, "5s"))),
      entry(1, 0, rack.heartbeat(STANDBY, at(T0, "10s"))),
      corrupt(1, 1, rack.id(), at(T0, "11s"), "\u0000garbage".getBytes(StandardCharsets.UTF_8)),
      entry(0, 2, litho.unit(PASS, at(T0, "2m"))),
      entry(0, 3, litho.unit(FAIL, at(T0, "4m"))));
  }

  @Test
  @EnabledIfSystemProperty(named = "plantstream.regenerate", matches = "true")
  void regenerate() throws IOException {
    Schema v1 = SchemaHistory.released("RecordedTelemetry").get(0);
    Path file = Path.of("src/test/resources/io/plantstream/producer/replay/recording-v1.avro");
    file.getParent().toFile().mkdirs();
    try (DataFileWriter<RecordedTelemetry> writer =
        new DataFileWriter<>(new SpecificDatumWriter<>(v1, SpecificData.getForClass(RecordedTelemetry.class)))) {
      writer.setCodec(CodecFactory.deflateCodec(6));
      writer.setMeta(RecordingFormat.FORMAT_KEY, "1");
      writer.setMeta(RecordingFormat.TOPIC_KEY, "plant.telemetry");
      writer.setMeta(RecordingFormat.PARTITIONS_KEY, "2");
      Schema machines = Schema.createArray(SchemaHistory.released("MachineInfo").get(0));
      writer.setMeta(RecordingFormat.MACHINES_KEY, RecordingFormat.encodeMachines(Entries.MACHINES));
      writer.setMeta(RecordingFormat.MACHINES_SCHEMA_KEY, machines.toString().getBytes(StandardCharsets.UTF_8));
      writer.create(v1, file.toFile());
      for (RecordedTelemetry entry : ENTRIES) {
        writer.append(entry);
      }
    }
  }
}
