package io.plantstream.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.plantstream.schemas.Topics;
import io.plantstream.streams.KpiApplication;
import io.plantstream.streams.KpiConfig;
import io.plantstream.streams.KpiStreamsConfig;
import io.plantstream.testing.KafkaFixture;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The commands against a real broker: topics, simulate and consume, as a user runs them. */
class CommandLineIT {

  @RegisterExtension static final KafkaFixture kafka = new KafkaFixture();
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path stateDir;
  private String prefix;

  @Test
  void topicsSimulateAndConsumeWorkTogether() throws Exception {
    Topics topics = kafka.uniqueTopics("cli");
    prefix = topics.prefix();

    CliRun created = plant("topics", "--partitions", "3");
    assertThat(created.exitCode()).as(created.err()).isZero();
    assertThat(created.out()).contains("created " + topics.telemetry().name());
    assertThat(created.outLines()).anyMatch(line -> line.startsWith(topics.siteKpi1m().name())
        && line.contains("cleanup.policy=compact"));
    assertThat(plant("topics").out()).contains("all topics exist");

    CliRun simulated = plant("simulate", "--sites", "tsmc-phx,wistron-dal", "--start", "2026-11-28T10:00:00Z",
        "--speed", "max", "--duration", "4m", "--seed", "3");
    assertThat(simulated.exitCode()).as(simulated.err()).isZero();
    assertThat(simulated.out()).contains("published").contains("2026-11-28T10:03:59");

    CliRun telemetry = plant("consume", topics.telemetry().name(), "--from-beginning", "--format", "json",
        "--max", "5", "--site", "wistron-dal");
    assertThat(telemetry.exitCode()).as(telemetry.err()).isZero();
    assertThat(telemetry.outLines()).hasSize(5).allSatisfy(line -> {
      JsonNode record = JSON.readTree(line);
      assertThat(record.at("/value/siteId").asText()).isEqualTo("wistron-dal");
      assertThat(record.at("/value/eventTime").asText()).startsWith("2026-11-28T10:0");
      assertThat(record.at("/value/payload/type").asText()).isIn("StateChange", "UnitCompleted", "SensorReading", "Heartbeat");
      assertThat(record.at("/key").asText()).isEqualTo(record.at("/value/machineId").asText());
    });

    try (KpiApplication app = KpiApplication.forTopics(topics, KpiConfig.defaults(),
        KpiStreamsConfig.build(kafka.bootstrapServers(), "cli-it-" + System.nanoTime(), stateDir, topics, Map.of()))) {
      app.start();
      await().atMost(Duration.ofMinutes(2)).untilAsserted(() ->
          assertThat(kafka.readAll(topics.siteKpi1m()).stream().filter(r -> r.value().getFinal$()).count())
              .isGreaterThanOrEqualTo(4));
    }

    CliRun kpis = plant("consume", topics.siteKpi1m().name(), "--from-beginning", "--format", "json", "--max", "5");
    assertThat(kpis.exitCode()).as(kpis.err()).isZero();
    List<JsonNode> records = new ArrayList<>();
    for (String line : kpis.outLines()) {
      records.add(JSON.readTree(line));
    }
    assertThat(records).hasSize(5).allSatisfy(record -> {
      assertThat(record.at("/value/siteId").asText()).isIn("tsmc-phx", "wistron-dal");
      assertThat(record.at("/value/windowStart").asText()).matches("2026-11-28T10:0\\d:00Z");
      assertThat(record.at("/key").asText()).isEqualTo(
          record.at("/value/siteId").asText() + "@" + record.at("/value/windowStart").asText());
    });

    CliRun table = plant("consume", topics.siteKpi1m().name(), "--from-beginning", "--site", "tsmc-phx");
    assertThat(table.exitCode()).isZero();
    assertThat(table.outLines().get(0)).startsWith("SITE").contains("YIELD").contains("UPTIME");
    assertThat(table.outLines().subList(1, table.outLines().size()))
        .isNotEmpty().allSatisfy(row -> assertThat(row).startsWith("tsmc-phx").contains("%"));
  }

  private CliRun plant(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("--bootstrap-servers", kafka.bootstrapServers(), "--topic-prefix", prefix));
    return CliRun.plant(all.toArray(String[]::new));
  }
}
