package io.plantstream.app.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A test's HTTP client for a {@link KpiHttpServer}: GET a path, read the status and the body as
 * text, JSON or Prometheus samples.
 *
 * @param status the HTTP status
 * @param body the body text
 */
public record TestHttp(int status, String body) {

  private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static final ObjectMapper JSON = new ObjectMapper();

  /** {@code GET http://127.0.0.1:<port><pathAndQuery>}. */
  public static TestHttp get(int port, String pathAndQuery) {
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + pathAndQuery))
        .timeout(Duration.ofSeconds(30)).GET().build();
    try {
      HttpResponse<String> response = CLIENT.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
      return new TestHttp(response.statusCode(), response.body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** The body parsed as JSON. */
  public JsonNode json() {
    try {
      return JSON.readTree(body);
    } catch (IOException e) {
      throw new UncheckedIOException("not JSON: " + body, e);
    }
  }

  /** The body as Prometheus samples: {@code name{labels}} as rendered, to its value. */
  public Map<String, Double> samples() {
    return samples(body);
  }

  /** The samples of a Prometheus text exposition: {@code name{labels}} as rendered, to its value. */
  public static Map<String, Double> samples(String exposition) {
    Map<String, Double> samples = new LinkedHashMap<>();
    for (String line : exposition.split("\n")) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      int space = line.lastIndexOf(' ');
      String value = line.substring(space + 1);
      samples.put(line.substring(0, space), switch (value) {
        case "NaN" -> Double.NaN;
        case "+Inf" -> Double.POSITIVE_INFINITY;
        case "-Inf" -> Double.NEGATIVE_INFINITY;
        default -> Double.parseDouble(value);
      });
    }
    return samples;
  }
}
