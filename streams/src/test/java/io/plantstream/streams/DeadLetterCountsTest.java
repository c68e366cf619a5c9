package io.plantstream.streams;

import static io.plantstream.avro.EquipmentState.PRODUCTIVE;
import static io.plantstream.avro.UnitOutcome.PASS;
import static io.plantstream.testing.TestMachine.T0;
import static io.plantstream.testing.TestMachine.at;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.plantstream.avro.TelemetryEvent;
import io.plantstream.schemas.Topics;
import io.plantstream.testing.TestMachine;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Dead letters are counted per application and reason, through the counts that {@link
 * KpiStreamsConfig#build} puts in the configuration; and the window sizes parse as the API spells them.
 */
class DeadLetterCountsTest {

  private static final Topics TOPICS = Topics.defaults();

  @TempDir Path stateDir;

  @Test
  void newCountsListEveryReasonAtZero() {
    DeadLetterCounts counts = new DeadLetterCounts();

    assertThat(counts.snapshot()).containsOnlyKeys("corrupt", "future-skew", "invalid-field", "unknown-machine")
        .allSatisfy((reason, count) -> assertThat(count).isZero());
    assertThat(counts.total()).isZero();
  }

  @Test
  void eachApplicationCountsItsOwnDeadLettersByReason() {
    Properties config = KpiStreamsConfig.build("unused:9092", "dlq-counts-test", stateDir, TOPICS, Map.of());
    Properties other = KpiStreamsConfig.build("unused:9092", "dlq-counts-other", stateDir, TOPICS, Map.of());
    DeadLetterCounts counts = DeadLetterCounts.in(config);
    assertThat(counts).isNotNull().isNotSameAs(DeadLetterCounts.in(other));

    TestMachine litho = TestMachine.of("tsmc-phx", "tsmc-phx-litho", "tsmc-phx-litho-euv-01");
    try (TopologyTestDriver driver = new TopologyTestDriver(KpiTopology.build(TOPICS, KpiConfig.defaults(), 1), config)) {
      driver.createInputTopic(TOPICS.machines().name(), TOPICS.machines().keySerde().serializer(),
              TOPICS.machines().valueSerde().serializer())
          .pipeInput(litho.id(), litho.info("euv-scanner", Duration.ofSeconds(20)), T0);
      TestInputTopic<String, TelemetryEvent> telemetry = driver.createInputTopic(TOPICS.telemetry().name(),
          TOPICS.telemetry().keySerde().serializer(), TOPICS.telemetry().valueSerde().serializer());
      TestInputTopic<byte[], byte[]> raw = driver.createInputTopic(TOPICS.telemetry().name(),
          new ByteArraySerializer(), new ByteArraySerializer());

      send(telemetry, litho.state(PRODUCTIVE, T0));
      raw.pipeInput(litho.id().getBytes(StandardCharsets.UTF_8), "garbage".getBytes(StandardCharsets.UTF_8), T0);
      send(telemetry, TestMachine.of("tsmc-phx", "tsmc-phx-litho", "ghost").state(PRODUCTIVE, T0));
      send(telemetry, litho.unit(PASS, at(T0, "1h")));
      send(telemetry, litho.unit(PASS, at(T0, "2h")));
      // The two events ahead are held until an in-step one shows the partition's clock did not move.
      send(telemetry, litho.heartbeat(PRODUCTIVE, at(T0, "10s")));
    }

    assertThat(counts.snapshot()).containsExactlyInAnyOrderEntriesOf(Map.of(
        "corrupt", 1L, "future-skew", 2L, "invalid-field", 0L, "unknown-machine", 1L));
    assertThat(counts.total()).isEqualTo(4);
    assertThat(DeadLetterCounts.in(other).total()).isZero();
  }

  @Test
  void windowsParseAsTheirLabels() {
    assertThat(KpiWindow.parse("1m")).isEqualTo(KpiWindow.MINUTE);
    assertThat(KpiWindow.parse(" 1H ")).isEqualTo(KpiWindow.HOUR);
    assertThat(KpiWindow.HOUR.millis()).isEqualTo(3_600_000L);
    assertThat(KpiWindow.MINUTE.siteStore()).isEqualTo(KpiTopology.SITE_1M_STORE);
    assertThat(KpiWindow.HOUR.machinePartsStore()).isEqualTo(KpiTopology.SITE_1H_STORE + SiteKpiProcessor.PARTS_SUFFIX);
    assertThatThrownBy(() -> KpiWindow.parse("5m")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("1m, 1h").hasMessageContaining("5m");
  }

  private static void send(TestInputTopic<String, TelemetryEvent> telemetry, TelemetryEvent event) {
    telemetry.pipeInput(event.getMachineId(), event, event.getEventTime());
  }
}
