package io.plantstream.producer.model;

import java.util.ArrayList;
import java.util.List;

/**
 * Where a value sits in the plant model document, printed the way a user reads it
 * ({@code sites[2].lines[0].machines[1].kind}) and convertible to a JSON pointer to find its line.
 */
final class NodePath {

  static final NodePath ROOT = new NodePath(List.of());

  private final List<Object> segments;

  private NodePath(List<Object> segments) {
    this.segments = segments;
  }

  NodePath field(String name) {
    return append(name);
  }

  NodePath index(int index) {
    return append(index);
  }

  NodePath parent() {
    return segments.isEmpty() ? this : new NodePath(segments.subList(0, segments.size() - 1));
  }

  boolean isRoot() {
    return segments.isEmpty();
  }

  /** JSON pointer of this path, e.g. {@code /sites/2/lines/0}. */
  String pointer() {
    StringBuilder out = new StringBuilder();
    for (Object segment : segments) {
      out.append('/').append(segment.toString().replace("~", "~0").replace("/", "~1"));
    }
    return out.toString();
  }

  private NodePath append(Object segment) {
    List<Object> longer = new ArrayList<>(segments);
    longer.add(segment);
    return new NodePath(List.copyOf(longer));
  }

  @Override
  public String toString() {
    if (segments.isEmpty()) {
      return "(document)";
    }
    StringBuilder out = new StringBuilder();
    for (Object segment : segments) {
      if (segment instanceof Integer) {
        out.append('[').append(segment).append(']');
      } else {
        if (out.length() > 0) {
          out.append('.');
        }
        out.append(segment);
      }
    }
    return out.toString();
  }
}
