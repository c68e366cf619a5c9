package io.plantstream.producer.replay;

import io.plantstream.avro.MachineInfo;
import io.plantstream.schemas.Topics;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;

/**
 * How a recording is laid out: a standard Avro object container file of {@code RecordedTelemetry}
 * entries whose metadata marks it as a plantstream recording and carries the {@link RecordingInfo}.
 *
 * <table>
 *   <caption>metadata keys</caption>
 *   <tr><td>{@value #FORMAT_KEY}</td><td>the format version, {@value #FORMAT_VERSION}</td></tr>
 *   <tr><td>{@value #TOPIC_KEY}</td><td>the recorded topic</td></tr>
 *   <tr><td>{@value #PARTITIONS_KEY}</td><td>its partition count</td></tr>
 *   <tr><td>{@value #MACHINES_KEY}</td><td>the machines: an Avro array of {@code MachineInfo} in binary</td></tr>
 *   <tr><td>{@value #MACHINES_SCHEMA_KEY}</td><td>the schema that array was written with (JSON)</td></tr>
 * </table>
 */
public final class RecordingFormat {

  /** Metadata key whose presence makes an Avro file a plantstream recording. */
  public static final String FORMAT_KEY = "plantstream.recording";
  /** The format version this code writes and reads. */
  public static final String FORMAT_VERSION = "1";
  /** Metadata key of the recorded topic. */
  public static final String TOPIC_KEY = "plantstream.topic";
  /** Metadata key of the recorded topic's partition count. */
  public static final String PARTITIONS_KEY = "plantstream.partitions";
  /** Metadata key of the machines. */
  public static final String MACHINES_KEY = "plantstream.machines";
  /** Metadata key of the schema of the machines. */
  public static final String MACHINES_SCHEMA_KEY = "plantstream.machines.schema";

  static {
    // Avro resolves the generated classes by name only once AvroSerde has trusted their package.
    Objects.requireNonNull(Topics.TELEMETRY_SERDE);
  }

  private RecordingFormat() {}

  /** Makes sure the generated classes are trusted (this class's initializer does it). */
  static void trustGeneratedClasses() {
    // nothing more: loading this class did it
  }

  /** The schema the machines are written with: an array of the current {@code MachineInfo}. */
  static Schema machinesSchema() {
    return Schema.createArray(MachineInfo.getClassSchema());
  }

  /** The machines as Avro binary of {@link #machinesSchema()}. */
  static byte[] encodeMachines(List<MachineInfo> machines) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
    try {
      new SpecificDatumWriter<List<MachineInfo>>(machinesSchema()).write(machines, encoder);
      encoder.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /** The machines written with {@code writerSchemaJson}, read into the current {@code MachineInfo}. */
  static List<MachineInfo> decodeMachines(byte[] bytes, byte[] writerSchemaJson) throws IOException {
    Schema writer = new Schema.Parser().parse(new String(writerSchemaJson, StandardCharsets.UTF_8));
    SpecificDatumReader<List<MachineInfo>> reader = new SpecificDatumReader<>(writer, machinesSchema());
    return List.copyOf(reader.read(null, DecoderFactory.get().binaryDecoder(bytes, null)));
  }
}
