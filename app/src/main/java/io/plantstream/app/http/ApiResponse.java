package io.plantstream.app.http;

import io.plantstream.app.RecordJson;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One HTTP answer: status, content type, body and extra headers.
 *
 * @param status the HTTP status code
 * @param contentType the {@code Content-Type} header
 * @param body the body bytes, possibly empty
 * @param headers further headers, e.g. {@code Allow} or {@code Retry-After}
 */
public record ApiResponse(int status, String contentType, byte[] body, Map<String, String> headers) {

  /** Content type of every JSON answer. */
  public static final String JSON = "application/json; charset=utf-8";

  /** Copies the headers. */
  public ApiResponse {
    headers = Map.copyOf(headers);
  }

  /** {@code value} (maps, lists, Avro records, ...) as JSON, in {@link RecordJson}'s style. */
  public static ApiResponse json(int status, Object value) {
    return text(status, JSON, RecordJson.toJson(value) + "\n");
  }

  /** A text body of {@code contentType}. */
  public static ApiResponse text(int status, String contentType, String body) {
    return new ApiResponse(status, contentType, body.getBytes(StandardCharsets.UTF_8), Map.of());
  }

  /** A JSON error: {@code {"status": 404, "error": "..."}}. */
  public static ApiResponse error(int status, String message) {
    Map<String, Object> error = new LinkedHashMap<>();
    error.put("status", status);
    error.put("error", message);
    return json(status, error);
  }

  /** The same answer with one more header. */
  public ApiResponse withHeader(String name, String value) {
    Map<String, String> more = new LinkedHashMap<>(headers);
    more.put(name, value);
    return new ApiResponse(status, contentType, body, more);
  }

  /** The body as UTF-8 text. */
  public String bodyText() {
    return new String(body, StandardCharsets.UTF_8);
  }
}
