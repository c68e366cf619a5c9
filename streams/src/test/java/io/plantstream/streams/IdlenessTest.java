package io.plantstream.streams;

import static io.plantstream.avro.EquipmentState.PRODUCTIVE;
import static io.plantstream.testing.TestMachine.T0;
import static org.assertj.core.api.Assertions.assertThat;

import io.plantstream.avro.TelemetryEvent;
import io.plantstream.schemas.Topics;
import io.plantstream.testing.TestMachine;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A partition turns idle after idleAfter of wall-clock time without an accepted event only once its
 * consumer has read it to the end ({@link InputLag}): records waiting unread are not silence.
 */
class IdlenessTest {

  private static final Topics TOPICS = Topics.defaults();

  @TempDir Path stateDir;

  @Test
  void aPartitionWithRecordsLeftToReadIsNotIdleHoweverLongItWaits() {
    Properties config = KpiStreamsConfig.build("unused:9092", "idleness-test", stateDir, TOPICS, Map.of());
    InputLag lag = InputLag.in(config);
    TestMachine litho = TestMachine.of("tsmc-phx", "tsmc-phx-litho", "tsmc-phx-litho-euv-01");
    try (TopologyTestDriver driver = new TopologyTestDriver(KpiTopology.build(TOPICS, KpiConfig.defaults(), 1),
        config, T0)) {
      driver.createInputTopic(TOPICS.machines().name(), TOPICS.machines().keySerde().serializer(),
          TOPICS.machines().valueSerde().serializer()).pipeInput(litho.id(), litho.info("euv-scanner",
          Duration.ofSeconds(20)));
      TestInputTopic<String, TelemetryEvent> telemetry = driver.createInputTopic(TOPICS.telemetry().name(),
          TOPICS.telemetry().keySerde().serializer(), TOPICS.telemetry().valueSerde().serializer());
      KeyValueStore<String, Long> clock = driver.getKeyValueStore(MachineTimelineProcessor.CLOCK_STORE);
      TelemetryEvent event = litho.state(PRODUCTIVE, T0);
      telemetry.pipeInput(event.getMachineId(), event);

      lag.set(0, 5_000);
      driver.advanceWallClockTime(Duration.ofMinutes(5));
      assertThat(clock.get(MachineTimelineProcessor.IDLE)).as("idle while 5,000 records wait").isNotEqualTo(
          Long.valueOf(1));

      lag.set(0, 0);
      driver.advanceWallClockTime(Duration.ofSeconds(1));
      assertThat(clock.get(MachineTimelineProcessor.IDLE)).as("idle once read to the end").isEqualTo(1L);
    }
  }
}
