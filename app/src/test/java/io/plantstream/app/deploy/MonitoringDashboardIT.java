package io.plantstream.app.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.plantstream.app.http.KpiHttpServer;
import io.plantstream.app.http.TestHttp;
import io.plantstream.producer.RunLimit;
import io.plantstream.producer.SimulationRunner;
import io.plantstream.producer.Speed;
import io.plantstream.producer.model.PlantModel;
import io.plantstream.producer.publish.MachinesPublisher;
import io.plantstream.producer.publish.TelemetryPublisher;
import io.plantstream.producer.sim.PlantSimulator;
import io.plantstream.schemas.Topics;
import io.plantstream.streams.KpiApplication;
import io.plantstream.streams.KpiConfig;
import io.plantstream.streams.KpiStreamsConfig;
import io.plantstream.testing.KafkaFixture;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every metric that a panel of the provisioned Grafana dashboard queries is in {@code GET /metrics}
 * of a KPI application that aggregates the simulated plant on a real broker: the names come from
 * the application's own scrape, not from a list kept beside the dashboard. The run crosses an hour
 * (10:55 to 11:02), so that the hour 10:00 is final and the loss Pareto has its losses.
 */
class MonitoringDashboardIT {

  @RegisterExtension static final KafkaFixture kafka = new KafkaFixture();

  private static final Instant START = Instant.parse("2026-11-28T10:55:00Z");
  private static final Set<String> SITES = Set.of("tsmc-phx", "amkor-az", "spil-az", "foxconn-hou", "wistron-dal");

  @TempDir Path stateDir;

  @Test
  void everyMetricTheDashboardQueriesIsExported() throws Exception {
    Topics topics = kafka.uniqueTopics("dashboard");
    kafka.createTopics(topics, 4);
    PlantSimulator simulator = new PlantSimulator(PlantModel.loadDefault(), 11L, START, SITES);
    MachinesPublisher.publish(kafka.clientConfig(), topics.machines(), simulator.machineInfos(), START);
    try (TelemetryPublisher publisher = new TelemetryPublisher(kafka.clientConfig(), topics.telemetry())) {
      new SimulationRunner(simulator, publisher, Speed.MAX, RunLimit.of(Duration.ofMinutes(7))).run();
    }
    Set<String> queried = GrafanaDashboard.load().metricNames();

    try (KpiHttpServer http = KpiHttpServer.start("127.0.0.1", 0);
        KpiApplication app = KpiApplication.forTopics(topics, KpiConfig.defaults(),
            KpiStreamsConfig.build(kafka.bootstrapServers(), "dashboard-it-" + System.nanoTime(), stateDir, topics,
                Map.of(), "127.0.0.1:" + http.port()))) {
      http.serve(app, topics);
      app.start();
      await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
        String scrape = get(http.port(), "/metrics");
        assertThat(familyNames(scrape)).containsAll(queried);
        // The per-site panels show every site: each has a newest final minute. Yield is undefined
        // (left out) in a minute without a completed unit, as at the rack assembly sites.
        for (String site : SITES) {
          assertThat(scrape).contains("plantstream_site_uptime_ratio{site=\"" + site + "\",window=\"1m\"}")
              .contains("plantstream_site_output_units{site=\"" + site + "\",window=\"1m\"}");
        }
        assertThat(scrape).contains("plantstream_site_yield_ratio{site=\"tsmc-phx\",window=\"1m\"}");
        // The loss Pareto of a site's newest final hour (the dashboard's $site and $loss_window).
        Map<String, Double> samples = TestHttp.samples(scrape);
        for (String site : SITES) {
          assertThat(samples).containsEntry("plantstream_site_window_start_seconds{site=\"" + site + "\",window=\"1h\"}",
              (double) Instant.parse("2026-11-28T10:00:00Z").getEpochSecond());
        }
        assertThat(scrape.lines().filter(line -> line.startsWith("plantstream_site_loss_seconds{")
            && line.contains("site=\"tsmc-phx\"") && line.contains("window=\"1h\"")).toList())
            .as("tsmc-phx's losses of the hour").isNotEmpty();
      });
    }
  }

  /** The metric names of a Prometheus text exposition: the first word of every sample line. */
  private static Set<String> familyNames(String exposition) {
    Set<String> names = new TreeSet<>();
    exposition.lines().filter(line -> !line.isBlank() && !line.startsWith("#"))
        .forEach(line -> names.add(line.split("[{ ]", 2)[0]));
    return names;
  }

  private static String get(int port, String path) throws IOException, InterruptedException {
    HttpResponse<String> response = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(30)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(200);
    return response.body();
  }
}
