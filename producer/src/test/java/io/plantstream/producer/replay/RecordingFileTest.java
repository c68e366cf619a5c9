package io.plantstream.producer.replay;

import static io.plantstream.avro.EquipmentState.PRODUCTIVE;
import static io.plantstream.avro.UnitOutcome.PASS;
import static io.plantstream.producer.replay.Entries.MACHINES;
import static io.plantstream.producer.replay.Entries.corrupt;
import static io.plantstream.producer.replay.Entries.entry;
import static io.plantstream.testing.TestMachine.T0;
import static io.plantstream.testing.TestMachine.at;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.plantstream.avro.RecordedTelemetry;
import io.plantstream.avro.TelemetryEvent;
import io.plantstream.schemas.Topics;
import io.plantstream.testing.TestMachine;
import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.file.DataFileReader;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Recordings on disk: written and read back, refused when they are not recordings, damage named by block. */
class RecordingFileTest {

  private static final byte[] GARBAGE = "not avro at all".getBytes(StandardCharsets.UTF_8);

  @TempDir Path dir;
  private final TestMachine litho = Entries.litho();
  private final TestMachine rack = Entries.rack();

  @ParameterizedTest
  @EnumSource(Compression.class)
  void entriesAndMachinesComeBackAsWritten(Compression compression) {
    List<RecordedTelemetry> written = List.of(
        entry(0, 0, litho.state(PRODUCTIVE, T0)),
        corrupt(1, 7, rack.id(), at(T0, "1s"), GARBAGE),
        entry(1, 8, rack.unit(PASS, at(T0, "2s"))));
    Path file = dir.resolve("r.avro");
    try (RecordingWriter writer = RecordingWriter.create(file, new RecordingInfo("plant.telemetry", 12, MACHINES),
        compression)) {
      written.forEach(writer::write);
      assertThat(writer.entries()).isEqualTo(3);
      assertThat(writer.undecodable()).isEqualTo(1);
    }

    try (RecordingReader reader = RecordingReader.open(file)) {
      assertThat(reader.info()).isEqualTo(new RecordingInfo("plant.telemetry", 12, MACHINES));
      assertThat(readAll(reader)).isEqualTo(written);
    }
    assertThat(RecordingReader.countEntries(file)).isEqualTo(3);
  }

  @Test
  void anyAvroReaderReadsARecordingAndItsMarker() throws IOException {
    Path file = Entries.write(dir.resolve("r.avro"), List.of(entry(0, 0, litho.state(PRODUCTIVE, T0))));

    try (DataFileReader<GenericRecord> generic = new DataFileReader<>(file.toFile(), new GenericDatumReader<>())) {
      assertThat(generic.getMetaString(RecordingFormat.FORMAT_KEY)).isEqualTo("1");
      GenericRecord entry = generic.next();
      assertThat(entry.get("key").toString()).isEqualTo(litho.id());
      assertThat(((GenericRecord) entry.get("event")).get("machineId").toString()).isEqualTo(litho.id());
    }
  }

  @Test
  void aKafkaRecordBecomesAnEntryWithItsEventOrItsBytes() {
    TelemetryEvent event = litho.unit(PASS, T0);
    byte[] value = Topics.TELEMETRY_SERDE.encode(event);

    RecordedTelemetry decoded = RecordingWriter.entry(record(3, 42, value));
    RecordedTelemetry kept = RecordingWriter.entry(record(3, 43, GARBAGE));

    assertThat(decoded).isEqualTo(entry(3, 42, event));
    assertThat(kept).isEqualTo(corrupt(3, 43, litho.id(), T0, GARBAGE));
  }

  @Test
  void aFileThatIsNotAvroIsRefusedNamingIt() throws IOException {
    Path file = Files.writeString(dir.resolve("notes.txt"), "hello");

    assertThatThrownBy(() -> RecordingReader.open(file))
        .isInstanceOf(RecordingException.class)
        .hasMessageContaining(file.toString())
        .hasMessageContaining("is not a plantstream recording: not an Avro object container file");
  }

