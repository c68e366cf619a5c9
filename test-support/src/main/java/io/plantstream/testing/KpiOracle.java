package io.plantstream.testing;

import io.plantstream.avro.Heartbeat;
import io.plantstream.avro.MachineInfo;
import io.plantstream.avro.SensorReading;
import io.plantstream.avro.StateChange;
import io.plantstream.avro.TelemetryEvent;
import io.plantstream.avro.UnitCompleted;
import io.plantstream.avro.UnitOutcome;
import io.plantstream.schemas.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * A plain batch recomputation of the KPIs from the input topic, written from the rules in the
 * docs/kpi-rules.md and sharing no code with the topology, so that comparing the two proves the
 * topology right.
 *
 * <p>Read the telemetry topic in partition and offset order. Each record is first checked for
 * being corrupt (does not decode), invalid (key is not the machine id, site or line not the
 * machine's, non-finite sensor value) or of an unknown machine — these go to the DLQ. Per
 * partition, with {@code maxTime} the largest time of the events accepted before and
 * {@code boundary = floor((maxTime - grace) / 1 min) * 1 min}, an event stamped more than
 * maxFutureSkew after {@code maxTime} is held. Any other event is admitted, and then every held
 * event is settled: admitted if no longer that far ahead, else counted in the DLQ as future-skew.
 * When held events of more than half the partition's live machines (an accepted event later than
 * {@code maxTime - forgetAfter}), and at least two machines, lie within maxFutureSkew of the
 * earliest of them, {@code maxTime} becomes that earliest time and the held events are settled;
 * likewise, with the first time from which held events follow each other no more than maxFutureSkew
 * apart until more than maxFutureSkew later. Admitting: late (time before
 * {@code boundary}), a duplicate (an event with the same id, machine and event time was accepted
 * before on the partition), or accepted. Per machine, the accepted
 * events sorted by (time, offset) define a timeline:
 * between two events the machine is in the state of its latest state change or heartbeat
 * (UNKNOWN before any), except that time more than {@code staleAfter} after an event is UNKNOWN and
 * time more than {@code forgetAfter} after it is not counted. A window is emitted when its
 * partition's final boundary is at or after its end, and exists when it holds counted time or units.
 * A site window is the sum of its machines' windows; once the input has ended and every partition
 * is idle, it is final if its end is at or before the highest final boundary of any partition.
 */
public final class KpiOracle {

  /** States in the order of {@link Window#stateMillis}: the six E10 states, then UNKNOWN. */
  public static final int UNKNOWN = 6;

  private static final long MINUTE = 60_000L;
  private static final long HOUR = 3_600_000L;

  private final long grace;
  private final long staleAfter;
  private final long forgetAfter;
  private final long maxFutureSkew;
  private final Function<byte[], TelemetryEvent> decoder;

  /** An oracle applying the given time rules to events in single-object encoding. */
  public KpiOracle(Duration grace, Duration staleAfter, Duration forgetAfter, Duration maxFutureSkew) {
    this(grace, staleAfter, forgetAfter, maxFutureSkew, Topics.TELEMETRY_SERDE::decode);
  }

  private KpiOracle(Duration grace, Duration staleAfter, Duration forgetAfter, Duration maxFutureSkew,
      Function<byte[], TelemetryEvent> decoder) {
    this.grace = grace.toMillis();
    this.staleAfter = staleAfter.toMillis();
    this.forgetAfter = forgetAfter.toMillis();
    this.maxFutureSkew = maxFutureSkew.toMillis();
    this.decoder = decoder;
  }

  /** The same oracle reading events with {@code decoder}, which throws for what is not an event. */
  public KpiOracle decodingWith(Function<byte[], TelemetryEvent> decoder) {
    return new KpiOracle(Duration.ofMillis(grace), Duration.ofMillis(staleAfter), Duration.ofMillis(forgetAfter),
        Duration.ofMillis(maxFutureSkew), decoder);
  }

