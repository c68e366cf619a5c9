package io.plantstream.app;

import io.plantstream.avro.MachineInfo;
import io.plantstream.avro.MachineKpi;
import io.plantstream.avro.SiteInfo;
import io.plantstream.avro.SiteKpi;
import io.plantstream.avro.TelemetryEvent;
import io.plantstream.schemas.Topic;
import io.plantstream.schemas.SchemaRegistryException;
import io.plantstream.schemas.Topics;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code plant consume TOPIC}: prints the records of a project topic, decoded.
 *
 * <p>JSON lines have the same fields for every topic: {@code topic}, {@code partition},
 * {@code offset}, {@code timestamp} (ISO-8601 UTC), {@code key} (text) and {@code value} (the record
 * as {@link RecordJson} writes it; for the DLQ {@code headers}, {@code size} and {@code hexPreview}).
 */
@Command(name = "consume", mixinStandardHelpOptions = true,
    description = {"Read a project topic (read_committed) and print its records decoded.",
        "With --from-beginning it stops at the end offsets it found at start, unless --follow; "
            + "without it, it waits for new records (--timeout, --max or Ctrl-C end it).",
        "With --latest it reads a KPI topic (or plant.machines, plant.sites) from the beginning to the end offsets "
            + "found at start and prints only the newest record of each key, by window then key."})
final class ConsumeCommand implements Callable<Integer> {

  /** Output format. */
  enum Format { JSON, TABLE }

  @Mixin CommonOptions common;

  @Parameters(index = "0", paramLabel = "TOPIC",
      description = "A project topic, e.g. plant.kpi.site.1m, plant.kpi.site.shift, plant.kpi.site.day, "
          + "plant.kpi.machine.day, plant.sites, plant.telemetry, plant.telemetry.dlq.")
  String topicName;

  @Option(names = "--format", paramLabel = "json|table", defaultValue = "table",
      description = "json: one object per line (for jq); table: aligned columns (default: ${DEFAULT-VALUE}).")
  Format format;

  @Option(names = "--from-beginning", description = "Start at the oldest record instead of the newest.")
  boolean fromBeginning;

  @Option(names = "--follow", description = "Keep waiting for new records after reaching the end.")
  boolean follow;

  @Option(names = "--latest",
      description = "Only the newest record per key (compacted KPI topics: the authoritative one), "
          + "from the beginning up to the end offsets found at start.")
  boolean latest;

  @Option(names = "--max", paramLabel = "N", description = "Stop after N records.")
  Long max;

  @Option(names = "--timeout", paramLabel = "DURATION", converter = DurationConverter.class,
      description = "Stop after this long without a new record.")
  Duration timeout;

  @Option(names = "--site", paramLabel = "SITE", description = "Only records of this site.")
  String site;

  private final AtomicBoolean stop = new AtomicBoolean();

  /** One record read, with its decoded value. */
  private record Decoded(ConsumerRecord<byte[], byte[]> record, Object value) {}

