package io.plantstream.producer.fault;

import io.plantstream.avro.SensorReading;
import io.plantstream.avro.TelemetryEvent;
import io.plantstream.avro.UnitCompleted;
import io.plantstream.producer.sim.SimRandom;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.SplittableRandom;
import org.apache.kafka.common.utils.Utils;

/**
 * Turns the simulator's clean, time-ordered stream into one with the faults of a real plant
 * network, deterministically: the same seed, machines, start and rates give the same faults.
 *
 * <p>The injector sees every simulated event at its simulated time {@code t} (its true event time;
 * {@code t} never decreases) and publishes zero, one or more records through an {@link Output}.
 * The rules, which the KPI pipeline's tests rely on (grace 30 s, windows aligned to the epoch, a
 * window closed once its partition's stream time reaches its end plus the grace):
 *
 * <ul>
 *   <li><b>silence</b> (ratio of machines, at least one when the ratio is positive): each chosen
 *       machine publishes nothing (no heartbeat either) from a time 10–30 min after the start for
 *       20–90 min, then resumes. Its dropped events are counted as silenced. When the injector
 *       knows the topic's partition count, it only silences a machine whose partition keeps at
 *       least one machine that is neither silent nor skewed: the pipeline judges future skew
 *       against its partition's stream time, which would otherwise stand still during the silence
 *       and make every event after it look far in the future.
 *   <li><b>skew</b> (ratio of machines, at least one when positive, never a silent one): from 10 min
 *       after the start on, every event of the chosen machine is stamped 24 h ahead (event time and
 *       record timestamp). The pipeline rejects each to its DLQ; each is counted. Such events get
 *       no other fault.
 *   <li>Every other event draws one number that picks at most one of: <b>late</b> — the event is
 *       published, then, if it is a sensor reading or unit completion of a machine that is neither
 *       skewed nor silent and at least 10 min have been simulated, a copy with a fresh event id
 *       stamped grace + 2 min to grace + 5 min before {@code t}: its window closed long ago, so it
 *       goes to the late topic; <b>out-of-order</b> — the event is held back 5–10 s and published
 *       before the first event at or after {@code t} + hold (after later events of its machine,
 *       well inside the grace, so it is not late); <b>duplicate</b> — the event is published, and
 *       the same event (same id, same bytes) again 0–5 s later; <b>corrupt</b> — the event is
 *       published, then a record keyed by its machine id whose value is 16–115 random bytes that do
 *       not start with the Avro marker {@code C3 01} (the pipeline's DLQ).
 *   <li>Events are never held into a silence: near one, out-of-order is skipped and a duplicate
 *       follows at once. {@link #drain} publishes whatever is still held when the run ends, so the
 *       counts equal what was published.
 * </ul>
 */
public final class FaultInjector {

  /** Skew and silence begin, and late copies are made, only this long after the start. */
  public static final Duration QUIET_START = Duration.ofMinutes(10);
  /** How far ahead a skewed machine's clock runs. */
  public static final Duration SKEW = Duration.ofHours(24);
  /** The longest an out-of-order event is held back. */
  public static final Duration MAX_HOLD = Duration.ofSeconds(10);
  /** The pipeline's default grace period, which late copies are stamped well beyond. */
  public static final Duration DEFAULT_GRACE = Duration.ofSeconds(30);

  private static final long MIN_HOLD_MILLIS = 5_000;
  private static final long MAX_DUPLICATE_DELAY_MILLIS = 5_000;
  private static final long LATE_MARGIN_MILLIS = Duration.ofMinutes(2).toMillis();
  private static final long LATE_SPREAD_MILLIS = Duration.ofMinutes(3).toMillis();
  private static final long SILENCE_START_SPREAD_MILLIS = Duration.ofMinutes(20).toMillis();
  private static final long SILENCE_MIN_MILLIS = Duration.ofMinutes(20).toMillis();
  private static final long SILENCE_SPREAD_MILLIS = Duration.ofMinutes(70).toMillis();

  /** Where the injector's records go. */
  public interface Output {

    /** Publishes an event (possibly a copy, a duplicate or re-stamped). */
    void event(TelemetryEvent event) throws InterruptedException;

    /** Publishes {@code value}, which is not a valid event, keyed by {@code machineId}. */
    void corrupt(String machineId, Instant timestamp, byte[] value) throws InterruptedException;
  }

