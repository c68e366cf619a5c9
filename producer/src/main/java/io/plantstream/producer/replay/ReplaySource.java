package io.plantstream.producer.replay;

import io.plantstream.avro.RecordedTelemetry;
import io.plantstream.avro.TelemetryEvent;
import io.plantstream.schemas.AvroSerde;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The records of a recording, ready to publish ({@link ReplayRecord}). When the file was written
 * with the current schema, each event's Avro body is taken from the decompressed block as it is
 * and prefixed with the single-object header: the bytes the project serde would write for the
 * decoded event, without decoding and re-encoding it (replay's hot path). A file written with an
 * older schema version is decoded entry by entry and its events re-encoded with the current schema.
 */
final class ReplaySource {

  private final RecordingReader reader;
  private final boolean raw;
  private final AvroSerde<TelemetryEvent> encoding;
  private final byte[] header;
  private ByteBuffer block;
  private long left;
  private long blockNumber;

  /**
   * The records of {@code reader}, which this source then reads, events encoded as {@code encoding}
   * writes them (its header, then the recorded body).
   */
  ReplaySource(RecordingReader reader, AvroSerde<TelemetryEvent> encoding) {
    this.reader = reader;
    this.raw = reader.writtenWithCurrentSchema();
    this.encoding = encoding;
    this.header = encoding.header();
  }

  /** The next record, or null at the end; throws {@link RecordingException} at damage. */
  ReplayRecord next() {
    if (!raw) {
      RecordedTelemetry entry = reader.next();
      return entry == null ? null : convert(entry);
    }
    while (left == 0) {
      RecordingReader.RawBlock next = reader.nextBlock();
      if (next == null) {
        return null;
      }
      block = next.bytes();
      left = next.entries();
      blockNumber = next.number();
    }
    left--;
    try {
      return parse();
    } catch (RuntimeException e) {
      throw new RecordingException("recording " + reader.file() + " is corrupt: block " + blockNumber
          + " holds an entry that cannot be read: " + e, e);
    }
  }

  /** Reads one entry of the current schema at the block's position: key, partition, offset, timestamp, event, undecodable. */
  private ReplayRecord parse() {
    String key = readLong() == 0 ? null : readString();
    readLong(); // partition
    readLong(); // offset
    long timestamp = readLong();
    ReplayRecord record = null;
    if (readLong() == 1) {
      int start = block.position();
      skipString(); // eventId
      String siteId = readString();
      skipString(); // lineId
      skipString(); // machineId
      int eventTimeAt = block.position() - start;
      long eventTime = readLong();
      int eventTimeLength = block.position() - start - eventTimeAt;
      readLong(); // sequence
      skipPayload();
      byte[] value = new byte[header.length + block.position() - start];
      System.arraycopy(header, 0, value, 0, header.length);
      System.arraycopy(block.array(), block.arrayOffset() + start, value, header.length, block.position() - start);
      record = ReplayRecord.event(key, eventTime, value, siteId, header.length, eventTime, header.length + eventTimeAt,
          eventTimeLength);
    }
    if (readLong() == 1) {
      byte[] bytes = new byte[(int) readLong()];
      block.get(bytes);
      record = ReplayRecord.undecodable(key, timestamp, bytes);
    }
    return record != null ? record : ReplayRecord.undecodable(key, timestamp, null);
  }

  /** Skips a TelemetryEvent payload: the union's branch, then its fields. */
  private void skipPayload() {
    switch ((int) readLong()) {
      case 0 -> { // StateChange: state, reason
        readLong();
        if (readLong() == 1) {
          skipString();
        }
      }
      case 1 -> { // UnitCompleted: unitId, outcome, defectCode
        skipString();
        readLong();
        if (readLong() == 1) {
          skipString();
        }
      }
      case 2 -> { // SensorReading: sensor, value, unit
        skipString();
        block.position(block.position() + Double.BYTES);
        skipString();
      }
      case 3 -> readLong(); // Heartbeat: state
      default -> throw new IllegalStateException("unknown payload branch");
    }
  }

  private long readLong() {
    long n = 0;
    int shift = 0;
    byte b;
    do {
      b = block.get();
      n |= (long) (b & 0x7F) << shift;
      shift += 7;
    } while ((b & 0x80) != 0);
    return (n >>> 1) ^ -(n & 1);
  }

  private String readString() {
    int length = (int) readLong();
    String text = new String(block.array(), block.arrayOffset() + block.position(), length, StandardCharsets.UTF_8);
    block.position(block.position() + length);
    return text;
  }

  private void skipString() {
    int length = (int) readLong();
    block.position(block.position() + length);
  }

  /** An entry decoded with an older schema, its event re-encoded with the current one. */
  private ReplayRecord convert(RecordedTelemetry entry) {
    long timestamp = entry.getKafkaTimestamp().toEpochMilli();
    if (entry.getEvent() == null) {
      ByteBuffer bytes = entry.getUndecodable();
      byte[] value = null;
      if (bytes != null) {
        value = new byte[bytes.remaining()];
        bytes.duplicate().get(value);
      }
      return ReplayRecord.undecodable(entry.getKey(), timestamp, value);
    }
    byte[] value = encoding.encode(entry.getEvent());
    // The event time follows four strings in the body; find where, as the fast path does.
    ByteBuffer body = ByteBuffer.wrap(value);
    body.position(header.length);
    for (int i = 0; i < 4; i++) {
      int length = (int) zigZag(body);
      body.position(body.position() + length);
    }
    int eventTimeAt = body.position();
    zigZag(body);
    long eventTime = entry.getEvent().getEventTime().toEpochMilli();
    return ReplayRecord.event(entry.getKey(), eventTime, value, entry.getEvent().getSiteId(), header.length, eventTime,
        eventTimeAt,
        body.position() - eventTimeAt);
  }

  private static long zigZag(ByteBuffer buffer) {
    long n = 0;
    int shift = 0;
    byte b;
    do {
      b = buffer.get();
      n |= (long) (b & 0x7F) << shift;
      shift += 7;
    } while ((b & 0x80) != 0);
    return (n >>> 1) ^ -(n & 1);
  }
}
