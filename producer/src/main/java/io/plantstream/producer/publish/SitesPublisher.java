package io.plantstream.producer.publish;

import io.plantstream.avro.SiteInfo;
import io.plantstream.producer.model.PlantModel;
import io.plantstream.producer.model.Site;
import io.plantstream.schemas.Topic;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;

/**
 * Publishes the sites and their shift calendars to the compacted {@code plant.sites} topic, keyed
 * by site id: the time zone and shifts that shift and day windows are read in
 * (docs/kpi-rules.md, "Shifts and days, in the site's time zone").
 *
 * <p>Records are stamped with a caller-given time, normally the simulation start, for the reason
 * {@link MachinesPublisher} gives: a join in timestamp order must find a site before the
 * telemetry of the past that refers to it.
 */
public final class SitesPublisher {

  private SitesPublisher() {}

  /** The records of every site of {@code model}, in model order (see {@link Site#toSiteInfo()}). */
  public static List<SiteInfo> siteInfos(PlantModel model) {
    return model.sites().stream().map(Site::toSiteInfo).toList();
  }

  /** Publishes {@code sites} with a producer built from {@code clientProperties}; returns the count acknowledged. */
  public static long publish(Map<String, Object> clientProperties, Topic<String, SiteInfo> topic,
      Collection<SiteInfo> sites, Instant timestamp) {
    Producer<String, SiteInfo> producer = new KafkaProducer<>(ProducerConfigs.withDefaults(clientProperties),
        topic.keySerde().serializer(), topic.valueSerde().serializer());
    return publish(producer, topic, sites, timestamp);
  }

  /**
   * Publishes {@code sites} with {@code producer} (closed afterwards), stamped {@code timestamp}
   * (null: the producer's clock); returns the count acknowledged, throws on any failure.
   */
  public static long publish(Producer<String, SiteInfo> producer, Topic<String, SiteInfo> topic,
      Collection<SiteInfo> sites, Instant timestamp) {
    return RecordPublisher.publishAll(producer, topic.name(), "site", sites, SiteInfo::getSiteId, timestamp);
  }
}
