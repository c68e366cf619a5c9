package io.plantstream.streams;

import io.plantstream.avro.MachineInfo;
import io.plantstream.avro.MachineKpi;
import io.plantstream.avro.SiteInfo;
import io.plantstream.avro.SiteKpi;
import io.plantstream.avro.TelemetryEvent;
import io.plantstream.avro.internal.SiteInput;
import io.plantstream.schemas.KpiKeys;
import io.plantstream.schemas.Topic;
import io.plantstream.schemas.Topics;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.processor.UsePartitionTimeOnInvalidTimestamp;
import org.apache.kafka.streams.state.KeyValueBytesStoreSupplier;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * The KPI topology: telemetry in, machine and site KPIs out (docs/kpi-rules.md).
 *
 * <pre>
 * plant.machines  ──► global store machines-store (site, line, ideal cycle time of each machine)
 * plant.sites     ──► global store sites-store (time zone and shift calendar of each site)
 * plant.telemetry ──► machine-timeline (MachineTimelineProcessor; stores machine-timeline-store,
 *   (key machine)      machine-pending-events-store, machine-held-events-store, partition-clock-store,
 *                      machine-kpi-revision-store)
 *                       ├─ late events ───────────────────────────────► plant.telemetry.late
 *                       ├─ held events found skewed ──────────────────► plant.telemetry.dlq
 *                       ├─ machine window, 1 min ─┬───────────────────► plant.kpi.machine.1m
 *                       │                         └─┐
 *                       ├─ partition marks ─────────┼─ repartition site-input-1m (by site; marks to all)
 *                       │                           │  ► site-kpi-1m (SiteKpiProcessor) ► plant.kpi.site.1m
 *                       ├─ machine window, 1 h ─────┴─ repartition site-input-1h (by site; marks to all)
 *                       │                              ► site-kpi-1h (SiteKpiProcessor) ► plant.kpi.site.1h
 *                       └─ machine minutes and marks ► machine-calendar (MachineCalendarProcessor;
 *                            store machine-calendar-store)
 *                             ├─ machine day ─┬──────────────────────────────────────► plant.kpi.machine.day
 *                             │               └─ repartition site-input-day ► site-kpi-day ► plant.kpi.site.day
 *                             ├─ machine shift ─ repartition site-input-shift ► site-kpi-shift ► plant.kpi.site.shift
 *                             └─ marks, behind the windows they closed, to both repartitions
 * </pre>
 *
 * Keys of the KPI topics are {@code id@windowStart} ({@link KpiKeys}). Every stateful operator and
 * internal topic is named, so their names survive edits of the topology. State written per event
 * is one small entry in machine-pending-events-store; the other stores change once per machine and
 * window. The stores whose size grows with the plant times the retention (each machine's part of a
 * site window, kept for the HTTP API) are RocksDB stores; the others live in memory, backed by
 * their changelog topics (BENCHMARKS.md has the measurements behind the choice).
 */
public final class KpiTopology {

  /** Site aggregates of 1-minute windows. */
  public static final String SITE_1M_STORE = "site-kpi-1m-store";
  /** Site aggregates of 1-hour windows. */
  public static final String SITE_1H_STORE = "site-kpi-1h-store";
  /** Site aggregates of the shifts of each site's calendar. */
  public static final String SITE_SHIFT_STORE = "site-kpi-shift-store";
  /** Site aggregates of each site's local days. */
  public static final String SITE_DAY_STORE = "site-kpi-day-store";

  // The names of the nodes that code outside the topology depends on (the metrics read Kafka
  // Streams' per-node metrics by them); KpiTopologyDescriptionTest pins every name of the topology.

