package io.plantstream.producer.replay;

import io.plantstream.avro.RecordedTelemetry;
import io.plantstream.avro.TelemetryEvent;
import io.plantstream.schemas.AvroSerde;
import io.plantstream.schemas.Topics;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.errors.SerializationException;

/**
 * Writes a recording: an Avro object container file of {@link RecordedTelemetry}, compressed, with
 * the {@link RecordingInfo} in its metadata ({@link RecordingFormat}). Values that are not telemetry
 * events are kept as they were, so that a replay sends the same bytes to the same dead-letter queue.
 * Not thread-safe.
 */
public final class RecordingWriter implements AutoCloseable {

  static {
    RecordingFormat.trustGeneratedClasses();
  }

  private final Path file;
  private final DataFileWriter<RecordedTelemetry> writer;
  private long entries;
  private long undecodable;

  private RecordingWriter(Path file, DataFileWriter<RecordedTelemetry> writer) {
    this.file = file;
    this.writer = writer;
  }

  /** Creates (or replaces) {@code file} as a recording described by {@code info}. */
  public static RecordingWriter create(Path file, RecordingInfo info, Compression compression) {
    DataFileWriter<RecordedTelemetry> writer = new DataFileWriter<>(new SpecificDatumWriter<>(RecordedTelemetry.class));
    writer.setCodec(compression.codec());
    writer.setMeta(RecordingFormat.FORMAT_KEY, RecordingFormat.FORMAT_VERSION);
    writer.setMeta(RecordingFormat.TOPIC_KEY, info.topic());
    writer.setMeta(RecordingFormat.PARTITIONS_KEY, String.valueOf(info.partitions()));
    writer.setMeta(RecordingFormat.MACHINES_KEY, RecordingFormat.encodeMachines(info.machines()));
    writer.setMeta(RecordingFormat.MACHINES_SCHEMA_KEY,
        RecordingFormat.machinesSchema().toString().getBytes(StandardCharsets.UTF_8));
    try {
      writer.create(RecordedTelemetry.getClassSchema(), file.toFile());
    } catch (IOException e) {
      throw new RecordingException("cannot create recording " + file + ": " + e.getMessage(), e);
    }
    return new RecordingWriter(file, writer);
  }

  /** The entry for a record read from Kafka: its value decoded, or kept as bytes if it is not an event. */
  public static RecordedTelemetry entry(ConsumerRecord<byte[], byte[]> record) {
    return entry(record, Topics.TELEMETRY_SERDE);
  }

  /**
   * The entry for a record read from Kafka: its value decoded by {@code telemetry} (either encoding
   * it reads), or kept as bytes if it is not an event.
   */
  public static RecordedTelemetry entry(ConsumerRecord<byte[], byte[]> record, AvroSerde<TelemetryEvent> telemetry) {
    RecordedTelemetry.Builder entry = RecordedTelemetry.newBuilder()
        .setKey(record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8))
        .setPartition(record.partition())
        .setOffset(record.offset())
        .setKafkaTimestamp(Instant.ofEpochMilli(record.timestamp()))
        .setEvent(null)
        .setUndecodable(null);
    if (record.value() == null) {
      return entry.build(); // a tombstone: neither event nor bytes
    }
    try {
      entry.setEvent(telemetry.decode(record.value()));
    } catch (SerializationException notAnEvent) {
      entry.setUndecodable(java.nio.ByteBuffer.wrap(record.value()));
    }
    return entry.build();
  }

  /** Appends one entry. */
  public void write(RecordedTelemetry entry) {
    try {
      writer.append(entry);
    } catch (IOException | RuntimeException e) {
      throw new RecordingException("cannot write recording " + file + ": " + e.getMessage(), e);
    }
    entries++;
    if (entry.getEvent() == null) {
      undecodable++;
    }
  }

  /** Entries written so far. */
  public long entries() {
    return entries;
  }

  /** Entries written so far whose value is not an event. */
  public long undecodable() {
    return undecodable;
  }

  /** The file written. */
  public Path file() {
    return file;
  }

  /** Writes the last block and closes the file. */
  @Override
  public void close() {
    try {
      writer.close();
    } catch (IOException e) {
      throw new RecordingException("cannot complete recording " + file + ": " + e.getMessage(), e);
    }
  }

  /** An entry's time, for ordering and filters: the event time, or the record timestamp when there is no event. */
  static Instant time(RecordedTelemetry entry) {
    TelemetryEvent event = entry.getEvent();
    return event == null ? entry.getKafkaTimestamp() : event.getEventTime();
  }
}
