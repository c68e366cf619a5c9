package io.plantstream.producer.replay;

/**
 * A recording cannot be written or read: not a recording, truncated, corrupt. The message names
 * the file and, for damage, the block.
 */
public final class RecordingException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /** A failure with what went wrong, naming the file. */
  public RecordingException(String message) {
    super(message);
  }

  /** A failure with what went wrong, naming the file, and its cause. */
  public RecordingException(String message, Throwable cause) {
    super(message, cause);
  }
}
