package io.plantstream.schemas;

import io.plantstream.avro.MachineInfo;
import io.plantstream.avro.MachineKpi;
import io.plantstream.avro.SiteKpi;
import io.plantstream.avro.TelemetryEvent;
import io.plantstream.avro.internal.MachineTimeline;
import io.plantstream.avro.internal.SiteInput;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * The project's topics (SPEC §5) under one configurable prefix ({@code plant.} by default), each
 * with its serdes and the configuration it is created with.
 */
public final class Topics {

  /** The prefix of every topic unless configured otherwise. */
  public static final String DEFAULT_PREFIX = "plant.";
  /** Partitions of the telemetry topic unless configured otherwise; the unit of parallelism. */
  public static final int DEFAULT_TELEMETRY_PARTITIONS = 12;

  /** Serde of telemetry events; one shared instance, it is thread-safe. */
  public static final AvroSerde<TelemetryEvent> TELEMETRY_SERDE = AvroSerde.of(TelemetryEvent.class)
      .withDirectReader(TelemetryEventReader.KNOWN_FINGERPRINT, TelemetryEventReader::read);
  /** Serde of machine metadata. */
  public static final AvroSerde<MachineInfo> MACHINE_INFO_SERDE = AvroSerde.of(MachineInfo.class);
  /** Serde of per-machine KPI records. */
  public static final AvroSerde<MachineKpi> MACHINE_KPI_SERDE = AvroSerde.of(MachineKpi.class);
  /** Serde of per-site KPI records. */
  public static final AvroSerde<SiteKpi> SITE_KPI_SERDE = AvroSerde.of(SiteKpi.class);

  /** Serde of the KPI topology's internal machine timelines (state store and changelog). */
  public static final AvroSerde<MachineTimeline> TIMELINE_SERDE = AvroSerde.of(MachineTimeline.class);
  /** Serde of the KPI topology's site repartition topics: machine windows and partition marks. */
  public static final AvroSerde<SiteInput> SITE_INPUT_SERDE = AvroSerde.of(SiteInput.class);

  /** Topic config saying who stamps records: the producer (CreateTime) or the broker. */
  public static final String TIMESTAMP_TYPE = "message.timestamp.type";
  /** {@value}: the broker stamps each record with the time it was appended. */
  public static final String LOG_APPEND_TIME = "LogAppendTime";

  private static final Serde<String> KEYS = Serdes.String();
  private static final Serde<byte[]> BYTES = Serdes.ByteArray();

  private final String prefix;

  /** The topics under {@code prefix}, which may be empty but not null. */
  public Topics(String prefix) {
    this.prefix = Objects.requireNonNull(prefix, "prefix");
  }

  /** The topics under the default prefix {@code plant.}. */
  public static Topics defaults() {
    return new Topics(DEFAULT_PREFIX);
  }

  /** The prefix of every topic name. */
  public String prefix() {
    return prefix;
  }

  /** Input events, keyed by machine id. */
  public Topic<String, TelemetryEvent> telemetry() {
    return new Topic<>(prefix + "telemetry", KEYS, TELEMETRY_SERDE);
  }

  /** Machine metadata, compacted, keyed by machine id. */
  public Topic<String, MachineInfo> machines() {
    return new Topic<>(prefix + "machines", KEYS, MACHINE_INFO_SERDE);
  }

  /** One final KPI record per machine and 1-minute window. */
  public Topic<String, MachineKpi> machineKpi1m() {
    return new Topic<>(prefix + "kpi.machine.1m", KEYS, MACHINE_KPI_SERDE);
  }

  /** Site KPIs per 1-minute window, compacted; the latest record per key is authoritative. */
  public Topic<String, SiteKpi> siteKpi1m() {
    return new Topic<>(prefix + "kpi.site.1m", KEYS, SITE_KPI_SERDE);
  }

  /** Site KPIs per 1-hour window, compacted; the latest record per key is authoritative. */
  public Topic<String, SiteKpi> siteKpi1h() {
    return new Topic<>(prefix + "kpi.site.1h", KEYS, SITE_KPI_SERDE);
  }

  /** Records that could not be processed, as received, with headers saying why. */
  public Topic<byte[], byte[]> dlq() {
    return new Topic<>(prefix + "telemetry.dlq", BYTES, BYTES);
  }

  /** Events that arrived after their window closed. */
  public Topic<String, TelemetryEvent> late() {
    return new Topic<>(prefix + "telemetry.late", KEYS, TELEMETRY_SERDE);
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
        new TopicSpec(machineKpi1m().name(), telemetryPartitions, week, "final KPIs per machine and minute"),
        new TopicSpec(siteKpi1m().name(), 6, compacted, "KPIs per site and minute, latest per key"),
        new TopicSpec(siteKpi1h().name(), 6, compacted, "KPIs per site and hour, latest per key"),
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
