package io.plantstream.streams;

import io.plantstream.avro.EquipmentState;
import io.plantstream.avro.Heartbeat;
import io.plantstream.avro.MachineInfo;
import io.plantstream.avro.SensorReading;
import io.plantstream.avro.StateChange;
import io.plantstream.avro.TelemetryEvent;
import io.plantstream.avro.UnitCompleted;
import io.plantstream.avro.UnitOutcome;
import io.plantstream.avro.internal.MachineTimeline;
import io.plantstream.avro.internal.WindowAccumulator;
import io.plantstream.schemas.KpiKeys;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.metrics.Sensor;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Turns one partition's telemetry into exact per-machine KPIs for 1-minute and 1-hour windows.
 *
 * <p>Input: {@link TelemetryEvent}s keyed by machine id, in partition order. Output (one stream,
 * split downstream by type): a final {@link io.plantstream.avro.MachineKpi} per machine and closed
 * window, and every late {@link TelemetryEvent} as it was received.
 *
 * <p>How: the partition's stream time is the largest event time seen. The minute windows ending at
 * or before {@link KpiConfig#closedUntil} are closed; an event stamped before that boundary is late.
 * Accepted events wait in {@value #PENDING_STORE}, ordered by event time then offset, until the
 * boundary passes them; then they are applied to their machine's timeline in that order, so
 * out-of-order arrival within the grace period gives the same result as in-order arrival. Each
 * machine's timeline ({@value #TIMELINE_STORE}) carries its state across window boundaries, marks
 * silence longer than {@code staleAfter} UNKNOWN and stops counting a machine silent for longer
 * than {@code forgetAfter}. The partition clock lives in {@value #CLOCK_STORE}, so a restarted
 * task resumes exactly where it stopped.
 */
public final class MachineTimelineProcessor
    implements Processor<String, TelemetryEvent, String, SpecificRecord> {

  /** Per-machine timelines and open windows. */
  public static final String TIMELINE_STORE = "machine-timeline-store";
  /** Accepted events not yet applied, keyed by event time then offset. */
  public static final String PENDING_STORE = "machine-pending-store";
  /** The partition's stream time and closed boundary. */
  public static final String CLOCK_STORE = "partition-clock-store";
  /** Ids of accepted events within the de-duplication horizon, with their event time. */
  public static final String EVENT_ID_STORE = "event-id-store";
  /** Revisions already emitted for open windows ({@code machineId@windowStart}), in updates mode. */
  public static final String REVISION_STORE = "machine-kpi-revision-store";

  /** Scope of the metrics this processor records (duplicate-events, late-events per task). */
  public static final String METRICS_SCOPE = "plantstream-timeline";

  private static final String STREAM_TIME = "stream-time";
  private static final String CLOSED_UNTIL = "closed-until";

  private final KpiConfig config;
  private ProcessorContext<String, SpecificRecord> context;
  private KeyValueStore<String, MachineTimeline> timelines;
  private KeyValueStore<Bytes, TelemetryEvent> pending;
  private KeyValueStore<String, Long> clock;
  private KeyValueStore<String, Long> eventIds;
  private KeyValueStore<String, Integer> revisions;
  private final java.util.Set<String> changedSinceUpdate = new java.util.TreeSet<>();
  private MachineDirectory machines;
  private Long streamTime;
  private Long closedUntil;
  private Sensor duplicates;
  private Sensor lateEvents;

  /** A processor applying {@code config}'s time rules. */
  public MachineTimelineProcessor(KpiConfig config) {
    this.config = config;
  }

  @Override
  public void init(ProcessorContext<String, SpecificRecord> context) {
    this.context = context;
    this.timelines = context.getStateStore(TIMELINE_STORE);
    this.pending = context.getStateStore(PENDING_STORE);
    this.clock = context.getStateStore(CLOCK_STORE);
    this.eventIds = context.getStateStore(EVENT_ID_STORE);
    this.revisions = context.getStateStore(REVISION_STORE);
    if (config.emit() == EmitMode.UPDATES) {
      context.schedule(config.updateInterval(), PunctuationType.WALL_CLOCK_TIME, now -> emitUpdates());
    }
    this.machines = new MachineDirectory(context.getStateStore(MachineDirectory.STORE));
    String task = context.taskId().toString();
    this.duplicates = context.metrics().addRateTotalSensor(METRICS_SCOPE, task, "duplicate-events",
        Sensor.RecordingLevel.INFO);
    this.lateEvents = context.metrics().addRateTotalSensor(METRICS_SCOPE, task, "late-events",
        Sensor.RecordingLevel.INFO);
    this.streamTime = clock.get(STREAM_TIME);
    this.closedUntil = clock.get(CLOSED_UNTIL);
  }

  @Override
  public void process(Record<String, TelemetryEvent> record) {
    TelemetryEvent event = record.value();
    if (event == null) {
      return;
    }
    long eventTime = event.getEventTime().toEpochMilli();
    validate(record.key(), event, eventTime);
    if (closedUntil != null && eventTime < closedUntil) {
      lateEvents.record();
      context.forward(record.withValue((SpecificRecord) event).withTimestamp(eventTime));
      return;
    }
    if (eventIds.get(event.getEventId()) != null) {
      duplicates.record();
      return;
    }
    eventIds.put(event.getEventId(), eventTime);
    long offset = context.recordMetadata().map(m -> m.offset()).orElse(0L);
    pending.put(pendingKey(eventTime, offset), event);
    if (config.emit() == EmitMode.UPDATES) {
      changedSinceUpdate.add(event.getMachineId());
    }
    streamTime = streamTime == null ? eventTime : Math.max(streamTime, eventTime);
    clock.put(STREAM_TIME, streamTime);
    long boundary = config.closedUntil(streamTime);
    if (closedUntil == null) {
      closedUntil = boundary;
      clock.put(CLOSED_UNTIL, closedUntil);
    } else if (boundary > closedUntil) {
      close(boundary);
    }
  }

  /**
   * Rejects, before any state changes, what must not be counted: events of machines that
   * {@code plant.machines} does not list, impossible field values, and event times more than
   * maxFutureSkew ahead of the partition's stream time (which would close everyone's windows).
   */
  private void validate(String key, TelemetryEvent event, long eventTime) {
    String machineId = event.getMachineId();
    if (!machineId.equals(key)) {
      throw new RejectedEventException(RejectedEventException.Reason.INVALID_FIELD,
          "event " + event.getEventId() + " of machine " + machineId + " has key " + key);
    }
    MachineInfo machine = machines.get(machineId);
    if (machine == null) {
      throw new RejectedEventException(RejectedEventException.Reason.UNKNOWN_MACHINE,
          "event " + event.getEventId() + ": machine " + machineId + " is not on plant.machines");
    }
    if (!machine.getSiteId().equals(event.getSiteId()) || !machine.getLineId().equals(event.getLineId())) {
      throw new RejectedEventException(RejectedEventException.Reason.INVALID_FIELD,
          "event " + event.getEventId() + " says site " + event.getSiteId() + " line " + event.getLineId()
              + " but machine " + machineId + " is on " + machine.getSiteId() + " line " + machine.getLineId());
    }
    if (event.getPayload() instanceof SensorReading reading && !Double.isFinite(reading.getValue())) {
      throw new RejectedEventException(RejectedEventException.Reason.INVALID_FIELD,
          "event " + event.getEventId() + ": sensor " + reading.getSensor() + " reads " + reading.getValue());
    }
    if (streamTime != null && eventTime > streamTime + config.maxFutureSkew().toMillis()) {
      throw new RejectedEventException(RejectedEventException.Reason.FUTURE_SKEW,
          "event " + event.getEventId() + " of " + machineId + " is stamped " + event.getEventTime()
              + ", more than " + config.maxFutureSkew().toSeconds() + " s ahead of the partition's stream time "
              + java.time.Instant.ofEpochMilli(streamTime));
    }
  }

  /** Applies every pending event before {@code boundary}, then closes the windows ending by it. */
  private void close(long boundary) {
    Map<String, MachineTimeline> touched = new HashMap<>();
    List<Bytes> applied = new ArrayList<>();
    try (KeyValueIterator<Bytes, TelemetryEvent> due =
        pending.range(pendingKey(Long.MIN_VALUE, 0), pendingKey(boundary - 1, Long.MAX_VALUE))) {
      while (due.hasNext()) {
        KeyValue<Bytes, TelemetryEvent> entry = due.next();
        TelemetryEvent event = entry.value;
        MachineTimeline timeline = touched.computeIfAbsent(event.getMachineId(), id -> load(event));
        apply(timeline, event);
        applied.add(entry.key);
      }
    }
    applied.forEach(pending::delete);

    TreeSet<String> ids = new TreeSet<>(touched.keySet());
    try (KeyValueIterator<String, MachineTimeline> all = timelines.all()) {
      all.forEachRemaining(entry -> ids.add(entry.key));
    }
    for (String id : ids) {
      MachineTimeline timeline = touched.containsKey(id) ? touched.get(id) : read(id);
      closeWindows(timeline, boundary);
      boolean forgotten = timeline.getAccountedUntil() >= forgetAt(timeline);
      if (forgotten && timeline.getMinutes().isEmpty() && timeline.getHours().isEmpty()) {
        timelines.delete(id);
      } else {
        timelines.put(id, timeline);
      }
    }
    closedUntil = boundary;
    clock.put(CLOSED_UNTIL, closedUntil);
    forgetEventIds(boundary - config.dedupHorizon().toMillis());
  }

  /** Drops remembered event ids stamped at or before {@code horizon}. */
  private void forgetEventIds(long horizon) {
    List<String> expired = new ArrayList<>();
    try (KeyValueIterator<String, Long> all = eventIds.all()) {
      while (all.hasNext()) {
        KeyValue<String, Long> entry = all.next();
        if (entry.value <= horizon) {
          expired.add(entry.key);
        }
      }
    }
    expired.forEach(eventIds::delete);
  }

  /** The stored timeline of a machine with mutable window lists, or null. */
  private MachineTimeline read(String machineId) {
    MachineTimeline stored = timelines.get(machineId);
    if (stored != null) {
      stored.setMinutes(new ArrayList<>(stored.getMinutes()));
      stored.setHours(new ArrayList<>(stored.getHours()));
    }
    return stored;
  }

  private MachineTimeline load(TelemetryEvent event) {
    // Every read deserializes a fresh object, so callers may change it freely.
    MachineTimeline existing = read(event.getMachineId());
    if (existing != null) {
      return existing;
    }
    long start = event.getEventTime().toEpochMilli();
    return MachineTimeline.newBuilder()
        .setMachineId(event.getMachineId())
        .setSiteId(event.getSiteId())
        .setLineId(event.getLineId())
        .setState(null)
        .setAccountedUntil(start)
        .setLastEventTime(start)
        .setMinutes(new ArrayList<>())
        .setHours(new ArrayList<>())
        .build();
  }

  private void apply(MachineTimeline timeline, TelemetryEvent event) {
    long eventTime = event.getEventTime().toEpochMilli();
    account(timeline, eventTime);
    if (eventTime >= forgetAt(timeline)) {
      // A forgotten machine that speaks again starts over: its old state is no longer known.
      timeline.setState(null);
    }
    timeline.setLastEventTime(Math.max(timeline.getLastEventTime(), eventTime));
    Object payload = event.getPayload();
    if (payload instanceof StateChange change) {
      timeline.setState(change.getState());
    } else if (payload instanceof Heartbeat heartbeat) {
      timeline.setState(heartbeat.getState());
    } else if (payload instanceof UnitCompleted unit) {
      WindowAccumulator minute = window(timeline.getMinutes(), eventTime, KpiConfig.MINUTE);
      minute.setUnitsTotal(minute.getUnitsTotal() + 1);
      if (unit.getOutcome() == UnitOutcome.PASS) {
        minute.setUnitsGood(minute.getUnitsGood() + 1);
      }
    }
  }

  /** Attributes the time from the timeline's last accounted instant to {@code until}. */
  private void account(MachineTimeline timeline, long until) {
    long from = timeline.getAccountedUntil();
    if (until <= from) {
      return;
    }
    long staleAt = timeline.getLastEventTime() + config.staleAfter().toMillis();
    long forgetAt = forgetAt(timeline);
    addSpan(timeline, from, Math.min(until, staleAt), timeline.getState());
    addSpan(timeline, Math.max(from, staleAt), Math.min(until, forgetAt), null);
    timeline.setAccountedUntil(until);
  }

  private long forgetAt(MachineTimeline timeline) {
    return timeline.getLastEventTime() + config.forgetAfter().toMillis();
  }

  private static void addSpan(MachineTimeline timeline, long from, long to, EquipmentState state) {
    long at = from;
    while (at < to) {
      WindowAccumulator minute = window(timeline.getMinutes(), at, KpiConfig.MINUTE);
      long pieceEnd = Math.min(to, minute.getEnd());
      KpiMath.add(minute.getStateMillis(), state, pieceEnd - at);
      at = pieceEnd;
    }
  }

  private void closeWindows(MachineTimeline timeline, long boundary) {
    account(timeline, boundary);
    Long idealCycle = machines.idealCycleMillis(timeline.getMachineId());
    for (Iterator<WindowAccumulator> it = timeline.getMinutes().iterator(); it.hasNext(); ) {
      WindowAccumulator minute = it.next();
      if (minute.getEnd() > boundary) {
        break;
      }
      emit(timeline, minute, idealCycle);
      WindowAccumulator hour = window(timeline.getHours(), minute.getStart(), KpiConfig.HOUR);
      KpiMath.addAll(hour.getStateMillis(), minute.getStateMillis());
      hour.setUnitsTotal(hour.getUnitsTotal() + minute.getUnitsTotal());
      hour.setUnitsGood(hour.getUnitsGood() + minute.getUnitsGood());
      it.remove();
    }
    for (Iterator<WindowAccumulator> it = timeline.getHours().iterator(); it.hasNext(); ) {
      WindowAccumulator hour = it.next();
      if (hour.getEnd() > boundary) {
        break;
      }
      emit(timeline, hour, idealCycle);
      it.remove();
    }
  }

  private void emit(MachineTimeline timeline, WindowAccumulator window, Long idealCycle) {
    var kpi = KpiMath.machineKpi(timeline.getMachineId(), timeline.getSiteId(), timeline.getLineId(),
        window, idealCycle);
    boolean minute = window.getEnd() - window.getStart() == KpiConfig.MINUTE;
    if (config.emit() == EmitMode.UPDATES && minute) {
      Integer emitted = revisions.delete(KpiKeys.of(timeline.getMachineId(), window.getStart()));
      kpi.setRevision(emitted == null ? 1 : emitted + 1);
    }
    context.forward(new Record<>(timeline.getMachineId(), (SpecificRecord) kpi, window.getStart()));
  }

  /**
   * Early results: for each machine with new events since the last update, its open minute windows
   * as they stand at the partition's stream time, pending events included, as provisional records.
   */
  private void emitUpdates() {
    if (changedSinceUpdate.isEmpty() || streamTime == null) {
      return;
    }
    Map<String, MachineTimeline> provisional = new HashMap<>();
    try (KeyValueIterator<Bytes, TelemetryEvent> all = pending.all()) {
      while (all.hasNext()) {
        TelemetryEvent event = all.next().value;
        if (changedSinceUpdate.contains(event.getMachineId())) {
          apply(provisional.computeIfAbsent(event.getMachineId(), id -> load(event)), event);
        }
      }
    }
    for (String id : changedSinceUpdate) {
      MachineTimeline timeline = provisional.containsKey(id) ? provisional.get(id) : read(id);
      if (timeline == null) {
        continue;
      }
      account(timeline, Math.max(timeline.getAccountedUntil(), streamTime));
      Long idealCycle = machines.idealCycleMillis(id);
      for (WindowAccumulator minute : timeline.getMinutes()) {
        var kpi = KpiMath.machineKpi(id, timeline.getSiteId(), timeline.getLineId(), minute, idealCycle);
        String key = KpiKeys.of(id, minute.getStart());
        Integer emitted = revisions.get(key);
        int revision = emitted == null ? 1 : emitted + 1;
        revisions.put(key, revision);
        kpi.setRevision(revision);
        kpi.setFinal$(false);
        context.forward(new Record<>(id, (SpecificRecord) kpi, minute.getStart()));
      }
    }
    changedSinceUpdate.clear();
  }

  /** A private copy of a machine's stored timeline (or a new one) to apply pending events to. */
  private MachineTimeline copyOf(TelemetryEvent first) {
    MachineTimeline stored = load(first);
    MachineTimeline copy = MachineTimeline.newBuilder(stored).build();
    copy.setMinutes(new ArrayList<>(copy.getMinutes()));
    copy.setHours(new ArrayList<>(copy.getHours()));
    return copy;
  }

  /** The open window of {@code size} containing {@code at}, created if absent; the list stays sorted. */
  private static WindowAccumulator window(List<WindowAccumulator> windows, long at, long size) {
    long start = Math.floorDiv(at, size) * size;
    int index = 0;
    for (; index < windows.size(); index++) {
      long existing = windows.get(index).getStart();
      if (existing == start) {
        return windows.get(index);
      }
      if (existing > start) {
        break;
      }
    }
    WindowAccumulator created = new WindowAccumulator(start, start + size, KpiMath.zeroStates(), 0L, 0L);
    windows.add(index, created);
    return created;
  }

  /** Pending-store key: event time then offset, big-endian, so byte order is time order. */
  static Bytes pendingKey(long eventTime, long offset) {
    // Flip the sign bit so that negative times also sort before positive ones.
    return Bytes.wrap(ByteBuffer.allocate(16)
        .putLong(eventTime ^ Long.MIN_VALUE)
        .putLong(offset ^ Long.MIN_VALUE)
        .array());
  }
}
