package io.plantstream.app;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.IndexedRecord;

/**
 * Avro records as JSON for people and {@code jq}: field names as in the schema, times as ISO-8601
 * UTC strings, enums as their names, a record inside a union tagged with {@code "type"}. Every
 * field is written, null or not, so each record type always has the same field names: what
 * {@code plant consume --format json} prints and the HTTP API of {@code plant aggregate} answers.
 */
public final class RecordJson {

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private RecordJson() {}

  /** One JSON object on one line. */
  public static String toJson(Object value) {
    try {
      return MAPPER.writeValueAsString(toPlain(value));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot render " + value, e);
    }
  }

  /** Maps, lists, strings, numbers and booleans only. */
  public static Object toPlain(Object value) {
    if (value instanceof IndexedRecord record) {
      Map<String, Object> fields = new LinkedHashMap<>();
      for (Schema.Field field : record.getSchema().getFields()) {
        Object fieldValue = record.get(field.pos());
        if (fieldValue instanceof IndexedRecord nested && isUnion(field.schema())) {
          Map<String, Object> tagged = new LinkedHashMap<>();
          tagged.put("type", nested.getSchema().getName());
          @SuppressWarnings("unchecked")
          Map<String, Object> nestedFields = (Map<String, Object>) toPlain(nested);
          tagged.putAll(nestedFields);
          fields.put(field.name(), tagged);
        } else {
          fields.put(field.name(), toPlain(fieldValue));
        }
      }
      return fields;
    }
    if (value instanceof Instant instant) {
      return instant.toString();
    }
    if (value instanceof Enum<?> symbol) {
      return symbol.name();
    }
    if (value instanceof CharSequence text) {
      return text.toString();
    }
    if (value instanceof Collection<?> items) {
      List<Object> list = new ArrayList<>();
      items.forEach(item -> list.add(toPlain(item)));
      return list;
    }
    if (value instanceof Map<?, ?> map) {
      Map<String, Object> plain = new LinkedHashMap<>();
      map.forEach((k, v) -> plain.put(String.valueOf(k), toPlain(v)));
      return plain;
    }
    return value;
  }

  private static boolean isUnion(Schema schema) {
    return schema.getType() == Schema.Type.UNION;
  }
}
