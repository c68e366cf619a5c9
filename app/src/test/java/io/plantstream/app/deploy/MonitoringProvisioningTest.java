package io.plantstream.app.deploy;

import static io.plantstream.app.deploy.RepositoryFiles.list;
import static io.plantstream.app.deploy.RepositoryFiles.map;
import static io.plantstream.app.deploy.RepositoryFiles.node;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.plantstream.app.PlantCommand;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The {@code monitoring} profile's files parse and fit together: Prometheus scrapes the aggregator
 * service on its HTTP port, Grafana's data source is that Prometheus, its dashboard provider reads
 * the directory Compose mounts, and every dashboard panel queries application metrics. That those
 * metrics exist in {@code /metrics} is {@code MonitoringDashboardIT}'s part, on a real run.
 */
class MonitoringProvisioningTest {

  private static final ComposeFile COMPOSE = ComposeFile.load();

  @Test
  void prometheusScrapesEveryAggregatorReplicaOnItsHttpPort() {
    Map<String, Object> config = RepositoryFiles.yaml("deploy/prometheus/prometheus.yml");
    List<Object> jobs = list(config, "scrape_configs");
    Object port = PlantCommand.commandLine().parseArgs(COMPOSE.command("aggregator").toArray(String[]::new))
        .subcommand().matchedOptionValue("--http-port", null);
    String httpPort = String.valueOf(port);

    assertThat(jobs).hasSize(1);
    Object job = jobs.get(0);
    assertThat(node(job).get("metrics_path")).isEqualTo("/metrics");
    Object discovery = list(job, "dns_sd_configs").get(0);
    assertThat(list(discovery, "names")).containsExactly("aggregator");
    assertThat(String.valueOf(node(discovery).get("port"))).isEqualTo(httpPort);
    assertThat(list(COMPOSE.service("prometheus"), "volumes"))
        .contains("./deploy/prometheus/prometheus.yml:/etc/prometheus/prometheus.yml:ro");
  }

  @Test
  void grafanaReadsThatPrometheusAndTheMountedDashboards() {
    Map<String, Object> datasources = RepositoryFiles.yaml("deploy/grafana/provisioning/datasources/prometheus.yml");
    Map<String, Object> providers = RepositoryFiles.yaml("deploy/grafana/provisioning/dashboards/plantstream.yml");
    Object datasource = list(datasources, "datasources").get(0);
    Object provider = list(providers, "providers").get(0);
    String uid = String.valueOf(node(datasource).get("uid"));

    assertThat(node(datasource)).containsEntry("type", "prometheus")
        .containsEntry("url", "http://prometheus:9090");
    assertThat(list(COMPOSE.service("prometheus"), "ports")).contains("9090:9090");
    String dashboards = String.valueOf(map(provider, "options").get("path"));
    assertThat(list(COMPOSE.service("grafana"), "volumes"))
        .contains("./deploy/grafana/provisioning:/etc/grafana/provisioning:ro")
        .contains("./deploy/grafana/dashboards:" + dashboards + ":ro");
    String home = COMPOSE.environment("grafana").get("GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH");
    assertThat(home).startsWith(dashboards + "/");
    assertThat(RepositoryFiles.path("deploy/grafana/dashboards/" + home.substring(dashboards.length() + 1)))
        .satisfies(path -> assertThat(Files.isRegularFile(path)).as("%s exists", path).isTrue());

    for (JsonNode panel : GrafanaDashboard.load().panels()) {
      assertThat(panel.path("datasource").path("uid").asText()).as("panel %s", panel.path("title")).isEqualTo(uid);
      panel.path("targets").forEach(target ->
          assertThat(target.path("datasource").path("uid").asText()).as("panel %s", panel.path("title")).isEqualTo(uid));
    }
  }

  @Test
  void theDashboardShowsPerSiteYieldOutputAndUptimeFromApplicationMetrics() {
    GrafanaDashboard dashboard = GrafanaDashboard.load();

    assertThat(dashboard.json().path("uid").asText()).isNotBlank();
    assertThat(dashboard.panels()).extracting(panel -> panel.path("title").asText())
        .contains("Yield", "Output per hour", "Uptime", "Yield over time", "Output over time", "Uptime over time");
    for (JsonNode panel : dashboard.panels()) {
      assertThat(panel.path("targets")).as("panel %s has queries", panel.path("title")).isNotEmpty();
    }
    for (String expression : dashboard.expressions()) {
      assertThat(GrafanaDashboard.metricNames(expression)).as("metrics of %s", expression).isNotEmpty();
    }
    assertThat(dashboard.metricNames()).contains("plantstream_site_yield_ratio", "plantstream_site_output_units",
        "plantstream_site_output_per_hour", "plantstream_site_uptime_ratio", "plantstream_site_window_start_seconds");
  }
}