  /** The global store's source of machine metadata (Kafka Streams adds its own source, {@code <name>-source}). */
  public static final String MACHINES_SOURCE = "machines-source";
  /** The source of telemetry. */
  public static final String TELEMETRY_SOURCE = "telemetry-source";
  /** The processor of the machine timelines ({@link MachineTimelineProcessor}). */
  public static final String MACHINE_TIMELINE = "machine-timeline";
  /** The sink of late events. */
  public static final String LATE_SINK = "late-sink";
  /** The sink of events the timeline found wrong after holding them. */
  public static final String DEAD_LETTER_SINK = "dead-letter-sink";
  /** The sink of machine KPIs of 1-minute windows. */
  public static final String MACHINE_KPI_1M_SINK = "machine-kpi-1m-sink";
  /** The site aggregation of 1-minute windows ({@link SiteKpiProcessor}). */
  public static final String SITE_KPI_1M = "site-kpi-1m";
  /** The site aggregation of 1-hour windows ({@link SiteKpiProcessor}). */
  public static final String SITE_KPI_1H = "site-kpi-1h";
  /** The sink of site KPIs of 1-minute windows. */
  public static final String SITE_KPI_1M_SINK = SITE_KPI_1M + "-sink";
  /** The sink of site KPIs of 1-hour windows. */
  public static final String SITE_KPI_1H_SINK = SITE_KPI_1H + "-sink";
  /** The global store's source of sites and their calendars. */
  public static final String SITES_SOURCE = "sites-source";
  /** The processor of the machines' shift and day windows ({@link MachineCalendarProcessor}). */
  public static final String MACHINE_CALENDAR = "machine-calendar";
  /** The sink of machine KPIs and reliability of local days. */
  public static final String MACHINE_KPI_DAY_SINK = "machine-kpi-day-sink";
  /** The site aggregation of shifts ({@link SiteKpiProcessor}). */
  public static final String SITE_KPI_SHIFT = "site-kpi-shift";
  /** The site aggregation of local days ({@link SiteKpiProcessor}). */
  public static final String SITE_KPI_DAY = "site-kpi-day";
  /** The sink of site KPIs of shifts. */
  public static final String SITE_KPI_SHIFT_SINK = SITE_KPI_SHIFT + "-sink";
  /** The sink of site KPIs of local days. */
  public static final String SITE_KPI_DAY_SINK = SITE_KPI_DAY + "-sink";

  /**
   * A sink node that writes KPI records.
   *
   * @param node the sink's name in the topology
   * @param topic the topic it writes
   * @param window the window size of its records
   */
  public record KpiSink(String node, String topic, KpiWindow window) {}

  /**
   * Internal topics (after {@code <application-id>-}) that only older layouts of this topology's
   * state had: an application id that has them holds state this version must not read.
   */
  public static final List<String> RETIRED_INTERNAL_TOPICS = List.of(
      "machine-recent-events-store-changelog", "site-kpi-1m-repartition", "site-kpi-1h-repartition");

  /**
   * Changelog settings of the store of complete pending-event segments, which gets each segment
   * once and one tombstone once all its events are applied: small
   * segments and an eager cleaner keep what a restoring instance reads close to what is pending. A
   * tombstone that is cleaned before a slow restoration reads it cannot bring an applied event
   * back: the task skips pending entries its close boundary has passed.
   */
  private static final Map<String, String> PENDING_CHANGELOG = Map.of(
      "segment.bytes", String.valueOf(64 * 1024 * 1024),
      "segment.ms", String.valueOf(Duration.ofMinutes(10).toMillis()),
      "min.cleanable.dirty.ratio", "0.1",
      "delete.retention.ms", String.valueOf(Duration.ofMinutes(10).toMillis()));

  private KpiTopology() {}

  /**
   * The sinks of KPI records over {@code topics}: machine minutes, site minutes, site hours, machine
   * days, site shifts, site days.
   */
  public static List<KpiSink> kpiSinks(Topics topics) {
    return List.of(
        new KpiSink(MACHINE_KPI_1M_SINK, topics.machineKpi1m().name(), KpiWindow.MINUTE),
        new KpiSink(SITE_KPI_1M_SINK, topics.siteKpi1m().name(), KpiWindow.MINUTE),
        new KpiSink(SITE_KPI_1H_SINK, topics.siteKpi1h().name(), KpiWindow.HOUR),
        new KpiSink(MACHINE_KPI_DAY_SINK, topics.machineKpiDay().name(), KpiWindow.DAY),
        new KpiSink(SITE_KPI_SHIFT_SINK, topics.siteKpiShift().name(), KpiWindow.SHIFT),
        new KpiSink(SITE_KPI_DAY_SINK, topics.siteKpiDay().name(), KpiWindow.DAY));
  }

