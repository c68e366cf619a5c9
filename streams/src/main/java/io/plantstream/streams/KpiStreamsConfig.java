package io.plantstream.streams;

import io.plantstream.schemas.Topics;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.streams.StreamsConfig;

/**
 * The Kafka Streams configuration of the KPI application: plantstream's defaults, under whatever
 * the user's client properties say ({@code --command-config}), under the explicit flags.
 */
public final class KpiStreamsConfig {

  /** Application id unless configured otherwise; instances sharing it share the work. */
  public static final String DEFAULT_APPLICATION_ID = "plantstream-kpi";

  private KpiStreamsConfig() {}

  /**
   * The configuration for one instance.
   *
   * @param bootstrapServers where the cluster is
   * @param applicationId consumer group and prefix of internal topics
   * @param stateDir where this instance keeps its state stores
   * @param topics the project's topics (for the dead-letter queue)
   * @param userProperties client properties from the user (security, tuning), may be empty
   */
  public static Properties build(String bootstrapServers, String applicationId, Path stateDir,
      Topics topics, Map<String, ?> userProperties) {
    return build(bootstrapServers, applicationId, stateDir, topics, userProperties, null);
  }

  /**
   * The configuration for one instance that serves interactive queries.
   *
   * @param bootstrapServers where the cluster is
   * @param applicationId consumer group and prefix of internal topics
   * @param stateDir where this instance keeps its state stores
   * @param topics the project's topics (for the dead-letter queue)
   * @param userProperties client properties from the user (security, tuning), may be empty
   * @param applicationServer {@code host:port} where this instance answers queries, advertised to
   *     the other instances ({@code application.server}); null for none. An {@code application.server}
   *     in {@code userProperties} wins: the user knows the name others reach this host by.
   */
  public static Properties build(String bootstrapServers, String applicationId, Path stateDir,
      Topics topics, Map<String, ?> userProperties, String applicationServer) {
    Properties props = new Properties();
    props.putAll(userProperties);
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
    props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    if (applicationServer != null) {
      props.putIfAbsent(StreamsConfig.APPLICATION_SERVER_CONFIG, applicationServer);
    }
    // Not a Kafka setting: the exception handlers find this application's DLQ counters here.
    props.putIfAbsent(DeadLetterCounts.CONFIG, new DeadLetterCounts());
    // Not a Kafka setting either: the machine timelines find how far behind the input is here.
    props.putIfAbsent(InputLag.CONFIG, new InputLag(topics.telemetry().name()));
    props.putIfAbsent(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    // A bad record must never stop the application: it goes to the DLQ with headers saying why.
    props.putIfAbsent(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG,
        DeadLetters.OnDeserialization.class.getName());
    props.putIfAbsent(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG,
        DeadLetters.OnProcessing.class.getName());
    props.putIfAbsent(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, topics.dlq().name());
    // A fresh application id starts from the beginning of the telemetry it finds.
    props.putIfAbsent(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
    props.putIfAbsent(StreamsConfig.NUM_STREAM_THREADS_CONFIG, 1);
    // The RocksDB stores of an instance share one bounded pool of off-heap memory.
    props.putIfAbsent(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG, BoundedRocksDbConfig.class.getName());
    // Internal topics, like the project's own, are stamped by the broker (see Topics#specs): record
    // timestamps older than a day would expire the transactional producer's state on the broker.
    props.putIfAbsent(StreamsConfig.topicPrefix(Topics.TIMESTAMP_TYPE), Topics.LOG_APPEND_TIME);
    return props;
  }
}
