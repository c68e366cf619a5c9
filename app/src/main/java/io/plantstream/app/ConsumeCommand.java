package io.plantstream.app;

import io.plantstream.avro.MachineInfo;
import io.plantstream.avro.MachineKpi;
import io.plantstream.avro.SiteKpi;
import io.plantstream.avro.TelemetryEvent;
import io.plantstream.schemas.Topic;
import io.plantstream.schemas.Topics;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code plant consume TOPIC}: prints the records of a project topic, decoded. */
@Command(name = "consume", mixinStandardHelpOptions = true,
    description = {"Read a project topic (read_committed) and print its records decoded.",
        "With --from-beginning it stops at the end offsets it found at start, unless --follow; "
            + "without it, it waits for new records (--timeout, --max or Ctrl-C end it)."})
final class ConsumeCommand implements Callable<Integer> {

  /** Output format. */
  enum Format { JSON, TABLE }

  @Mixin CommonOptions common;

  @Parameters(index = "0", paramLabel = "TOPIC",
      description = "A project topic, e.g. plant.kpi.site.1m, plant.telemetry, plant.telemetry.dlq.")
  String topicName;

  @Option(names = "--format", paramLabel = "json|table", defaultValue = "table",
      description = "json: one object per line (for jq); table: aligned columns (default: ${DEFAULT-VALUE}).")
  Format format;

  @Option(names = "--from-beginning", description = "Start at the oldest record instead of the newest.")
  boolean fromBeginning;

  @Option(names = "--follow", description = "Keep waiting for new records after reaching the end.")
  boolean follow;

  @Option(names = "--max", paramLabel = "N", description = "Stop after N records.")
  Long max;

  @Option(names = "--timeout", paramLabel = "DURATION", converter = DurationConverter.class,
      description = "Stop after this long without a new record.")
  Duration timeout;

  @Option(names = "--site", paramLabel = "SITE", description = "Only records of this site.")
  String site;

  private final AtomicBoolean stop = new AtomicBoolean();

  @Override
  public Integer call() {
    if (max != null && max < 1) {
      throw new UsageException("--max must be at least 1, was " + max);
    }
    Topics topics = common.topics();
    Decoder decoder = decoderFor(topics, topicName);
    try (KafkaCluster cluster = KafkaCluster.connect(common.clientConfig())) {
      cluster.requireTopics(topicName);
    }
    Map<String, Object> config = new HashMap<>(common.clientConfig());
    config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
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
    long printed = 0;
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> partitions = consumer.partitionsFor(topicName, Duration.ofSeconds(15)).stream()
          .map(info -> new TopicPartition(topicName, info.partition())).toList();
      consumer.assign(partitions);
      if (fromBeginning) {
        consumer.seekToBeginning(partitions);
      } else {
        consumer.seekToEnd(partitions);
      }
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
      boolean stopAtEnd = fromBeginning && !follow;
      if (format == Format.TABLE && decoder.header() != null) {
        out.println(decoder.header());
      }
      long lastRecord = System.nanoTime();
      while (!stop.get()) {
        if (stopAtEnd && partitions.stream().allMatch(p -> consumer.position(p) >= end.get(p))) {
          break;
        }
        if (timeout != null && System.nanoTime() - lastRecord > timeout.toNanos()) {
          break;
        }
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
          lastRecord = System.nanoTime();
          Object value = decoder.decode(record);
          if (site != null && !site.equals(siteOf(value))) {
            continue;
          }
          out.println(format == Format.JSON ? json(record, value) : decoder.row(record, value));
          if (out.checkError()) {
            return 0; // the reader went away (e.g. piped into head): end quietly
          }
          if (max != null && ++printed >= max) {
            return 0;
          }
        }
      }
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
    return null;
  }

  /** How the records of one topic are decoded and shown. */
  private interface Decoder {
    Object decode(ConsumerRecord<byte[], byte[]> record);

    String header();

    String row(ConsumerRecord<byte[], byte[]> record, Object value);
  }

  private static Decoder decoderFor(Topics topics, String name) {
    if (name.equals(topics.siteKpi1m().name()) || name.equals(topics.siteKpi1h().name())) {
      return avro(topics.siteKpi1m(), KpiTable.SITE_HEADER, value -> KpiTable.row((SiteKpi) value));
    }
    if (name.equals(topics.machineKpi1m().name())) {
      return avro(topics.machineKpi1m(), KpiTable.MACHINE_HEADER, value -> KpiTable.row((MachineKpi) value));
    }
    if (name.equals(topics.telemetry().name()) || name.equals(topics.late().name())) {
      return avro(topics.telemetry(), null, value -> RecordJson.toJson(value));
    }
    if (name.equals(topics.machines().name())) {
      return avro(topics.machines(), null, value -> RecordJson.toJson(value));
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
          return null;
        }

        @Override
        public String row(ConsumerRecord<byte[], byte[]> record, Object value) {
          return RecordJson.toJson(value);
        }
      };
    }
    List<String> known = topics.specs(Topics.DEFAULT_TELEMETRY_PARTITIONS).stream()
        .map(Topics.TopicSpec::name).toList();
    throw new UsageException("'" + name + "' is not a plantstream topic; one of " + String.join(", ", known));
  }

  private static <V> Decoder avro(Topic<String, V> topic, String header,
      java.util.function.Function<Object, String> row) {
    return new Decoder() {
      @Override
      public Object decode(ConsumerRecord<byte[], byte[]> record) {
        try {
          return topic.valueSerde().deserializer().deserialize(record.topic(), record.value());
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
        return value instanceof Map<?, ?> ? RecordJson.toJson(value) : row.apply(value);
      }
    };
  }
}