  /**
   * The topology over {@code topics} with {@code config}'s time rules, for a telemetry topic of
   * {@code telemetryPartitions} partitions: the site aggregation waits for each of them.
   */
  public static Topology build(Topics topics, KpiConfig config, int telemetryPartitions) {
    StreamsBuilder builder = new StreamsBuilder();
    addTo(builder, topics, config, telemetryPartitions);
    return builder.build();
  }

  /** Adds the KPI topology to {@code builder}; see {@link #build}. */
  public static void addTo(StreamsBuilder builder, Topics topics, KpiConfig config, int telemetryPartitions) {
    if (telemetryPartitions < 1) {
      throw new IllegalArgumentException("need at least one telemetry partition, was " + telemetryPartitions);
    }
    Topic<String, MachineInfo> machines = topics.machines();
    builder.addGlobalStore(
        Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(MachineDirectory.STORE),
            machines.keySerde(), machines.valueSerde()).withLoggingDisabled(),
        machines.name(),
        Consumed.with(machines.keySerde(), machines.valueSerde()).withName(MACHINES_SOURCE),
        MachineDirectory.Updater::new);

    // Stores whose keys are overwritten often are cached: the changelog gets a key's last value per
    // commit. Above all the pending events' open segment, rewritten with each event. The timelines
    // are not: each is written once per close, and a cache full of them (20,000 machines fill the
    // default 10 MB) would evict the open segments, and write them, at every event.
    builder.addStateStore(inMemory(MachineTimelineProcessor.TIMELINE_STORE, Serdes.String(), Topics.TIMELINE_SERDE));
    builder.addStateStore(inMemory(MachineTimelineProcessor.PENDING_OPEN_STORE, Serdes.String(), Serdes.ByteArray())
        .withCachingEnabled());
    builder.addStateStore(inMemory(MachineTimelineProcessor.PENDING_STORE, Serdes.Long(), Serdes.ByteArray())
        .withLoggingEnabled(PENDING_CHANGELOG));
    builder.addStateStore(inMemory(MachineTimelineProcessor.HELD_STORE, Serdes.Long(), Serdes.ByteArray()));
    builder.addStateStore(inMemory(MachineTimelineProcessor.CLOCK_STORE, Serdes.String(), Serdes.Long())
        .withCachingEnabled());
    builder.addStateStore(inMemory(MachineTimelineProcessor.REVISION_STORE, Serdes.String(), Serdes.Integer()));
    builder.addStateStore(inMemory(MachineCalendarProcessor.STORE, Serdes.String(), Topics.CALENDAR_WINDOW_SERDE)
        .withCachingEnabled());
    for (String site : new String[] {SITE_1M_STORE, SITE_1H_STORE, SITE_SHIFT_STORE, SITE_DAY_STORE}) {
      builder.addStateStore(inMemory(site, Serdes.String(), Topics.SITE_KPI_SERDE).withCachingEnabled());
      builder.addStateStore(persistent(site + SiteKpiProcessor.PARTS_SUFFIX, Topics.MACHINE_KPI_SERDE));
      builder.addStateStore(inMemory(site + SiteKpiProcessor.MARKS_SUFFIX, Serdes.String(), Serdes.Long())
          .withCachingEnabled());
    }

    Topic<String, TelemetryEvent> telemetry = topics.telemetry();
    KStream<String, TimelineOutput> timeline = builder
        // Raw bytes in: the processor decodes them itself, keeps them as received, and sends what
        // does not decode to the DLQ with the reason. It reads event time from the envelope; Kafka
        // Streams' record time is the arrival time the broker stamped (Topics#specs), which
        // nothing here computes with.
        .stream(telemetry.name(), Consumed.with(telemetry.keySerde(), Serdes.ByteArray())
            .withTimestampExtractor(new UsePartitionTimeOnInvalidTimestamp())
            .withName(TELEMETRY_SOURCE))
        .process(() -> new MachineTimelineProcessor(config, telemetryPartitions, topics.telemetrySerde()), Named.as(MACHINE_TIMELINE),
            MachineTimelineProcessor.TIMELINE_STORE, MachineTimelineProcessor.PENDING_STORE,
            MachineTimelineProcessor.PENDING_OPEN_STORE,
            MachineTimelineProcessor.CLOCK_STORE, MachineTimelineProcessor.REVISION_STORE,
            MachineTimelineProcessor.HELD_STORE);

