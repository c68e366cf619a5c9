package io.plantstream.producer.model;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/**
 * The line number of every key and value of a YAML document, so that errors found in the parsed
 * tree can point at the line to fix.
 */
final class YamlLines {

  private final Map<String, Integer> lineByPointer;

  private YamlLines(Map<String, Integer> lineByPointer) {
    this.lineByPointer = lineByPointer;
  }

  /** Indexes {@code yaml}; a document that does not parse yields an empty index. */
  static YamlLines index(YAMLFactory factory, String yaml) {
    Map<String, Integer> lines = new HashMap<>();
    try (JsonParser parser = factory.createParser(yaml)) {
      for (JsonToken token = parser.nextToken(); token != null; token = parser.nextToken()) {
        JsonStreamContext context = parser.getParsingContext();
        if (token.isStructStart() && context.getParent() != null) {
          // A new object or array is opened by its parent's key or index.
          context = context.getParent();
        }
        lines.putIfAbsent(context.pathAsPointer().toString(), parser.currentTokenLocation().getLineNr());
      }
    } catch (IOException e) {
      // Parsing errors are reported by the tree reader; lines found so far are still useful.
    }
    return new YamlLines(lines);
  }

  /** The line of {@code path}, or of its nearest enclosing node that has one; -1 if none. */
  int lineOf(NodePath path) {
    for (NodePath at = path; ; at = at.parent()) {
      Integer line = lineByPointer.get(at.pointer());
      if (line != null && line > 0) {
        return line;
      }
      if (at.isRoot()) {
        return -1;
      }
    }
  }
}
