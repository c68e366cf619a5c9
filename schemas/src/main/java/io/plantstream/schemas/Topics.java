package io.plantstream.schemas;

import io.plantstream.avro.MachineInfo;
import io.plantstream.avro.MachineKpi;
import io.plantstream.avro.SiteInfo;
import io.plantstream.avro.SiteKpi;
import io.plantstream.avro.TelemetryEvent;
import io.plantstream.avro.internal.MachineCalendarWindow;
import io.plantstream.avro.internal.MachineTimeline;
import io.plantstream.avro.internal.SiteInput;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * The project's topics under one configurable prefix ({@code plant.} by default), each with its
 * serdes and the configuration it is created with.
 *
 * <p>Without a schema registry every Avro value is in single-object encoding. With one
 * ({@link #Topics(String, SchemaRegistry)}) the values of the topics users read and write
 * (telemetry, machines, the KPI topics, the late topic) are written in the Confluent wire format
 * under the subject {@code <topic>-value}, Kafka's topic-name strategy, and read in either
 * encoding. The streams application's internal topics and stores stay in single-object encoding:
 * nothing outside it reads them.
 */
public final class Topics {

  /** The prefix of every topic unless configured otherwise. */
  public static final String DEFAULT_PREFIX = "plant.";
  /** Partitions of the telemetry topic unless configured otherwise; the unit of parallelism. */
  public static final int DEFAULT_TELEMETRY_PARTITIONS = 12;

  /**
   * CRC-64-AVRO fingerprint of the {@code TelemetryEvent} schema that the hand-written codecs are
   * written for: this module's direct reader of {@link #TELEMETRY_SERDE} and the producer's
   * {@code TelemetryEncoder}. Bytes of any other schema take the generic Avro path; a test in each
   * module pins this to the current schema.
   */
  public static final long HAND_WRITTEN_TELEMETRY_FINGERPRINT = 0x4a7914fd189bb63bL;

  /** Serde of telemetry events; one shared instance, it is thread-safe. */
  public static final AvroSerde<TelemetryEvent> TELEMETRY_SERDE = AvroSerde.of(TelemetryEvent.class)
      .withDirectReader(HAND_WRITTEN_TELEMETRY_FINGERPRINT, TelemetryEventReader::read);
  /** Serde of machine metadata. */
  public static final AvroSerde<MachineInfo> MACHINE_INFO_SERDE = AvroSerde.of(MachineInfo.class);
  /** Sites and their shift calendars on {@link #sites()}. */
  public static final AvroSerde<SiteInfo> SITE_INFO_SERDE = AvroSerde.of(SiteInfo.class);
  /** Serde of per-machine KPI records. */
  public static final AvroSerde<MachineKpi> MACHINE_KPI_SERDE = AvroSerde.of(MachineKpi.class);
  /** Serde of per-site KPI records. */
  public static final AvroSerde<SiteKpi> SITE_KPI_SERDE = AvroSerde.of(SiteKpi.class);

  /** Serde of the KPI topology's internal machine timelines (state store and changelog). */
  public static final AvroSerde<MachineTimeline> TIMELINE_SERDE = AvroSerde.of(MachineTimeline.class);
  /** Serde of the KPI topology's site repartition topics: machine windows and partition marks. */
  public static final AvroSerde<SiteInput> SITE_INPUT_SERDE = AvroSerde.of(SiteInput.class);
  /** A machine's open shift or day window in the KPI topology's store. */
  public static final AvroSerde<MachineCalendarWindow> CALENDAR_WINDOW_SERDE = AvroSerde.of(MachineCalendarWindow.class);

  /** Topic config saying who stamps records: the producer (CreateTime) or the broker. */
  public static final String TIMESTAMP_TYPE = "message.timestamp.type";
  /** {@value}: the broker stamps each record with the time it was appended. */
  public static final String LOG_APPEND_TIME = "LogAppendTime";

  private static final Serde<String> KEYS = Serdes.String();
  private static final Serde<byte[]> BYTES = Serdes.ByteArray();

  private final String prefix;
  /** Null in single-object mode. */
  private final SchemaRegistry registry;
  private final Map<String, AvroSerde<?>> registrySerdes = new ConcurrentHashMap<>();

  /** The topics under {@code prefix}, which may be empty but not null, in single-object encoding. */
  public Topics(String prefix) {
    this(prefix, null);
  }

  /** The topics under {@code prefix}, in the Confluent wire format with {@code registry} unless it is null. */
  public Topics(String prefix, SchemaRegistry registry) {
    this.prefix = Objects.requireNonNull(prefix, "prefix");
    this.registry = registry;
  }

  /** The topics under the default prefix {@code plant.}. */
  public static Topics defaults() {
    return new Topics(DEFAULT_PREFIX);
  }

  /** The prefix of every topic name. */
  public String prefix() {
    return prefix;
  }

  /** The schema registry the topics' values are written with, if any. */
  public Optional<SchemaRegistry> registry() {
    return Optional.ofNullable(registry);
  }

  /** The registry subject of {@code topic}'s values: Kafka's topic-name strategy. */
  public static String subject(String topic) {
    return topic + "-value";
  }

  /**
   * Registers the value schemas of {@code written} with the registry (or finds them there), so that a
   * writer fails before it publishes anything if the registry refuses; nothing without a registry.
   */
  public void registerSchemas(List<Topic<String, ?>> written) {
    for (Topic<String, ?> topic : written) {
      if (topic.valueSerde() instanceof AvroSerde<?> avro) {
        avro.register();
      }
    }
  }

  /** Every topic whose values are Avro records users read: what {@code plant topics} registers. */
  public List<Topic<String, ?>> avroTopics() {
    return List.of(telemetry(), machines(), sites(), machineKpi1m(), machineKpiDay(), siteKpi1m(), siteKpi1h(),
        siteKpiShift(), siteKpiDay(), late());
  }

  /** {@code serde} as this catalogue writes it for {@code topic}: in the registry, if there is one. */
  @SuppressWarnings("unchecked")
  private <V extends SpecificRecord> AvroSerde<V> serde(String topic, AvroSerde<V> serde) {
    if (registry == null) {
      return serde;
    }
    return (AvroSerde<V>) registrySerdes.computeIfAbsent(topic, name -> serde.inRegistry(registry, subject(name)));
  }

  /** Input events, keyed by machine id. */
  public Topic<String, TelemetryEvent> telemetry() {
    return new Topic<>(prefix + "telemetry", KEYS, telemetrySerde());
  }

  /** A topic named {@code name} that holds telemetry events, as {@link #telemetry()} does (replay's {@code --topic}). */
  public Topic<String, TelemetryEvent> telemetryNamed(String name) {
    return new Topic<>(name, KEYS, telemetrySerde(name));
  }

  /** The serde of the telemetry topic's values, for code that decodes raw bytes itself. */
  public AvroSerde<TelemetryEvent> telemetrySerde() {
    return telemetrySerde(prefix + "telemetry");
  }

  /** The serde of telemetry events on the topic {@code name}: its registry subject is named after it. */
  public AvroSerde<TelemetryEvent> telemetrySerde(String name) {
    return serde(name, TELEMETRY_SERDE);
  }

  /** Machine metadata, compacted, keyed by machine id. */
  public Topic<String, MachineInfo> machines() {
    return new Topic<>(prefix + "machines", KEYS, serde(prefix + "machines", MACHINE_INFO_SERDE));
  }

  /** Sites and their shift calendars, compacted, keyed by site id. */
  public Topic<String, SiteInfo> sites() {
    return new Topic<>(prefix + "sites", KEYS, serde(prefix + "sites", SITE_INFO_SERDE));
  }

  /** One final KPI record per machine and 1-minute window. */
  public Topic<String, MachineKpi> machineKpi1m() {
    return new Topic<>(prefix + "kpi.machine.1m", KEYS, serde(prefix + "kpi.machine.1m", MACHINE_KPI_SERDE));
  }

  /** Site KPIs per 1-minute window, compacted; the latest record per key is authoritative. */
  public Topic<String, SiteKpi> siteKpi1m() {
    return new Topic<>(prefix + "kpi.site.1m", KEYS, serde(prefix + "kpi.site.1m", SITE_KPI_SERDE));
  }

  /** Site KPIs per 1-hour window, compacted; the latest record per key is authoritative. */
  public Topic<String, SiteKpi> siteKpi1h() {
    return new Topic<>(prefix + "kpi.site.1h", KEYS, serde(prefix + "kpi.site.1h", SITE_KPI_SERDE));
  }

  /** Site KPIs per shift of the site's calendar, compacted, keyed {@code siteId@shiftStart}. */
  public Topic<String, SiteKpi> siteKpiShift() {
    return new Topic<>(prefix + "kpi.site.shift", KEYS, serde(prefix + "kpi.site.shift", SITE_KPI_SERDE));
  }

  /** Site KPIs per local day of the site, compacted, keyed {@code siteId@localDate}. */
  public Topic<String, SiteKpi> siteKpiDay() {
    return new Topic<>(prefix + "kpi.site.day", KEYS, serde(prefix + "kpi.site.day", SITE_KPI_SERDE));
  }

  /** Machine KPIs and reliability (failures, MTBF, MTTR) per local day of its site, compacted, keyed {@code machineId@localDate}. */
  public Topic<String, MachineKpi> machineKpiDay() {
    return new Topic<>(prefix + "kpi.machine.day", KEYS, serde(prefix + "kpi.machine.day", MACHINE_KPI_SERDE));
  }

  /** Records that could not be processed, as received, with headers saying why. */
  public Topic<byte[], byte[]> dlq() {
    return new Topic<>(prefix + "telemetry.dlq", BYTES, BYTES);
  }

  /** Events that arrived after their window closed. */
  public Topic<String, TelemetryEvent> late() {
    return new Topic<>(prefix + "telemetry.late", KEYS, serde(prefix + "telemetry.late", TELEMETRY_SERDE));
  }

  /** Every topic of the project with how it is created. */
  public List<TopicSpec> specs(int telemetryPartitions) {
    // The broker stamps records with their arrival time; event time travels in the payload. A broker
    // judges retention and producer-id expiry by record timestamps, so event times of a replay of
    // last week would be deleted on arrival and would expire their producer's idempotence state
    // (producer.id.expiration.ms, one day), after which a transactional producer's next batch is
    // refused with OUT_OF_ORDER_SEQUENCE_NUMBER for good. Simulated time may also run ahead of the
    // broker's clock, which CreateTime topics refuse beyond message.timestamp.after.max.ms.
    Map<String, String> compacted = Map.of("cleanup.policy", "compact", TIMESTAMP_TYPE, LOG_APPEND_TIME);
    Map<String, String> week = Map.of("retention.ms", String.valueOf(7L * 24 * 3600 * 1000),
        TIMESTAMP_TYPE, LOG_APPEND_TIME);
    return List.of(
        new TopicSpec(telemetry().name(), telemetryPartitions, week, "input events, keyed by machine id"),
        new TopicSpec(machines().name(), 1, compacted, "machine metadata, keyed by machine id"),
        new TopicSpec(sites().name(), 1, compacted, "sites and their shift calendars, keyed by site id"),
        new TopicSpec(machineKpi1m().name(), telemetryPartitions, week, "final KPIs per machine and minute"),
        new TopicSpec(machineKpiDay().name(), telemetryPartitions, compacted,
            "KPIs and reliability per machine and local day, latest per key"),
        new TopicSpec(siteKpi1m().name(), 6, compacted, "KPIs per site and minute, latest per key"),
        new TopicSpec(siteKpi1h().name(), 6, compacted, "KPIs per site and hour, latest per key"),
        new TopicSpec(siteKpiShift().name(), 6, compacted, "KPIs per site and shift, latest per key"),
        new TopicSpec(siteKpiDay().name(), 6, compacted, "KPIs per site and local day, latest per key"),
        new TopicSpec(dlq().name(), 1, week, "records that could not be processed, with the reason"),
        new TopicSpec(late().name(), 3, week, "events that arrived after their window closed"));
  }

  /**
   * How one topic is created.
   *
   * @param name full topic name
   * @param partitions partition count
   * @param configs topic-level configs
   * @param description what the topic holds
   */
  public record TopicSpec(String name, int partitions, Map<String, String> configs, String description) {}
}
