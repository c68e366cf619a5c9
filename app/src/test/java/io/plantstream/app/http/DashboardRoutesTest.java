package io.plantstream.app.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import io.plantstream.streams.KpiWindow;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;

/**
 * The dashboard's static files: content types, caching headers, only the files meant, and served by
 * {@link KpiHttpServer} before the KPI application is handed to it, with 304 for a revalidation;
 * the windows its script asks the API for are windows the API answers.
 */
class DashboardRoutesTest {

  private final Router router = DashboardRoutes.router();

  @Test
  void servesThePageItsScriptAndItsStyleSheetToBeRevalidated() {
    ApiResponse page = router.route("GET", "/", null);
    assertThat(page.status()).isEqualTo(200);
    assertThat(page.contentType()).isEqualTo("text/html; charset=utf-8");
    assertThat(page.bodyText()).contains("<script src=\"dashboard/dashboard.js\" defer></script>")
        .contains("assets/uplot/uPlot.iife.min.js").contains("assets/uplot/uPlot.min.css");
    assertThat(page.headers()).containsEntry("Cache-Control", "no-cache").containsKey("ETag")
        .containsEntry("X-Content-Type-Options", "nosniff");
    assertThat(page.headers().get("ETag")).matches("\"[0-9a-f]{32}\"");

    ApiResponse script = router.route("GET", "/dashboard/dashboard.js", null);
    assertThat(script.status()).isEqualTo(200);
    assertThat(script.contentType()).isEqualTo("text/javascript; charset=utf-8");
    assertThat(script.headers()).containsEntry("Cache-Control", "no-cache");
    assertThat(script.headers().get("ETag")).isNotEqualTo(page.headers().get("ETag"));

    ApiResponse style = router.route("GET", "/dashboard/dashboard.css", null);
    assertThat(style.status()).isEqualTo(200);
    assertThat(style.contentType()).isEqualTo("text/css; charset=utf-8");
  }

  @Test
  void servesUplotFromItsWebJarForADay() {
    ApiResponse script = router.route("GET", "/assets/uplot/uPlot.iife.min.js", null);
    assertThat(script.status()).isEqualTo(200);
    assertThat(script.contentType()).isEqualTo("text/javascript; charset=utf-8");
    assertThat(script.bodyText()).contains("uPlot");
    assertThat(script.headers()).containsEntry("Cache-Control", "public, max-age=86400");

    ApiResponse style = router.route("GET", "/assets/uplot/uPlot.min.css", null);
    assertThat(style.status()).isEqualTo(200);
    assertThat(style.contentType()).isEqualTo("text/css; charset=utf-8");
    assertThat(style.bodyText()).contains(".uplot");
  }

  @Test
  void servesNoOtherFile() {
    for (String path : new String[] {"/dashboard/nothing.js", "/dashboard/index", "/dashboard/..%2Findex.html",
        "/dashboard/%2E%2E%2Fhttp%2FKpiApi.class", "/dashboard/.hidden.js", "/assets/uplot/uPlot.cjs.js",
        "/assets/uplot/LICENSE", "/assets/uplot/..%2F..%2Fuplot%2F1.6.30%2Fpackage.json", "/index.html"}) {
      ApiResponse response = router.route("GET", path, null);
      assertThat(response.status()).as(path).isEqualTo(404);
      assertThat(response.contentType()).as(path).isEqualTo(ApiResponse.JSON);
    }
    assertThat(router.route("POST", "/", null).status()).isEqualTo(405);
  }

  @Test
  void theKpiApiServesTheDashboardWithoutAskingTheStores() {
    Router api = KpiApi.router(null, () -> KafkaStreams.State.REBALANCING, () -> "");

    assertThat(api.route("GET", "/", null).status()).isEqualTo(200);
    assertThat(api.route("GET", "/dashboard/dashboard.js", null).status()).isEqualTo(200);
    assertThat(api.route("GET", "/assets/uplot/uPlot.min.css", null).status()).isEqualTo(200);
    assertThat(api.route("GET", "/health", null).status()).isEqualTo(503);
  }

