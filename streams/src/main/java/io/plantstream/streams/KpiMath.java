package io.plantstream.streams;

import io.plantstream.avro.EquipmentState;
import io.plantstream.avro.MachineKpi;
import io.plantstream.avro.SiteKpi;
import io.plantstream.avro.StateMillis;
import io.plantstream.avro.internal.WindowAccumulator;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * The KPI formulas of docs/kpi-rules.md, in one place: ratios are always computed from summed numerators and
 * denominators, never averaged.
 */
public final class KpiMath {

  private KpiMath() {}

  /** The reason or defect code of an event that gave none. */
  public static final String UNSPECIFIED = "UNSPECIFIED";
  /** The name of the state of time no event accounts for, in {@code stateReasonMillis} keys. */
  public static final String UNKNOWN = "UNKNOWN";

  /** The key of {@code stateReasonMillis}: {@code STATE/REASON}; a null state is UNKNOWN, a null reason UNSPECIFIED. */
  public static String stateReason(EquipmentState state, String reason) {
    if (state == null) {
      return UNKNOWN_KEY;
    }
    // Called for every span of every event: the few keys are built once, not concatenated each
    // time (up to a bound, so that input inventing reasons cannot grow the cache without end).
    Map<String, String> keys = STATE_REASON_KEYS[state.ordinal()];
    String code = codeOrUnspecified(reason);
    String key = keys.get(code);
    if (key == null) {
      key = state.name() + '/' + code;
      if (keys.size() < MAX_CACHED_REASONS) {
        keys.put(code, key);
      }
    }
    return key;
  }

  private static final int MAX_CACHED_REASONS = 1_000;

  private static final String UNKNOWN_KEY = UNKNOWN + '/' + UNSPECIFIED;
  @SuppressWarnings("unchecked")
  private static final Map<String, String>[] STATE_REASON_KEYS = Stream.of(EquipmentState.values())
      .map(state -> new ConcurrentHashMap<String, String>()).toArray(Map[]::new);

  /** {@code code}, or {@value #UNSPECIFIED} when it is null. */
  public static String codeOrUnspecified(String code) {
    return code == null ? UNSPECIFIED : code;
  }

  /** Adds {@code amount} to {@code key}'s count, removing the entry when it comes to zero. */
  public static void addCount(Map<String, Long> counts, String key, long amount) {
    if (amount != 0) {
      counts.merge(key, amount, (a, b) -> a + b == 0 ? null : a + b);
    }
  }

  /** Adds every count of {@code source} to {@code target}, {@code sign} times (1 to add, -1 to take out). */
  public static void addCounts(Map<String, Long> target, Map<String, Long> source, int sign) {
    source.forEach((key, amount) -> addCount(target, key, sign * amount));
  }

  /** An empty open window {@code [start, end)}. */
  public static WindowAccumulator emptyWindow(long start, long end) {
    return new WindowAccumulator(start, end, zeroStates(), 0L, 0L, new HashMap<>(), new HashMap<>(), 0);
  }

  /** Adds every sum of a closed window to a larger one that contains it. */
  public static void addWindow(WindowAccumulator target, WindowAccumulator window) {
    addAll(target.getStateMillis(), window.getStateMillis());
    target.setUnitsTotal(target.getUnitsTotal() + window.getUnitsTotal());
    target.setUnitsGood(target.getUnitsGood() + window.getUnitsGood());
    addCounts(target.getStateReasonMillis(), window.getStateReasonMillis(), 1);
    addCounts(target.getDefectUnits(), window.getDefectUnits(), 1);
    target.setFailures(target.getFailures() + window.getFailures());
  }

  /** Adds every sum of a machine's closed 1-minute window to a larger window of that machine. */
  public static void addMinute(WindowAccumulator target, MachineKpi minute) {
    addAll(target.getStateMillis(), minute.getStateMillis());
    target.setUnitsTotal(target.getUnitsTotal() + minute.getUnitsTotal());
    target.setUnitsGood(target.getUnitsGood() + minute.getUnitsGood());
    addCounts(target.getStateReasonMillis(), minute.getStateReasonMillis(), 1);
    addCounts(target.getDefectUnits(), minute.getDefectUnits(), 1);
    target.setFailures(target.getFailures() + minute.getFailures());
  }

  /** An all-zero state breakdown. */
  public static StateMillis zeroStates() {
    return new StateMillis(0L, 0L, 0L, 0L, 0L, 0L, 0L);
  }

