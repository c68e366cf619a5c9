package io.plantstream.schemas;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;

/**
 * A client of a Confluent-compatible schema registry API (Confluent Schema Registry, Apicurio
 * Registry's {@code /apis/ccompat/v7}, Karapace, Redpanda): what plantstream needs of it and no
 * more. It registers a writer schema under a subject with compatibility BACKWARD and fetches
 * schemas by id, each at most once per process. Thread-safe.
 *
 * <p>Every failure is a {@link SchemaRegistryException} whose message is one line naming the
 * registry and what went wrong: unreachable, not a registry at that URL, a schema refused as
 * incompatible, an unknown id.
 */
public final class SchemaRegistry {

  /** Compatibility every subject plantstream writes is given: new schemas must read old data. */
  public static final String COMPATIBILITY = "BACKWARD";

  private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
  private static final Duration TIMEOUT = Duration.ofSeconds(10);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final URI base;
  private final HttpClient http;
  private final Map<Integer, Schema> byId = new ConcurrentHashMap<>();
  private final Map<String, Integer> registered = new ConcurrentHashMap<>();

  private SchemaRegistry(URI base) {
    this.base = base;
    this.http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
  }

  /**
   * A client of the registry whose API base is {@code url} (for Apicurio, ending in
   * {@code /apis/ccompat/v7}). Only the URL's form is checked here; {@link #check()} asks the registry.
   */
  public static SchemaRegistry at(String url) {
    URI uri;
    try {
      uri = new URI(url.trim());
    } catch (URISyntaxException e) {
      throw new SchemaRegistryException("schema registry URL '" + url + "' is not a URL: " + e.getReason());
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
      throw new SchemaRegistryException("schema registry URL '" + url + "' is not an http:// or https:// URL");
    }
    String text = uri.toString();
    return new SchemaRegistry(URI.create(text.endsWith("/") ? text.substring(0, text.length() - 1) : text));
  }

  /** The API base this client talks to. */
  public String url() {
    return base.toString();
  }

  /** Asks the registry for its subjects: fails unless a Confluent-compatible registry answers at the URL. */
  public void check() {
    JsonNode subjects = call("GET", "/subjects", null, "list subjects");
    if (!subjects.isArray()) {
      throw new SchemaRegistryException(url() + " does not answer as a Confluent-compatible schema registry"
          + " (GET /subjects gave no list); give the API base, e.g. http://localhost:8081/apis/ccompat/v7");
    }
  }

  /**
   * Registers {@code schema} under {@code subject} (or finds it there) after setting the subject's
   * compatibility to {@value #COMPATIBILITY}, and returns its id. A schema the subject's rules refuse
   * fails with the registry's reason.
   */
  public int register(String subject, Schema schema) {
    String key = subject + '\n' + schema;
    Integer known = registered.get(key);
    if (known != null) {
      return known;
    }
    String path = "/subjects/" + encode(subject);
    call("PUT", "/config/" + encode(subject), JSON.createObjectNode().put("compatibility", COMPATIBILITY),
        "set compatibility " + COMPATIBILITY + " on subject " + subject);
    JsonNode answer = call("POST", path + "/versions", JSON.createObjectNode().put("schema", schema.toString()),
        "register " + schema.getFullName() + " under subject " + subject);
    JsonNode id = answer.get("id");
    if (id == null || !id.canConvertToInt()) {
      throw new SchemaRegistryException("the schema registry at " + url() + " answered the registration of "
          + schema.getFullName() + " under subject " + subject + " without an id: " + answer);
    }
    byId.putIfAbsent(id.intValue(), schema);
    registered.put(key, id.intValue());
    return id.intValue();
  }

