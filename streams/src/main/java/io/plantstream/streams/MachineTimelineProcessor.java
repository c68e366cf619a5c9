package io.plantstream.streams;

import io.plantstream.avro.MachineInfo;
import io.plantstream.avro.SensorReading;
import io.plantstream.avro.TelemetryEvent;
import io.plantstream.avro.internal.MachineTimeline;
import io.plantstream.avro.internal.PartitionMark;
import io.plantstream.avro.internal.WindowAccumulator;
import io.plantstream.schemas.AvroSerde;
import io.plantstream.schemas.KpiKeys;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.metrics.Sensor;
import org.apache.kafka.common.metrics.stats.Value;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Turns one partition's telemetry into exact per-machine KPIs for 1-minute and 1-hour windows.
 *
 * <p>Input: the bytes of {@link TelemetryEvent}s keyed by machine id, in partition order. Output
 * ({@link TimelineOutput}, sent to its topic by {@link KpiTopology}): a {@link TimelineOutput.ClosedWindow}
 * per machine and window the partition's close boundary passes, each late event, a dead letter for
 * each held event found to be skewed, and a {@link TimelineOutput.Mark} with the new boundary after
 * the windows it closed, and whenever the partition turns idle or active.
 *
 * <p>The processor dispatches; the rules live in plain classes: the order of checks and the clock
 * are here, pending events and duplicates in {@link PendingEvents}, held events in {@link HeldEvents},
 * the timeline arithmetic in {@link MachineTimelines}. The partition's stream time is the largest
 * accepted event time; the minute windows ending at or before {@link KpiConfig#closedUntil} of it
 * are closed, and an event stamped before that boundary is late. Accepted events wait in
 * {@link PendingEvents} until the boundary passes them, and are then applied in (event time,
 * offset) order.
 *
 * <p>An event stamped more than maxFutureSkew ahead of the stream time is held ({@value #HELD_STORE}):
 * either its machine's clock is wrong or the whole partition was silent and time moved on. The
 * next in-step event settles all held events: each is then admitted if it is no longer ahead, else
 * sent to the DLQ as {@code future-skew}. If instead held events of a majority of the partition's
 * live machines (an event accepted within forgetAfter) agree within maxFutureSkew, the partition's
 * clock jumps to the earliest of them and the held events are settled against it; so it does when
 * the held events alone span more than maxFutureSkew (a partition with one live machine, back from
 * an outage).
 *
 * <p>A partition that accepts no event for idleAfter of wall-clock time says so with a mark, and
 * the site aggregation stops waiting for it until its next accepted event; the rules in docs/kpi-rules.md say
 * why this cannot change a result computed from a recording.
 *
 * <p>Stores: {@value #TIMELINE_STORE} (each machine's timeline and open windows, written when the
 * boundary moves), {@value #PENDING_STORE} and {@value #PENDING_OPEN_STORE} (pending events in segments of offsets), {@value #CLOCK_STORE}
 * (close boundary, idleness, state layout), {@value #HELD_STORE}, {@value #REVISION_STORE}. Each is
 * mirrored in memory and written through, so the per-event path reads no store; a restarted task
 * reloads the mirrors and resumes exactly where it stopped.
 */
public final class MachineTimelineProcessor implements Processor<String, byte[], String, TimelineOutput> {

  /** Per-machine timelines and open windows. */
  public static final String TIMELINE_STORE = "machine-timeline-store";
  /** Accepted events the close boundary has not passed yet, keyed by offset (see {@link PendingEvents}). */
  public static final String PENDING_STORE = "machine-pending-events-store";
  /** The open segment of pending events, one entry per partition (see {@link PendingEvents}). */
  public static final String PENDING_OPEN_STORE = "machine-pending-open-store";
  /** The partition's close boundary, whether it is idle, and the layout of this task's state. */
  public static final String CLOCK_STORE = "partition-clock-store";
  /** Events stamped more than maxFutureSkew ahead, held by offset until released (see class comment). */
  public static final String HELD_STORE = "machine-held-events-store";
  /** Revisions already emitted for open windows ({@code machineId@windowStart}), in updates mode. */
  public static final String REVISION_STORE = "machine-kpi-revision-store";

  /** Scope of the metrics this processor records (duplicate-events, late-events, stream-time per task). */
  public static final String METRICS_SCOPE = "plantstream-timeline";
  /** Kafka's metric group of those metrics, as Kafka Streams names the group of a custom scope. */
  public static final String METRICS_GROUP = "stream-" + METRICS_SCOPE + "-metrics";
  /** The tag of those metrics that holds the task id. */
  public static final String METRICS_TASK_TAG = METRICS_SCOPE + "-id";
  /** Sensor of events dropped as duplicates: metrics {@value}-rate and {@value}-total. */
  public static final String DUPLICATE_EVENTS = "duplicate-events";
  /** Sensor of events sent to the late topic: metrics {@value}-rate and {@value}-total. */
  public static final String LATE_EVENTS = "late-events";
  /** Metric of the partition's stream time, epoch millis. */
  public static final String STREAM_TIME = "stream-time";

  /** Key of the close boundary in {@value #CLOCK_STORE}. */
  static final String CLOSED_UNTIL = "closed-until";
  /** Key of the idle flag (1 idle, 0 active) in {@value #CLOCK_STORE}. */
  static final String IDLE = "idle";
  /** Key of the state layout in {@value #CLOCK_STORE}. */
  static final String LAYOUT = "state-layout";
  /**
   * The layout of the state this version writes. Version 1 (no key) held whole events for
   * de-duplication; version 3's pending events carried no reason or defect code. A task that finds
   * state of another layout refuses it rather than misreading it.
   */
  static final long STATE_LAYOUT = 4;

  private final KpiConfig config;
  private final AvroSerde<TelemetryEvent> telemetry;
  private final int partitions;
  private final MachineTimelines timelineMath;
  private ProcessorContext<String, TimelineOutput> context;
  private KeyValueStore<String, MachineTimeline> timelineStore;
  private KeyValueStore<String, Long> clock;
  private KeyValueStore<String, Integer> revisions;
  private MachineDirectory machines;
  private Sensor duplicates;
  private Sensor lateEvents;
  private Sensor streamTimeGauge;
  private DeadLetterCounts deadLetterCounts;
  private InputLag inputLag;
  private int partition;

  // In-memory mirrors of the stores, reloaded in init().
  private final Map<String, MachineTimeline> timelines = new HashMap<>();
  private PendingEvents pending;
  private HeldEvents held;
  private final Set<String> changedSinceUpdate = new TreeSet<>();
  private Long streamTime;
  private Long closedUntil;
  private boolean idle;
  private long lastAcceptedAt;

  /**
   * A processor applying {@code config}'s time rules to one of {@code partitions} telemetry
   * partitions, whose values {@code telemetry} decodes (in either encoding it reads).
   */
  public MachineTimelineProcessor(KpiConfig config, int partitions, AvroSerde<TelemetryEvent> telemetry) {
    this.config = config;
    this.telemetry = telemetry;
    this.partitions = partitions;
    this.timelineMath = new MachineTimelines(config);
  }

  @Override
  public void init(ProcessorContext<String, TimelineOutput> context) {
    this.context = context;
    this.partition = context.taskId().partition();
    if (partition >= partitions) {
      throw new IllegalStateException("telemetry partition " + partition + " is beyond the " + partitions
          + " partitions the KPI application was started with; restart it so that it sees them all");
    }
    this.timelineStore = context.getStateStore(TIMELINE_STORE);
    this.pending = new PendingEvents(context.getStateStore(PENDING_STORE), context.getStateStore(PENDING_OPEN_STORE));
    this.held = new HeldEvents(context.getStateStore(HELD_STORE), telemetry);
    this.deadLetterCounts = DeadLetterCounts.in(context.appConfigs());
    this.inputLag = InputLag.in(context.appConfigs());
    this.clock = context.getStateStore(CLOCK_STORE);
    this.revisions = context.getStateStore(REVISION_STORE);
    this.machines = new MachineDirectory(context.getStateStore(MachineDirectory.STORE));
    String task = context.taskId().toString();
    this.duplicates = context.metrics().addRateTotalSensor(METRICS_SCOPE, task, DUPLICATE_EVENTS,
        Sensor.RecordingLevel.INFO);
    this.lateEvents = context.metrics().addRateTotalSensor(METRICS_SCOPE, task, LATE_EVENTS,
        Sensor.RecordingLevel.INFO);
    streamTimeGauge = context.metrics().addSensor(METRICS_SCOPE + "." + task + "." + STREAM_TIME,
        Sensor.RecordingLevel.INFO);
    streamTimeGauge.add(new MetricName(STREAM_TIME, METRICS_GROUP,
        "The partition's stream time: the largest accepted event time, epoch millis",
        Map.of("thread-id", Thread.currentThread().getName(), METRICS_TASK_TAG, task)), new Value());
    checkLayout();
    reloadMirrors();
    if (streamTime != null) {
      streamTimeGauge.record(streamTime);
    }
    lastAcceptedAt = context.currentSystemTimeMs();
    context.schedule(idleCheckInterval(), PunctuationType.WALL_CLOCK_TIME, this::checkIdle);
    if (config.emit() == EmitMode.UPDATES) {
      context.schedule(config.updateInterval(), PunctuationType.WALL_CLOCK_TIME, now -> emitUpdates());
    }
  }

  @Override
  public void close() {
    // A task that moves to another instance must not leave its last stream time behind here.
    context.metrics().removeSensor(streamTimeGauge);
  }

  /** Refuses state written in another layout: reading it as this one would count wrong. */
  private void checkLayout() {
    Long layout = clock.get(LAYOUT);
    if (clock.get(CLOSED_UNTIL) != null && (layout == null || layout != STATE_LAYOUT)) {
      throw new IllegalStateException("the state of telemetry partition " + partition + " was written in layout "
          + (layout == null ? 1 : layout) + " by another version of plantstream, this one reads layout "
          + STATE_LAYOUT + "; start it with a new --application-id, or reset the application (docs/operations.md, Upgrading)");
    }
  }

  /** Fills the mirrors from the stores, which hold the last committed state after a restart. */
  private void reloadMirrors() {
    timelines.clear();
    changedSinceUpdate.clear();
    closedUntil = clock.get(CLOSED_UNTIL);
    pending.reload(closedUntil);
    try (KeyValueIterator<String, MachineTimeline> all = timelineStore.all()) {
      all.forEachRemaining(entry -> {
        timelines.put(entry.key, MachineTimelines.mutable(entry.value));
        pending.noteAccepted(entry.key, entry.value.getLastEventTime());
      });
    }
    idle = Long.valueOf(1).equals(clock.get(IDLE));
    // The newest accepted event is not applied yet, so it is still pending.
    streamTime = pending.newestTime();
    held.reload();
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
    int alive = pending.machinesAcceptedAfter(streamTime - config.forgetAfter().toMillis());
    return Math.max(2, alive / 2 + 1);
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
            + " s ahead of the partition's stream time " + Instant.ofEpochMilli(streamTime));
    String topic = context.recordMetadata().map(m -> m.topic()).orElse(null);
    context.forward(new Record<String, TimelineOutput>(event.event().getMachineId(),
        new TimelineOutput.DeadLetter(event.raw()), event.time(),
        DeadLetters.headers(deadLetterCounts, rejected, topic, partition, event.offset())));
  }

  /** Late, duplicate or accepted: the checks of an event that is not ahead of the stream time. */
  private void admit(long offset, byte[] raw, TelemetryEvent event) {
    long eventTime = event.getEventTime().toEpochMilli();
    if (closedUntil != null && eventTime < closedUntil) {
      lateEvents.record();
      context.forward(new Record<String, TimelineOutput>(event.getMachineId(), new TimelineOutput.Late(event),
          eventTime));
      return;
    }
    long idHash = PendingEvents.idHash(event.getEventId());
    if (pending.isDuplicate(event, idHash)) {
      duplicates.record();
      return;
    }
    pending.add(event, offset, idHash);
    if (config.emit() == EmitMode.UPDATES) {
      changedSinceUpdate.add(event.getMachineId());
    }
    lastAcceptedAt = context.currentSystemTimeMs();
    boolean wasIdle = idle;
    if (idle) {
      idle = false;
      clock.put(IDLE, 0L);
    }
    if (streamTime == null || eventTime > streamTime) {
      streamTime = eventTime;
      streamTimeGauge.record(streamTime);
    }
    long boundary = config.closedUntil(streamTime);
    if (closedUntil == null) {
      closedUntil = boundary;
      clock.put(CLOSED_UNTIL, closedUntil);
      clock.put(LAYOUT, STATE_LAYOUT);
      mark();
    } else if (boundary > closedUntil) {
      closeUpTo(boundary);
      mark();
    } else if (wasIdle) {
      mark();
    }
  }

  private TelemetryEvent decode(byte[] raw) {
    try {
      return telemetry.decode(raw);
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

  /** Applies every pending event before {@code boundary}, then closes the windows ending by it. */
  private void closeUpTo(long boundary) {
    machines.refresh();
    for (PendingEvents.Machine machine : pending.machines()) {
      int count = machine.countBefore(boundary);
      if (count == 0) {
        continue;
      }
      MachineTimeline timeline = timelines.computeIfAbsent(machine.machineId(),
          id -> newTimeline(id, machine.time(0)));
      for (int i = 0; i < count; i++) {
        timelineMath.apply(timeline, machine.time(i), machine.kind(i), machine.state(i), machine.code(i));
      }
      pending.drop(machine, count);
    }

    // In machine order, so that the same input gives the same output records in the same order.
    for (String id : new TreeSet<>(timelines.keySet())) {
      MachineTimeline timeline = timelines.get(id);
      Long idealCycle = machines.idealCycleMillis(id);
      for (WindowAccumulator window : timelineMath.close(timeline, boundary)) {
        emit(timeline, window, idealCycle);
      }
      if (timelineMath.isDone(timeline)) {
        timelines.remove(id);
        timelineStore.delete(id);
      } else {
        timelineStore.put(id, timeline);
      }
    }
    closedUntil = boundary;
    clock.put(CLOSED_UNTIL, closedUntil);
    pending.forgetQuietSince(streamTime - config.forgetAfter().toMillis());
  }

  /** A new timeline, where {@code plant.machines} says the machine stands (checked when its events were accepted). */
  private MachineTimeline newTimeline(String machineId, long firstTime) {
    MachineInfo info = machines.get(machineId);
    return MachineTimelines.start(machineId, info == null ? "" : info.getSiteId(),
        info == null ? "" : info.getLineId(), firstTime);
  }

  private void emit(MachineTimeline timeline, WindowAccumulator window, Long idealCycle) {
    var kpi = KpiMath.machineKpi(timeline.getMachineId(), timeline.getSiteId(), timeline.getLineId(),
        window, idealCycle);
    boolean minute = window.getEnd() - window.getStart() == KpiConfig.MINUTE;
    if (config.emit() == EmitMode.UPDATES && minute) {
      Integer emitted = revisions.delete(KpiKeys.of(timeline.getMachineId(), window.getStart()));
      kpi.setRevision(emitted == null ? 1 : emitted + 1);
    }
    context.forward(new Record<String, TimelineOutput>(timeline.getMachineId(),
        new TimelineOutput.ClosedWindow(kpi), window.getStart()));
  }

  /** Tells the site aggregation where this partition stands. */
  private void mark() {
    PartitionMark mark = new PartitionMark(partition, partitions, closedUntil, idle);
    context.forward(new Record<String, TimelineOutput>(Integer.toString(partition), new TimelineOutput.Mark(mark),
        closedUntil == null ? 0L : Math.max(0L, closedUntil)));
  }

  /**
   * Marks the partition idle once it has accepted no event for idleAfter of wall-clock time and its
   * consumer has read it to the end: records waiting unread behind a busy thread are not silence.
   */
  private void checkIdle(long now) {
    if (!idle && now - lastAcceptedAt >= config.idleAfter().toMillis()
        && (inputLag == null || inputLag.caughtUp(partition))) {
      idle = true;
      clock.put(IDLE, 1L);
      mark();
    }
  }

  private Duration idleCheckInterval() {
    long quarter = config.idleAfter().toMillis() / 4;
    return Duration.ofMillis(Math.max(10, Math.min(quarter, 1_000)));
  }

  /**
   * Early results: for each machine with new events since the last update, its open minute windows
   * as they stand at the partition's stream time, pending events included, as provisional records.
   */
  private void emitUpdates() {
    if (changedSinceUpdate.isEmpty() || streamTime == null) {
      return;
    }
    for (String id : changedSinceUpdate) {
      MachineTimeline committed = timelines.get(id);
      PendingEvents.Machine waiting = pending.of(id);
      MachineTimeline timeline = committed != null ? MachineTimelines.copy(committed)
          : waiting != null && waiting.size() > 0 ? newTimeline(id, waiting.time(0)) : null;
      if (timeline == null) {
        continue;
      }
      for (int i = 0; waiting != null && i < waiting.size(); i++) {
        timelineMath.apply(timeline, waiting.time(i), waiting.kind(i), waiting.state(i), waiting.code(i));
      }
      timelineMath.account(timeline, Math.max(timeline.getAccountedUntil(), streamTime));
      Long idealCycle = machines.idealCycleMillis(id);
      for (WindowAccumulator minute : timeline.getMinutes()) {
        var kpi = KpiMath.machineKpi(id, timeline.getSiteId(), timeline.getLineId(), minute, idealCycle);
        String key = KpiKeys.of(id, minute.getStart());
        Integer emitted = revisions.get(key);
        int revision = emitted == null ? 1 : emitted + 1;
        revisions.put(key, revision);
        kpi.setRevision(revision);
        kpi.setFinal$(false);
        context.forward(new Record<String, TimelineOutput>(id, new TimelineOutput.ClosedWindow(kpi),
            minute.getStart()));
      }
    }
    changedSinceUpdate.clear();
  }
}
