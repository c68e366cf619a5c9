package io.plantstream.producer.publish;

import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerConfig;

/**
 * Producer client settings: the user's properties (bootstrap servers, security, timeouts) with
 * the project's defaults filled in underneath, so the user can still override each of them.
 */
public final class ProducerConfigs {

  private ProducerConfigs() {}

  /** Producer settings the project fills in under the user's: safety first, then throughput. */
  public static final Map<String, Object> DEFAULTS = Map.of(
      // No loss and no duplicates on retry; with idempotence, ordering per partition survives retries.
      ProducerConfig.ACKS_CONFIG, "all",
      ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
      // Telemetry is repetitive (ids, names, units): lz4 shrinks it at little CPU cost.
      ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4",
      // Events are keyed over many partitions: wait a little and allow large batches so each
      // partition's batch fills up instead of going out nearly empty.
      ProducerConfig.LINGER_MS_CONFIG, 10,
      ProducerConfig.BATCH_SIZE_CONFIG, 128 * 1024);

  /** {@code clientProperties} plus, where absent, {@link #DEFAULTS}. */
  public static Map<String, Object> withDefaults(Map<String, Object> clientProperties) {
    Map<String, Object> config = new HashMap<>(clientProperties);
    DEFAULTS.forEach(config::putIfAbsent);
    return config;
  }
}