  /** Adds {@code millis} to {@code state}'s bucket; a null state is UNKNOWN. */
  public static void add(StateMillis target, EquipmentState state, long millis) {
    if (state == null) {
      target.setUnknown(target.getUnknown() + millis);
      return;
    }
    switch (state) {
      case PRODUCTIVE -> target.setProductive(target.getProductive() + millis);
      case STANDBY -> target.setStandby(target.getStandby() + millis);
      case ENGINEERING -> target.setEngineering(target.getEngineering() + millis);
      case SCHEDULED_DOWN -> target.setScheduledDown(target.getScheduledDown() + millis);
      case UNSCHEDULED_DOWN -> target.setUnscheduledDown(target.getUnscheduledDown() + millis);
      case NON_SCHEDULED -> target.setNonScheduled(target.getNonScheduled() + millis);
    }
  }

  /** Adds every bucket of {@code source} to {@code target}. */
  public static void addAll(StateMillis target, StateMillis source) {
    target.setProductive(target.getProductive() + source.getProductive());
    target.setStandby(target.getStandby() + source.getStandby());
    target.setEngineering(target.getEngineering() + source.getEngineering());
    target.setScheduledDown(target.getScheduledDown() + source.getScheduledDown());
    target.setUnscheduledDown(target.getUnscheduledDown() + source.getUnscheduledDown());
    target.setNonScheduled(target.getNonScheduled() + source.getNonScheduled());
    target.setUnknown(target.getUnknown() + source.getUnknown());
  }

  /** PRODUCTIVE + STANDBY + ENGINEERING. */
  public static long uptime(StateMillis s) {
    return s.getProductive() + s.getStandby() + s.getEngineering();
  }

  /** SCHEDULED_DOWN + UNSCHEDULED_DOWN. */
  public static long downtime(StateMillis s) {
    return s.getScheduledDown() + s.getUnscheduledDown();
  }

  /** numerator / denominator, or null when the denominator is 0. */
  public static Double ratio(long numerator, long denominator) {
    return denominator == 0 ? null : (double) numerator / denominator;
  }

  /** The final KPI record of one machine window. */
  public static MachineKpi machineKpi(String machineId, String siteId, String lineId,
      WindowAccumulator window, Long idealCycleMillis) {
    StateMillis states = StateMillis.newBuilder(window.getStateMillis()).build();
    long up = uptime(states);
    long down = downtime(states);
    long total = window.getUnitsTotal();
    long good = window.getUnitsGood();
    Long idealProductive = idealCycleMillis == null ? null : idealCycleMillis * total;
    Double availability = ratio(states.getProductive(),
        states.getProductive() + states.getStandby() + states.getUnscheduledDown());
    Double performance = idealProductive == null ? null : capped(ratio(idealProductive, states.getProductive()));
    Double quality = ratio(good, total);
    return MachineKpi.newBuilder()
        .setMachineId(machineId)
        .setSiteId(siteId)
        .setLineId(lineId)
        .setWindowStart(Instant.ofEpochMilli(window.getStart()))
        .setWindowEnd(Instant.ofEpochMilli(window.getEnd()))
        .setStateMillis(states)
        .setUptimeMillis(up)
        .setDowntimeMillis(down)
        .setUptime(ratio(up, up + down))
        .setUnitsTotal(total)
        .setUnitsGood(good)
        .setYield(quality)
        .setOutput(good)
        .setOutputPerHour(perHour(good, window.getEnd() - window.getStart()))
        .setIdealCycleMillis(idealCycleMillis)
        .setIdealProductiveMillis(idealProductive)
        .setAvailability(availability)
        .setPerformance(performance)
        .setQuality(quality)
        .setOee(product(availability, performance, quality))
        .setStateReasonMillis(new HashMap<>(window.getStateReasonMillis()))
        .setDefectUnits(new HashMap<>(window.getDefectUnits()))
        .setFailures(window.getFailures())
        .setRevision(1)
        .setFinal$(true)
        .build();
  }

  /** An empty site aggregate for one window. */
  public static SiteKpi emptySite(String siteId, long windowStart, long windowEnd) {
    return SiteKpi.newBuilder()
        .setSiteId(siteId)
        .setWindowStart(Instant.ofEpochMilli(windowStart))
        .setWindowEnd(Instant.ofEpochMilli(windowEnd))
        .setStateMillis(zeroStates())
        .setUptimeMillis(0L)
        .setDowntimeMillis(0L)
        .setUnitsTotal(0L)
        .setUnitsGood(0L)
        .setOutput(0L)
        .setOutputPerHour(0.0)
        .setMachinesReporting(0)
        .setStateReasonMillis(new HashMap<>())
        .setDefectUnits(new HashMap<>())
        .setFailures(0)
        .setRevision(0)
        .setFinal$(false)
        .build();
  }