  /**
   * The windows the script asks for, read from its constants: every one is a window the KPI routes
   * take, and every window of its loss Pareto one that the losses route answers (so a page asking
   * for another would fail with 400, not show an empty tile).
   */
  @Test
  void everyWindowTheScriptAsksForIsOneTheApiAnswers() {
    String script = router.route("GET", "/dashboard/dashboard.js", null).bodyText();
    List<String> windows = new ArrayList<>(constant(script, "TUMBLING"));
    windows.addAll(constant(script, "CALENDAR"));
    List<String> lossWindows = constant(script, "LOSS_WINDOWS");
    assertThat(windows).containsExactly("1m", "1h", "shift", "day");
    assertThat(lossWindows).containsExactly("1h", "shift", "day");
    assertThat(script).contains("'/kpis?window=' + window").contains("'/losses?window=' + window");

    Router api = KpiApi.router(new KpiQueries() {
      @Override
      public List<Map<String, Object>> sites() {
        return List.of();
      }

      @Override
      public List<Object> siteKpis(String siteId, KpiWindow window, Instant from, Instant to, Scope scope) {
        return List.of();
      }

      @Override
      public List<Object> machineKpis(String machineId, KpiWindow window, Instant from, Instant to, Scope scope) {
        return List.of();
      }

      @Override
      public List<Object> siteMachineKpis(String siteId, KpiWindow window, Instant from, Instant to, Scope scope) {
        return List.of();
      }
    }, () -> KafkaStreams.State.RUNNING, () -> "");
    for (String window : windows) {
      assertThat(api.route("GET", "/sites/tsmc-phx/kpis", "window=" + window).status()).as(window).isEqualTo(200);
    }
    for (String window : lossWindows) {
      assertThat(api.route("GET", "/sites/tsmc-phx/losses", "window=" + window).status()).as(window).isEqualTo(200);
    }
  }

  /** The strings of a constant array of the script: {@code const NAME = ['a', 'b'];}. */
  private static List<String> constant(String script, String name) {
    Matcher matcher = Pattern.compile("const " + name + " = \\[([^\\]]*)\\];").matcher(script);
    assertThat(matcher.find()).as("const %s in dashboard.js", name).isTrue();
    List<String> values = new ArrayList<>();
    Matcher item = Pattern.compile("'([^']*)'").matcher(matcher.group(1));
    while (item.find()) {
      values.add(item.group(1));
    }
    return values;
  }

  @Test
  void theServerServesTheDashboardBeforeTheApplicationAndAnswersRevalidationWith304() throws Exception {
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    try (KpiHttpServer http = KpiHttpServer.start("127.0.0.1", 0)) {
      HttpResponse<String> page = client.send(get(http, "/").build(), HttpResponse.BodyHandlers.ofString());
      assertThat(page.statusCode()).isEqualTo(200);
      assertThat(page.headers().firstValue("Content-Type")).contains("text/html; charset=utf-8");
      assertThat(page.headers().firstValue("Cache-Control")).contains("no-cache");
      String etag = page.headers().firstValue("ETag").orElseThrow();

      HttpResponse<String> again = client.send(get(http, "/").header("If-None-Match", etag).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(again.statusCode()).isEqualTo(304);
      assertThat(again.body()).isEmpty();
      HttpResponse<String> changed = client.send(get(http, "/").header("If-None-Match", "\"other\"").build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(changed.statusCode()).isEqualTo(200);

      HttpResponse<String> sites = client.send(get(http, "/sites").build(), HttpResponse.BodyHandlers.ofString());
      assertThat(sites.statusCode()).isEqualTo(503);
      assertThat(sites.headers().firstValue("Retry-After")).contains("1");
      assertThat(client.send(get(http, "/nothing").build(), HttpResponse.BodyHandlers.ofString()).statusCode())
          .isEqualTo(503);
    }
  }

  private static HttpRequest.Builder get(KpiHttpServer http, String path) {
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + http.port() + path))
        .timeout(Duration.ofSeconds(10)).GET();
  }
}
