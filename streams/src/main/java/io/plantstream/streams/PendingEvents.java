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
import java.util.Comparator;
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
 * <p>Only what can still change a KPI is kept, about 30 bytes an event: its time and offset, what
 * it does to the timeline ({@link Kind}: a sensor reading matters only through its time) and a
 * 64-bit hash of its id. In the store {@value MachineTimelineProcessor#PENDING_STORE} each event is
 * one entry keyed by its offset, written once when accepted and deleted once applied, so the state
 * written per event does not grow with the plant or the event rate.
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

  private final KeyValueStore<Long, byte[]> store;
  private final Map<String, Machine> machines = new HashMap<>();
  /** Offsets of applied events whose store entries are still to be deleted, oldest first. */
  private long[] applied = new long[1024];
  private int appliedHead;
  private int appliedSize;

  PendingEvents(KeyValueStore<Long, byte[]> store) {
    this.store = store;
  }

  /**
   * Reloads the pending events from the store. Entries stamped before {@code appliedBefore} (the
   * close boundary, null for none) were applied already: their tombstones may have been cleaned
   * from the changelog before a slow restoration read them. They are dropped from the store with
   * the next applied events.
   */
  void reload(Long appliedBefore) {
    machines.clear();
    appliedHead = 0;
    appliedSize = 0;
    List<KeyValue<Long, byte[]>> entries = new ArrayList<>();
    try (KeyValueIterator<Long, byte[]> all = store.all()) {
      all.forEachRemaining(entries::add);
    }
    // In offset order, which is almost each machine's time order: every insert is then at the end.
    entries.sort(Comparator.comparingLong(entry -> entry.key));
    for (KeyValue<Long, byte[]> entry : entries) {
      ByteBuffer value = ByteBuffer.wrap(entry.value);
      Kind kind = Kind.VALUES[value.get()];
      byte state = value.get();
      long idHash = value.getLong();
      long time = value.getLong();
      String machineId = StandardCharsets.UTF_8.decode(value).toString();
      if (appliedBefore != null && time < appliedBefore) {
        queueDelete(entry.key);
      } else {
        machine(machineId).insert(time, entry.key, kind, state, idHash);
      }
    }
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
    store.put(offset, ByteBuffer.allocate(18 + machineId.length).put((byte) kind.ordinal()).put(stateCode)
        .putLong(idHash).putLong(time).put(machineId).array());
    machine(event.getMachineId()).insert(time, offset, kind, stateCode, idHash);
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
   * Removes the first {@code count} pending events of {@code machine}, once applied. Their store
   * entries are deleted a few at a time as events are accepted ({@link #deleteApplied}), not all
   * at once: a close boundary passing a minute of a busy partition's events would otherwise stall
   * it while it writes a tombstone for each. Until then a reload skips them by the boundary.
   */
  void drop(Machine machine, int count) {
    for (int i = 0; i < count; i++) {
      queueDelete(machine.offsets[i]);
    }
    machine.dropFirst(count);
  }

  /**
   * Deletes the store entries of up to {@code max} applied events, oldest first. Called with two
   * for each accepted event, it deletes entries faster than they are written, so the applied
   * entries still in the store never outnumber about one window of events.
   */
  void deleteApplied(int max) {
    for (int i = 0; i < max && appliedSize > 0; i++) {
      store.delete(applied[appliedHead]);
      appliedHead = (appliedHead + 1) % applied.length;
      appliedSize--;
    }
  }

  /** How many applied events' store entries are waiting to be deleted. */
  int appliedWaiting() {
    return appliedSize;
  }

  private void queueDelete(long offset) {
    if (appliedSize == applied.length) {
      long[] larger = new long[applied.length * 2];
      for (int i = 0; i < appliedSize; i++) {
        larger[i] = applied[(appliedHead + i) % applied.length];
      }
      applied = larger;
      appliedHead = 0;
    }
    applied[(appliedHead + appliedSize) % applied.length] = offset;
    appliedSize++;
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

    void insert(long time, long offset, Kind kind, byte state, long idHash) {
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
      }
      times[at] = time;
      offsets[at] = offset;
      idHashes[at] = idHash;
      kinds[at] = (byte) kind.ordinal();
      states[at] = state;
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
    }
  }
}
