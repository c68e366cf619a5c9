package io.plantstream.producer.model;

import java.util.List;

/**
 * A plant model that cannot be used: unreadable, not YAML, or with invalid content. The message
 * lists every problem found, one per line, each with file, line (when known), path and what is wrong.
 */
public final class PlantModelException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final String source;
  private final List<String> errors;

  /** An exception for the model read from {@code source} with the given problems (at least one). */
  public PlantModelException(String source, List<String> errors) {
    super(message(source, errors));
    this.source = source;
    this.errors = List.copyOf(errors);
  }

  /** Where the model was read from: a file path or a classpath resource. */
  public String source() {
    return source;
  }

  /** Every problem found, in document order as far as possible, one line each. */
  public List<String> errors() {
    return errors;
  }

  private static String message(String source, List<String> errors) {
    if (errors.size() == 1) {
      return "invalid plant model: " + errors.get(0);
    }
    StringBuilder out = new StringBuilder("invalid plant model " + source + " (" + errors.size() + " errors):");
    for (String error : errors) {
      out.append(System.lineSeparator()).append("  ").append(error);
    }
    return out.toString();
  }
}
