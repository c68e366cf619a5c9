package io.plantstream.streams;

import io.plantstream.avro.EquipmentState;
import io.plantstream.avro.Heartbeat;
import io.plantstream.avro.StateChange;
import io.plantstream.avro.TelemetryEvent;
import io.plantstream.avro.UnitCompleted;
import io.plantstream.avro.UnitOutcome;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The accepted events of one telemetry partition that its close boundary has not passed yet, per
 * machine in (event time, offset) order: they wait here until the boundary passes them and are then
 * applied to their machine's timeline, so events out of order within the grace period count as if
 * they had come in order. They also catch duplicates: a copy of an accepted event has its machine
 * and event time, so it is either late or finds its original here.
 *
 * <p>Only what can still change a KPI is kept, 30 bytes, the machine id and a reason or defect code an
 * event: its time and offset, what it does to the timeline ({@link Kind}: a sensor reading matters
 * only through its time), the reason code of a state change or the defect code of a failed unit,
 * and a 64-bit hash of its id, in segments of {@value #SEGMENT} consecutive offsets. The segment of the
 * newest offset is open: it lives under one key of {@value MachineTimelineProcessor#PENDING_OPEN_STORE},
 * rewritten with each event, which the store's cache writes to the changelog once per commit. Once a
 * later segment opens it moves to {@value MachineTimelineProcessor#PENDING_STORE}, written once, and
 * is deleted from there when all its events have been applied. An event's bytes are written about
 * once, so the state written per event does not grow with the plant or the event rate, and the
 * changelogs get a record per segment, not a record and a tombstone per event. The cache holds one
 * entry per partition, so it cannot fill up and push the open segment out at every event.
 */
final class PendingEvents {

  /** What an accepted event does to its machine's timeline. */
  enum Kind {
    /** A sensor reading: the machine is alive. */
    SENSOR,
    /** A state change: the machine is alive and in a new state. */
    STATE,
    /** A heartbeat: the machine is alive and in this state. */
    HEARTBEAT,
    /** A unit completed that passed. */
    UNIT_PASS,
    /** A unit completed that failed. */
    UNIT_FAIL;

    private static final Kind[] VALUES = values();

    /** What {@code event} does. */
    static Kind of(TelemetryEvent event) {
      Object payload = event.getPayload();
      if (payload instanceof StateChange) {
        return STATE;
      } else if (payload instanceof Heartbeat) {
        return HEARTBEAT;
      } else if (payload instanceof UnitCompleted unit) {
        return unit.getOutcome() == UnitOutcome.PASS ? UNIT_PASS : UNIT_FAIL;
      }
      return SENSOR;
    }
  }

  private static final EquipmentState[] STATES = EquipmentState.values();
  private static final byte NO_STATE = -1;

  /** Consecutive offsets per segment. */
  static final int SEGMENT = 64;
  /**
   * An entry's bytes besides its machine id and code: offset, kind, state, id hash, time, the id's
   * length, then (after the id) the code's length.
   */
  private static final int ENTRY_BYTES = 8 + 1 + 1 + 8 + 8 + 2 + 2;
  /** Longer codes count as none: a code is a short identifier, and an entry keeps its length in two bytes. */
  static final int MAX_CODE_CHARS = 64;
  /** The few distinct codes, shared by every pending event that carries one. */
  private final Map<String, String> internedCodes = new HashMap<>();
  /** The open store's one key. */
  private static final String OPEN = "open";

  private final KeyValueStore<Long, byte[]> closed;
  private final KeyValueStore<String, byte[]> openStore;
  private final Map<String, Machine> machines = new HashMap<>();
  /** Per segment held in the stores, how many of its events are still pending. */
  private final Map<Long, int[]> live = new HashMap<>();
  /** The segment of the newest offset, and its bytes so far. */
  private long openSegment = -1;
  private byte[] open = new byte[8 + SEGMENT * 48];
  private int openLength;

  /**
   * Pending events kept in {@code closed} (complete segments, keyed by segment number, written once)
   * and {@code openStore} (the segment of the newest offset under one key, rewritten with each event:
   * give it a cache, so that its changelog gets it once per commit).
   */
  PendingEvents(KeyValueStore<Long, byte[]> closed, KeyValueStore<String, byte[]> openStore) {
    this.closed = closed;
    this.openStore = openStore;
  }

  /**
   * Reloads the pending events from the stores. Entries stamped before {@code appliedBefore} (the
   * close boundary, null for none) were applied already; a segment holding nothing else is deleted.
   */
  void reload(Long appliedBefore) {
    machines.clear();
    live.clear();
    openSegment = -1;
    openLength = 0;
    List<Long> spent = new ArrayList<>();
    // In segment order, so in offset order, which is almost each machine's time order: every insert is at the end.
    try (KeyValueIterator<Long, byte[]> segments = closed.all()) {
      while (segments.hasNext()) {
        KeyValue<Long, byte[]> segment = segments.next();
        if (load(segment.key, ByteBuffer.wrap(segment.value), appliedBefore) == 0) {
          spent.add(segment.key);
        }
      }
    }
    spent.forEach(closed::delete);
    byte[] saved = openStore.get(OPEN);
    if (saved != null) {
      ByteBuffer entries = ByteBuffer.wrap(saved);
      openSegment = entries.getLong();
      load(openSegment, entries, appliedBefore);
      open = Arrays.copyOf(saved, Math.max(open.length, saved.length * 2));
      openLength = saved.length;
    }
  }

  /** Loads a segment's entries not before {@code appliedBefore}; returns how many. */
  private int load(long segment, ByteBuffer entries, Long appliedBefore) {
    int pending = 0;
    while (entries.hasRemaining()) {
      long offset = entries.getLong();
      Kind kind = Kind.VALUES[entries.get()];
      byte state = entries.get();
      long idHash = entries.getLong();
      long time = entries.getLong();
      byte[] machineId = new byte[entries.getShort()];
      entries.get(machineId);
      byte[] code = new byte[entries.getShort()];
      entries.get(code);
      if (appliedBefore == null || time >= appliedBefore) {
        machine(new String(machineId, StandardCharsets.UTF_8)).insert(time, offset, kind, state, idHash,
            code.length == 0 ? null : intern(new String(code, StandardCharsets.UTF_8)));
        pending++;
      }
    }
    if (pending > 0) {
      live.computeIfAbsent(segment, key -> new int[1])[0] += pending;
    }
    return pending;
  }

  /** The offsets of the events in a complete segment's store entry, in the order they were added. */
  static List<Long> offsetsIn(byte[] segment) {
    return offsetsIn(ByteBuffer.wrap(segment));
  }

  /** The offsets of the events in the open segment's store entry, in the order they were added. */
  static List<Long> offsetsInOpen(byte[] openSegment) {
    return offsetsIn(ByteBuffer.wrap(openSegment, 8, openSegment.length - 8));
  }

  private static List<Long> offsetsIn(ByteBuffer entries) {
    List<Long> offsets = new ArrayList<>();
    while (entries.hasRemaining()) {
      offsets.add(entries.getLong());
      entries.position(entries.position() + ENTRY_BYTES - 8 - 2 - 2);
      int machineIdLength = entries.getShort();
      entries.position(entries.position() + machineIdLength);
      int codeLength = entries.getShort();
      entries.position(entries.position() + codeLength);
    }
    return offsets;
  }

  /** True if {@code event} repeats an accepted event still pending: same machine, event time and id. */
  boolean isDuplicate(TelemetryEvent event, long idHash) {
    Machine machine = machines.get(event.getMachineId());
    return machine != null && machine.holds(event.getEventTime().toEpochMilli(), idHash);
  }

  /** Keeps an accepted event until the close boundary passes it. */
  void add(TelemetryEvent event, long offset, long idHash) {
    long time = event.getEventTime().toEpochMilli();
    Kind kind = Kind.of(event);
    EquipmentState state = event.getPayload() instanceof StateChange change ? change.getState()
        : event.getPayload() instanceof Heartbeat heartbeat ? heartbeat.getState() : null;
    byte stateCode = state == null ? NO_STATE : (byte) state.ordinal();
    byte[] machineId = event.getMachineId().getBytes(StandardCharsets.UTF_8);
    String code = codeOf(event);
    byte[] codeBytes = code == null ? new byte[0] : code.getBytes(StandardCharsets.UTF_8);
    int entryLength = ENTRY_BYTES + machineId.length + codeBytes.length;
    long segment = Math.floorDiv(offset, SEGMENT);
    if (segment >= openSegment) {
      if (segment > openSegment) {
        closeOpenSegment();
        openSegment = segment;
        ByteBuffer.wrap(open).putLong(segment);
        openLength = 8;
      }
      if (openLength + entryLength > open.length) {
        open = Arrays.copyOf(open, Math.max(open.length * 2, openLength + entryLength));
      }
      writeEntry(open, openLength, offset, kind, stateCode, idHash, time, machineId, codeBytes);
      openLength += entryLength;
      openStore.put(OPEN, Arrays.copyOf(open, openLength));
    } else {
      // An event held back by the future-skew rule comes after later offsets: its segment is complete.
      byte[] before = closed.get(segment);
      int at = before == null ? 0 : before.length;
      byte[] grown = before == null ? new byte[entryLength] : Arrays.copyOf(before, at + entryLength);
      writeEntry(grown, at, offset, kind, stateCode, idHash, time, machineId, codeBytes);
      closed.put(segment, grown);
    }
    live.computeIfAbsent(segment, key -> new int[1])[0]++;
    machine(event.getMachineId()).insert(time, offset, kind, stateCode, idHash, code == null ? null : intern(code));
  }

  /**
   * The code an event carries for the timeline: a state change's reason, a failed unit's defect
   * code; null for none (or an empty one, or one too long to be a code).
   */
  private static String codeOf(TelemetryEvent event) {
    String code = event.getPayload() instanceof StateChange change ? change.getReason()
        : event.getPayload() instanceof UnitCompleted unit && unit.getOutcome() == UnitOutcome.FAIL
            ? unit.getDefectCode() : null;
    return code == null || code.isEmpty() || code.length() > MAX_CODE_CHARS ? null : code;
  }

  private String intern(String code) {
    return internedCodes.computeIfAbsent(code, c -> c);
  }

  /** Writes one event's entry into {@code target} at {@code at}: the layout {@link #load} reads. */
  private static void writeEntry(byte[] target, int at, long offset, Kind kind, byte state, long idHash, long time,
      byte[] machineId, byte[] code) {
    ByteBuffer.wrap(target, at, ENTRY_BYTES + machineId.length + code.length).putLong(offset)
        .put((byte) kind.ordinal()).put(state).putLong(idHash).putLong(time).putShort((short) machineId.length)
        .put(machineId).putShort((short) code.length).put(code);
  }

  /** Moves the open segment to the store of complete ones, unless nothing in it is pending any more. */
  private void closeOpenSegment() {
    if (openSegment < 0) {
      return;
    }
    int[] pending = live.get(openSegment);
    if (pending == null || pending[0] == 0) {
      live.remove(openSegment);
    } else {
      closed.put(openSegment, Arrays.copyOfRange(open, 8, openLength));
    }
  }

  /** The pending events of every machine that has any, or has had one within forgetAfter. */
  Collection<Machine> machines() {
    return machines.values();
  }

  /** The pending events of one machine, or null if it has none. */
  Machine of(String machineId) {
    return machines.get(machineId);
  }

  /**
   * Removes the first {@code count} pending events of {@code machine}, once applied, and from the
   * store every complete segment with nothing pending left.
   */
  void drop(Machine machine, int count) {
    for (int i = 0; i < count; i++) {
      long segment = Math.floorDiv(machine.offsets[i], SEGMENT);
      int[] pending = live.get(segment);
      if (pending != null && --pending[0] == 0 && segment != openSegment) {
        live.remove(segment);
        closed.delete(segment);
      }
    }
    machine.dropFirst(count);
  }

  /** How many segments with pending events the stores hold. */
  int segments() {
    return live.size();
  }

  /** Records that {@code machineId} had an event accepted at {@code time} (a restored timeline's last one). */
  void noteAccepted(String machineId, long time) {
    Machine machine = machine(machineId);
    machine.newestAccepted = Math.max(machine.newestAccepted, time);
  }

  /** Machines with an event accepted after {@code since}. */
  int machinesAcceptedAfter(long since) {
    int count = 0;
    for (Machine machine : machines.values()) {
      if (machine.newestAccepted > since) {
        count++;
      }
    }
    return count;
  }

  /** Forgets machines with nothing pending whose newest accepted event is at or before {@code since}. */
  void forgetQuietSince(long since) {
    machines.values().removeIf(machine -> machine.size == 0 && machine.newestAccepted <= since);
  }

  /** The newest pending event time, or null when nothing is pending. */
  Long newestTime() {
    Long newest = null;
    for (Machine machine : machines.values()) {
      if (machine.size > 0 && (newest == null || machine.times[machine.size - 1] > newest)) {
        newest = machine.times[machine.size - 1];
      }
    }
    return newest;
  }

  private Machine machine(String machineId) {
    return machines.computeIfAbsent(machineId, Machine::new);
  }

  /**
   * A 64-bit hash of an event id. Ids are compared by it among the pending events of one machine
   * with the same event time, so a false duplicate needs two distinct ids of one machine in one
   * millisecond with equal hashes.
   */
  static long idHash(String eventId) {
    long hash = 0xcbf29ce484222325L; // FNV-1a, then a final mix so that all 64 bits depend on every char
    for (int i = 0; i < eventId.length(); i++) {
      hash = (hash ^ eventId.charAt(i)) * 0x100000001b3L;
    }
    hash = (hash ^ (hash >>> 30)) * 0xbf58476d1ce4e5b9L;
    hash = (hash ^ (hash >>> 27)) * 0x94d049bb133111ebL;
    return hash ^ (hash >>> 31);
  }

  /** One machine's pending events, sorted by (time, offset), in parallel primitive arrays. */
  static final class Machine {
    private static final int INITIAL = 8;

    private final String machineId;
    private long[] times = new long[INITIAL];
    private long[] offsets = new long[INITIAL];
    private long[] idHashes = new long[INITIAL];
    private byte[] kinds = new byte[INITIAL];
    private byte[] states = new byte[INITIAL];
    private String[] codes = new String[INITIAL];
    private int size;
    private long newestAccepted = Long.MIN_VALUE;

    Machine(String machineId) {
      this.machineId = machineId;
    }

    /** The machine id. */
    String machineId() {
      return machineId;
    }

    /** How many events are pending. */
    int size() {
      return size;
    }

    /** Event time of the {@code i}th pending event. */
    long time(int i) {
      return times[i];
    }

    /** What the {@code i}th pending event does. */
    Kind kind(int i) {
      return Kind.VALUES[kinds[i]];
    }

    /** The state the {@code i}th pending event reports, or null if it reports none. */
    EquipmentState state(int i) {
      return states[i] == NO_STATE ? null : STATES[states[i]];
    }

    /** The reason or defect code of the {@code i}th pending event, or null if it carries none. */
    String code(int i) {
      return codes[i];
    }

    /** How many pending events are stamped before {@code time}. */
    int countBefore(long time) {
      int low = 0;
      int high = size;
      while (low < high) {
        int mid = (low + high) >>> 1;
        if (times[mid] < time) {
          low = mid + 1;
        } else {
          high = mid;
        }
      }
      return low;
    }

    boolean holds(long time, long idHash) {
      for (int i = countBefore(time); i < size && times[i] == time; i++) {
        if (idHashes[i] == idHash) {
          return true;
        }
      }
      return false;
    }

    void insert(long time, long offset, Kind kind, byte state, long idHash, String code) {
      if (size == times.length) {
        grow(size * 2);
      }
      int at = size;
      // Almost every event is the newest: look for its place from the end.
      while (at > 0 && (times[at - 1] > time || times[at - 1] == time && offsets[at - 1] > offset)) {
        at--;
      }
      int moved = size - at;
      if (moved > 0) {
        System.arraycopy(times, at, times, at + 1, moved);
        System.arraycopy(offsets, at, offsets, at + 1, moved);
        System.arraycopy(idHashes, at, idHashes, at + 1, moved);
        System.arraycopy(kinds, at, kinds, at + 1, moved);
        System.arraycopy(states, at, states, at + 1, moved);
        System.arraycopy(codes, at, codes, at + 1, moved);
      }
      times[at] = time;
      offsets[at] = offset;
      idHashes[at] = idHash;
      kinds[at] = (byte) kind.ordinal();
      states[at] = state;
      codes[at] = code;
      size++;
      newestAccepted = Math.max(newestAccepted, time);
    }

    private void dropFirst(int count) {
      int left = size - count;
      System.arraycopy(times, count, times, 0, left);
      System.arraycopy(offsets, count, offsets, 0, left);
      System.arraycopy(idHashes, count, idHashes, 0, left);
      System.arraycopy(kinds, count, kinds, 0, left);
      System.arraycopy(states, count, states, 0, left);
      System.arraycopy(codes, count, codes, 0, left);
      Arrays.fill(codes, left, size, null);
      size = left;
      // A burst must not pin its arrays for good: memory follows what is pending now.
      if (times.length > 4 * INITIAL && size < times.length / 4) {
        grow(Math.max(INITIAL, size * 2));
      }
    }

    private void grow(int capacity) {
      times = Arrays.copyOf(times, capacity);
      offsets = Arrays.copyOf(offsets, capacity);
      idHashes = Arrays.copyOf(idHashes, capacity);
      kinds = Arrays.copyOf(kinds, capacity);
      states = Arrays.copyOf(states, capacity);
      codes = Arrays.copyOf(codes, capacity);
    }
  }
}
