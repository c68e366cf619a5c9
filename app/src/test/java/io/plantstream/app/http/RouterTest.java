package io.plantstream.app.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Request routing without a server: path parameters, query parameters, 404, 405 and errors as JSON. */
class RouterTest {

  private final List<ApiRequest> seen = new ArrayList<>();
  private final Router router = new Router()
      .get("/sites", this::record)
      .get("/sites/{site}/kpis", this::record)
      .get("/fails", request -> {
        throw new IllegalStateException("boom");
      })
      .get("/refuses", request -> {
        throw new ApiException(409, "not now");
      })
      .get("/busy", request -> {
        throw new ApiException(503, "rebalancing");
      });

  private ApiResponse record(ApiRequest request) {
    seen.add(request);
    return ApiResponse.json(200, Map.of("ok", true));
  }

  @Test
  void matchesPathParametersAndDecodesThem() {
    ApiResponse response = router.route("GET", "/sites/tsmc%2Dphx/kpis", "window=1h&from=2026-11-28T10%3A00%3A00Z");

    assertThat(response.status()).isEqualTo(200);
    assertThat(response.contentType()).isEqualTo(ApiResponse.JSON);
    assertThat(seen).singleElement().satisfies(request -> {
      assertThat(request.pathParam("site")).isEqualTo("tsmc-phx");
      assertThat(request.query("window")).contains("1h");
      assertThat(request.query("from")).contains("2026-11-28T10:00:00Z");
      assertThat(request.query("to")).isEmpty();
    });
  }

  @Test
  void keepsPlusSignsInPathsAndTheFirstOfRepeatedQueryParameters() {
    router.route("GET", "/sites/a+b/kpis", "window=1m&window=1h&empty=&flag");

    assertThat(seen).singleElement().satisfies(request -> {
      assertThat(request.pathParam("site")).isEqualTo("a+b");
      assertThat(request.query("window")).contains("1m");
      assertThat(request.query("empty")).isEmpty();
      assertThat(request.query("flag")).isEmpty();
    });
  }

  @Test
  void ignoresATrailingSlash() {
    assertThat(router.route("GET", "/sites/", null).status()).isEqualTo(200);
    assertThat(seen).singleElement().extracting(ApiRequest::path).isEqualTo("/sites/");
  }

  @Test
  void answersUnknownPathsWith404NamingTheEndpoints() {
    ApiResponse response = router.route("GET", "/sites/tsmc-phx", null);

    assertThat(response.status()).isEqualTo(404);
    assertThat(response.bodyText()).contains("\"status\":404").contains("/sites/{site}/kpis");
    assertThat(router.route("GET", "/sites//kpis", null).status()).as("an empty parameter").isEqualTo(404);
    assertThat(router.route("GET", "/", null).status()).isEqualTo(404);
    assertThat(seen).isEmpty();
  }

  @Test
  void answersOtherMethodsWith405AndAllow() {
    ApiResponse response = router.route("POST", "/sites", null);

    assertThat(response.status()).isEqualTo(405);
    assertThat(response.headers()).containsEntry("Allow", "GET");
    assertThat(seen).isEmpty();
  }

  @Test
  void turnsHandlerFailuresIntoJsonErrors() {
    ApiResponse refused = router.route("GET", "/refuses", null);
    ApiResponse failed = router.route("GET", "/fails", null);

    assertThat(refused.status()).isEqualTo(409);
    assertThat(refused.bodyText()).isEqualTo("{\"status\":409,\"error\":\"not now\"}\n");
    assertThat(failed.status()).isEqualTo(500);
    assertThat(failed.bodyText()).contains("IllegalStateException: boom");
    assertThat(refused.headers()).doesNotContainKey("Retry-After");
  }

  @Test
  void asksToRetryWhenTheAnswerIsNotAvailableYet() {
    ApiResponse busy = router.route("GET", "/busy", null);

    assertThat(busy.status()).isEqualTo(503);
    assertThat(busy.headers()).containsEntry("Retry-After", "1");
  }

  @Test
  void answersMalformedEncodingWith400() {
    ApiResponse response = router.route("GET", "/sites/%zz/kpis", null);

    assertThat(response.status()).isEqualTo(400);
    assertThat(response.bodyText()).contains("malformed URL encoding");
  }
}