  /**
   * The sums of one entity (machine or site) and window.
   *
   * @param id machine or site id
   * @param windowStart epoch millis
   * @param windowEnd epoch millis
   * @param stateMillis PRODUCTIVE, STANDBY, ENGINEERING, SCHEDULED_DOWN, UNSCHEDULED_DOWN,
   *     NON_SCHEDULED, UNKNOWN
   * @param unitsTotal units completed
   * @param unitsGood units that passed
   * @param machinesReporting 1 for a machine; for a site, the machines summed
   */
  public record Window(String id, long windowStart, long windowEnd, long[] stateMillis,
      long unitsTotal, long unitsGood, int machinesReporting) {

    /** Equality on values, arrays included. */
    @Override
    public boolean equals(Object other) {
      return other instanceof Window w && id.equals(w.id) && windowStart == w.windowStart
          && windowEnd == w.windowEnd && java.util.Arrays.equals(stateMillis, w.stateMillis)
          && unitsTotal == w.unitsTotal && unitsGood == w.unitsGood
          && machinesReporting == w.machinesReporting;
    }

    @Override
    public int hashCode() {
      return java.util.Objects.hash(id, windowStart, windowEnd, java.util.Arrays.hashCode(stateMillis),
          unitsTotal, unitsGood, machinesReporting);
    }

    @Override
    public String toString() {
      return id + "@" + java.time.Instant.ofEpochMilli(windowStart) + "/" + (windowEnd - windowStart)
          + "ms states=" + java.util.Arrays.toString(stateMillis) + " units=" + unitsGood + "/"
          + unitsTotal + " machines=" + machinesReporting;
    }
  }

  /**
   * What the topology must produce for one input.
   *
   * @param machineMinutes machine KPI per {@code machineId@windowStartMillis}
   * @param siteMinutes site KPI per {@code siteId@windowStartMillis}, 1-minute windows
   * @param siteHours site KPI per {@code siteId@windowStartMillis}, 1-hour windows
   * @param late the late events, in partition and offset order
   * @param siteMinuteFinal whether each site minute is final
   * @param deadLetters DLQ records per reason (corrupt, invalid-field, unknown-machine, future-skew)
   * @param duplicates accepted-id repeats that were dropped
   * @param held events ahead of their partition's clock still waiting at the end of the input
   */
  public record Result(Map<String, Window> machineMinutes, Map<String, Window> siteMinutes,
      Map<String, Window> siteHours, List<TelemetryEvent> late, Map<String, Boolean> siteMinuteFinal,
      Map<String, Long> deadLetters, long duplicates, long held) {}

  /**
   * Recomputes everything from the telemetry records (in partition and offset order) and the
   * machines on {@code plant.machines}. Result maps are keyed {@code id@windowStartMillis}.
   */
  public Result compute(List<ConsumerRecord<byte[], byte[]>> records, Map<String, MachineInfo> machines) {
    Map<Integer, List<ConsumerRecord<byte[], byte[]>>> byPartition = new TreeMap<>();
    for (ConsumerRecord<byte[], byte[]> record : records) {
      byPartition.computeIfAbsent(record.partition(), p -> new ArrayList<>()).add(record);
    }
    List<TelemetryEvent> late = new ArrayList<>();
    Map<String, Long> deadLetters = new TreeMap<>();
    Map<String, List<ConsumerRecord<String, TelemetryEvent>>> acceptedByMachine = new TreeMap<>();
    Map<String, Long> finalBoundaryOfMachine = new HashMap<>();
    long duplicates = 0;
    long held = 0;
    long highestBoundary = Long.MIN_VALUE;
    for (List<ConsumerRecord<byte[], byte[]>> inPartition : byPartition.values()) {
      inPartition.sort(Comparator.comparingLong(ConsumerRecord::offset));
      Partition partition = new Partition(late, deadLetters, acceptedByMachine);
      for (ConsumerRecord<byte[], byte[]> raw : inPartition) {
        TelemetryEvent event;
        try {
          event = decoder.apply(raw.value());
        } catch (RuntimeException corrupt) {
          deadLetters.merge("corrupt", 1L, Long::sum);
          continue;
        }
        String key = raw.key() == null ? null : new String(raw.key(), StandardCharsets.UTF_8);
        String rejection = rejection(key, event, machines.get(event.getMachineId()));
        if (rejection != null) {
          deadLetters.merge(rejection, 1L, Long::sum);
          continue;
        }
        partition.offer(new ConsumerRecord<>(raw.topic(), raw.partition(), raw.offset(), key, event));
      }
      duplicates += partition.duplicates;
      held += partition.held.size();
      long finalBoundary = boundary(partition.maxTime);
      partition.lastAccepted.keySet().forEach(machine -> finalBoundaryOfMachine.put(machine, finalBoundary));
      if (partition.maxTime != Long.MIN_VALUE) {
        highestBoundary = Math.max(highestBoundary, finalBoundary);
      }
    }

    Map<String, Window> machineMinutes = new TreeMap<>();
    for (var entry : acceptedByMachine.entrySet()) {
      machineMinutes.putAll(machineWindows(entry.getValue(), finalBoundaryOfMachine.get(entry.getKey())));
    }

    Map<String, Window> siteMinutes = new TreeMap<>();
    Map<String, Window> machineHours = new TreeMap<>();
    Map<String, Window> siteHours = new TreeMap<>();
    for (Window minute : machineMinutes.values()) {
      String site = siteOf(minute.id(), acceptedByMachine);
      sum(siteMinutes, site, minute.windowStart(), MINUTE, minute, 1);
      long hourStart = Math.floorDiv(minute.windowStart(), HOUR) * HOUR;
      if (hourStart + HOUR <= finalBoundaryOfMachine.get(minute.id())) {
        sum(machineHours, minute.id(), hourStart, HOUR, minute, 0);
      }
    }
    for (Window hour : machineHours.values()) {
      Window counted = new Window(hour.id(), hour.windowStart(), hour.windowEnd(), hour.stateMillis(),
          hour.unitsTotal(), hour.unitsGood(), 1);
      sum(siteHours, siteOf(hour.id(), acceptedByMachine), hour.windowStart(), HOUR, counted, 1);
    }
    Map<String, Boolean> siteFinal = new TreeMap<>();
    for (var entry : siteMinutes.entrySet()) {
      siteFinal.put(entry.getKey(), entry.getValue().windowEnd() <= highestBoundary);
    }
    return new Result(machineMinutes, siteMinutes, siteHours, late, siteFinal, deadLetters, duplicates, held);
  }

