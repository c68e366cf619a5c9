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
import io.plantstream.schemas.Topics;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.metrics.Sensor;
import org.apache.kafka.common.metrics.stats.Value;
import org.apache.kafka.common.utils.Bytes;
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
 * window, every late {@link TelemetryEvent} as it was received, and a {@link DeadLetter} for each
 * held event found to be skewed.
 *
 * <p>How: the partition's stream time is the largest event time seen. The minute windows ending at
 * or before {@link KpiConfig#closedUntil} are closed; an event stamped before that boundary is late.
 * Accepted events are kept in {@value #RECENT_STORE}, ordered by event time then offset: they
 * wait there until the boundary passes them, are then applied to their machine's timeline in that
 * order, and stay until the de-duplication horizon passes them too, so their ids catch repeats. So
 * out-of-order arrival within the grace period gives the same result as in-order arrival. Each
 * machine's timeline ({@value #TIMELINE_STORE}) carries its state across window boundaries, marks
 * silence longer than {@code staleAfter} UNKNOWN and stops counting a machine silent for longer
 * than {@code forgetAfter}. The close boundary lives in {@value #CLOCK_STORE}; the stream time is
 * the newest recent event's, so a restarted task resumes exactly where it stopped.
 *
 * <p>An event stamped more than maxFutureSkew ahead of the stream time is held ({@value #HELD_STORE}):
 * either its machine's clock is wrong or the whole partition was silent and time moved on. The
 * next in-step event settles it for all held events: each is then admitted if it is no longer
 * ahead, else sent to the DLQ as {@code future-skew}. If instead held events of a majority of the
 * partition's live machines (an event accepted within forgetAfter) agree within maxFutureSkew,
 * the partition's clock jumps to the earliest of them and the held events are settled against it;
 * so it does when the held events alone span more than maxFutureSkew (a partition with one live
 * machine, back from an outage). A partition back from an outage loses nothing; one machine with a
 * wrong clock among others that go on in step cannot move it.
 *
 * <p>Every store is mirrored in memory and written through: the stores and their changelogs are
 * what survives a restart (the mirrors are reloaded from them in {@link #init}), the mirrors are
 * what the per-event path reads, so no event pays for a store lookup or a deserialization.
 */
public final class MachineTimelineProcessor implements Processor<String, byte[], String, Object> {

  /** Per-machine timelines and open windows. */
  public static final String TIMELINE_STORE = "machine-timeline-store";
  /**
   * Accepted events, keyed by event time then offset, from the de-duplication horizon on: those
   * before the close boundary are applied, the others pending.
   */
  public static final String RECENT_STORE = "machine-recent-events-store";
  /** The partition's close boundary. */
  public static final String CLOCK_STORE = "partition-clock-store";
  /** Events stamped more than maxFutureSkew ahead, held by offset until released (see class comment). */
  public static final String HELD_STORE = "machine-held-events-store";
  /** Revisions already emitted for open windows ({@code machineId@windowStart}), in updates mode. */
  public static final String REVISION_STORE = "machine-kpi-revision-store";

  /** Scope of the metrics this processor records (duplicate-events, late-events, stream-time per task). */
  public static final String METRICS_SCOPE = "plantstream-timeline";

  /** Key of the close boundary in {@value #CLOCK_STORE}. */
  static final String CLOSED_UNTIL = "closed-until";

  private final KpiConfig config;
  private ProcessorContext<String, Object> context;
  private KeyValueStore<String, MachineTimeline> timelineStore;
  private KeyValueStore<String, Long> clock;
  private KeyValueStore<String, Integer> revisions;
  private MachineDirectory machines;
  private Sensor duplicates;
  private Sensor lateEvents;
  private Sensor streamTimeGauge;
  private DeadLetterCounts deadLetterCounts;

  // In-memory mirrors of the stores, reloaded in init().
  private final Map<String, MachineTimeline> timelines = new HashMap<>();
  private RecentEvents recent;
  private HeldEvents held;
  /** Newest accepted event time per machine, for the quorum that accepts a jump of the clock. */
  private final Map<String, Long> lastAccepted = new HashMap<>();
  private final Set<String> changedSinceUpdate = new TreeSet<>();
  private Long streamTime;
  private Long closedUntil;

  /** A processor applying {@code config}'s time rules. */
  public MachineTimelineProcessor(KpiConfig config) {
    this.config = config;
  }

  @Override
  public void init(ProcessorContext<String, Object> context) {
    this.context = context;
    this.timelineStore = context.getStateStore(TIMELINE_STORE);
    this.recent = new RecentEvents(context.getStateStore(RECENT_STORE));
    this.held = new HeldEvents(context.getStateStore(HELD_STORE));
    this.deadLetterCounts = DeadLetterCounts.in(context.appConfigs());
    this.clock = context.getStateStore(CLOCK_STORE);
    this.revisions = context.getStateStore(REVISION_STORE);
    this.machines = new MachineDirectory(context.getStateStore(MachineDirectory.STORE));
    String task = context.taskId().toString();
    this.duplicates = context.metrics().addRateTotalSensor(METRICS_SCOPE, task, "duplicate-events",
        Sensor.RecordingLevel.INFO);
    this.lateEvents = context.metrics().addRateTotalSensor(METRICS_SCOPE, task, "late-events",
        Sensor.RecordingLevel.INFO);
    streamTimeGauge = context.metrics().addSensor(METRICS_SCOPE + "." + task + ".stream-time",
        Sensor.RecordingLevel.INFO);
    streamTimeGauge.add(new MetricName("stream-time", "stream-" + METRICS_SCOPE + "-metrics",
        "The partition's stream time: the largest accepted event time, epoch millis",
        Map.of("thread-id", Thread.currentThread().getName(), METRICS_SCOPE + "-id", task)), new Value());
    reloadMirrors();
    if (streamTime != null) {
      streamTimeGauge.record(streamTime);
    }
    if (config.emit() == EmitMode.UPDATES) {
      context.schedule(config.updateInterval(), PunctuationType.WALL_CLOCK_TIME, now -> emitUpdates());
    }
  }

  @Override
  public void close() {
    // A task that moves to another instance must not leave its last stream time behind here.
    context.metrics().removeSensor(streamTimeGauge);
  }

  /** Fills the mirrors from the stores, which hold the last committed state after a restart. */
  private void reloadMirrors() {
    timelines.clear();
    changedSinceUpdate.clear();
    try (KeyValueIterator<String, MachineTimeline> all = timelineStore.all()) {
      all.forEachRemaining(entry -> timelines.put(entry.key, mutable(entry.value)));
    }
    closedUntil = clock.get(CLOSED_UNTIL);
    recent.reload(closedUntil == null ? Long.MIN_VALUE : closedUntil - config.dedupHorizon().toMillis());
    // The newest accepted event is neither applied nor forgotten yet, so it is still there.
    streamTime = recent.newestTime();
    held.reload();
    lastAccepted.clear();
    timelines.values().forEach(timeline -> lastAccepted.put(timeline.getMachineId(), timeline.getLastEventTime()));
    recent.from(Long.MIN_VALUE).forEach(this::noteAccepted);
  }

  @Override
  public void process(Record<String, byte[]> record) {
    byte[] raw = record.value();
    if (raw == null) {
      return;
    }
    TelemetryEvent event = decode(raw);
    long eventTime = event.getEventTime().toEpochMilli();
    validate(record.key(), event);
    long offset = context.recordMetadata().map(m -> m.offset()).orElse(0L);
    if (isAhead(eventTime)) {
      held.add(offset, raw, event);
      Long agreed = held.agreedTime(quorum(), config.maxFutureSkew().toMillis());
      if (agreed != null) {
        // Most of the partition's machines agree that time moved on: the partition was silent.
        streamTime = agreed;
        releaseHeld();
      }
      return;
    }
    admit(offset, raw, event);
    if (!held.isEmpty()) {
      releaseHeld();
    }
  }

  /** More than maxFutureSkew ahead of the partition's stream time. */
  private boolean isAhead(long eventTime) {
    return streamTime != null && eventTime > streamTime + config.maxFutureSkew().toMillis();
  }

  /**
   * Machines that must agree on a jump of the clock: a majority of those with an event accepted
   * within forgetAfter of the stream time, and at least two.
   */
  private int quorum() {
    long since = streamTime - config.forgetAfter().toMillis();
    long alive = lastAccepted.values().stream().filter(time -> time > since).count();
    return (int) Math.max(2, alive / 2 + 1);
  }

  /**
   * Admits the held events in offset order now that an in-step event or an agreed jump has moved
   * the stream time; those still ahead of it go to the DLQ: their machine's clock is wrong.
   */
  private void releaseHeld() {
    for (HeldEvents.Held event : held.releaseAll()) {
      if (isAhead(event.time())) {
        deadLetter(event);
      } else {
        admit(event.offset(), event.raw(), event.event());
      }
    }
  }

  private void deadLetter(HeldEvents.Held event) {
    RejectedEventException rejected = new RejectedEventException(RejectedEventException.Reason.FUTURE_SKEW,
        "event " + event.event().getEventId() + " of " + event.event().getMachineId() + " is stamped "
            + event.event().getEventTime() + ", more than " + config.maxFutureSkew().toSeconds()
            + " s ahead of the partition's stream time " + java.time.Instant.ofEpochMilli(streamTime));
    String topic = context.recordMetadata().map(m -> m.topic()).orElse(null);
    int partition = context.recordMetadata().map(m -> m.partition()).orElse(-1);
    context.forward(new Record<String, Object>(event.event().getMachineId(), new DeadLetter(event.raw()),
        event.time(), DeadLetters.headers(deadLetterCounts, rejected, topic, partition, event.offset())));
  }

  /** Late, duplicate or accepted: the checks of an event that is not ahead of the stream time. */
  private void admit(long offset, byte[] raw, TelemetryEvent event) {
    long eventTime = event.getEventTime().toEpochMilli();
    if (closedUntil != null && eventTime < closedUntil) {
      lateEvents.record();
      context.forward(new Record<String, Object>(event.getMachineId(), event, eventTime));
      return;
    }
    if (recent.contains(event.getEventId())) {
      duplicates.record();
      return;
    }
    recent.add(eventTime, offset, raw, event);
    noteAccepted(event);
    if (config.emit() == EmitMode.UPDATES) {
      changedSinceUpdate.add(event.getMachineId());
    }
    if (streamTime == null || eventTime > streamTime) {
      streamTime = eventTime;
      streamTimeGauge.record(streamTime);
    }
    long boundary = config.closedUntil(streamTime);
    if (closedUntil == null) {
      closedUntil = boundary;
      clock.put(CLOSED_UNTIL, closedUntil);
    } else if (boundary > closedUntil) {
      closeUpTo(boundary);
    }
  }

  private static TelemetryEvent decode(byte[] raw) {
    try {
      return Topics.TELEMETRY_SERDE.decode(raw);
    } catch (SerializationException e) {
      throw new RejectedEventException(RejectedEventException.Reason.CORRUPT, e.getMessage());
    }
  }

  /**
   * Rejects, before any state changes, what must not be counted: events of machines that
   * {@code plant.machines} does not list and impossible field values.
   */
  private void validate(String key, TelemetryEvent event) {
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
  }

  private void noteAccepted(TelemetryEvent event) {
    lastAccepted.merge(event.getMachineId(), event.getEventTime().toEpochMilli(), Math::max);
  }

  /** Applies every pending event before {@code boundary}, then closes the windows ending by it. */
  private void closeUpTo(long boundary) {
    machines.refresh();
    for (TelemetryEvent event : recent.between(closedUntil, boundary)) {
      apply(timelines.computeIfAbsent(event.getMachineId(), id -> newTimeline(event)), event);
    }

    for (String id : new TreeSet<>(timelines.keySet())) {
      MachineTimeline timeline = timelines.get(id);
      closeWindows(timeline, boundary);
      boolean forgotten = timeline.getAccountedUntil() >= forgetAt(timeline);
      if (forgotten && timeline.getMinutes().isEmpty() && timeline.getHours().isEmpty()) {
        timelines.remove(id);
        timelineStore.delete(id);
      } else {
        timelineStore.put(id, timeline);
      }
    }
    closedUntil = boundary;
    clock.put(CLOSED_UNTIL, closedUntil);
    recent.forgetUpTo(boundary - config.dedupHorizon().toMillis());
    long aliveSince = streamTime - config.forgetAfter().toMillis();
    lastAccepted.values().removeIf(time -> time <= aliveSince);
  }



  /** A stored timeline with window lists that can be changed in place. */
  private static MachineTimeline mutable(MachineTimeline stored) {
    stored.setMinutes(new ArrayList<>(stored.getMinutes()));
    stored.setHours(new ArrayList<>(stored.getHours()));
    return stored;
  }

  /** A deep copy, for provisional results that must not touch the real timeline. */
  private static MachineTimeline copy(MachineTimeline timeline) {
    return mutable(MachineTimeline.newBuilder(timeline).build());
  }

  private static MachineTimeline newTimeline(TelemetryEvent first) {
    long start = first.getEventTime().toEpochMilli();
    return MachineTimeline.newBuilder()
        .setMachineId(first.getMachineId())
        .setSiteId(first.getSiteId())
        .setLineId(first.getLineId())
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
    context.forward(new Record<String, Object>(timeline.getMachineId(), kpi, window.getStart()));
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
    for (TelemetryEvent event : recent.from(closedUntil)) {
      String id = event.getMachineId();
      if (changedSinceUpdate.contains(id)) {
        MachineTimeline timeline = provisional.computeIfAbsent(id,
            machine -> timelines.containsKey(machine) ? copy(timelines.get(machine)) : newTimeline(event));
        apply(timeline, event);
      }
    }
    for (String id : changedSinceUpdate) {
      MachineTimeline timeline = provisional.containsKey(id) ? provisional.get(id)
          : timelines.containsKey(id) ? copy(timelines.get(id)) : null;
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
        context.forward(new Record<String, Object>(id, kpi, minute.getStart()));
      }
    }
    changedSinceUpdate.clear();
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

}
