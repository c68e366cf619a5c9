package io.plantstream.app.http;

import java.util.Map;
import java.util.Optional;

/**
 * One HTTP request as a route sees it.
 *
 * @param method the HTTP method, upper case
 * @param path the request path, without the query
 * @param pathParams the values of the route's {@code {name}} segments, URL-decoded
 * @param query the query parameters, URL-decoded; the first value of a repeated name
 */
public record ApiRequest(String method, String path, Map<String, String> pathParams, Map<String, String> query) {

  /** Copies the maps. */
  public ApiRequest {
    pathParams = Map.copyOf(pathParams);
    query = Map.copyOf(query);
  }

  /** The value of the path segment {@code {name}} of the route. */
  public String pathParam(String name) {
    String value = pathParams.get(name);
    if (value == null) {
      throw new IllegalArgumentException("the route has no path parameter {" + name + "}");
    }
    return value;
  }

  /** The query parameter {@code name}, if given and not blank. */
  public Optional<String> query(String name) {
    return Optional.ofNullable(query.get(name)).filter(value -> !value.isBlank());
  }
}