  /** Adds one machine window to a site aggregate and recomputes the site's ratios. */
  public static void addMachine(SiteKpi site, MachineKpi machine) {
    addAll(site.getStateMillis(), machine.getStateMillis());
    site.setUnitsTotal(site.getUnitsTotal() + machine.getUnitsTotal());
    site.setUnitsGood(site.getUnitsGood() + machine.getUnitsGood());
    if (machine.getIdealProductiveMillis() != null) {
      site.setIdealProductiveMillis(site.getIdealProductiveMillis() + machine.getIdealProductiveMillis());
      site.setOeeProductiveMillis(site.getOeeProductiveMillis() + machine.getStateMillis().getProductive());
    }
    site.setMachinesReporting(site.getMachinesReporting() + 1);
    addCounts(site.getStateReasonMillis(), machine.getStateReasonMillis(), 1);
    addCounts(site.getDefectUnits(), machine.getDefectUnits(), 1);
    site.setFailures(site.getFailures() + machine.getFailures());
    recomputeSite(site);
  }

  /** Takes one machine window back out of a site aggregate (it is being replaced by a newer one). */
  public static void removeMachine(SiteKpi site, MachineKpi machine) {
    StateMillis s = site.getStateMillis();
    StateMillis m = machine.getStateMillis();
    s.setProductive(s.getProductive() - m.getProductive());
    s.setStandby(s.getStandby() - m.getStandby());
    s.setEngineering(s.getEngineering() - m.getEngineering());
    s.setScheduledDown(s.getScheduledDown() - m.getScheduledDown());
    s.setUnscheduledDown(s.getUnscheduledDown() - m.getUnscheduledDown());
    s.setNonScheduled(s.getNonScheduled() - m.getNonScheduled());
    s.setUnknown(s.getUnknown() - m.getUnknown());
    site.setUnitsTotal(site.getUnitsTotal() - machine.getUnitsTotal());
    site.setUnitsGood(site.getUnitsGood() - machine.getUnitsGood());
    if (machine.getIdealProductiveMillis() != null) {
      site.setIdealProductiveMillis(site.getIdealProductiveMillis() - machine.getIdealProductiveMillis());
      site.setOeeProductiveMillis(site.getOeeProductiveMillis() - m.getProductive());
    }
    site.setMachinesReporting(site.getMachinesReporting() - 1);
    addCounts(site.getStateReasonMillis(), machine.getStateReasonMillis(), -1);
    addCounts(site.getDefectUnits(), machine.getDefectUnits(), -1);
    site.setFailures(site.getFailures() - machine.getFailures());
    recomputeSite(site);
  }

  private static void recomputeSite(SiteKpi site) {
    StateMillis s = site.getStateMillis();
    long up = uptime(s);
    long down = downtime(s);
    site.setUptimeMillis(up);
    site.setDowntimeMillis(down);
    site.setUptime(ratio(up, up + down));
    Double quality = ratio(site.getUnitsGood(), site.getUnitsTotal());
    site.setYield(quality);
    site.setOutput(site.getUnitsGood());
    site.setOutputPerHour(perHour(site.getUnitsGood(),
        site.getWindowEnd().toEpochMilli() - site.getWindowStart().toEpochMilli()));
    Double availability = ratio(s.getProductive(), s.getProductive() + s.getStandby() + s.getUnscheduledDown());
    Double performance = site.getOeeProductiveMillis() == 0 && site.getIdealProductiveMillis() == 0
        ? null : capped(ratio(site.getIdealProductiveMillis(), site.getOeeProductiveMillis()));
    site.setAvailability(availability);
    site.setPerformance(performance);
    site.setQuality(quality);
    site.setOee(product(availability, performance, quality));
  }

  /** {@code count} per {@code windowMillis}, scaled to one hour. */
  public static double perHour(long count, long windowMillis) {
    return count * 3_600_000.0 / windowMillis;
  }

  private static Double capped(Double value) {
    return value == null ? null : Math.min(1.0, value);
  }

  private static Double product(Double a, Double b, Double c) {
    return a == null || b == null || c == null ? null : a * b * c;
  }
}
