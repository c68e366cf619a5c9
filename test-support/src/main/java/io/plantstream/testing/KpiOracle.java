package io.plantstream.testing;

import io.plantstream.avro.EquipmentState;
import io.plantstream.avro.Heartbeat;
import io.plantstream.avro.MachineInfo;
import io.plantstream.avro.SensorReading;
import io.plantstream.avro.ShiftInfo;
import io.plantstream.avro.SiteInfo;
import io.plantstream.avro.StateChange;
import io.plantstream.avro.TelemetryEvent;
import io.plantstream.avro.UnitCompleted;
import io.plantstream.avro.UnitOutcome;
import io.plantstream.schemas.KpiKeys;
import io.plantstream.schemas.Topics;
import java.nio.charset.StandardCharsets;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
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
 *
 * <p>Losses: the state's reason is the reason of the state change that set it ({@code UNSPECIFIED}
 * without one), kept by a heartbeat in the same state, {@code UNSPECIFIED} after a heartbeat in
 * another state and in UNKNOWN time. A failure is a state change or heartbeat into
 * UNSCHEDULED_DOWN while the machine's state (set, not forgotten) was another one. Failed units
 * count per defect code ({@code UNSPECIFIED} without one).
 *
 * <p>Shifts and days: each site's calendar ({@code SiteInfo}) is expanded date by date: a shift
 * starting on local date D (a weekday it lists, not a holiday) is {@code [D from, D' to)} in the
 * site's zone, resolved by {@link ZonedDateTime#of}; a day is local midnight to local midnight. A
 * machine minute belongs to the shift and the day that contain its start (days in UTC and no
 * shifts for a site without calendar). A machine's shift or day counts once its partition's final
 * boundary is at or after its end, as its hours do; a site's shift or day is the sum of those.
 */
public final class KpiOracle {

  /** States in the order of {@link Window#stateMillis}: the six E10 states, then UNKNOWN. */
  public static final int UNKNOWN = 6;
  /** The reason of a state set without one, of UNKNOWN time, the defect code of a unit without one. */
  public static final String UNSPECIFIED = "UNSPECIFIED";
  /** State names as they appear in {@code STATE/REASON} keys, in the order of {@link Window#stateMillis}. */
  public static final List<String> STATE_NAMES = List.of("PRODUCTIVE", "STANDBY", "ENGINEERING", "SCHEDULED_DOWN",
      "UNSCHEDULED_DOWN", "NON_SCHEDULED", "UNKNOWN");

  private static final long MINUTE = 60_000L;
  private static final long HOUR = 3_600_000L;
  private static final int UNSCHEDULED_DOWN = 4;

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
   * @param stateReasonMillis milliseconds per {@code STATE/REASON}, no zero entries
   * @param defectUnits failed units per defect code
   * @param failures entries into UNSCHEDULED_DOWN
   * @param idealProductiveMillis ideal cycle times units, summed over machines with a known ideal cycle
   * @param oeeProductiveMillis PRODUCTIVE time of the machines with a known ideal cycle
   * @param localDate the site's local date of a shift or day window, else null
   * @param shift the shift's name of a shift window, else null
   * @param mtbfMillis of a machine day with failures: PRODUCTIVE / failures, rounded down; else null
   * @param mttrMillis of a machine day with failures: UNSCHEDULED_DOWN / failures, rounded down; else null
   */
  public record Window(String id, long windowStart, long windowEnd, long[] stateMillis,
      long unitsTotal, long unitsGood, int machinesReporting, Map<String, Long> stateReasonMillis,
      Map<String, Long> defectUnits, int failures, long idealProductiveMillis, long oeeProductiveMillis,
      String localDate, String shift, Long mtbfMillis, Long mttrMillis) {

    /** Copies the array and the maps (sorted, unmodifiable). */
    public Window {
      stateMillis = stateMillis.clone();
      stateReasonMillis = Collections.unmodifiableMap(new TreeMap<>(stateReasonMillis));
      defectUnits = Collections.unmodifiableMap(new TreeMap<>(defectUnits));
    }

    /** PRODUCTIVE milliseconds. */
    public long productiveMillis() {
      return stateMillis[0];
    }

    /** Equality on values, arrays included. */
    @Override
    public boolean equals(Object other) {
      return other instanceof Window w && id.equals(w.id) && windowStart == w.windowStart
          && windowEnd == w.windowEnd && Arrays.equals(stateMillis, w.stateMillis)
          && unitsTotal == w.unitsTotal && unitsGood == w.unitsGood
          && machinesReporting == w.machinesReporting && stateReasonMillis.equals(w.stateReasonMillis)
          && defectUnits.equals(w.defectUnits) && failures == w.failures
          && idealProductiveMillis == w.idealProductiveMillis && oeeProductiveMillis == w.oeeProductiveMillis
          && Objects.equals(localDate, w.localDate) && Objects.equals(shift, w.shift)
          && Objects.equals(mtbfMillis, w.mtbfMillis) && Objects.equals(mttrMillis, w.mttrMillis);
    }

    @Override
    public int hashCode() {
      return Objects.hash(id, windowStart, windowEnd, Arrays.hashCode(stateMillis), unitsTotal, unitsGood,
          machinesReporting, stateReasonMillis, defectUnits, failures, idealProductiveMillis, oeeProductiveMillis,
          localDate, shift, mtbfMillis, mttrMillis);
    }

    @Override
    public String toString() {
      return id + "@" + Instant.ofEpochMilli(windowStart) + "/" + (windowEnd - windowStart)
          + "ms" + (localDate == null ? "" : " date=" + localDate) + (shift == null ? "" : " shift=" + shift)
          + " states=" + Arrays.toString(stateMillis) + " reasons=" + stateReasonMillis + " units=" + unitsGood + "/"
          + unitsTotal + " defects=" + defectUnits + " failures=" + failures + " ideal=" + idealProductiveMillis
          + "/" + oeeProductiveMillis + (mtbfMillis == null && mttrMillis == null ? ""
          : " mtbf=" + mtbfMillis + " mttr=" + mttrMillis) + " machines=" + machinesReporting;
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
   * @param siteShifts site KPI per shift, keyed as on the topic: {@code siteId@<shift start, ISO-8601 UTC>}
   * @param siteDays site KPI per local day, keyed as on the topic: {@code siteId@<local date>}
   * @param machineDays machine KPI and reliability per local day of its site, keyed as on the
   *     topic: {@code machineId@<local date>}
   */
  public record Result(Map<String, Window> machineMinutes, Map<String, Window> siteMinutes,
      Map<String, Window> siteHours, List<TelemetryEvent> late, Map<String, Boolean> siteMinuteFinal,
      Map<String, Long> deadLetters, long duplicates, long held, Map<String, Window> siteShifts,
      Map<String, Window> siteDays, Map<String, Window> machineDays) {}

  /**
   * One shift of a site's calendar on one local date.
   *
   * @param siteId the site
   * @param shift the shift's name
   * @param localDate the local date it starts on
   * @param start its first instant
   * @param end the instant after its last
   */
  public record ShiftInstance(String siteId, String shift, LocalDate localDate, Instant start, Instant end) {

    /** Its key on the shift topic: {@code siteId@<start>}. */
    public String key() {
      return KpiKeys.of(siteId, start.toEpochMilli());
    }

    /** True when {@code at} is in {@code [start, end)}. */
    public boolean contains(long at) {
      return start.toEpochMilli() <= at && at < end.toEpochMilli();
    }
  }

  /**
   * The shifts of {@code site} that start on the local date {@code date}, in calendar order: none on
   * a holiday; each shift whose days include the date's weekday, from {@code date} at its
   * {@code from} to its {@code to} on the same date, or the next one when {@code to} is at or before
   * {@code from}, both resolved in the site's zone as {@link ZonedDateTime#of} does.
   */
  public static List<ShiftInstance> shifts(SiteInfo site, LocalDate date) {
    if (site.getHolidays().stream().map(LocalDate::parse).anyMatch(date::equals)) {
      return List.of();
    }
    ZoneId zone = ZoneId.of(site.getTimeZone());
    List<ShiftInstance> shifts = new ArrayList<>();
    for (ShiftInfo shift : site.getShifts()) {
      if (!shift.getDays().stream().map(DayOfWeek::valueOf).toList().contains(date.getDayOfWeek())) {
        continue;
      }
      LocalTime from = LocalTime.parse(shift.getFrom());
      LocalTime to = LocalTime.parse(shift.getTo());
      LocalDate endDate = to.isAfter(from) ? date : date.plusDays(1);
      shifts.add(new ShiftInstance(site.getSiteId(), shift.getName(), date,
          ZonedDateTime.of(date, from, zone).toInstant(), ZonedDateTime.of(endDate, to, zone).toInstant()));
    }
    return shifts;
  }

  /** The zone of {@code site}'s days: its calendar's, UTC without one. */
  public static ZoneId zoneOf(SiteInfo site) {
    return site == null ? ZoneOffset.UTC : ZoneId.of(site.getTimeZone());
  }

  /** The bounds {start, end} in epoch millis of the local day {@code date} in {@code zone}: midnight to midnight. */
  public static long[] day(LocalDate date, ZoneId zone) {
    return new long[] {date.atStartOfDay(zone).toInstant().toEpochMilli(),
        date.plusDays(1).atStartOfDay(zone).toInstant().toEpochMilli()};
  }

  /**
   * Recomputes everything from the telemetry records (in partition and offset order) and the
   * machines on {@code plant.machines}, with no site calendar: days in UTC, no shifts.
   */
  public Result compute(List<ConsumerRecord<byte[], byte[]>> records, Map<String, MachineInfo> machines) {
    return compute(records, machines, Map.of());
  }

  /**
   * Recomputes everything from the telemetry records (in partition and offset order), the machines
   * on {@code plant.machines} and the site calendars on {@code plant.sites} by site id. The minute
   * and hour maps are keyed {@code id@windowStartMillis}, the shift and day maps as their topics.
   */
  public Result compute(List<ConsumerRecord<byte[], byte[]>> records, Map<String, MachineInfo> machines,
      Map<String, SiteInfo> sites) {
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
      machineMinutes.putAll(machineWindows(entry.getValue(), finalBoundaryOfMachine.get(entry.getKey()),
          machines.get(entry.getKey())));
    }

    Map<String, Sums> siteMinutes = new TreeMap<>();
    Map<String, Sums> machineHours = new TreeMap<>();
    Map<String, Sums> siteShifts = new TreeMap<>();
    Map<String, Sums> siteDays = new TreeMap<>();
    Map<String, Sums> machineDays = new TreeMap<>();
    Map<String, Calendar> calendars = new HashMap<>();
    for (Window minute : machineMinutes.values()) {
      String machine = minute.id();
      String site = siteOf(machine, acceptedByMachine);
      long start = minute.windowStart();
      long finalBoundary = finalBoundaryOfMachine.get(machine);
      add(siteMinutes, site + "@" + start, site, start, start + MINUTE, null, null, minute);
      long hourStart = Math.floorDiv(start, HOUR) * HOUR;
      if (hourStart + HOUR <= finalBoundary) {
        add(machineHours, machine + "@" + hourStart, machine, hourStart, hourStart + HOUR, null, null, minute);
      }
      Calendar calendar = calendars.computeIfAbsent(site, id -> new Calendar(sites.get(id)));
      LocalDate date = Instant.ofEpochMilli(start).atZone(calendar.zone).toLocalDate();
      long[] day = day(date, calendar.zone);
      if (day[1] <= finalBoundary) {
        add(machineDays, KpiKeys.ofDate(machine, date), machine, day[0], day[1], date.toString(), null, minute);
        add(siteDays, KpiKeys.ofDate(site, date), site, day[0], day[1], date.toString(), null, minute);
      }
      ShiftInstance shift = calendar.shiftAt(start);
      if (shift != null && shift.end().toEpochMilli() <= finalBoundary) {
        add(siteShifts, shift.key(), site, shift.start().toEpochMilli(), shift.end().toEpochMilli(),
            shift.localDate().toString(), shift.shift(), minute);
      }
    }
    Map<String, Sums> siteHours = new TreeMap<>();
    for (Sums hour : machineHours.values()) {
      String site = siteOf(hour.id, acceptedByMachine);
      add(siteHours, site + "@" + hour.start, site, hour.start, hour.end, null, null, hour.window(false));
    }
    Map<String, Window> siteMinuteWindows = windows(siteMinutes, false);
    Map<String, Boolean> siteFinal = new TreeMap<>();
    for (var entry : siteMinuteWindows.entrySet()) {
      siteFinal.put(entry.getKey(), entry.getValue().windowEnd() <= highestBoundary);
    }
    return new Result(machineMinutes, siteMinuteWindows, windows(siteHours, false), late, siteFinal, deadLetters,
        duplicates, held, windows(siteShifts, false), windows(siteDays, false), windows(machineDays, true));
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

  /** The sums of one machine's 1-minute windows, while its timeline is walked. */
  private static final class Minute {
    final long[] states = new long[7];
    final Map<String, Long> reasons = new TreeMap<>();
    final Map<String, Long> defects = new TreeMap<>();
    long total;
    long good;
    int failures;
  }

  private Map<String, Window> machineWindows(List<ConsumerRecord<String, TelemetryEvent>> accepted,
      long finalBoundary, MachineInfo info) {
    accepted.sort(Comparator.<ConsumerRecord<String, TelemetryEvent>>comparingLong(
        r -> r.value().getEventTime().toEpochMilli()).thenComparingLong(ConsumerRecord::offset));
    String machine = accepted.get(0).value().getMachineId();
    Map<Long, Minute> minutes = new TreeMap<>();
    Integer state = null;
    String reason = null;
    long lastEvent = Long.MIN_VALUE;
    for (int i = 0; i < accepted.size(); i++) {
      TelemetryEvent event = accepted.get(i).value();
      long time = event.getEventTime().toEpochMilli();
      if (time >= finalBoundary) {
        break;
      }
      if (lastEvent != Long.MIN_VALUE && time - lastEvent >= forgetAfter) {
        state = null;
        reason = null;
      }
      lastEvent = time;
      Object payload = event.getPayload();
      Integer entered = null;
      String enteredReason = null;
      if (payload instanceof StateChange change) {
        entered = change.getState().ordinal();
        enteredReason = change.getReason() == null ? UNSPECIFIED : change.getReason();
      } else if (payload instanceof Heartbeat heartbeat) {
        entered = heartbeat.getState().ordinal();
        enteredReason = entered.equals(state) ? reason : UNSPECIFIED;
      } else if (payload instanceof UnitCompleted unit) {
        Minute m = minutes.computeIfAbsent(Math.floorDiv(time, MINUTE) * MINUTE, w -> new Minute());
        m.total++;
        if (unit.getOutcome() == UnitOutcome.PASS) {
          m.good++;
        } else {
          m.defects.merge(unit.getDefectCode() == null ? UNSPECIFIED : unit.getDefectCode(), 1L, Long::sum);
        }
      }
      if (entered != null) {
        if (entered == UNSCHEDULED_DOWN && state != null && state != UNSCHEDULED_DOWN) {
          minutes.computeIfAbsent(Math.floorDiv(time, MINUTE) * MINUTE, w -> new Minute()).failures++;
        }
        state = entered;
        reason = enteredReason;
      }
      long next = finalBoundary;
      if (i + 1 < accepted.size()) {
        next = Math.min(next, accepted.get(i + 1).value().getEventTime().toEpochMilli());
      }
      if (state == null) {
        integrate(minutes, time, Math.min(next, time + staleAfter), UNKNOWN, UNSPECIFIED);
      } else {
        integrate(minutes, time, Math.min(next, time + staleAfter), state, reason);
      }
      integrate(minutes, time + staleAfter, Math.min(next, time + forgetAfter), UNKNOWN, UNSPECIFIED);
    }
    Long idealCycle = info == null ? null : info.getIdealCycleMillis();
    Map<String, Window> windows = new TreeMap<>();
    for (var entry : minutes.entrySet()) {
      long start = entry.getKey();
      Minute m = entry.getValue();
      if (start + MINUTE > finalBoundary || (Arrays.stream(m.states).sum() == 0 && m.total == 0)) {
        continue;
      }
      windows.put(machine + "@" + start, new Window(machine, start, start + MINUTE, m.states, m.total, m.good, 1,
          m.reasons, m.defects, m.failures, idealCycle == null ? 0 : idealCycle * m.total,
          idealCycle == null ? 0 : m.states[0], null, null, null, null));
    }
    return windows;
  }

  /** Adds [from, to) in {@code state} for {@code reason} to the per-minute sums, cut at minute boundaries. */
  private static void integrate(Map<Long, Minute> minutes, long from, long to, int state, String reason) {
    for (long minute = Math.floorDiv(from, MINUTE) * MINUTE; minute < to; minute += MINUTE) {
      long overlap = Math.min(to, minute + MINUTE) - Math.max(from, minute);
      if (overlap > 0) {
        Minute m = minutes.computeIfAbsent(minute, w -> new Minute());
        m.states[state] += overlap;
        m.reasons.merge(STATE_NAMES.get(state) + "/" + reason, overlap, Long::sum);
      }
    }
  }

  /** A site's calendar: its zone, and its shifts expanded date by date as they are asked for. */
  private static final class Calendar {
    final SiteInfo site;
    final ZoneId zone;
    final Map<LocalDate, List<ShiftInstance>> byDate = new HashMap<>();

    Calendar(SiteInfo site) {
      this.site = site;
      this.zone = zoneOf(site);
    }

    /** The shift that contains {@code at}, or null. */
    ShiftInstance shiftAt(long at) {
      if (site == null) {
        return null;
      }
      // A shift lasts at most a day, so one that contains at starts on its local date or the day before.
      LocalDate date = Instant.ofEpochMilli(at).atZone(zone).toLocalDate();
      for (LocalDate starting : List.of(date.minusDays(1), date)) {
        for (ShiftInstance shift : byDate.computeIfAbsent(starting, d -> shifts(site, d))) {
          if (shift.contains(at)) {
            return shift;
          }
        }
      }
      return null;
    }
  }

  /** Sums of windows into one window of an entity, and the machines that contributed. */
  private static final class Sums {
    final String id;
    final long start;
    final long end;
    final String localDate;
    final String shift;
    final long[] states = new long[7];
    final Map<String, Long> reasons = new TreeMap<>();
    final Map<String, Long> defects = new TreeMap<>();
    final Set<String> machines = new TreeSet<>();
    long total;
    long good;
    int failures;
    long idealProductive;
    long oeeProductive;

    Sums(String id, long start, long end, String localDate, String shift) {
      this.id = id;
      this.start = start;
      this.end = end;
      this.localDate = localDate;
      this.shift = shift;
    }

    void add(Window part) {
      for (int i = 0; i < states.length; i++) {
        states[i] += part.stateMillis()[i];
      }
      part.stateReasonMillis().forEach((key, millis) -> reasons.merge(key, millis, Long::sum));
      part.defectUnits().forEach((code, units) -> defects.merge(code, units, Long::sum));
      machines.add(part.id());
      total += part.unitsTotal();
      good += part.unitsGood();
      failures += part.failures();
      idealProductive += part.idealProductiveMillis();
      oeeProductive += part.oeeProductiveMillis();
    }

    /** The window; with {@code reliability}, MTBF and MTTR (null without failures). */
    Window window(boolean reliability) {
      Long mtbf = reliability && failures > 0 ? states[0] / failures : null;
      Long mttr = reliability && failures > 0 ? states[UNSCHEDULED_DOWN] / failures : null;
      return new Window(id, start, end, states, total, good, machines.size(), reasons, defects, failures,
          idealProductive, oeeProductive, localDate, shift, mtbf, mttr);
    }
  }

  private static void add(Map<String, Sums> into, String key, String id, long start, long end, String localDate,
      String shift, Window part) {
    into.computeIfAbsent(key, k -> new Sums(id, start, end, localDate, shift)).add(part);
  }

  private static Map<String, Window> windows(Map<String, Sums> sums, boolean reliability) {
    Map<String, Window> windows = new TreeMap<>();
    sums.forEach((key, sum) -> windows.put(key, sum.window(reliability)));
    return windows;
  }

  private static String siteOf(String machine,
      Map<String, List<ConsumerRecord<String, TelemetryEvent>>> acceptedByMachine) {
    return acceptedByMachine.get(machine).get(0).value().getSiteId();
  }
}
