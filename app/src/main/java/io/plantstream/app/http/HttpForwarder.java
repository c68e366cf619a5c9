package io.plantstream.app.http;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.kafka.streams.state.HostInfo;

/** A {@link Forwarder} over HTTP with the JDK's client: {@code http://<application.server>/path?query}. */
public final class HttpForwarder implements Forwarder {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final TypeReference<List<Object>> LIST = new TypeReference<>() {};

  private final HttpClient client;
  private final Duration timeout;

  /** A forwarder that gives each instance {@code timeout} to answer. */
  public HttpForwarder(Duration timeout) {
    this.client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
    this.timeout = timeout;
  }

  @Override
  public List<Object> get(HostInfo instance, String path, Map<String, String> query) {
    String host = instance.host().contains(":") ? "[" + instance.host() + "]" : instance.host();
    String where = host + ":" + instance.port();
    URI uri = URI.create("http://" + where + path + "?" + new TreeMap<>(query).entrySet().stream()
        .map(entry -> encode(entry.getKey()) + "=" + encode(entry.getValue()))
        .collect(Collectors.joining("&")));
    HttpRequest request = HttpRequest.newBuilder(uri).timeout(timeout).GET().build();
    try {
      HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
      if (response.statusCode() != 200) {
        int status = response.statusCode() == 503 ? 503 : 502;
        throw new ApiException(status, "instance " + where + " answered " + response.statusCode() + ": "
            + response.body().strip());
      }
      return JSON.readValue(response.body(), LIST);
    } catch (IOException e) {
      throw new ApiException(502, "instance " + where + " did not answer: " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ApiException(503, "interrupted while asking instance " + where);
    }
  }

  private static String encode(String text) {
    return URLEncoder.encode(text, StandardCharsets.UTF_8);
  }
}
