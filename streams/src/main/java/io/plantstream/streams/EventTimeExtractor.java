package io.plantstream.streams;

import io.plantstream.avro.TelemetryEvent;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.processor.TimestampExtractor;

/** Event time for Kafka Streams: the envelope's {@code eventTime}, not the broker's clock. */
public final class EventTimeExtractor implements TimestampExtractor {

  @Override
  public long extract(ConsumerRecord<Object, Object> record, long partitionTime) {
    if (record.value() instanceof TelemetryEvent event) {
      return event.getEventTime().toEpochMilli();
    }
    // Producers set the record timestamp to the event time (SPEC §3); raw bytes are read that way.
    return record.timestamp() >= 0 ? record.timestamp() : partitionTime;
  }
}
