package io.plantstream.schemas;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.function.Function;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.message.BadHeaderException;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.message.MissingSchemaException;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.apache.avro.util.ClassSecurityValidator;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Kafka serde for Avro single-object encoding: {@code C3 01}, the 8-byte CRC-64-AVRO fingerprint
 * of the writer schema (little-endian), then the Avro binary body.
 *
 * <p>Writes with the current schema of {@code T}; reads data written with any released version of
 * it ({@link SchemaHistory}), resolved to the current schema by Avro's schema-resolution rules. No
 * schema registry is involved: the fingerprint names the writer schema. Bytes that are not
 * single-object encoded, carry an unknown fingerprint or are truncated raise a
 * {@link SerializationException} whose message says which.
 *
 * @param <T> the generated record class
 */
public final class AvroSerde<T extends SpecificRecord> implements Serde<T> {

  private static final String GENERATED_PACKAGE = "io.plantstream.avro.";

  static {
    // Avro 1.12 resolves record classes by name only if they are trusted; ours are generated here.
    ClassSecurityValidator.setGlobal(ClassSecurityValidator.composite(
        ClassSecurityValidator.getGlobal(),
        type -> type.getName().startsWith(GENERATED_PACKAGE)));
  }

  private final Schema schema;
  private final BinaryMessageEncoder<T> encoder;
  private final BinaryMessageDecoder<T> decoder;
  /** Null, or a faster decoder of the current schema that returns null for what it does not take. */
  private final Function<byte[], T> directReader;

  private AvroSerde(Class<T> type, List<Schema> writerSchemas) {
    SpecificData model = SpecificData.getForClass(type);
    this.schema = model.getSchema(type);
    this.encoder = new BinaryMessageEncoder<>(model, schema);
    this.decoder = new BinaryMessageDecoder<>(model, schema);
    for (Schema writer : writerSchemas) {
      decoder.addSchema(writer);
    }
    this.directReader = null;
  }

  private AvroSerde(AvroSerde<T> generic, Function<byte[], T> directReader) {
    this.schema = generic.schema;
    this.encoder = generic.encoder;
    this.decoder = generic.decoder;
    this.directReader = directReader;
  }

  /** A serde for the generated class {@code type} that reads every released version of it. */
  public static <T extends SpecificRecord> AvroSerde<T> of(Class<T> type) {
    return of(type, SchemaHistory.released(SpecificData.getForClass(type).getSchema(type).getName()));
  }

  /** A serde for {@code type} that reads data written with any of {@code writerSchemas}. */
  public static <T extends SpecificRecord> AvroSerde<T> of(Class<T> type, List<Schema> writerSchemas) {
    return new AvroSerde<>(type, writerSchemas);
  }

  /**
   * This serde, first trying {@code reader} on every input: a hand-written decoder of the schema
   * whose fingerprint is {@code fingerprint}, returning null for bytes it does not take. Used only
   * while that is still the current schema, so a schema change falls back to Avro's reader.
   */
  AvroSerde<T> withDirectReader(long fingerprint, Function<byte[], T> reader) {
    return fingerprint == fingerprint() ? new AvroSerde<>(this, reader) : this;
  }

  /** True when a hand-written reader of the current schema decodes before Avro's generic one. */
  boolean hasDirectReader() {
    return directReader != null;
  }

  /** The schema this serde writes. */
  public Schema schema() {
    return schema;
  }

  /** The 8-byte CRC-64-AVRO fingerprint that prefixes everything this serde writes. */
  public long fingerprint() {
    return SchemaNormalization.parsingFingerprint64(schema);
  }

  /** Encodes one record, or returns null for null (a tombstone). */
  public byte[] encode(T value) {
    if (value == null) {
      return null;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(128);
    try {
      encoder.encode(value, out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (AvroRuntimeException | ClassCastException | NullPointerException e) {
      throw new SerializationException("cannot encode " + schema.getName() + ": " + e.getMessage(), e);
    }
    return out.toByteArray();
  }

  /** Decodes one record, or returns null for null (a tombstone). */
  public T decode(byte[] bytes) {
    if (bytes == null) {
      return null;
    }
    if (directReader != null) {
      T value = directReader.apply(bytes);
      if (value != null) {
        return value;
      }
    }
    try {
      return decoder.decode(ByteBuffer.wrap(bytes));
    } catch (BadHeaderException e) {
      throw new SerializationException(
          "not Avro single-object encoding (expected marker C3 01): " + e.getMessage(), e);
    } catch (MissingSchemaException e) {
      throw new SerializationException(
          "unknown schema fingerprint for " + schema.getName() + ": " + e.getMessage(), e);
    } catch (IOException | RuntimeException e) {
      throw new SerializationException(
          "cannot decode " + schema.getName() + " (" + bytes.length + " bytes): " + e, e);
    }
  }

  @Override
  public Serializer<T> serializer() {
    return (topic, value) -> encode(value);
  }

  @Override
  public Deserializer<T> deserializer() {
    return (topic, bytes) -> decode(bytes);
  }
}
