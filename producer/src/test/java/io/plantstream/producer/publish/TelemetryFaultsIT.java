package io.plantstream.producer.publish;

import static org.assertj.core.api.Assertions.assertThat;

import io.plantstream.avro.TelemetryEvent;
import io.plantstream.producer.RunLimit;
import io.plantstream.producer.SimulationRunner;
import io.plantstream.producer.SimulationSummary;
import io.plantstream.producer.fault.FaultCounts;
import io.plantstream.producer.fault.FaultInjector;
import io.plantstream.producer.fault.FaultRates;
import io.plantstream.producer.model.Machine;
import io.plantstream.producer.model.PlantModel;
import io.plantstream.producer.sim.PlantSimulator;
import io.plantstream.schemas.Topic;
import io.plantstream.schemas.Topics;
import io.plantstream.testing.KafkaFixture;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.serialization.Serdes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Fault injection through a real producer into a real topic: the topic holds exactly the corrupt
 * records, duplicates, late copies and skewed events the run reports, and nothing is lost or
 * doubled by the producer itself (idempotent, acks=all).
 */
class TelemetryFaultsIT {

  @RegisterExtension static final KafkaFixture kafka = new KafkaFixture();

  private static final int PARTITIONS = 4;
  private static final Instant START = Instant.parse("2026-11-28T09:45:00Z");
  private static final FaultRates RATES = FaultRates.parse(
      "late=0.002,out-of-order=0.01,duplicate=0.01,corrupt=0.002,skew=0.05,silence=0.05");

  @Test
  void theTopicHoldsExactlyTheFaultsTheRunReports() throws InterruptedException {
    Topics topics = kafka.uniqueTopics("faults");
    kafka.createTopics(topics, PARTITIONS);
    PlantSimulator simulator = new PlantSimulator(PlantModel.loadDefault(), 5, START, Set.of("tsmc-phx", "foxconn-hou"));
    FaultInjector faults = new FaultInjector(RATES, 5,
        simulator.machines().stream().map(Machine::machineId).toList(), simulator.start(), PARTITIONS);
    SimulationSummary summary;
    try (TelemetryPublisher publisher = new TelemetryPublisher(kafka.clientConfig(), topics.telemetry())) {
      summary = SimulationRunner.builder(simulator, publisher).limit(RunLimit.of(Duration.ofMinutes(30)))
          .faults(faults).build().run();
      assertThat(publisher.acknowledged()).isEqualTo(summary.records());
    }

    List<String> machineIds = simulator.machines().stream().map(Machine::machineId).toList();
    List<ConsumerRecord<String, byte[]>> records =
        kafka.readAll(new Topic<>(topics.telemetry().name(), Serdes.String(), Serdes.ByteArray()));

    FaultCounts reported = summary.faults();
    long corrupt = 0;
    long duplicates = 0;
    long lateCopies = 0;
    long skewed = 0;
    Set<String> ids = new HashSet<>();
    Map<String, Long> sequences = new HashMap<>();
    Instant dayAhead = START.plus(Duration.ofHours(12));
    for (ConsumerRecord<String, byte[]> record : records) {
      byte[] value = record.value();
      if (value.length < 2 || value[0] != (byte) 0xC3 || value[1] != 0x01) {
        assertThat(record.key()).isIn(machineIds);
        corrupt++;
        continue;
      }
      TelemetryEvent event = Topics.TELEMETRY_SERDE.decode(value);
      assertThat(record.key()).isEqualTo(event.getMachineId());
      // The publisher stamps event time (TelemetryPublisherTest); the project's topics restamp arrival time.
      assertThat(record.timestampType()).isEqualTo(TimestampType.LOG_APPEND_TIME);
      if (!ids.add(event.getEventId())) {
        duplicates++;
      } else if (sequences.merge(event.getMachineId() + "#" + event.getSequence(), 1L, Long::sum) > 1) {
        lateCopies++;
      } else if (event.getEventTime().isAfter(dayAhead)) {
        skewed++;
      }
    }
    assertThat(records).hasSize((int) summary.records());
    assertThat(corrupt).isEqualTo(reported.corrupt()).isPositive();
    assertThat(duplicates).isEqualTo(reported.duplicates()).isPositive();
    assertThat(lateCopies).isEqualTo(reported.late()).isPositive();
    assertThat(skewed).isEqualTo(reported.skewedEvents()).isPositive();
    assertThat(reported.silencedEvents()).isPositive();
  }
}
