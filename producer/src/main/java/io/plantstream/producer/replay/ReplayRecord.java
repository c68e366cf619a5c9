package io.plantstream.producer.replay;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * One record of a recording ready to publish: key, timestamp (an event's event time, as the
 * simulator stamps its records; for other values the recorded timestamp) and the value bytes as they go on
 * the wire (an event with its encoding's header, single-object or a registry schema id, or the
 * undecodable bytes as recorded). For an
 * event it knows where its event id and event time lie in those bytes, so that a shift in time or
 * a loop pass rewrites them without decoding and re-encoding the whole event.
 */
final class ReplayRecord {

  final String key;
  final long timestamp;
  /** The value as published; null for a tombstone. */
  byte[] value;
  /** True when {@link #value} is a TelemetryEvent. */
  final boolean event;
  /** The event's site, or null. */
  final String siteId;
  /** Where the Avro body starts in {@link #value}: after the encoding's header. */
  private final int bodyAt;
  /** The event time, or the timestamp when not an event. */
  long eventTime;
  private int eventTimeAt;
  private int eventTimeLength;

  private ReplayRecord(String key, long timestamp, byte[] value, boolean event, String siteId, int bodyAt,
      long eventTime, int eventTimeAt, int eventTimeLength) {
    this.key = key;
    this.timestamp = timestamp;
    this.value = value;
    this.event = event;
    this.siteId = siteId;
    this.bodyAt = bodyAt;
    this.eventTime = eventTime;
    this.eventTimeAt = eventTimeAt;
    this.eventTimeLength = eventTimeLength;
  }

  /** A record whose value is not an event. */
  static ReplayRecord undecodable(String key, long timestamp, byte[] value) {
    return new ReplayRecord(key, timestamp, value, false, null, -1, timestamp, -1, 0);
  }

  /**
   * An encoded event, {@code value}, whose body starts at {@code bodyAt}, whose site is
   * {@code siteId} and whose event time is the varint of {@code eventTimeLength} bytes at
   * {@code eventTimeAt}.
   */
  static ReplayRecord event(String key, long timestamp, byte[] value, String siteId, int bodyAt, long eventTime,
      int eventTimeAt, int eventTimeLength) {
    return new ReplayRecord(key, timestamp, value, true, siteId, bodyAt, eventTime, eventTimeAt, eventTimeLength);
  }

  /** The same record {@code by} milliseconds later: timestamp and event time. */
  ReplayRecord shifted(long by) {
    if (by == 0) {
      return this;
    }
    if (!event) {
      return undecodable(key, timestamp + by, value);
    }
    byte[] time = zigZagVarint(eventTime + by);
    byte[] shifted = splice(value, eventTimeAt, eventTimeLength, time);
    return event(key, timestamp + by, shifted, siteId, bodyAt, eventTime + by, eventTimeAt, time.length);
  }

  /** The same event with {@code suffix} appended to its event id (the first field of the body). */
  ReplayRecord withEventIdSuffix(String suffix) {
    if (!event) {
      return this;
    }
    int[] length = readVarint(value, bodyAt);
    int idLength = (int) zigZagDecode(length[0]);
    byte[] id = new byte[idLength];
    System.arraycopy(value, bodyAt + length[1], id, 0, idLength);
    byte[] newId = (new String(id, StandardCharsets.UTF_8) + suffix).getBytes(StandardCharsets.UTF_8);
    byte[] newLength = zigZagVarint(newId.length);
    byte[] field = new byte[newLength.length + newId.length];
    System.arraycopy(newLength, 0, field, 0, newLength.length);
    System.arraycopy(newId, 0, field, newLength.length, newId.length);
    int oldFieldLength = length[1] + idLength;
    byte[] renamed = splice(value, bodyAt, oldFieldLength, field);
    return event(key, timestamp, renamed, siteId, bodyAt, eventTime, eventTimeAt + field.length - oldFieldLength,
        eventTimeLength);
  }

  private static byte[] splice(byte[] bytes, int at, int length, byte[] replacement) {
    byte[] result = new byte[bytes.length - length + replacement.length];
    System.arraycopy(bytes, 0, result, 0, at);
    System.arraycopy(replacement, 0, result, at, replacement.length);
    System.arraycopy(bytes, at + length, result, at + replacement.length, bytes.length - at - length);
    return result;
  }

  /** Avro's long encoding: zig-zag, then a varint of 7 bits per byte. */
  static byte[] zigZagVarint(long value) {
    long n = (value << 1) ^ (value >> 63);
    byte[] buffer = new byte[10];
    int length = 0;
    while ((n & ~0x7FL) != 0) {
      buffer[length++] = (byte) ((n & 0x7F) | 0x80);
      n >>>= 7;
    }
    buffer[length++] = (byte) n;
    return Arrays.copyOf(buffer, length);
  }

  /** The raw varint at {@code at} (not yet zig-zag decoded) and its length in bytes. */
  private static int[] readVarint(byte[] bytes, int at) {
    long n = 0;
    int shift = 0;
    int i = at;
    byte b;
    do {
      b = bytes[i++];
      n |= (long) (b & 0x7F) << shift;
      shift += 7;
    } while ((b & 0x80) != 0);
    return new int[] {(int) n, i - at};
  }

  private static long zigZagDecode(long n) {
    return (n >>> 1) ^ -(n & 1);
  }
}
