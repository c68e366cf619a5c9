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

  /**
   * {@code clientProperties} plus, where absent: acks=all and idempotence (no loss, no duplicates
   * on retry), linger.ms=5 and lz4 (small batches at low latency).
   */
  public static Map<String, Object> withDefaults(Map<String, Object> clientProperties) {
    Map<String, Object> config = new HashMap<>(clientProperties);
    config.putIfAbsent(ProducerConfig.ACKS_CONFIG, "all");
    config.putIfAbsent(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    config.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, 5);
    config.putIfAbsent(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    return config;
  }
}
