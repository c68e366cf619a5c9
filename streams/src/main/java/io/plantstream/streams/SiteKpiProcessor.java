package io.plantstream.streams;

import io.plantstream.avro.MachineKpi;
import io.plantstream.avro.SiteKpi;
import io.plantstream.avro.internal.PartitionMark;
import io.plantstream.avro.internal.SiteInput;
import io.plantstream.schemas.KpiKeys;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.metrics.Sensor;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Sums machine windows into site windows of one kind (1 minute, 1 hour, shift or day) and publishes
 * each site window once it is final.
 *
 * <p>Input ({@link SiteInput} on a site repartition topic): the closed machine windows keyed
 * {@code siteId@windowStart}, and every telemetry partition's {@link PartitionMark}s, which reach
 * every site task. Output: {@link SiteKpi} under the same key. A machine's newer record replaces
 * its earlier contribution (kept in the parts store, {@code <store>-parts}), so a site window is
 * always the sum of each machine's latest record: sums of numerators and denominators, never
 * averages of ratios.
 *
 * <p>When a site window is final ({@link PartitionMarks}): once the site boundary, the lowest close
 * boundary over the telemetry partitions that are not idle, reaches its end. A partition's mark
 * comes after every machine window it closed, so by then every machine window of the site window
 * has arrived. In final mode a site window is published once, final, with revision 1; in updates
 * mode provisional revisions go out every updateInterval while it is open, then the final one. A
 * machine window that still comes for a final site window (from a partition that was idle and
 * speaks again) is added and the site window published again, final, with the next revision. A
 * site window is forgotten {@code retention} after the site boundary has passed its end; machine
 * windows that come later still are counted as expired and dropped.
 *
 * <p>Stores: {@code <store>} (site windows), {@code <store>-parts} (each machine's latest window
 * per site window), {@code <store>-marks} (the partitions' marks and how far this task has
 * finalized and forgotten).
 */
public final class SiteKpiProcessor implements Processor<String, SiteInput, String, SiteKpi> {

  /** Suffix of the store of each machine's latest contribution to a site window. */
  public static final String PARTS_SUFFIX = "-parts";
  /** Suffix of the store of the partitions' marks and of this task's progress. */
  public static final String MARKS_SUFFIX = "-marks";

  /** Scope of the metrics this processor records. */
  public static final String METRICS_SCOPE = "plantstream-site";
  /** Kafka's metric group of those metrics, as Kafka Streams names the group of a custom scope. */
  public static final String METRICS_GROUP = "stream-" + METRICS_SCOPE + "-metrics";
  /** The tag of those metrics that holds the task id. */
  public static final String METRICS_TASK_TAG = METRICS_SCOPE + "-id";
  /**
   * Sensor, after the site store's name, of final site windows published again: metrics
   * {@code <store>}{@value}{@code -rate} and {@code -total}.
   */
  public static final String CORRECTIONS = "-corrections";
  /**
   * Sensor, after the site store's name, of machine windows dropped because their site window was
   * forgotten: metrics {@code <store>}{@value}{@code -rate} and {@code -total}.
   */
  public static final String EXPIRED_MACHINE_WINDOWS = "-expired-machine-windows";

  private static final Serializer<String> KEYS = new StringSerializer();
  private static final String FINAL_UNTIL = "final-until";
  private static final String FORGOTTEN_UNTIL = "forgotten-until";
  private static final String CLOSED_PREFIX = "closed-until/";
  private static final String IDLE_PREFIX = "idle/";

  private final String storeName;
  private final Duration retention;
  private final int partitions;
  private final KpiConfig config;
  private ProcessorContext<String, SiteKpi> context;
  private KeyValueStore<String, SiteKpi> siteStore;
  private KeyValueStore<String, MachineKpi> parts;
  private KeyValueStore<String, Long> progress;
  private Sensor corrections;
  private Sensor expired;

  // In-memory mirrors, reloaded in init(): site windows by key, and their keys by window end.
  private final Map<String, SiteKpi> sites = new HashMap<>();
  private final NavigableMap<Long, Set<String>> byEnd = new TreeMap<>();
  private final Set<String> changedSinceUpdate = new LinkedHashSet<>();
  private PartitionMarks marks;
  private Long finalUntil;
  private Long forgottenUntil;

  /**
   * A processor keeping its site windows in {@code storeName} for {@code retention} after they are
   * final, over {@code partitions} telemetry partitions, emitting as {@code config} says.
   */
  public SiteKpiProcessor(String storeName, Duration retention, int partitions, KpiConfig config) {
    this.storeName = storeName;
    this.retention = retention;
    this.partitions = partitions;
    this.config = config;
  }

  @Override
  public void init(ProcessorContext<String, SiteKpi> context) {
    this.context = context;
    this.siteStore = context.getStateStore(storeName);
    this.parts = context.getStateStore(storeName + PARTS_SUFFIX);
    this.progress = context.getStateStore(storeName + MARKS_SUFFIX);
    String task = context.taskId().toString();
    this.corrections = context.metrics().addRateTotalSensor(METRICS_SCOPE, task,
        storeName + CORRECTIONS, Sensor.RecordingLevel.INFO);
    this.expired = context.metrics().addRateTotalSensor(METRICS_SCOPE, task,
        storeName + EXPIRED_MACHINE_WINDOWS, Sensor.RecordingLevel.INFO);
    reload();
    if (config.emit() == EmitMode.UPDATES) {
      context.schedule(config.updateInterval(), PunctuationType.WALL_CLOCK_TIME, now -> publishChanged());
    }
  }

