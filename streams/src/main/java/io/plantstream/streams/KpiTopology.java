package io.plantstream.streams;

import io.plantstream.avro.MachineInfo;
import io.plantstream.avro.MachineKpi;
import io.plantstream.avro.SiteKpi;
import io.plantstream.avro.TelemetryEvent;
import io.plantstream.schemas.KpiKeys;
import io.plantstream.schemas.Topic;
import io.plantstream.schemas.Topics;
import java.time.Duration;
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
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * The KPI topology: telemetry in, machine and site KPIs out (SPEC §4, §5).
 *
 * <pre>
 * plant.machines  ──► global store machines-store (ideal cycle times, machines per site)
 * plant.telemetry ──► machine-timeline (MachineTimelineProcessor; stores machine-timeline-store,
 *   (key machine)      machine-recent-events-store, machine-held-events-store, partition-clock-store,
 *                      machine-kpi-revision-store)
 *                       ├─ late events ───────────────────────────────► plant.telemetry.late
 *                       ├─ held events found skewed ──────────────────► plant.telemetry.dlq
 *                       ├─ machine KPI, 1 min ─┬──────────────────────► plant.kpi.machine.1m
 *                       │                      └─ repartition site-kpi-1m by site
 *                       │                         ► site-kpi-1m (SiteKpiProcessor) ► plant.kpi.site.1m
 *                       └─ machine KPI, 1 h ── repartition site-kpi-1h by site
 *                                                 ► site-kpi-1h (SiteKpiProcessor) ► plant.kpi.site.1h
 * </pre>
 *
 * Keys of the KPI topics are {@code id@windowStart} ({@link KpiKeys}). Every stateful operator and
 * internal topic is named, so their names survive edits of the topology. The stores hold only open
 * windows, pending events and recent event ids (a few MB for the five default sites), so they live
 * in memory, backed by their changelog topics for restoration; RocksDB would only add a JNI round
 * trip to every event.
 */
public final class KpiTopology {

  /** Site aggregates of 1-minute windows. */
  public static final String SITE_1M_STORE = "site-kpi-1m-store";
  /** Site aggregates of 1-hour windows. */
  public static final String SITE_1H_STORE = "site-kpi-1h-store";

  private KpiTopology() {}

  /** The topology over {@code topics} with {@code config}'s time rules. */
  public static Topology build(Topics topics, KpiConfig config) {
    StreamsBuilder builder = new StreamsBuilder();
    addTo(builder, topics, config);
    return builder.build();
  }

  /** Adds the KPI topology to {@code builder}. */
  public static void addTo(StreamsBuilder builder, Topics topics, KpiConfig config) {
    Topic<String, MachineInfo> machines = topics.machines();
    builder.addGlobalStore(
        Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(MachineDirectory.STORE),
            machines.keySerde(), machines.valueSerde()).withLoggingDisabled(),
        machines.name(),
        Consumed.with(machines.keySerde(), machines.valueSerde()).withName("machines-source"),
        MachineDirectory.Updater::new);

    builder.addStateStore(store(MachineTimelineProcessor.TIMELINE_STORE, Topics.TIMELINE_SERDE));
    builder.addStateStore(Stores.keyValueStoreBuilder(
        Stores.inMemoryKeyValueStore(MachineTimelineProcessor.RECENT_STORE),
        Serdes.Long(), Serdes.ByteArray()).withCachingEnabled());
    builder.addStateStore(Stores.keyValueStoreBuilder(
        Stores.inMemoryKeyValueStore(MachineTimelineProcessor.HELD_STORE), Serdes.Long(), Serdes.ByteArray()));
    builder.addStateStore(Stores.keyValueStoreBuilder(
        Stores.inMemoryKeyValueStore(MachineTimelineProcessor.CLOCK_STORE),
        Serdes.String(), Serdes.Long()));
    builder.addStateStore(store(MachineTimelineProcessor.REVISION_STORE, Serdes.Integer()));
    builder.addStateStore(store(SITE_1M_STORE, Topics.SITE_KPI_SERDE));
    builder.addStateStore(store(SITE_1M_STORE + SiteKpiProcessor.PARTS_SUFFIX, Topics.MACHINE_KPI_SERDE));
    builder.addStateStore(store(SITE_1H_STORE, Topics.SITE_KPI_SERDE));
    builder.addStateStore(store(SITE_1H_STORE + SiteKpiProcessor.PARTS_SUFFIX, Topics.MACHINE_KPI_SERDE));

