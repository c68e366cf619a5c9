package io.plantstream.schemas;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.message.BadHeaderException;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.message.MissingSchemaException;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.avro.util.ClassSecurityValidator;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Kafka serde of one Avro record type in either of the two encodings a value can have on the wire.
 *
 * <ul>
 *   <li><b>Single-object encoding</b>, Avro's own standard and plantstream's default: {@code C3 01},
 *       the 8-byte CRC-64-AVRO fingerprint of the writer schema (little-endian), then the Avro
 *       binary body. No registry is involved: the fingerprint names one of the released versions
 *       of the schema ({@link SchemaHistory}).
 *   <li><b>Confluent wire format</b>, what the Kafka ecosystem's tools decode: {@code 00}, the
 *       writer schema's 4-byte big-endian id in a schema registry, then the same Avro body. A serde
 *       {@linkplain #inRegistry in a registry} writes it, under the subject it was given.
 * </ul>
 *
 * <p>Reading tells the two apart by the first byte, so a topic that holds both (a plant that
 * switched) stays readable by a serde in a registry. The writer schema, found by fingerprint or
 * fetched by id, is resolved to the current schema of {@code T} by Avro's schema-resolution rules.
 * Bytes in neither encoding, an unknown fingerprint or id, a writer schema that cannot be read as
 * {@code T}, or a truncated body raise a {@link SerializationException} that says which; a registry
 * that cannot be asked raises a {@link SchemaRegistryException} instead, since the record may well
 * be valid.
 *
 * @param <T> the generated record class
 */
public final class AvroSerde<T extends SpecificRecord> implements Serde<T> {

  /** First byte of the Confluent wire format. */
  public static final byte REGISTRY_MAGIC = 0x00;
  /** Bytes before the body in the Confluent wire format: the magic byte and the schema id. */
  public static final int REGISTRY_HEADER = 5;
  /** Bytes before the body in single-object encoding: the marker and the fingerprint. */
  public static final int SINGLE_OBJECT_HEADER = 10;

  private static final String GENERATED_PACKAGE = "io.plantstream.avro.";

  static {
    // Avro 1.12 resolves record classes by name only if they are trusted; ours are generated here.
    ClassSecurityValidator.setGlobal(ClassSecurityValidator.composite(
        ClassSecurityValidator.getGlobal(),
        type -> type.getName().startsWith(GENERATED_PACKAGE)));
  }

  /**
   * A hand-written decoder of the current schema's body, returning null for bytes it does not take.
   *
   * @param <T> the record class
   */
  @FunctionalInterface
  interface BodyReader<T> {
    /** The record whose body starts at {@code bodyAt}, or null. */
    T read(byte[] bytes, int bodyAt);
  }

  private final SpecificData model;
  private final Schema schema;
  private final long fingerprint;
  private final BinaryMessageEncoder<T> encoder;
  private final BinaryMessageDecoder<T> decoder;
  /** Null, or a faster decoder of the current schema's body. */
  private final BodyReader<T> directReader;
  /** Null in single-object mode. */
  private final SchemaRegistry registry;
  private final String subject;
  private final SpecificDatumWriter<T> bodyWriter;
  /** Readers of registry-encoded bodies by writer schema id. */
  private final Map<Integer, Reader<T>> readers = new ConcurrentHashMap<>();
  private volatile byte[] registryHeader;

  private AvroSerde(Class<T> type, List<Schema> writerSchemas) {
    this.model = SpecificData.getForClass(type);
    this.schema = model.getSchema(type);
    this.fingerprint = SchemaNormalization.parsingFingerprint64(schema);
    this.encoder = new BinaryMessageEncoder<>(model, schema);
    this.decoder = new BinaryMessageDecoder<>(model, schema);
    for (Schema writer : writerSchemas) {
      decoder.addSchema(writer);
    }
    this.directReader = null;
    this.registry = null;
    this.subject = null;
    this.bodyWriter = new SpecificDatumWriter<>(schema, model);
  }

  private AvroSerde(AvroSerde<T> base, BodyReader<T> directReader, SchemaRegistry registry, String subject) {
    this.model = base.model;
    this.schema = base.schema;
    this.fingerprint = base.fingerprint;
    this.encoder = base.encoder;
    this.decoder = base.decoder;
    this.directReader = directReader;
    this.registry = registry;
    this.subject = subject;
    this.bodyWriter = base.bodyWriter;
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
   * This serde, first trying {@code reader} on every input whose header names the current schema:
   * a hand-written decoder of the schema whose fingerprint is {@code fingerprint}. Used only while
   * that is still the current schema, so a schema change falls back to Avro's reader.
   */
  AvroSerde<T> withDirectReader(long fingerprint, BodyReader<T> reader) {
    return fingerprint == this.fingerprint ? new AvroSerde<>(this, reader, registry, subject) : this;
  }

  /**
   * This serde writing the Confluent wire format with the schema's id under {@code subject} in
   * {@code registry}, and reading both encodings. Nothing is asked of the registry until
   * {@link #register()} or the first record.
   */
  public AvroSerde<T> inRegistry(SchemaRegistry registry, String subject) {
    return new AvroSerde<>(this, directReader, registry, subject);
  }

  /** True when a hand-written reader of the current schema decodes before Avro's generic one. */
  boolean hasDirectReader() {
    return directReader != null;
  }

  /** The schema this serde writes. */
  public Schema schema() {
    return schema;
  }

  /** The 8-byte CRC-64-AVRO fingerprint of the schema this serde writes. */
  public long fingerprint() {
    return fingerprint;
  }

  /** The registry this serde writes with, if any. */
  public Optional<SchemaRegistry> registry() {
    return Optional.ofNullable(registry);
  }

  /** The registry subject this serde writes under, or null without a registry. */
  public String subject() {
    return subject;
  }

  /**
   * Registers the schema under the subject (or finds it registered) and returns its id; a no-op
   * returning -1 without a registry. Writers call it at start, so that a registry that refuses
   * fails them before they publish anything.
   */
  public int register() {
    if (registry == null) {
      return -1;
    }
    byte[] header = registryHeader();
    return ByteBuffer.wrap(header, 1, 4).getInt();
  }

  /**
   * The bytes this serde puts before every body: {@code 00} and the schema id in a registry
   * (registering it on first use), else {@code C3 01} and the fingerprint.
   */
  public byte[] header() {
    if (registry != null) {
      return registryHeader().clone();
    }
    byte[] header = new byte[SINGLE_OBJECT_HEADER];
    header[0] = (byte) 0xC3;
    header[1] = 0x01;
    for (int i = 0; i < 8; i++) {
      header[2 + i] = (byte) (fingerprint >>> (8 * i));
    }
    return header;
  }

  private byte[] registryHeader() {
    byte[] header = registryHeader;
    if (header == null) {
      int id = registry.register(subject, schema);
      header = ByteBuffer.allocate(REGISTRY_HEADER).put(REGISTRY_MAGIC).putInt(id).array();
      registryHeader = header;
    }
    return header;
  }

  /** Encodes one record, or returns null for null (a tombstone). */
  public byte[] encode(T value) {
    if (value == null) {
      return null;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(128);
    try {
      if (registry == null) {
        encoder.encode(value, out);
      } else {
        out.write(registryHeader());
        BinaryEncoder body = EncoderFactory.get().directBinaryEncoder(out, null);
        bodyWriter.write(value, body);
        body.flush();
      }
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
    if (bytes.length > 0 && bytes[0] == REGISTRY_MAGIC) {
      return decodeRegistry(bytes);
    }
    if (directReader != null && bytes.length > SINGLE_OBJECT_HEADER && bytes[0] == (byte) 0xC3 && bytes[1] == 0x01
        && singleObjectFingerprint(bytes) == fingerprint) {
      T value = directReader.read(bytes, SINGLE_OBJECT_HEADER);
      if (value != null) {
        return value;
      }
    }
    try {
      return decoder.decode(ByteBuffer.wrap(bytes));
    } catch (BadHeaderException e) {
      throw new SerializationException("neither Avro single-object encoding (C3 01) nor the Confluent wire format"
          + " (00 and a schema id): " + e.getMessage(), e);
    } catch (MissingSchemaException e) {
      throw new SerializationException(
          "unknown schema fingerprint for " + schema.getName() + ": " + e.getMessage(), e);
    } catch (IOException | RuntimeException e) {
      throw new SerializationException(
          "cannot decode " + schema.getName() + " (" + bytes.length + " bytes): " + e, e);
    }
  }

  private T decodeRegistry(byte[] bytes) {
    if (bytes.length < REGISTRY_HEADER) {
      throw new SerializationException("Confluent wire format cut short: " + bytes.length + " bytes, no schema id");
    }
    int id = ByteBuffer.wrap(bytes, 1, 4).getInt();
    if (registry == null) {
      throw new SerializationException("a " + schema.getName() + " in the Confluent wire format (schema id " + id
          + "), but no schema registry is configured to look the id up (--schema-registry)");
    }
    Reader<T> reader = readers.computeIfAbsent(id, this::reader);
    if (reader.direct() && directReader != null) {
      T value = directReader.read(bytes, REGISTRY_HEADER);
      if (value != null) {
        return value;
      }
    }
    try {
      return reader.datumReader().read(null,
          DecoderFactory.get().binaryDecoder(bytes, REGISTRY_HEADER, bytes.length - REGISTRY_HEADER, null));
    } catch (IOException | RuntimeException e) {
      throw new SerializationException("cannot decode " + schema.getName() + " with schema id " + id
          + " (" + bytes.length + " bytes): " + e, e);
    }
  }

  /** How to read bodies written with the schema registered as {@code id}. */
  private Reader<T> reader(int id) {
    Schema writer = registry.schema(id).orElseThrow(() -> new SerializationException("schema id " + id
        + " is not known to the schema registry at " + registry.url()));
    SchemaCompatibility.SchemaPairCompatibility compatibility =
        SchemaCompatibility.checkReaderWriterCompatibility(schema, writer);
    if (compatibility.getType() != SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE) {
      throw new SerializationException("schema id " + id + " (" + writer.getFullName() + ") in the registry at "
          + registry.url() + " cannot be read as " + schema.getFullName() + ": "
          + compatibility.getDescription().replaceAll("\\s*\\R\\s*", " "));
    }
    boolean current = SchemaNormalization.parsingFingerprint64(writer) == fingerprint;
    return new Reader<>(new SpecificDatumReader<>(writer, schema, model), current);
  }

  private static long singleObjectFingerprint(byte[] bytes) {
    long value = 0;
    for (int i = 0; i < 8; i++) {
      value |= (bytes[2 + i] & 0xFFL) << (8 * i);
    }
    return value;
  }

  @Override
  public Serializer<T> serializer() {
    return (topic, value) -> encode(value);
  }

  @Override
  public Deserializer<T> deserializer() {
    return (topic, bytes) -> decode(bytes);
  }

  /** A reader of one writer schema; {@code direct} when that is the current schema. */
  private record Reader<T>(SpecificDatumReader<T> datumReader, boolean direct) {}
}