  @Test
  void anAvroFileWithoutTheMarkerIsRefused() throws IOException {
    Path file = dir.resolve("events.avro");
    try (DataFileWriter<TelemetryEvent> writer = new DataFileWriter<>(new SpecificDatumWriter<>(TelemetryEvent.class))) {
      writer.create(TelemetryEvent.getClassSchema(), file.toFile());
      writer.append(litho.state(PRODUCTIVE, T0));
    }

    assertThatThrownBy(() -> RecordingReader.open(file))
        .isInstanceOf(RecordingException.class)
        .hasMessage(file + " is an Avro file but not a plantstream recording (no plantstream.recording metadata;"
            + " its records are io.plantstream.avro.TelemetryEvent)");
  }

  @Test
  void aTruncatedRecordingNamesTheFileAndTheBlock() throws IOException {
    Path file = Entries.write(dir.resolve("r.avro"), manyEntries(20_000));
    long blocks = blocks(file);
    assertThat(blocks).as("blocks in the test file").isGreaterThan(3);
    long length = Files.size(file);
    try (RandomAccessFile cut = new RandomAccessFile(file.toFile(), "rw")) {
      cut.setLength(length - 100);
    }

    try (RecordingReader reader = RecordingReader.open(file)) {
      assertThatThrownBy(() -> readAll(reader))
          .isInstanceOf(RecordingException.class)
          .hasMessageStartingWith("recording " + file + " is truncated: block " + blocks + " (from byte ")
          .hasMessageContaining("is cut short at byte " + (length - 100));
    }
  }

  @Test
  void aCorruptBlockNamesTheFileAndTheBlock() throws IOException {
    Path file = Entries.write(dir.resolve("r.avro"), manyEntries(20_000));
    assertThat(blocks(file)).isGreaterThan(3);
    try (RandomAccessFile damaged = new RandomAccessFile(file.toFile(), "rw")) {
      long middle = Files.size(file) / 2;
      for (int i = 0; i < 64; i++) {
        damaged.seek(middle + i);
        damaged.write(0x5A);
      }
    }

    try (RecordingReader reader = RecordingReader.open(file)) {
      assertThatThrownBy(() -> readAll(reader))
          .isInstanceOf(RecordingException.class)
          .hasMessageMatching("recording .*r\\.avro is corrupt: block \\d+ \\(from byte \\d+\\) cannot be read, "
              + "after \\d+ entries: .*");
    }
  }

  @Test
  void aRecordingOfTheFirstReleasedSchemaReadsIntoTheCurrentClasses() throws IOException {
    Path file = dir.resolve("recording-v1.avro");
    try (InputStream in = getClass().getResourceAsStream("recording-v1.avro")) {
      Files.copy(in, file);
    }

    try (RecordingReader reader = RecordingReader.open(file)) {
      assertThat(reader.info()).isEqualTo(new RecordingInfo("plant.telemetry", 2, MACHINES));
      assertThat(readAll(reader)).isEqualTo(OldRecording.ENTRIES);
    }
  }

  static List<RecordedTelemetry> manyEntries(int count) {
    List<RecordedTelemetry> entries = new ArrayList<>();
    TestMachine litho = Entries.litho();
    for (int i = 0; i < count; i++) {
      entries.add(entry(i % 2, i / 2, litho.sensor("chuck-temperature", 21.5 + (i % 97) / 10.0, T0.plusSeconds(i))));
    }
    return entries;
  }

  private static List<RecordedTelemetry> readAll(RecordingReader reader) {
    List<RecordedTelemetry> entries = new ArrayList<>();
    for (RecordedTelemetry entry = reader.next(); entry != null; entry = reader.next()) {
      entries.add(entry);
    }
    return entries;
  }

  private static long blocks(Path file) throws IOException {
    long blocks = 0;
    try (DataFileReader<GenericRecord> reader = new DataFileReader<>(file.toFile(), new GenericDatumReader<>())) {
      while (reader.hasNext()) {
        reader.nextBlock();
        blocks++;
      }
    }
    return blocks;
  }

  private ConsumerRecord<byte[], byte[]> record(int partition, long offset, byte[] value) {
    return new ConsumerRecord<>("plant.telemetry", partition, offset, T0.toEpochMilli(),
        org.apache.kafka.common.record.TimestampType.CREATE_TIME, 0, value.length,
        litho.id().getBytes(StandardCharsets.UTF_8), value, new org.apache.kafka.common.header.internals.RecordHeaders(),
        java.util.Optional.empty());
  }
}
