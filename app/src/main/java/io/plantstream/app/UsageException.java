package io.plantstream.app;

/** Bad usage found after parsing (conflicting options, unreadable files): exit code 2. */
public final class UsageException extends RuntimeException {

  /** A usage error with a message that says what to change. */
  public UsageException(String message) {
    super(message);
  }
}
