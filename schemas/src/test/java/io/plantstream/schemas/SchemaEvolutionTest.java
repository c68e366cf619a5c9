package io.plantstream.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import io.plantstream.avro.MachineInfo;
import io.plantstream.avro.MachineKpi;
import io.plantstream.avro.RecordedTelemetry;
import io.plantstream.avro.SiteInfo;
import io.plantstream.avro.SiteKpi;
import io.plantstream.avro.TelemetryEvent;
import io.plantstream.avro.internal.MachineCalendarWindow;
import io.plantstream.avro.internal.MachineTimeline;
import io.plantstream.avro.internal.SiteInput;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificDatumWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every released schema version can read every other's data, as Avro's resolution rules promise,
 * and the newest release is the schema the classes are generated from.
 */
class SchemaEvolutionTest {

  @ParameterizedTest
  @ValueSource(classes = {TelemetryEvent.class, MachineInfo.class, MachineKpi.class, SiteKpi.class,
      MachineTimeline.class, SiteInput.class, RecordedTelemetry.class, SiteInfo.class,
      MachineCalendarWindow.class})
  void newestReleaseIsTheCurrentSchema(Class<?> type) throws Exception {
    Schema current = (Schema) type.getMethod("getClassSchema").invoke(null);
    List<Schema> released = SchemaHistory.released(current.getName());

    assertThat(released).as("released versions of " + current.getName()).isNotEmpty();
    assertThat(SchemaNormalization.toParsingForm(released.get(released.size() - 1)))
        .as("%s changed: add it as the next released version", current.getName())
        .isEqualTo(SchemaNormalization.toParsingForm(current));
  }

  @ParameterizedTest
  @ValueSource(strings = {"TelemetryEvent", "MachineInfo", "SiteInfo", "MachineKpi", "SiteKpi", "MachineTimeline",
      "SiteInput", "RecordedTelemetry", "MachineCalendarWindow"})
  void everyReleasedVersionReadsEveryOther(String record) {
    List<Schema> released = SchemaHistory.released(record);
    for (Schema reader : released) {
      for (Schema writer : released) {
        assertThat(SchemaCompatibility.checkReaderWriterCompatibility(reader, writer).getType())
            .as("%s: reader %s, writer %s", record, version(released, reader), version(released, writer))
            .isEqualTo(SchemaCompatibilityType.COMPATIBLE);
      }
    }
  }

  @Test
  void currentReaderDecodesDataOfTheNextVersion() throws IOException {
    Schema next = nextTelemetrySchema();
    GenericRecord written = asGeneric(AvroSerdeTest.sampleEvent(), next);
    written.put("firmware", "4.2.1");
    byte[] bytes = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), next).encode(written).array();

    List<Schema> writers = new ArrayList<>(SchemaHistory.released("TelemetryEvent"));
    writers.add(next);
    TelemetryEvent read = AvroSerde.of(TelemetryEvent.class, writers).decode(bytes);

    assertThat(read).isEqualTo(AvroSerdeTest.sampleEvent());
  }

  @Test
  void nextVersionReaderDecodesDataOfTheCurrentVersion() throws IOException {
    Schema next = nextTelemetrySchema();
    byte[] bytes = Topics.TELEMETRY_SERDE.encode(AvroSerdeTest.sampleEvent());

    BinaryMessageDecoder<GenericRecord> decoder = new BinaryMessageDecoder<>(GenericData.get(), next);
    SchemaHistory.released("TelemetryEvent").forEach(decoder::addSchema);
    GenericRecord read = decoder.decode(ByteBuffer.wrap(bytes));

    assertThat(read.get("firmware")).isNull();
    assertThat(read.get("eventId").toString()).isEqualTo("e-1");
    assertThat(((GenericRecord) read.get("payload")).get("unitId").toString()).isEqualTo("w-42");
  }

  private static Schema nextTelemetrySchema() throws IOException {
    try (InputStream in = SchemaEvolutionTest.class.getResourceAsStream("/TelemetryEvent.next.avsc")) {
      return new Schema.Parser().parse(in);
    }
  }

  /** Rewrites a current record as a generic record of {@code target} through Avro resolution. */
  private static GenericRecord asGeneric(TelemetryEvent event, Schema target) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
    new SpecificDatumWriter<>(TelemetryEvent.class)
        .write(event, encoder);
    encoder.flush();
    return new GenericDatumReader<GenericRecord>(TelemetryEvent.getClassSchema(), target)
        .read(null, DecoderFactory.get().binaryDecoder(out.toByteArray(), null));
  }

  private static String version(List<Schema> released, Schema schema) {
    return "v" + (released.indexOf(schema) + 1);
  }
}
