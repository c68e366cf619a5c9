package io.plantstream.app;

import io.plantstream.avro.SiteKpi;
import io.plantstream.schemas.Topic;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/**
 * Follows a site KPI topic (read_committed) and keeps, per site, the newest window whose record is
 * final, or the newest window at all while none is final yet: what the demo's live table shows.
 */
final class SiteKpiBoard implements AutoCloseable {

  private final KafkaConsumer<String, SiteKpi> consumer;
  private final Map<String, SiteKpi> latest = new TreeMap<>();
  private long records;

  SiteKpiBoard(Map<String, Object> clientConfig, Topic<String, SiteKpi> topic) {
    Map<String, Object> config = new HashMap<>(clientConfig);
    config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    this.consumer = new KafkaConsumer<>(config, topic.keySerde().deserializer(), topic.valueSerde().deserializer());
    List<TopicPartition> partitions = consumer.partitionsFor(topic.name(), Duration.ofSeconds(15)).stream()
        .map(info -> new TopicPartition(topic.name(), info.partition())).toList();
    consumer.assign(partitions);
    consumer.seekToBeginning(partitions);
  }

  /** Reads what arrived within {@code wait}; true if anything changed. */
  boolean poll(Duration wait) {
    boolean changed = false;
    for (ConsumerRecord<String, SiteKpi> record : consumer.poll(wait)) {
      records++;
      SiteKpi kpi = record.value();
      if (kpi != null && offer(kpi)) {
        changed = true;
      }
    }
    return changed;
  }

  private boolean offer(SiteKpi kpi) {
    SiteKpi shown = latest.get(kpi.getSiteId());
    boolean better = shown == null
        || (kpi.getFinal$() && !shown.getFinal$())
        || kpi.getFinal$() == shown.getFinal$() && kpi.getWindowStart().isAfter(shown.getWindowStart())
        || kpi.getWindowStart().equals(shown.getWindowStart()) && kpi.getRevision() > shown.getRevision()
        || kpi.getFinal$() && kpi.getWindowStart().isAfter(shown.getWindowStart());
    if (better) {
      latest.put(kpi.getSiteId(), kpi);
    }
    return better;
  }

  /** The rows shown now, one per site, by site id. */
  List<SiteKpi> rows() {
    return new ArrayList<>(latest.values());
  }

  /** KPI records read so far. */
  long records() {
    return records;
  }

  @Override
  public void close() {
    consumer.close(Duration.ofSeconds(5));
  }
}
