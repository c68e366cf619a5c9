package io.plantstream.streams;

import io.plantstream.avro.internal.PartitionMark;
import io.plantstream.avro.internal.SiteInput;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.streams.processor.StreamPartitioner;

/**
 * Partitions a site repartition topic: a machine window by its key {@code siteId@windowStart}, as
 * Kafka's default partitioner would (so interactive queries find the site window where it is), and
 * a {@link PartitionMark} to every partition, since every site task must hear every telemetry
 * partition.
 */
final class SiteInputPartitioner implements StreamPartitioner<String, SiteInput> {

  private volatile Set<Integer> all = Set.of();

  @Override
  public Optional<Set<Integer>> partitions(String topic, String key, SiteInput value, int numPartitions) {
    if (value == null || !(value.getItem() instanceof PartitionMark)) {
      return Optional.empty(); // the default partitioner, by key
    }
    Set<Integer> every = all;
    if (every.size() != numPartitions) {
      every = IntStream.range(0, numPartitions).boxed().collect(Collectors.toUnmodifiableSet());
      all = every;
    }
    return Optional.of(every);
  }
}
