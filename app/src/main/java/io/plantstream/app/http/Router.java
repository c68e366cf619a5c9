package io.plantstream.app.http;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Maps {@code GET /a/{param}/b} style routes to handlers, independent of any HTTP server so that it
 * can be tested with plain strings. Unknown paths answer 404, a known path with another method 405,
 * a handler's {@link ApiException} its status (503 with {@code Retry-After}), any other exception
 * 500; errors are JSON.
 */
public final class Router {

  private static final Logger log = LoggerFactory.getLogger(Router.class);

  /** Answers one request. */
  @FunctionalInterface
  public interface Handler {
    /** The answer to {@code request}. */
    ApiResponse handle(ApiRequest request);
  }

  private record Route(String method, String pattern, List<String> segments, Handler handler) {}

  private final List<Route> routes = new ArrayList<>();

  /** Adds a GET route; {@code pattern} segments in braces, e.g. {@code /sites/{site}/kpis}, are parameters. */
  public Router get(String pattern, Handler handler) {
    routes.add(new Route("GET", pattern, segments(pattern), handler));
    return this;
  }

  /** The patterns of every route, in the order they were added. */
  public List<String> patterns() {
    return routes.stream().map(Route::pattern).toList();
  }

  /**
   * The answer to a request.
   *
   * @param method the HTTP method
   * @param rawPath the path as sent, still URL-encoded
   * @param rawQuery the query as sent, still URL-encoded, or null
   */
  public ApiResponse route(String method, String rawPath, String rawQuery) {
    try {
      return dispatch(method, rawPath, rawQuery);
    } catch (ApiException e) {
      ApiResponse error = ApiResponse.error(e.status(), e.getMessage());
      // 503 means "not now": starting, rebalancing, restoring.
      return e.status() == 503 ? error.withHeader("Retry-After", "1") : error;
    }
  }

  private ApiResponse dispatch(String method, String rawPath, String rawQuery) {
    List<String> path = segments(rawPath == null || rawPath.isEmpty() ? "/" : rawPath);
    List<String> allowed = new ArrayList<>();
    for (Route route : routes) {
      Optional<Map<String, String>> params = match(route.segments(), path);
      if (params.isEmpty()) {
        continue;
      }
      if (!route.method().equals(method)) {
        allowed.add(route.method());
        continue;
      }
      ApiRequest request = new ApiRequest(method, rawPath, params.get(), query(rawQuery));
      try {
        return route.handler().handle(request);
      } catch (ApiException e) {
        throw e;
      } catch (RuntimeException e) {
        log.warn("{} {} failed", method, rawPath, e);
        return ApiResponse.error(500, e.getClass().getSimpleName() + ": " + e.getMessage());
      }
    }
    if (!allowed.isEmpty()) {
      return ApiResponse.error(405, method + " is not supported here; use " + String.join(", ", allowed))
          .withHeader("Allow", String.join(", ", allowed));
    }
    return ApiResponse.error(404, "no such endpoint: " + rawPath + "; try " + String.join(", ", patterns()));
  }

  private static Optional<Map<String, String>> match(List<String> pattern, List<String> path) {
    if (pattern.size() != path.size()) {
      return Optional.empty();
    }
    Map<String, String> params = new LinkedHashMap<>();
    for (int i = 0; i < pattern.size(); i++) {
      String expected = pattern.get(i);
      String actual = decodePathSegment(path.get(i));
      if (expected.startsWith("{") && expected.endsWith("}")) {
        if (actual.isEmpty()) {
          return Optional.empty();
        }
        params.put(expected.substring(1, expected.length() - 1), actual);
      } else if (!expected.equals(actual)) {
        return Optional.empty();
      }
    }
    return Optional.of(params);
  }

  /** The segments of a path; a trailing slash does not count, so {@code /sites/} is {@code /sites}. */
  private static List<String> segments(String path) {
    List<String> segments = new ArrayList<>(List.of(path.split("/", -1)));
    if (!segments.isEmpty() && segments.get(0).isEmpty()) {
      segments.remove(0);
    }
    if (!segments.isEmpty() && segments.get(segments.size() - 1).isEmpty()) {
      segments.remove(segments.size() - 1);
    }
    return segments;
  }

  private static String decodePathSegment(String segment) {
    // In a path '+' is a plus sign, not a space as in a query string.
    return decode(segment.replace("+", "%2B"));
  }

  private static Map<String, String> query(String rawQuery) {
    Map<String, String> query = new HashMap<>();
    if (rawQuery == null || rawQuery.isEmpty()) {
      return query;
    }
    for (String pair : rawQuery.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int equals = pair.indexOf('=');
      String name = decode(equals < 0 ? pair : pair.substring(0, equals));
      String value = equals < 0 ? "" : decode(pair.substring(equals + 1));
      query.putIfAbsent(name, value);
    }
    return query;
  }

  private static String decode(String text) {
    try {
      return URLDecoder.decode(text, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException malformed) {
      throw new ApiException(400, "malformed URL encoding in '" + text + "'");
    }
  }
}