    Map<String, KStream<String, TimelineOutput>> outputs = timeline
        .split(Named.as("timeline-"))
        .branch((machine, out) -> out instanceof TimelineOutput.Late, Branched.as("late"))
        .branch((machine, out) -> out instanceof TimelineOutput.DeadLetter, Branched.as("dead-letter"))
        .branch((machine, out) -> out instanceof TimelineOutput.Mark, Branched.as("mark"))
        .branch((machine, out) -> out instanceof TimelineOutput.ClosedWindow window && window.minute(),
            Branched.as("minute"))
        .defaultBranch(Branched.as("hour"));

    outputs.get("timeline-late")
        .mapValues(out -> ((TimelineOutput.Late) out).event(), Named.as("as-late-event"))
        .to(topics.late().name(), Produced.with(topics.late().keySerde(), topics.late().valueSerde())
            .withName(LATE_SINK));

    // Held events found wrong later; what Kafka Streams' handlers send goes to the same topic.
    outputs.get("timeline-dead-letter")
        .mapValues(out -> ((TimelineOutput.DeadLetter) out).value(), Named.as("as-dead-letter"))
        .to(topics.dlq().name(), Produced.with(Serdes.String(), Serdes.ByteArray()).withName(DEAD_LETTER_SINK));

    KStream<String, MachineKpi> minutes = outputs.get("timeline-minute")
        .mapValues(out -> ((TimelineOutput.ClosedWindow) out).kpi(), Named.as("as-machine-kpi-1m"));
    Topic<String, MachineKpi> machineKpi = topics.machineKpi1m();
    minutes
        .selectKey((machine, kpi) -> KpiKeys.of(machine, kpi.getWindowStart().toEpochMilli()),
            Named.as("machine-kpi-1m-key"))
        .to(machineKpi.name(), Produced.with(machineKpi.keySerde(), machineKpi.valueSerde())
            .withName(MACHINE_KPI_1M_SINK));
    KStream<String, MachineKpi> hours = outputs.get("timeline-hour")
        .mapValues(out -> ((TimelineOutput.ClosedWindow) out).kpi(), Named.as("as-machine-kpi-1h"));
    KStream<String, TimelineOutput> partitionMarks = outputs.get("timeline-mark");

    siteKpis(minutes, partitionMarks, KpiWindow.MINUTE, SITE_KPI_1M, SITE_KPI_1M_SINK, topics.siteKpi1m(),
        config, telemetryPartitions);
    siteKpis(hours, partitionMarks, KpiWindow.HOUR, SITE_KPI_1H, SITE_KPI_1H_SINK, topics.siteKpi1h(),
        config, telemetryPartitions);