  @Override
  public Integer call() {
    if (max != null && max < 1) {
      throw new UsageException("--max must be at least 1, was " + max);
    }
    Topics topics = common.topics();
    Map<String, Object> config = new HashMap<>(common.clientConfig());
    config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    Decoder decoder = decoderFor(topics, topicName, new SiteZones(config, topics.sites()));
    if (latest && follow) {
      throw new UsageException("--latest reads up to the end offsets found at start; it cannot --follow");
    }
    if (latest && !decoder.keyed()) {
      throw new UsageException("--latest keeps the newest record per key of a KPI topic, "
          + topics.machines().name() + " or " + topics.sites().name() + "; " + topicName + " is not one");
    }
    try (KafkaCluster cluster = KafkaCluster.connect(common.clientConfig())) {
      cluster.requireTopics(topicName);
    }
    PrintStream out = System.out;
    Thread main = Thread.currentThread();
    Thread hook = new Thread(() -> {
      stop.set(true);
      try {
        main.join(5_000);
      } catch (InterruptedException ignored) {
        Thread.currentThread().interrupt();
      }
    }, "consume-stop");
    Runtime.getRuntime().addShutdownHook(hook);
    Printer printer = new Printer(out, decoder);
    Map<String, Decoded> newest = new LinkedHashMap<>();
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> partitions = consumer.partitionsFor(topicName, Duration.ofSeconds(15)).stream()
          .map(info -> new TopicPartition(topicName, info.partition())).toList();
      consumer.assign(partitions);
      if (fromBeginning || latest) {
        consumer.seekToBeginning(partitions);
      } else {
        consumer.seekToEnd(partitions);
      }
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
      boolean stopAtEnd = (fromBeginning || latest) && !follow;
      printer.header();
      long lastRecord = System.nanoTime();
      reading:
      while (!stop.get()) {
        if (stopAtEnd && partitions.stream().allMatch(p -> consumer.position(p) >= end.get(p))) {
          break;
        }
        if (timeout != null && System.nanoTime() - lastRecord > timeout.toNanos()) {
          break;
        }
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
          lastRecord = System.nanoTime();
          if (latest && end.getOrDefault(new TopicPartition(record.topic(), record.partition()), 0L) <= record.offset()) {
            continue; // written after we started: not part of this snapshot
          }
          Object value = decoder.decode(record);
          if (site != null && !site.equals(siteOf(value))) {
            continue;
          }
          if (latest) {
            String key = record.key() == null ? "" : new String(record.key(), StandardCharsets.UTF_8);
            if (record.value() == null) {
              newest.remove(key); // a tombstone deletes the key
            } else {
              newest.put(key, new Decoded(record, value));
            }
          } else if (!printer.print(record, value) || max != null && printer.printed() >= max) {
            break reading;
          }
        }
      }
      if (latest && !stop.get()) {
        List<Decoded> rows = new ArrayList<>(newest.values());
        rows.sort(Comparator.comparing((Decoded row) -> windowStartOf(row.value()),
                Comparator.nullsFirst(Comparator.naturalOrder()))
            .thenComparing(row -> row.record().key() == null ? "" : new String(row.record().key(), StandardCharsets.UTF_8)));
        for (Decoded row : rows) {
          if (!printer.print(row.record(), row.value()) || max != null && printer.printed() >= max) {
            break;
          }
        }
      }
    } catch (AuthorizationException e) {
      throw new KafkaCallException("cannot read " + topicName, AclOperation.READ, e);
    } finally {
      out.flush();
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // Ctrl-C: the hook is running and waits for this thread
      }
    }
    return 0;
  }

  /** Prints records in the chosen format, the table header before the first; notices a closed pipe. */
  private final class Printer {
    private final PrintStream out;
    private final Decoder decoder;
    private long printed;

    Printer(PrintStream out, Decoder decoder) {
      this.out = out;
      this.decoder = decoder;
    }

    /** Prints the table header, if the format has one. */
    void header() {
      if (format == Format.TABLE && decoder.header() != null) {
        out.println(decoder.header());
      }
    }

    /** Prints one record; false when the reader went away (e.g. piped into head), so stop quietly. */
    boolean print(ConsumerRecord<byte[], byte[]> record, Object value) {
      out.println(format == Format.JSON ? json(record, value) : decoder.row(record, value));
      printed++;
      return !out.checkError();
    }

    long printed() {
      return printed;
    }
  }

  private static String json(ConsumerRecord<byte[], byte[]> record, Object value) {
    Map<String, Object> line = new LinkedHashMap<>();
    line.put("topic", record.topic());
    line.put("partition", record.partition());
    line.put("offset", record.offset());
    line.put("timestamp", Instant.ofEpochMilli(record.timestamp()).toString());
    line.put("key", record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8));
    line.put("value", value);
    return RecordJson.toJson(line);
  }

  private static String siteOf(Object value) {
    if (value instanceof TelemetryEvent event) {
      return event.getSiteId();
    }
    if (value instanceof MachineInfo info) {
      return info.getSiteId();
    }
    if (value instanceof MachineKpi kpi) {
      return kpi.getSiteId();
    }
    if (value instanceof SiteKpi kpi) {
      return kpi.getSiteId();
    }
    if (value instanceof SiteInfo info) {
      return info.getSiteId();
    }
    return null;
  }

  private static Instant windowStartOf(Object value) {
    if (value instanceof MachineKpi kpi) {
      return kpi.getWindowStart();
    }
    if (value instanceof SiteKpi kpi) {
      return kpi.getWindowStart();
    }
    return null;
  }

  /** How the records of one topic are decoded and shown. */
  private interface Decoder {
    Object decode(ConsumerRecord<byte[], byte[]> record);

    String header();

    String row(ConsumerRecord<byte[], byte[]> record, Object value);

    /** Whether the newest record per key is meaningful (KPI topics, machine metadata). */
    boolean keyed();
  }

  private static Decoder decoderFor(Topics topics, String name, SiteZones zones) {
    if (name.equals(topics.siteKpi1m().name()) || name.equals(topics.siteKpi1h().name())) {
      return avro(topics.siteKpi1m(), true, KpiTable.SITE_HEADER, value -> KpiTable.row((SiteKpi) value));
    }
    if (name.equals(topics.siteKpiShift().name())) {
      return avro(topics.siteKpiShift(), true, KpiTable.SHIFT_HEADER,
          value -> KpiTable.shiftRow((SiteKpi) value, zones.of(((SiteKpi) value).getSiteId())));
    }
    if (name.equals(topics.siteKpiDay().name())) {
      return avro(topics.siteKpiDay(), true, KpiTable.DAY_HEADER, value -> KpiTable.dayRow((SiteKpi) value));
    }
    if (name.equals(topics.machineKpi1m().name())) {
      return avro(topics.machineKpi1m(), true, KpiTable.MACHINE_HEADER, value -> KpiTable.row((MachineKpi) value));
    }
    if (name.equals(topics.machineKpiDay().name())) {
      return avro(topics.machineKpiDay(), true, KpiTable.MACHINE_DAY_HEADER,
          value -> KpiTable.machineDayRow((MachineKpi) value));
    }
    if (name.equals(topics.sites().name())) {
      return avro(topics.sites(), true, TopicTable.SITE_HEADER, value -> TopicTable.row((SiteInfo) value));
    }
    if (name.equals(topics.telemetry().name()) || name.equals(topics.late().name())) {
      return avro(topics.telemetry(), false, TopicTable.EVENT_HEADER, value -> TopicTable.row((TelemetryEvent) value));
    }
    if (name.equals(topics.machines().name())) {
      return avro(topics.machines(), true, TopicTable.MACHINE_HEADER, value -> TopicTable.row((MachineInfo) value));
    }
    if (name.equals(topics.dlq().name())) {
      return new Decoder() {
        @Override
        public Object decode(ConsumerRecord<byte[], byte[]> record) {
          Map<String, Object> dead = new LinkedHashMap<>();
          Map<String, String> headers = new LinkedHashMap<>();
          for (Header header : record.headers()) {
            headers.put(header.key(), header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8));
          }
          byte[] bytes = record.value() == null ? new byte[0] : record.value();
          dead.put("headers", headers);
          dead.put("size", bytes.length);
          dead.put("hexPreview", HexFormat.ofDelimiter(" ").formatHex(bytes, 0, Math.min(32, bytes.length)));
          return dead;
        }

        @Override
        public String header() {
          return TopicTable.DLQ_HEADER;
        }

        @Override
        @SuppressWarnings("unchecked")
        public String row(ConsumerRecord<byte[], byte[]> record, Object value) {
          Map<String, Object> dead = (Map<String, Object>) value;
          return TopicTable.deadLetter(Instant.ofEpochMilli(record.timestamp()),
              (Map<String, String>) dead.get("headers"), (Integer) dead.get("size"), (String) dead.get("hexPreview"));
        }

        @Override
        public boolean keyed() {
          return false;
        }
      };
    }
    List<String> known = topics.specs(Topics.DEFAULT_TELEMETRY_PARTITIONS).stream()
        .map(Topics.TopicSpec::name).toList();
    throw new UsageException("'" + name + "' is not a plantstream topic; one of " + String.join(", ", known));
  }

  /**
   * The time zone of each site as {@code plant.sites} gives it, read once, when the first row needs
   * it (the shift table shows local times); UTC for a site it does not list, as the KPI
   * application takes it (docs/kpi-rules.md).
   */
  private static final class SiteZones {
    private final Map<String, Object> config;
    private final Topic<String, SiteInfo> topic;
    private Map<String, ZoneId> zones;

    SiteZones(Map<String, Object> config, Topic<String, SiteInfo> topic) {
      this.config = config;
      this.topic = topic;
    }

    ZoneId of(String siteId) {
      if (zones == null) {
        zones = read();
      }
      return zones.getOrDefault(siteId, ZoneOffset.UTC);
    }

    private Map<String, ZoneId> read() {
      Map<String, ZoneId> read = new HashMap<>();
      try (KafkaConsumer<String, SiteInfo> consumer = new KafkaConsumer<>(config, topic.keySerde().deserializer(),
          topic.valueSerde().deserializer())) {
        List<PartitionInfo> infos = consumer.partitionsFor(topic.name(), Duration.ofSeconds(15));
        if (infos == null || infos.isEmpty()) {
          return read; // no plant.sites: every site in UTC
        }
        List<TopicPartition> partitions = infos.stream()
            .map(info -> new TopicPartition(topic.name(), info.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p)) && System.nanoTime() < deadline) {
          for (ConsumerRecord<String, SiteInfo> record : consumer.poll(Duration.ofMillis(200))) {
            if (record.value() == null) {
              read.remove(record.key());
            } else {
              try {
                read.put(record.value().getSiteId(), ZoneId.of(record.value().getTimeZone()));
              } catch (DateTimeException unknownZone) {
                read.remove(record.value().getSiteId()); // as the KPI application: UTC
              }
            }
          }
        }
      } catch (AuthorizationException | UnknownTopicOrPartitionException | SerializationException e) {
        return read; // not readable here: local times in UTC rather than no table
      }
      return read;
    }
  }

  private static <V> Decoder avro(Topic<String, V> topic, boolean keyed, String header, Function<Object, String> row) {
    return new Decoder() {
      @Override
      public Object decode(ConsumerRecord<byte[], byte[]> record) {
        try {
          return topic.valueSerde().deserializer().deserialize(record.topic(), record.value());
        } catch (SchemaRegistryException unusable) {
          throw unusable; // not this record's fault: the command fails and says where
        } catch (RuntimeException e) {
          return Map.of("undecodable", Errors.oneLine(e));
        }
      }

      @Override
      public String header() {
        return header;
      }

      @Override
      public String row(ConsumerRecord<byte[], byte[]> record, Object value) {
        if (value == null) {
          return "(tombstone) " + (record.key() == null ? "" : new String(record.key(), StandardCharsets.UTF_8));
        }
        return value instanceof Map<?, ?> ? RecordJson.toJson(value) : row.apply(value);
      }

      @Override
      public boolean keyed() {
        return keyed;
      }
    };
  }
}