  /** The DLQ reason for an event that must not be counted, or null. */
  private String rejection(String key, TelemetryEvent event, MachineInfo machine) {
    if (!event.getMachineId().equals(key)) {
      return "invalid-field";
    }
    if (machine == null) {
      return "unknown-machine";
    }
    if (!machine.getSiteId().equals(event.getSiteId()) || !machine.getLineId().equals(event.getLineId())) {
      return "invalid-field";
    }
    if (event.getPayload() instanceof SensorReading reading && !Double.isFinite(reading.getValue())) {
      return "invalid-field";
    }
    return null;
  }

  /** One partition's clock and what it has seen, fed its valid events in offset order. */
  private final class Partition {
    final List<TelemetryEvent> late;
    final Map<String, Long> deadLetters;
    final Map<String, List<ConsumerRecord<String, TelemetryEvent>>> acceptedByMachine;
    final java.util.Set<String> acceptedEvents = new java.util.HashSet<>();
    final Map<String, Long> lastAccepted = new HashMap<>();
    final List<ConsumerRecord<String, TelemetryEvent>> held = new ArrayList<>();
    long maxTime = Long.MIN_VALUE;
    long duplicates;

    Partition(List<TelemetryEvent> late, Map<String, Long> deadLetters,
        Map<String, List<ConsumerRecord<String, TelemetryEvent>>> acceptedByMachine) {
      this.late = late;
      this.deadLetters = deadLetters;
      this.acceptedByMachine = acceptedByMachine;
    }

    void offer(ConsumerRecord<String, TelemetryEvent> record) {
      if (ahead(record)) {
        held.add(record);
        Long agreed = agreedTime();
        if (agreed != null) {
          maxTime = agreed;
          settleHeld();
        }
        return;
      }
      admit(record);
      settleHeld();
    }

    private boolean ahead(ConsumerRecord<String, TelemetryEvent> record) {
      return maxTime != Long.MIN_VALUE && time(record) > maxTime + maxFutureSkew;
    }

    /** Earliest time where held events of a majority of live machines lie within maxFutureSkew. */
    private Long agreedTime() {
      long live = lastAccepted.values().stream().filter(t -> t > maxTime - forgetAfter).count();
      long needed = Math.max(2, live / 2 + 1);
      Long agreed = null;
      for (ConsumerRecord<String, TelemetryEvent> first : held) {
        long from = time(first);
        long machines = held.stream().filter(r -> time(r) >= from && time(r) <= from + maxFutureSkew)
            .map(r -> r.value().getMachineId()).distinct().count();
        if (machines >= needed && (agreed == null || from < agreed)) {
          agreed = from;
        }
      }
      if (agreed != null) {
        return agreed;
      }
      long[] times = held.stream().mapToLong(Partition::time).sorted().toArray();
      for (int start = 0; start < times.length; start++) {
        int end = start;
        while (end + 1 < times.length && times[end + 1] - times[end] <= maxFutureSkew) {
          end++;
          if (times[end] - times[start] > maxFutureSkew) {
            return times[start];
          }
        }
        start = end;
      }
      return null;
    }

    private void settleHeld() {
      List<ConsumerRecord<String, TelemetryEvent>> settling = new ArrayList<>(held);
      held.clear();
      for (ConsumerRecord<String, TelemetryEvent> record : settling) {
        if (ahead(record)) {
          deadLetters.merge("future-skew", 1L, Long::sum);
        } else {
          admit(record);
        }
      }
    }