  private void reload() {
    sites.clear();
    byEnd.clear();
    changedSinceUpdate.clear();
    try (KeyValueIterator<String, SiteKpi> all = siteStore.all()) {
      all.forEachRemaining(entry -> index(entry.key, entry.value));
    }
    marks = new PartitionMarks(partitions);
    for (int p = 0; p < partitions; p++) {
      Long idle = progress.get(IDLE_PREFIX + p);
      if (idle != null) {
        marks.update(p, progress.get(CLOSED_PREFIX + p), idle == 1);
      }
    }
    finalUntil = progress.get(FINAL_UNTIL);
    forgottenUntil = progress.get(FORGOTTEN_UNTIL);
  }

  @Override
  public void process(Record<String, SiteInput> record) {
    if (record.value() == null) {
      return;
    }
    Object item = record.value().getItem();
    if (item instanceof PartitionMark mark) {
      onMark(mark);
    } else if (item instanceof MachineKpi machine) {
      onMachineWindow(machine);
    }
  }

  private void onMachineWindow(MachineKpi machine) {
    long windowEnd = machine.getWindowEnd().toEpochMilli();
    if (forgottenUntil != null && windowEnd <= forgottenUntil) {
      expired.record();
      return;
    }
    long windowStart = machine.getWindowStart().toEpochMilli();
    String key = siteKey(machine);
    String partKey = key + '|' + machine.getMachineId();
    MachineKpi previous = parts.get(partKey);
    if (previous != null && previous.getRevision() >= machine.getRevision()) {
      return; // an older or repeated record of this machine window
    }
    SiteKpi site = sites.get(key);
    if (site == null) {
      site = KpiMath.emptySite(machine.getSiteId(), windowStart, windowEnd);
      site.setLocalDate(machine.getLocalDate());
      site.setShift(machine.getShift());
      index(key, site);
    }
    if (previous != null) {
      KpiMath.removeMachine(site, previous);
    }
    KpiMath.addMachine(site, machine);
    parts.put(partKey, machine);
    if (finalUntil != null && windowEnd <= finalUntil) {
      corrections.record();
      publish(key, site, true);
    } else {
      siteStore.put(key, site);
      if (config.emit() == EmitMode.UPDATES) {
        changedSinceUpdate.add(key);
      }
    }
  }

  private void onMark(PartitionMark mark) {
    if (mark.getPartitions() != partitions) {
      throw new IllegalStateException("telemetry partition " + mark.getPartition() + " counts " + mark.getPartitions()
          + " partitions, this site task " + partitions + ": every instance of the KPI application must "
          + "run with the same telemetry topic; restart them all");
    }
    marks.update(mark.getPartition(), mark.getClosedUntil(), mark.getIdle());
    int p = mark.getPartition();
    progress.put(IDLE_PREFIX + p, marks.idle(p) ? 1L : 0L);
    if (marks.closedUntil(p) != null) {
      progress.put(CLOSED_PREFIX + p, marks.closedUntil(p));
    }
    Long boundary = marks.siteBoundary();
    if (boundary == null || finalUntil != null && boundary <= finalUntil) {
      return;
    }
    NavigableMap<Long, Set<String>> nowFinal = finalUntil == null ? byEnd.headMap(boundary, true)
        : byEnd.subMap(finalUntil, false, boundary, true);
    for (Set<String> keys : nowFinal.values()) {
      for (String key : keys) {
        publish(key, sites.get(key), true);
      }
    }
    finalUntil = boundary;
    progress.put(FINAL_UNTIL, finalUntil);
    forget(boundary - retention.toMillis());
  }

  /**
   * The key of the site window a machine window belongs to: {@code siteId@localDate} for a day,
   * {@code siteId@windowStart} for the others (a shift's start is its key).
   */
  static String siteKey(MachineKpi machine) {
    return machine.getLocalDate() != null && machine.getShift() == null
        ? KpiKeys.ofDate(machine.getSiteId(), LocalDate.parse(machine.getLocalDate()))
        : KpiKeys.of(machine.getSiteId(), machine.getWindowStart().toEpochMilli());
  }

  /** Publishes the next revision of a site window. */
  private void publish(String key, SiteKpi site, boolean isFinal) {
    site.setRevision(site.getRevision() + 1);
    site.setFinal$(isFinal);
    siteStore.put(key, site);
    changedSinceUpdate.remove(key);
    context.forward(new Record<>(key, site, site.getWindowStart().toEpochMilli()));
  }

  /** In updates mode: the open site windows that changed since the last update, provisionally. */
  private void publishChanged() {
    for (String key : changedSinceUpdate.toArray(String[]::new)) {
      SiteKpi site = sites.get(key);
      if (site != null && !site.getFinal$()) {
        publish(key, site, false);
      }
    }
    changedSinceUpdate.clear();
  }

  /** Forgets the site windows ending at or before {@code horizon}, with their machine parts. */
  private void forget(long horizon) {
    if (forgottenUntil != null && horizon <= forgottenUntil) {
      return;
    }
    NavigableMap<Long, Set<String>> old = byEnd.headMap(horizon, true);
    for (Set<String> keys : old.values()) {
      for (String key : keys) {
        sites.remove(key);
        siteStore.delete(key);
        changedSinceUpdate.remove(key);
        List<String> machineParts = new ArrayList<>();
        try (KeyValueIterator<String, MachineKpi> it = parts.prefixScan(key + '|', KEYS)) {
          it.forEachRemaining(entry -> machineParts.add(entry.key));
        }
        machineParts.forEach(parts::delete);
      }
    }
    old.clear();
    forgottenUntil = horizon;
    progress.put(FORGOTTEN_UNTIL, forgottenUntil);
  }

  private void index(String key, SiteKpi site) {
    sites.put(key, site);
    // Sorted, so that site windows final at once go out in the same order however their machines came.
    byEnd.computeIfAbsent(site.getWindowEnd().toEpochMilli(), end -> new TreeSet<>()).add(key);
  }
}