  private final FaultRates rates;
  private final SplittableRandom random;
  private final long startMillis;
  private final long quietUntil;
  private final long graceMillis;
  private final Map<String, long[]> silences = new HashMap<>();
  private final Map<String, Boolean> skewed = new HashMap<>();
  private final List<String> skewedMachines = new ArrayList<>();
  private final List<String> silentMachines = new ArrayList<>();
  private final PriorityQueue<Held> held = new PriorityQueue<>();
  private long heldSequence;

  private long late;
  private long outOfOrder;
  private long duplicates;
  private long corrupt;
  private long skewedEvents;
  private long silencedEvents;

  /** An injector with the default grace that does not know the topic's partitions. */
  public FaultInjector(FaultRates rates, long seed, List<String> machineIds, Instant start) {
    this(rates, seed, machineIds, start, 0, DEFAULT_GRACE);
  }

  /** An injector with the default grace for a topic of {@code partitions} partitions (0: unknown). */
  public FaultInjector(FaultRates rates, long seed, List<String> machineIds, Instant start, int partitions) {
    this(rates, seed, machineIds, start, partitions, DEFAULT_GRACE);
  }

  /**
   * An injector for a run of {@code machineIds} (in model order) from {@code start} into a topic of
   * {@code partitions} partitions (0 if unknown), whose late copies are stamped beyond
   * {@code grace}; its draws depend on {@code seed} only.
   */
  public FaultInjector(FaultRates rates, long seed, List<String> machineIds, Instant start, int partitions,
      Duration grace) {
    if (partitions < 0) {
      throw new IllegalArgumentException("partitions must not be negative, got " + partitions);
    }
    this.rates = rates;
    this.random = SimRandom.forName(seed, "faults");
    this.startMillis = start.toEpochMilli();
    this.quietUntil = startMillis + QUIET_START.toMillis();
    this.graceMillis = grace.toMillis();
    chooseMachines(machineIds, partitions);
  }

  /** The partition the producer's default partitioner puts {@code machineId}'s records in. */
  public static int partitionOf(String machineId, int partitions) {
    return Utils.toPositive(Utils.murmur2(machineId.getBytes(StandardCharsets.UTF_8))) % partitions;
  }

  private void chooseMachines(List<String> machineIds, int partitions) {
    int n = machineIds.size();
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    for (int i = n - 1; i > 0; i--) {
      int j = (int) SimRandom.below(random, i + 1);
      int swap = order[i];
      order[i] = order[j];
      order[j] = swap;
    }
    int skewCount = machinesFor(rates.skew(), n);
    int silenceCount = machinesFor(rates.silence(), n);
    boolean[] skew = new boolean[n];
    boolean[] silent = new boolean[n];
    // Machines per partition that keep its stream time going: neither skewed nor silent.
    int[] partitionOf = new int[n];
    Map<Integer, Integer> healthy = new HashMap<>();
    for (int i = 0; i < n; i++) {
      partitionOf[i] = partitions == 0 ? 0 : partitionOf(machineIds.get(i), partitions);
      healthy.merge(partitionOf[i], 1, Integer::sum);
    }
    for (int i = 0; i < skewCount; i++) {
      skew[order[i]] = true;
      healthy.merge(partitionOf[order[i]], -1, Integer::sum);
    }
    int silenced = 0;
    for (int i = skewCount; i < n && silenced < silenceCount; i++) {
      int machine = order[i];
      if (partitions == 0 || healthy.get(partitionOf[machine]) >= 2) {
        silent[machine] = true;
        healthy.merge(partitionOf[machine], -1, Integer::sum);
        silenced++;
      }
    }
    for (int i = 0; i < n; i++) {
      String machineId = machineIds.get(i);
      if (skew[i]) {
        skewed.put(machineId, Boolean.TRUE);
        skewedMachines.add(machineId);
      }
      if (silent[i]) {
        long from = quietUntil + SimRandom.below(random, SILENCE_START_SPREAD_MILLIS);
        long to = from + SILENCE_MIN_MILLIS + SimRandom.below(random, SILENCE_SPREAD_MILLIS + 1);
        silences.put(machineId, new long[] {from, to});
        silentMachines.add(machineId);
      }
    }
  }

  private static int machinesFor(double ratio, int machines) {
    if (ratio <= 0 || machines == 0) {
      return 0;
    }
    return (int) Math.max(1, Math.min(machines, Math.round(ratio * machines)));
  }

  /** The machines whose clock runs a day ahead, in model order. */
  public List<String> skewedMachines() {
    return List.copyOf(skewedMachines);
  }

  /** The machines that fall silent, in model order. */
  public List<String> silentMachines() {
    return List.copyOf(silentMachines);
  }

