package io.plantstream.producer.replay;

import static io.plantstream.testing.TestMachine.T0;
import static io.plantstream.testing.TestMachine.at;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

class PartitionMergeTest {

  private static final Instant ONE_SECOND_LATER = at(T0, "1s");
  private static final Instant TWO_SECONDS_LATER = at(T0, "2s");
  private static final Instant THREE_SECONDS_LATER = at(T0, "3s");
  private static final Instant A_DAY_LATER = at(T0, "24h");

  private final PartitionMerge<ConsumerRecord<byte[], byte[]>> merge =
      new PartitionMerge<>(List.of(0, 1), ConsumerRecord::partition, ConsumerRecord::timestamp);
  private long offset;

  @Test
  void releasesRecordsInTimeOrderKeepingEachPartitionsOrder() {
    merge.add(record(0, T0));
    merge.add(record(0, TWO_SECONDS_LATER));
    merge.add(record(0, ONE_SECOND_LATER)); // out of order within its partition: stays behind its predecessor
    merge.add(record(1, ONE_SECOND_LATER));
    merge.finished(0);
    merge.finished(1);

    assertThat(drain(false)).containsExactly("0@" + T0, "1@" + ONE_SECOND_LATER, "0@" + TWO_SECONDS_LATER,
        "0@" + ONE_SECOND_LATER);
    assertThat(merge.done()).isTrue();
  }

  @Test
  void waitsForAPartitionThatMayStillDeliverAnEarlierRecord() {
    merge.add(record(0, TWO_SECONDS_LATER));

    assertThat(merge.next(false)).as("partition 1 has a backlog still to fetch").isNull();

    merge.caughtUp(1, true);
    assertThat(drain(false)).containsExactly("0@" + TWO_SECONDS_LATER);
  }

  @Test
  void aClockSkewedRecordDoesNotHoldItsPartitionBack() {
    merge.add(record(0, T0));
    merge.add(record(0, A_DAY_LATER));
    merge.add(record(0, TWO_SECONDS_LATER));
    merge.add(record(1, ONE_SECOND_LATER));
    merge.add(record(1, THREE_SECONDS_LATER));
    merge.finished(0);
    merge.finished(1);

    assertThat(drain(false)).containsExactly("0@" + T0, "0@" + A_DAY_LATER, "1@" + ONE_SECOND_LATER,
        "0@" + TWO_SECONDS_LATER, "1@" + THREE_SECONDS_LATER);
  }

  @Test
  void stoppingReleasesWhatIsQueuedWithoutWaiting() {
    merge.add(record(1, ONE_SECOND_LATER));
    merge.add(record(1, T0));

    assertThat(merge.next(false)).isNull();
    assertThat(drain(true)).containsExactly("1@" + ONE_SECOND_LATER, "1@" + T0);
  }

  private List<String> drain(boolean force) {
    List<String> out = new ArrayList<>();
    for (ConsumerRecord<byte[], byte[]> next = merge.next(force); next != null; next = merge.next(force)) {
      out.add(next.partition() + "@" + Instant.ofEpochMilli(next.timestamp()));
    }
    return out;
  }

  private ConsumerRecord<byte[], byte[]> record(int partition, Instant timestamp) {
    return new ConsumerRecord<>("plant.telemetry", partition, offset++, timestamp.toEpochMilli(),
        org.apache.kafka.common.record.TimestampType.CREATE_TIME, 0, 0, new byte[0], new byte[0],
        new org.apache.kafka.common.header.internals.RecordHeaders(), java.util.Optional.empty());
  }
}