  /** The schema with {@code id}, or empty if the registry does not know that id. */
  public Optional<Schema> schema(int id) {
    Schema known = byId.get(id);
    if (known != null) {
      return Optional.of(known);
    }
    JsonNode answer;
    try {
      answer = call("GET", "/schemas/ids/" + id, null, "fetch schema id " + id);
    } catch (NotFound e) {
      return Optional.empty();
    }
    JsonNode type = answer.get("schemaType");
    if (type != null && !type.isNull() && !type.asText().equalsIgnoreCase("AVRO")) {
      throw new SchemaRegistryException("schema id " + id + " in the registry at " + url() + " is "
          + type.asText() + ", not Avro");
    }
    JsonNode text = answer.get("schema");
    if (text == null || !text.isTextual()) {
      throw new SchemaRegistryException("the schema registry at " + url() + " answered schema id " + id
          + " without a schema: " + answer);
    }
    Schema schema;
    try {
      schema = new Schema.Parser().parse(text.asText());
    } catch (SchemaParseException e) {
      throw new SchemaRegistryException("schema id " + id + " in the registry at " + url()
          + " is not a valid Avro schema: " + e.getMessage());
    }
    Schema raced = byId.putIfAbsent(id, schema);
    return Optional.of(raced != null ? raced : schema);
  }

  private JsonNode call(String method, String path, JsonNode body, String what) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
        .timeout(TIMEOUT)
        .header("Accept", CONTENT_TYPE + ", application/json");
    if (body == null) {
      request.method(method, HttpRequest.BodyPublishers.noBody());
    } else {
      request.header("Content-Type", CONTENT_TYPE).method(method, HttpRequest.BodyPublishers.ofString(body.toString()));
    }
    HttpResponse<String> response;
    try {
      response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (HttpTimeoutException e) {
      throw new SchemaRegistryException("the schema registry at " + url() + " did not answer within "
          + TIMEOUT.toSeconds() + " s; cannot " + what);
    } catch (ConnectException e) {
      throw new SchemaRegistryException("the schema registry at " + url() + " is unreachable ("
          + (e.getMessage() == null ? "connection refused" : e.getMessage()) + "); cannot " + what);
    } catch (IOException e) {
      throw new SchemaRegistryException("cannot " + what + " at the schema registry " + url() + ": " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SchemaRegistryException("interrupted while asking the schema registry at " + url() + " to " + what);
    }
    int status = response.statusCode();
    JsonNode answer = parse(response.body());
    if (status / 100 == 2 && answer != null) {
      return answer;
    }
    String reason = answer != null && answer.hasNonNull("message") ? answer.get("message").asText()
        : "HTTP " + status;
    int code = answer != null && answer.hasNonNull("error_code") ? answer.get("error_code").asInt() : status;
    if (status == 409) {
      throw new SchemaRegistryException("the schema registry at " + url() + " refused to " + what
          + " as incompatible: " + flat(reason));
    }
    if (status == 404 && code / 100 == 404 && code != 404 && answer != null) {
      throw new NotFound(reason); // 40401 subject, 40403 schema id: the registry answered, the thing is absent
    }
    if (status == 404 || answer == null) {
      throw new SchemaRegistryException(url() + " does not answer as a Confluent-compatible schema registry ("
          + method + " " + path + ": HTTP " + status + "); give the API base, e.g. http://localhost:8081/apis/ccompat/v7");
    }
    throw new SchemaRegistryException("the schema registry at " + url() + " could not " + what + ": "
        + flat(reason) + " (HTTP " + status + ")");
  }

  private static JsonNode parse(String body) {
    if (body == null || body.isBlank()) {
      return null;
    }
    try {
      JsonNode node = JSON.readTree(body);
      return node.isContainerNode() ? node : null;
    } catch (IOException notJson) {
      return null;
    }
  }

  private static String encode(String segment) {
    return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
  }

  /** The registry's message on one line, without the Java exception class some registries put before it. */
  private static String flat(String message) {
    return message.replaceAll("\\s*\\R\\s*", " ").replaceFirst("^(?:[\\w$]+\\.)+[\\w$]*(?:Exception|Error): ", "")
        .trim();
  }

  /** The registry answered that what was asked for does not exist. */
  private static final class NotFound extends RuntimeException {
    NotFound(String message) {
      super(message, null, false, false);
    }
  }
}
