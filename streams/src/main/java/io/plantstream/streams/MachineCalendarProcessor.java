package io.plantstream.streams;

import io.plantstream.avro.MachineKpi;
import io.plantstream.avro.internal.MachineCalendarWindow;
import io.plantstream.avro.internal.PartitionMark;
import io.plantstream.avro.internal.WindowAccumulator;
import java.util.HashMap;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Sums each machine's final 1-minute windows into the shift and day windows of its site's calendar
 * ({@link SiteCalendar}, docs/kpi-rules.md "Shifts and days"), and closes them as the partition's
 * marks pass their end: what the machine timeline does for hours, for the windows of local time.
 *
 * <p>Runs in the telemetry partition's task, behind {@link MachineTimelineProcessor}: input is that
 * processor's 1-minute windows and marks, in the order it sent them. A mark comes after every
 * minute its boundary closed, so when a mark's boundary reaches a shift or day window's end, the
 * window has all its minutes: it is emitted (a {@link TimelineOutput.ClosedWindow} whose
 * {@code shift} names the shift, or is null for a day; a day carries MTBF and MTTR) and the mark is
 * passed on behind it, for the site aggregation. Provisional minutes (updates mode) are not summed.
 *
 * <p>Only the marks the site aggregation of shifts and days needs are passed on: the partition's
 * first, each that changes whether it is idle, and each whose boundary reaches the end of a shift
 * or day of some site (of every site on {@code plant.sites}, and a UTC day for the others), since
 * no such site window can become final in between. The timeline sends a mark per minute; passing on
 * every one doubled the records on the site repartition topics.
 *
 * <p>Store {@value #STORE}: the open windows, keyed {@code machineId|shift|start} or
 * {@code machineId|day|start}, rewritten with each minute (give it a cache) and mirrored in memory.
 */
public final class MachineCalendarProcessor implements Processor<String, TimelineOutput, String, TimelineOutput> {

  /** The machines' open shift and day windows. */
  public static final String STORE = "machine-calendar-store";

  private ProcessorContext<String, TimelineOutput> context;
  private KeyValueStore<String, MachineCalendarWindow> store;
  private SiteDirectory sites;
  private MachineDirectory machines;
  // In-memory mirror of the store, reloaded in init(): open windows by key, and their keys by end.
  private final Map<String, MachineCalendarWindow> open = new HashMap<>();
  private final NavigableMap<Long, Set<String>> byEnd = new TreeMap<>();
  /** The last mark passed on (null before the first since start), and the next window end after it. */
  private PartitionMark passedOn;
  private long nextEnd;

  @Override
  public void init(ProcessorContext<String, TimelineOutput> context) {
    this.context = context;
    this.store = context.getStateStore(STORE);
    this.sites = new SiteDirectory(context.getStateStore(SiteDirectory.STORE));
    this.machines = new MachineDirectory(context.getStateStore(MachineDirectory.STORE));
    open.clear();
    byEnd.clear();
    try (KeyValueIterator<String, MachineCalendarWindow> all = store.all()) {
      all.forEachRemaining(entry -> index(entry.key, entry.value));
    }
  }

  @Override
  public void process(Record<String, TimelineOutput> record) {
    if (record.value() instanceof TimelineOutput.ClosedWindow window) {
      MachineKpi minute = window.kpi();
      if (window.minute() && minute.getFinal$()) {
        add(minute);
      }
    } else if (record.value() instanceof TimelineOutput.Mark mark) {
      close(mark.mark());
      if (needed(mark.mark())) {
        context.forward(record);
      }
    }
  }

  /** True if {@code mark} tells the site aggregation of shifts and days something it needs. */
  private boolean needed(PartitionMark mark) {
    Long boundary = mark.getClosedUntil();
    boolean needed = passedOn == null || passedOn.getIdle() != mark.getIdle()
        || boundary != null && (passedOn.getClosedUntil() == null || boundary >= nextEnd);
    if (needed) {
      passedOn = mark;
      nextEnd = boundary == null ? Long.MIN_VALUE : sites.nextEndAfter(boundary);
    }
    return needed;
  }

  /** Adds a final minute to its machine's shift window (if a shift covers it) and day window. */
  private void add(MachineKpi minute) {
    long start = minute.getWindowStart().toEpochMilli();
    SiteCalendar calendar = sites.calendar(minute.getSiteId());
    SiteCalendar.Window shift = calendar.shiftOf(start);
    if (shift != null) {
      add(minute, shift, "|shift|");
    }
    add(minute, calendar.dayOf(start), "|day|");
  }

  private void add(MachineKpi minute, SiteCalendar.Window window, String kind) {
    String key = minute.getMachineId() + kind + window.start();
    MachineCalendarWindow sums = open.get(key);
    if (sums == null) {
      sums = new MachineCalendarWindow(minute.getMachineId(), minute.getSiteId(), minute.getLineId(),
          window.localDate().toString(), window.shift(), KpiMath.emptyWindow(window.start(), window.end()));
      index(key, sums);
    }
    KpiMath.addMinute(sums.getWindow(), minute);
    store.put(key, sums);
  }

  /** Emits, in (end, key) order, every open window the mark's boundary has passed. */
  private void close(PartitionMark mark) {
    Long boundary = mark.getClosedUntil();
    if (boundary == null) {
      return;
    }
    NavigableMap<Long, Set<String>> closed = byEnd.headMap(boundary, true);
    for (Set<String> keys : closed.values()) {
      for (String key : keys) {
        MachineCalendarWindow window = open.remove(key);
        store.delete(key);
        emit(window);
      }
    }
    closed.clear();
    // The windows of the next day look the calendars up again: plant.sites may have changed.
    sites.refresh();
    machines.refresh();
  }

  private void emit(MachineCalendarWindow window) {
    WindowAccumulator sums = window.getWindow();
    MachineKpi kpi = KpiMath.machineKpi(window.getMachineId(), window.getSiteId(), window.getLineId(), sums,
        machines.idealCycleMillis(window.getMachineId()));
    kpi.setLocalDate(window.getLocalDate());
    kpi.setShift(window.getShift());
    if (window.getShift() == null && sums.getFailures() > 0) {
      kpi.setMtbfMillis(sums.getStateMillis().getProductive() / sums.getFailures());
      kpi.setMttrMillis(sums.getStateMillis().getUnscheduledDown() / sums.getFailures());
    }
    context.forward(new Record<String, TimelineOutput>(window.getMachineId(), new TimelineOutput.ClosedWindow(kpi),
        sums.getStart()));
  }

  private void index(String key, MachineCalendarWindow window) {
    open.put(key, window);
    byEnd.computeIfAbsent(window.getWindow().getEnd(), end -> new TreeSet<>()).add(key);
  }
}
