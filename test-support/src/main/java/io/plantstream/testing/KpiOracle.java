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
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * A plain batch recomputation of the KPIs from the input topic, written from the rules in the
 * README and SPEC §4 and sharing no code with the topology, so that comparing the two proves the
 * topology right.
 *
 * <p>Read the telemetry topic in partition and offset order. Per partition, with {@code maxTime}
 * the largest time of the events accepted before and {@code boundary = floor((maxTime - grace) /
 * 1 min) * 1 min}, each record is, in this order of checks: corrupt (does not decode), invalid
 * (key is not the machine id, site or line not the machine's, non-finite sensor value), of an
 * unknown machine, from the future (time more than maxFutureSkew after {@code maxTime}) — these
 * four go to the DLQ —, late (time before {@code boundary}), a duplicate (an id accepted before
 * whose time is after {@code boundary - dedupHorizon}), or accepted. Per machine, the accepted
 * events sorted by (time, offset) define a timeline:
 * between two events the machine is in the state of its latest state change or heartbeat
 * (UNKNOWN before any), except that time more than {@code staleAfter} after an event is UNKNOWN and
 * time more than {@code forgetAfter} after it is not counted. A window is emitted when its
 * partition's final boundary is at or after its end, and exists when it holds counted time or units.
 */
public final class KpiOracle {

  /** States in the order of {@link Window#stateMillis}: the six E10 states, then UNKNOWN. */
  public static final int UNKNOWN = 6;

  private static final long MINUTE = 60_000L;
  private static final long HOUR = 3_600_000L;

  private final long grace;
  private final long staleAfter;
  private final long forgetAfter;
  private final long dedupHorizon;
  private final long maxFutureSkew;

  /** An oracle applying the given time rules. */
  public KpiOracle(Duration grace, Duration staleAfter, Duration forgetAfter, Duration dedupHorizon,
      Duration maxFutureSkew) {
    this.grace = grace.toMillis();
    this.staleAfter = staleAfter.toMillis();
    this.forgetAfter = forgetAfter.toMillis();
    this.dedupHorizon = dedupHorizon.toMillis();
    this.maxFutureSkew = maxFutureSkew.toMillis();
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
   */
  public record Result(Map<String, Window> machineMinutes, Map<String, Window> siteMinutes,
      Map<String, Window> siteHours, List<TelemetryEvent> late, Map<String, Boolean> siteMinuteFinal,
      Map<String, Long> deadLetters, long duplicates) {}

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
    long duplicates = 0;
    Map<String, List<ConsumerRecord<String, TelemetryEvent>>> acceptedByMachine = new TreeMap<>();
    Map<String, Long> finalBoundaryOfMachine = new HashMap<>();
    for (List<ConsumerRecord<byte[], byte[]>> partition : byPartition.values()) {
      partition.sort(Comparator.comparingLong(ConsumerRecord::offset));
      long maxTime = Long.MIN_VALUE;
      Map<String, Long> acceptedIds = new HashMap<>();
      List<String> machinesOfPartition = new ArrayList<>();
      for (ConsumerRecord<byte[], byte[]> raw : partition) {
        TelemetryEvent event;
        try {
          event = Topics.TELEMETRY_SERDE.decode(raw.value());
        } catch (RuntimeException corrupt) {
          deadLetters.merge("corrupt", 1L, Long::sum);
          continue;
        }
        String key = raw.key() == null ? null : new String(raw.key(), StandardCharsets.UTF_8);
        long time = event.getEventTime().toEpochMilli();
        String rejection = rejection(key, event, machines.get(event.getMachineId()), time, maxTime);
        if (rejection != null) {
          deadLetters.merge(rejection, 1L, Long::sum);
          continue;
        }
        if (maxTime != Long.MIN_VALUE && time < boundary(maxTime)) {
          late.add(event);
          continue;
        }
        Long seen = acceptedIds.get(event.getEventId());
        if (seen != null && maxTime != Long.MIN_VALUE && seen > boundary(maxTime) - dedupHorizon) {
          duplicates++;
          continue;
        }
        acceptedIds.put(event.getEventId(), time);
        maxTime = Math.max(maxTime, time);
        machinesOfPartition.add(event.getMachineId());
        acceptedByMachine.computeIfAbsent(event.getMachineId(), m -> new ArrayList<>())
            .add(new ConsumerRecord<>(raw.topic(), raw.partition(), raw.offset(), key, event));
      }
      long finalBoundary = boundary(maxTime);
      machinesOfPartition.forEach(machine -> finalBoundaryOfMachine.put(machine, finalBoundary));
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
      String site = entry.getValue().id();
      long known = machines.values().stream().filter(m -> m.getSiteId().equals(site)).count();
      siteFinal.put(entry.getKey(), entry.getValue().machinesReporting() >= known);
    }
    return new Result(machineMinutes, siteMinutes, siteHours, late, siteFinal, deadLetters, duplicates);
  }

  /** The DLQ reason for an event that must not be counted, or null. */
  private String rejection(String key, TelemetryEvent event, MachineInfo machine, long time, long maxTime) {
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
    if (maxTime != Long.MIN_VALUE && time > maxTime + maxFutureSkew) {
      return "future-skew";
    }
    return null;
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