    private void admit(ConsumerRecord<String, TelemetryEvent> record) {
      TelemetryEvent event = record.value();
      long time = time(record);
      if (maxTime != Long.MIN_VALUE && time < boundary(maxTime)) {
        late.add(event);
        return;
      }
      if (!acceptedEvents.add(event.getEventId() + '|' + event.getMachineId() + '|' + time)) {
        duplicates++;
        return;
      }
      maxTime = Math.max(maxTime, time);
      lastAccepted.merge(event.getMachineId(), time, Math::max);
      acceptedByMachine.computeIfAbsent(event.getMachineId(), m -> new ArrayList<>()).add(record);
    }

    private static long time(ConsumerRecord<String, TelemetryEvent> record) {
      return record.value().getEventTime().toEpochMilli();
    }
  }

  private long boundary(long streamTime) {
    return Math.floorDiv(streamTime - grace, MINUTE) * MINUTE;
  }

  private Map<String, Window> machineWindows(List<ConsumerRecord<String, TelemetryEvent>> accepted,
      long finalBoundary) {
    accepted.sort(Comparator.<ConsumerRecord<String, TelemetryEvent>>comparingLong(
        r -> r.value().getEventTime().toEpochMilli()).thenComparingLong(ConsumerRecord::offset));
    String machine = accepted.get(0).value().getMachineId();
    Map<Long, long[]> states = new TreeMap<>();
    Map<Long, long[]> units = new TreeMap<>();
    Integer state = null;
    long lastEvent = Long.MIN_VALUE;
    for (int i = 0; i < accepted.size(); i++) {
      TelemetryEvent event = accepted.get(i).value();
      long time = event.getEventTime().toEpochMilli();
      if (time >= finalBoundary) {
        break;
      }
      if (lastEvent != Long.MIN_VALUE && time - lastEvent >= forgetAfter) {
        state = null;
      }
      lastEvent = time;
      Object payload = event.getPayload();
      if (payload instanceof StateChange change) {
        state = change.getState().ordinal();
      } else if (payload instanceof Heartbeat heartbeat) {
        state = heartbeat.getState().ordinal();
      } else if (payload instanceof UnitCompleted unit) {
        long[] u = units.computeIfAbsent(Math.floorDiv(time, MINUTE) * MINUTE, w -> new long[2]);
        u[0]++;
        if (unit.getOutcome() == UnitOutcome.PASS) {
          u[1]++;
        }
      }
      long next = finalBoundary;
      if (i + 1 < accepted.size()) {
        next = Math.min(next, accepted.get(i + 1).value().getEventTime().toEpochMilli());
      }
      integrate(states, time, Math.min(next, time + staleAfter), state == null ? UNKNOWN : state);
      integrate(states, time + staleAfter, Math.min(next, time + forgetAfter), UNKNOWN);
    }
    Map<String, Window> windows = new TreeMap<>();
    TreeMap<Long, Boolean> starts = new TreeMap<>();
    states.keySet().forEach(s -> starts.put(s, true));
    units.keySet().forEach(s -> starts.put(s, true));
    for (long start : starts.keySet()) {
      if (start + MINUTE > finalBoundary) {
        continue;
      }
      long[] s = states.getOrDefault(start, new long[7]);
      long[] u = units.getOrDefault(start, new long[2]);
      windows.put(machine + "@" + start, new Window(machine, start, start + MINUTE, s.clone(), u[0], u[1], 1));
    }
    return windows;
  }

  /** Adds [from, to) to the per-minute state sums, cut at minute boundaries. */
  private static void integrate(Map<Long, long[]> states, long from, long to, int state) {
    for (long minute = Math.floorDiv(from, MINUTE) * MINUTE; minute < to; minute += MINUTE) {
      long overlap = Math.min(to, minute + MINUTE) - Math.max(from, minute);
      if (overlap > 0) {
        states.computeIfAbsent(minute, m -> new long[7])[state] += overlap;
      }
    }
  }

  private static void sum(Map<String, Window> into, String id, long start, long size, Window part,
      int machines) {
    into.merge(id + "@" + start,
        new Window(id, start, start + size, part.stateMillis().clone(), part.unitsTotal(),
            part.unitsGood(), machines),
        (a, b) -> {
          long[] s = a.stateMillis().clone();
          for (int i = 0; i < s.length; i++) {
            s[i] += b.stateMillis()[i];
          }
          return new Window(id, start, start + size, s, a.unitsTotal() + b.unitsTotal(),
              a.unitsGood() + b.unitsGood(), a.machinesReporting() + b.machinesReporting());
        });
  }

  private static String siteOf(String machine,
      Map<String, List<ConsumerRecord<String, TelemetryEvent>>> acceptedByMachine) {
    return acceptedByMachine.get(machine).get(0).value().getSiteId();
  }
}
