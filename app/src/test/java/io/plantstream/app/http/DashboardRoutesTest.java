package io.plantstream.app.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;

/**
 * The dashboard's static files: content types, caching headers, only the files meant, and served by
 * {@link KpiHttpServer} before the KPI application is handed to it, with 304 for a revalidation.
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