    // Shifts and days: each machine's final minutes summed per window of its site's calendar in the
    // partition's task, closed by the marks, which go on behind the windows they closed.
    Map<String, KStream<String, TimelineOutput>> calendar = outputs.get("timeline-minute")
        .merge(partitionMarks, Named.as("machine-calendar-input"))
        .process(MachineCalendarProcessor::new, Named.as(MACHINE_CALENDAR), MachineCalendarProcessor.STORE)
        .split(Named.as("calendar-"))
        .branch((machine, out) -> out instanceof TimelineOutput.Mark, Branched.as("mark"))
        .branch((machine, out) -> ((TimelineOutput.ClosedWindow) out).kpi().getShift() != null, Branched.as("shift"))
        .defaultBranch(Branched.as("day"));
    KStream<String, TimelineOutput> calendarMarks = calendar.get("calendar-mark");
    KStream<String, MachineKpi> shifts = calendar.get("calendar-shift")
        .mapValues(out -> ((TimelineOutput.ClosedWindow) out).kpi(), Named.as("as-machine-kpi-shift"));
    KStream<String, MachineKpi> days = calendar.get("calendar-day")
        .mapValues(out -> ((TimelineOutput.ClosedWindow) out).kpi(), Named.as("as-machine-kpi-day"));
    Topic<String, MachineKpi> machineDays = topics.machineKpiDay();
    days
        .selectKey((machine, kpi) -> KpiKeys.ofDate(machine, LocalDate.parse(kpi.getLocalDate())),
            Named.as("machine-kpi-day-key"))
        .to(machineDays.name(), Produced.with(machineDays.keySerde(), machineDays.valueSerde())
            .withName(MACHINE_KPI_DAY_SINK));
    siteKpis(shifts, calendarMarks, KpiWindow.SHIFT, SITE_KPI_SHIFT, SITE_KPI_SHIFT_SINK, topics.siteKpiShift(),
        config, telemetryPartitions);
    siteKpis(days, calendarMarks, KpiWindow.DAY, SITE_KPI_DAY, SITE_KPI_DAY_SINK, topics.siteKpiDay(),
        config, telemetryPartitions);

    // Added last, so that the sub-topologies (and the task ids) of the topology before it stay as they were.
    Topic<String, SiteInfo> sites = topics.sites();
    builder.addGlobalStore(
        Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(SiteDirectory.STORE),
            sites.keySerde(), sites.valueSerde()).withLoggingDisabled(),
        sites.name(),
        Consumed.with(sites.keySerde(), sites.valueSerde()).withName(SITES_SOURCE),
        SiteDirectory.Updater::new);
  }

  /**
   * Machine windows keyed by site window, and every partition mark, through one repartition topic
   * (marks go to all its partitions, see {@link SiteInputPartitioner}), into a site aggregation.
   * Both come from the same task in the order the processor sent them, which is what makes a mark
   * a promise about the machine windows before it.
   */
  private static void siteKpis(KStream<String, MachineKpi> machineKpis, KStream<String, TimelineOutput> partitionMarks,
      KpiWindow window, String name, String sink, Topic<String, SiteKpi> output, KpiConfig config,
      int telemetryPartitions) {
    String size = window.label();
    String store = window.siteStore();
    Duration retention = window.retention();
    KStream<String, SiteInput> windows = machineKpis
        // The site window's own key, so that the store key's partition is the one it lives in.
        .selectKey((machine, kpi) -> SiteKpiProcessor.siteKey(kpi), Named.as(name + "-key"))
        .mapValues(kpi -> new SiteInput(kpi), Named.as(name + "-window-input"));
    KStream<String, SiteInput> marks = partitionMarks
        .mapValues(out -> new SiteInput(((TimelineOutput.Mark) out).mark()), Named.as(name + "-mark-input"));
    windows.merge(marks, Named.as(name + "-input"))
        .repartition(Repartitioned.<String, SiteInput>as("site-input-" + size)
            .withKeySerde(Serdes.String())
            .withValueSerde(Topics.SITE_INPUT_SERDE)
            .withStreamPartitioner(new SiteInputPartitioner()))
        .process(() -> new SiteKpiProcessor(store, retention, telemetryPartitions, config), Named.as(name), store,
            store + SiteKpiProcessor.PARTS_SUFFIX, store + SiteKpiProcessor.MARKS_SUFFIX)
        .to(output.name(), Produced.with(output.keySerde(), output.valueSerde()).withName(sink));
  }

  private static <K, V> StoreBuilder<KeyValueStore<K, V>> inMemory(String name, Serde<K> keys, Serde<V> values) {
    return Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(name), keys, values);
  }

  private static <V> StoreBuilder<KeyValueStore<String, V>> persistent(String name, Serde<V> values) {
    KeyValueBytesStoreSupplier supplier = Stores.persistentKeyValueStore(name);
    return Stores.keyValueStoreBuilder(supplier, Serdes.String(), values);
  }
}
