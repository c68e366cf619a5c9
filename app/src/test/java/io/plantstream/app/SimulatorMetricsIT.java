package io.plantstream.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.plantstream.app.http.KpiHttpServer;
import io.plantstream.app.http.TestHttp;
import io.plantstream.avro.TelemetryEvent;
import io.plantstream.producer.RunLimit;
import io.plantstream.producer.SimulationSummary;
import io.plantstream.producer.Speed;
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
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.Serdes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code plant simulate --http-port}: its metrics agree with what reached the topic. */
class SimulatorMetricsIT {

  @RegisterExtension static final KafkaFixture kafka = new KafkaFixture();

  private static final Instant START = Instant.parse("2026-11-28T06:00:00Z");

  @Test
  void theMetricsCountWhatTheTopicHolds() throws Exception {
    Topics topics = kafka.uniqueTopics("sim-metrics");
    kafka.createTopics(topics, 3);
    PlantSimulator simulator = new PlantSimulator(PlantModel.loadDefault(), 5L, START, Set.of("wistron-dal"));
    FaultInjector faults = new FaultInjector(FaultRates.parse("duplicate=0.01,corrupt=0.005"), 5L,
        simulator.machines().stream().map(Machine::machineId).toList(), START, 3);
    AtomicReference<TestHttp> scraped = new AtomicReference<>();

    SimulationSummary summary;
    try (KpiHttpServer http = KpiHttpServer.start("127.0.0.1", 0)) {
      // The simulator's own producer settings (idempotent), so that a retry cannot add a record twice.
      Map<String, Object> client = new HashMap<>(kafka.clientConfig());
      client.remove(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG);
      summary = SimulateCommand.run(simulator, client, topics, Speed.MAX,
          RunLimit.of(Duration.ofMinutes(20)), null, faults, http, done -> {
            TestHttp response = TestHttp.get(http.port(), "/metrics");
            assertThat(response.status()).isEqualTo(200);
            scraped.set(response);
          });
    }

    List<ConsumerRecord<String, byte[]>> onTopic =
        kafka.readAll(new Topic<>(topics.telemetry().name(), Serdes.String(), Serdes.ByteArray()));
    Map<String, Long> byKind = new HashMap<>();
    long newest = Long.MIN_VALUE;
    for (ConsumerRecord<String, byte[]> record : onTopic) {
      String kind;
      try {
        TelemetryEvent event = Topics.TELEMETRY_SERDE.decode(record.value());
        kind = switch (event.getPayload().getClass().getSimpleName()) {
          case "StateChange" -> "state-change";
          case "UnitCompleted" -> "unit-completed";
          case "SensorReading" -> "sensor-reading";
          default -> "heartbeat";
        };
        newest = Math.max(newest, event.getEventTime().toEpochMilli());
      } catch (RuntimeException notAnEvent) {
        kind = "corrupt";
      }
      byKind.merge(kind, 1L, Long::sum);
    }
    Map<String, Double> metrics = scraped.get().samples();
    assertThat(byKind.get("corrupt")).isPositive();
    for (String kind : List.of("state-change", "unit-completed", "sensor-reading", "heartbeat", "corrupt")) {
      assertThat(metrics.get("plantstream_simulator_records_sent_total{kind=\"" + kind + "\"}"))
          .as(kind).isEqualTo(byKind.getOrDefault(kind, 0L).doubleValue());
    }
    assertThat(metrics.get("plantstream_simulator_records_acknowledged_total")).isEqualTo((double) onTopic.size());
    assertThat(metrics.get("plantstream_simulator_simulated_time_seconds")).isEqualTo(newest / 1000.0);
    assertThat(metrics.get("plantstream_simulator_faults_injected_total{fault=\"duplicate\"}"))
        .isEqualTo((double) summary.faults().duplicates()).isPositive();
    // The producer's metrics as Micrometer's Kafka binder maps them, as the KPI application's
    // (KpiMetricsIT): the same name, a counter, labelled by client.
    assertThat(scraped.get().body()).contains("# TYPE kafka_producer_record_send_total counter\n")
        .contains("# TYPE kafka_producer_record_error_total counter\n")
        .contains("# TYPE kafka_producer_record_send_rate gauge\n");
    // Kafka counts a retried record again, so its own total is at least what reached the topic.
    assertThat(only(metrics, "kafka_producer_record_send_total{client_id=")).isGreaterThanOrEqualTo(onTopic.size());
    assertThat(only(metrics, "kafka_producer_record_error_total{client_id=")).isZero();
  }

  /** The value of the one sample whose name starts with {@code prefix}. */
  private static double only(Map<String, Double> metrics, String prefix) {
    List<Double> values = metrics.entrySet().stream().filter(entry -> entry.getKey().startsWith(prefix))
        .map(Map.Entry::getValue).toList();
    assertThat(values).as("samples %s... among %s", prefix, metrics.keySet()).hasSize(1);
    return values.get(0);
  }
}