    Topic<String, TelemetryEvent> telemetry = topics.telemetry();
    KStream<String, Object> timeline = builder
        // Raw bytes in: the processor decodes them itself, keeps them as received, and sends what
        // does not decode to the DLQ with the reason. It reads event time from the envelope; Kafka
        // Streams' record time is the arrival time the broker stamped (Topics#specs), which
        // nothing here computes with.
        .stream(telemetry.name(), Consumed.with(telemetry.keySerde(), Serdes.ByteArray())
            .withTimestampExtractor(new UsePartitionTimeOnInvalidTimestamp())
            .withName("telemetry-source"))
        .process(() -> new MachineTimelineProcessor(config), Named.as("machine-timeline"),
            MachineTimelineProcessor.TIMELINE_STORE, MachineTimelineProcessor.RECENT_STORE,
            MachineTimelineProcessor.CLOCK_STORE, MachineTimelineProcessor.REVISION_STORE,
            MachineTimelineProcessor.HELD_STORE);

    Map<String, KStream<String, Object>> outputs = timeline
        .split(Named.as("timeline-"))
        .branch((machine, value) -> value instanceof TelemetryEvent, Branched.as("late"))
        .branch((machine, value) -> value instanceof DeadLetter, Branched.as("dead-letter"))
        .branch((machine, value) -> isMinute(value), Branched.as("minute"))
        .defaultBranch(Branched.as("hour"));

    outputs.get("timeline-late")
        .mapValues(value -> (TelemetryEvent) value, Named.as("as-late-event"))
        .to(topics.late().name(), Produced.with(topics.late().keySerde(), topics.late().valueSerde())
            .withName("late-sink"));

    // Held events found wrong later; what Kafka Streams' handlers send goes to the same topic.
    outputs.get("timeline-dead-letter")
        .mapValues(value -> ((DeadLetter) value).value(), Named.as("as-dead-letter"))
        .to(topics.dlq().name(), Produced.with(Serdes.String(), Serdes.ByteArray()).withName("dead-letter-sink"));

    KStream<String, MachineKpi> minutes = outputs.get("timeline-minute")
        .mapValues(value -> (MachineKpi) value, Named.as("as-machine-kpi-1m"));
    Topic<String, MachineKpi> machineKpi = topics.machineKpi1m();
    minutes
        .selectKey((machine, kpi) -> KpiKeys.of(machine, kpi.getWindowStart().toEpochMilli()),
            Named.as("machine-kpi-1m-key"))
        .to(machineKpi.name(), Produced.with(machineKpi.keySerde(), machineKpi.valueSerde())
            .withName("machine-kpi-1m-sink"));
    siteKpis(minutes, "site-kpi-1m", SITE_1M_STORE, Duration.ofHours(2), topics.siteKpi1m());

    KStream<String, MachineKpi> hours = outputs.get("timeline-hour")
        .mapValues(value -> (MachineKpi) value, Named.as("as-machine-kpi-1h"));
    siteKpis(hours, "site-kpi-1h", SITE_1H_STORE, Duration.ofDays(2), topics.siteKpi1h());
  }

  private static void siteKpis(KStream<String, MachineKpi> machineKpis, String name, String store,
      Duration retention, Topic<String, SiteKpi> output) {
    machineKpis
        .selectKey((machine, kpi) -> KpiKeys.of(kpi.getSiteId(), kpi.getWindowStart().toEpochMilli()),
            Named.as(name + "-key"))
        .repartition(Repartitioned.<String, MachineKpi>as(name)
            .withKeySerde(Serdes.String())
            .withValueSerde(Topics.MACHINE_KPI_SERDE))
        .process(() -> new SiteKpiProcessor(store, retention), Named.as(name), store,
            store + SiteKpiProcessor.PARTS_SUFFIX)
        .to(output.name(), Produced.with(output.keySerde(), output.valueSerde()).withName(name + "-sink"));
  }

  private static boolean isMinute(Object value) {
    MachineKpi kpi = (MachineKpi) value;
    return kpi.getWindowEnd().toEpochMilli() - kpi.getWindowStart().toEpochMilli() == KpiConfig.MINUTE;
  }

  private static <V> StoreBuilder<KeyValueStore<String, V>> store(String name,
      Serde<V> serde) {
    return Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(name), Serdes.String(), serde);
  }
}
