package io.plantstream.app;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Ctrl-C for a command whose work must end cleanly (flush, complete a file, report how far it got):
 * the JVM's shutdown asks the work to stop, then waits up to 30 s until the command closes this,
 * which it does after reporting. A command that ends by itself closes it and the hook goes.
 */
final class GracefulStop implements AutoCloseable {

  private final CountDownLatch reported = new CountDownLatch(1);
  private final Thread hook;

  private GracefulStop(String name, Runnable stop) {
    this.hook = new Thread(() -> {
      stop.run();
      try {
        reported.await(30, TimeUnit.SECONDS);
      } catch (InterruptedException ignored) {
        Thread.currentThread().interrupt();
      }
    }, name);
  }

  /** Registers the shutdown hook {@code name}, which runs {@code stop} and waits for {@link #close}. */
  static GracefulStop on(String name, Runnable stop) {
    GracefulStop graceful = new GracefulStop(name, stop);
    Runtime.getRuntime().addShutdownHook(graceful.hook);
    return graceful;
  }

  /** The command has reported: a waiting hook may let the JVM go, and a normal end removes the hook. */
  @Override
  public void close() {
    reported.countDown();
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException shuttingDown) {
      // Ctrl-C: the hook is running already
    }
  }
}
