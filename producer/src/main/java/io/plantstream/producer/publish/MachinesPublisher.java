package io.plantstream.producer.publish;

import io.plantstream.avro.MachineInfo;
import io.plantstream.schemas.Topic;
import java.time.Instant;
import java.util.Collection;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;

/**
 * Publishes machine metadata to the compacted {@code plant.machines} topic, keyed by machine id.
 *
 * <p>Records are stamped with a caller-given time, normally the simulation start: a stream-table
 * join processes records in timestamp order, so metadata stamped "now" would arrive after
 * telemetry from the past and the first events would find no machine.
 */
public final class MachinesPublisher {

  private MachinesPublisher() {}

  /** Publishes {@code machines} with a producer built from {@code clientProperties}; returns the count acknowledged. */
  public static long publish(Map<String, Object> clientProperties, Topic<String, MachineInfo> topic,
      Collection<MachineInfo> machines, Instant timestamp) {
    Producer<String, MachineInfo> producer = new KafkaProducer<>(ProducerConfigs.withDefaults(clientProperties),
        topic.keySerde().serializer(), topic.valueSerde().serializer());
    return publish(producer, topic, machines, timestamp);
  }

  /**
   * Publishes {@code machines} with {@code producer} (closed afterwards), stamped {@code timestamp}
   * (null: the producer's clock); returns the count acknowledged, throws on any failure.
   */
  public static long publish(Producer<String, MachineInfo> producer, Topic<String, MachineInfo> topic,
      Collection<MachineInfo> machines, Instant timestamp) {
    return RecordPublisher.publishAll(producer, topic.name(), "machine", machines, MachineInfo::getMachineId, timestamp);
  }
}
