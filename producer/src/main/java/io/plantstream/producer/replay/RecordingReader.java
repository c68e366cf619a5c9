package io.plantstream.producer.replay;

import io.plantstream.avro.MachineInfo;
import io.plantstream.avro.RecordedTelemetry;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.file.DataFileReader;
import org.apache.avro.file.SeekableFileInput;
import org.apache.avro.specific.SpecificDatumReader;

/**
 * Reads a recording entry by entry, resolving entries written with any released schema version to
 * the current {@link RecordedTelemetry} (the writer's schema is in the file).
 *
 * <p>{@link #open} refuses a file that is not a recording before anything is read from it. Damage
 * found later (a block that does not decompress, a bad sync marker, a file cut short) throws a
 * {@link RecordingException} naming the file and the block, counted from 1.
 */
public final class RecordingReader implements AutoCloseable {

  static {
    RecordingFormat.trustGeneratedClasses();
  }

  private final Path file;
  private final long length;
  private final DataFileReader<RecordedTelemetry> reader;
  private final RecordingInfo info;
  private long blockStart;
  private long blocksDone;
  private long entries;

  private RecordingReader(Path file, long length, DataFileReader<RecordedTelemetry> reader, RecordingInfo info) {
    this.file = file;
    this.length = length;
    this.reader = reader;
    this.info = info;
    this.blockStart = reader.previousSync();
  }

  /** Opens {@code file}, refusing it unless it is a plantstream recording this code can read. */
  public static RecordingReader open(Path file) {
    if (Files.isDirectory(file)) {
      throw new RecordingException("cannot read recording " + file + ": it is a directory");
    }
    if (!Files.isRegularFile(file)) {
      throw new RecordingException("cannot read recording " + file + ": no such file");
    }
    DataFileReader<RecordedTelemetry> reader;
    long length;
    try {
      length = Files.size(file);
      reader = new DataFileReader<>(new SeekableFileInput(file.toFile()), new SpecificDatumReader<>(RecordedTelemetry.class));
    } catch (IOException | AvroRuntimeException e) {
      throw new RecordingException(file + " is not a plantstream recording: not an Avro object container file ("
          + e.getMessage() + ")", e);
    }
    try {
      return new RecordingReader(file, length, reader, info(file, reader));
    } catch (RuntimeException e) {
      closeQuietly(reader);
      throw e;
    }
  }

  private static RecordingInfo info(Path file, DataFileReader<RecordedTelemetry> reader) {
    String version = reader.getMetaString(RecordingFormat.FORMAT_KEY);
    if (version == null) {
      throw new RecordingException(file + " is an Avro file but not a plantstream recording (no "
          + RecordingFormat.FORMAT_KEY + " metadata; its records are " + reader.getSchema().getFullName() + ")");
    }
    if (!RecordingFormat.FORMAT_VERSION.equals(version)) {
      throw new RecordingException(file + " is a plantstream recording of format " + version
          + ", which this version cannot read (it reads format " + RecordingFormat.FORMAT_VERSION + ")");
    }
    try {
      String topic = reader.getMetaString(RecordingFormat.TOPIC_KEY);
      String partitions = reader.getMetaString(RecordingFormat.PARTITIONS_KEY);
      byte[] machines = reader.getMeta(RecordingFormat.MACHINES_KEY);
      byte[] machinesSchema = reader.getMeta(RecordingFormat.MACHINES_SCHEMA_KEY);
      List<MachineInfo> machineList = machines == null || machinesSchema == null ? List.of()
          : RecordingFormat.decodeMachines(machines, machinesSchema);
      return new RecordingInfo(topic == null ? "" : topic, partitions == null ? 0 : Integer.parseInt(partitions),
          machineList);
    } catch (IOException | RuntimeException e) {
      throw new RecordingException("recording " + file + " has unreadable metadata: " + e.getMessage(), e);
    }
  }

  /** What the recording says about itself. */
  public RecordingInfo info() {
    return info;
  }

  /** The file read. */
  public Path file() {
    return file;
  }

  /** The next entry, or null at the end of a complete recording; throws at damage. */
  public RecordedTelemetry next() {
    boolean more;
    try {
      more = reader.hasNext();
    } catch (AvroRuntimeException e) {
      throw damaged(e);
    }
    if (!more) {
      // Avro reports a block cut short as the end of the file: a complete file ends with a full block.
      if (reader.previousSync() != length) {
        throw new RecordingException("recording " + file + " is truncated: block " + (blocksDone + 1)
            + " (from byte " + blockStart + ") is cut short at byte " + length + ", after " + entries + " entries");
      }
      return null;
    }
    RecordedTelemetry entry;
    try {
      entry = reader.next();
    } catch (AvroRuntimeException e) {
      throw damaged(e);
    }
    entries++;
    long sync = reader.previousSync();
    if (sync != blockStart) {
      blocksDone++;
      blockStart = sync;
    }
    return entry;
  }

  /** Entries read so far. */
  public long entries() {
    return entries;
  }

  /** True when the entries are written with the current {@link RecordedTelemetry} schema, so their bytes can be parsed directly. */
  boolean writtenWithCurrentSchema() {
    return SchemaNormalization.parsingFingerprint64(reader.getSchema())
        == SchemaNormalization.parsingFingerprint64(RecordedTelemetry.getClassSchema());
  }

  /**
   * The next block's entries, decompressed but not decoded, or null at the end of a complete
   * recording; damage throws as {@link #next()} does. Not to be mixed with {@link #next()}.
   */
  RawBlock nextBlock() {
    boolean more;
    ByteBuffer block;
    try {
      more = reader.hasNext();
      block = more ? reader.nextBlock() : null;
    } catch (IOException | AvroRuntimeException e) {
      throw damaged(e);
    }
    if (!more) {
      if (reader.previousSync() != length) {
        throw new RecordingException("recording " + file + " is truncated: block " + (blocksDone + 1)
            + " (from byte " + blockStart + ") is cut short at byte " + length + ", after " + entries + " entries");
      }
      return null;
    }
    long count = reader.getBlockCount();
    RawBlock raw = new RawBlock(block, count, blocksDone + 1);
    entries += count;
    blocksDone++;
    blockStart = reader.previousSync();
    return raw;
  }

  /**
   * One block's entries in Avro binary, as written.
   *
   * @param bytes the decompressed block
   * @param entries how many entries it holds
   * @param number the block's number in the file, from 1
   */
  record RawBlock(ByteBuffer bytes, long entries, long number) {}

  private RecordingException damaged(Exception e) {
    Throwable cause = e.getCause() == null ? e : e.getCause();
    return new RecordingException("recording " + file + " is corrupt: block " + (blocksDone + 1) + " (from byte "
        + blockStart + ") cannot be read, after " + entries + " entries: " + cause.getMessage(), e);
  }

  /**
   * Counts the entries of {@code file} from its block headers without decoding them (fast); a
   * damaged file counts what is readable.
   */
  public static long countEntries(Path file) {
    try (DataFileReader<RecordedTelemetry> reader =
        new DataFileReader<>(new SeekableFileInput(file.toFile()), new SpecificDatumReader<>(RecordedTelemetry.class))) {
      long count = 0;
      while (reader.hasNext()) {
        reader.nextBlock();
        count += reader.getBlockCount();
      }
      return count;
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  @Override
  public void close() {
    closeQuietly(reader);
  }

  private static void closeQuietly(DataFileReader<?> reader) {
    try {
      reader.close();
    } catch (IOException ignored) {
      // reading only: nothing is lost
    }
  }
}