  /** When {@code machineId} is silent, as {from, to} instants, or null if it never is. */
  public Instant[] silence(String machineId) {
    long[] window = silences.get(machineId);
    return window == null ? null : new Instant[] {Instant.ofEpochMilli(window[0]), Instant.ofEpochMilli(window[1])};
  }

  /** When skewed machines start stamping their events a day ahead. */
  public Instant skewFrom() {
    return Instant.ofEpochMilli(quietUntil);
  }

  /** Takes the next simulated event and publishes what the faults make of it (and what is due). */
  public void accept(TelemetryEvent event, Output out) throws InterruptedException {
    long t = event.getEventTime().toEpochMilli();
    releaseDue(t, out);
    String machineId = event.getMachineId();
    long[] silence = silences.get(machineId);
    if (silence != null && t >= silence[0] && t < silence[1]) {
      silencedEvents++;
      return;
    }
    boolean isSkewed = skewed.containsKey(machineId);
    if (isSkewed && t >= quietUntil) {
      event.setEventTime(Instant.ofEpochMilli(t + SKEW.toMillis()));
      skewedEvents++;
      out.event(event);
      return;
    }
    double u = SimRandom.uniform(random);
    if ((u -= rates.late()) < 0) {
      out.event(event);
      if (!isSkewed && silence == null && t >= quietUntil && lateCopyable(event)) {
        out.event(lateCopy(event, t));
        late++;
      }
    } else if ((u -= rates.outOfOrder()) < 0) {
      if (canHold(silence, t)) {
        hold(event, t + MIN_HOLD_MILLIS + SimRandom.below(random, MAX_HOLD.toMillis() - MIN_HOLD_MILLIS + 1));
        outOfOrder++;
      } else {
        out.event(event);
      }
    } else if ((u -= rates.duplicate()) < 0) {
      out.event(event);
      duplicates++;
      if (canHold(silence, t)) {
        hold(event, t + SimRandom.below(random, MAX_DUPLICATE_DELAY_MILLIS + 1));
      } else {
        out.event(event);
      }
    } else if ((u -= rates.corrupt()) < 0) {
      out.event(event);
      out.corrupt(machineId, event.getEventTime(), corruptBytes());
      corrupt++;
    } else {
      out.event(event);
    }
  }

  /** Publishes every event still held back, in release order; call once the run is over. */
  public void drain(Output out) throws InterruptedException {
    releaseDue(Long.MAX_VALUE, out);
  }

  /** What was injected so far. */
  public FaultCounts counts() {
    return new FaultCounts(late, outOfOrder, duplicates, corrupt, skewedEvents, silencedEvents,
        skewedMachines, silentMachines);
  }

  private void releaseDue(long t, Output out) throws InterruptedException {
    while (!held.isEmpty() && held.peek().releaseAt <= t) {
      out.event(held.poll().event);
    }
  }

  private boolean canHold(long[] silence, long t) {
    return silence == null || t + MAX_HOLD.toMillis() < silence[0] || t >= silence[1];
  }

  private void hold(TelemetryEvent event, long releaseAt) {
    held.add(new Held(releaseAt, heldSequence++, event));
  }

  private static boolean lateCopyable(TelemetryEvent event) {
    return event.getPayload() instanceof SensorReading || event.getPayload() instanceof UnitCompleted;
  }

  private TelemetryEvent lateCopy(TelemetryEvent event, long t) {
    long lateBy = graceMillis + LATE_MARGIN_MILLIS + SimRandom.below(random, LATE_SPREAD_MILLIS);
    return new TelemetryEvent(SimRandom.uuid(random).toString(), event.getSiteId(), event.getLineId(),
        event.getMachineId(), Instant.ofEpochMilli(t - lateBy), event.getSequence(), event.getPayload());
  }

  private byte[] corruptBytes() {
    byte[] bytes = new byte[16 + (int) SimRandom.below(random, 100)];
    for (int i = 0; i < bytes.length; i += 8) {
      long bits = random.nextLong();
      for (int j = 0; j < 8 && i + j < bytes.length; j++) {
        bytes[i + j] = (byte) (bits >>> (8 * j));
      }
    }
    // Neither encoding's first byte: single-object starts with C3, the Confluent wire format with 00.
    bytes[0] &= 0x7F;
    if (bytes[0] == 0) {
      bytes[0] = 1;
    }
    return bytes;
  }

  private record Held(long releaseAt, long sequence, TelemetryEvent event) implements Comparable<Held> {
    @Override
    public int compareTo(Held other) {
      int byTime = Long.compare(releaseAt, other.releaseAt);
      return byTime != 0 ? byTime : Long.compare(sequence, other.sequence);
    }
  }
}
