package io.plantstream.app.http;

/** A request that cannot be answered with data: the HTTP status and a message saying why. */
public final class ApiException extends RuntimeException {

  private final int status;

  /** An answer of {@code status} with {@code message}. */
  public ApiException(int status, String message) {
    super(message, null, false, false);
    this.status = status;
  }

  /** The HTTP status to answer with. */
  public int status() {
    return status;
  }
}
