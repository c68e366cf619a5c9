package io.plantstream.app;

import io.plantstream.broker.EmbeddedKafkaBroker;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code plant broker}: a single-node KRaft broker in the foreground until Ctrl-C. */
@Command(name = "broker", mixinStandardHelpOptions = true,
    description = "Run a single-node KRaft Kafka broker (official Kafka server classes) in the foreground; "
        + "Ctrl-C stops it cleanly.")
final class BrokerCommand implements Callable<Integer> {

  @Option(names = "--port", paramLabel = "PORT", defaultValue = "9092",
      description = "Client port on 127.0.0.1 (default: ${DEFAULT-VALUE}; 0 picks a free one).")
  int port;

  @Option(names = "--data-dir", paramLabel = "DIR",
      description = "Where the broker keeps its data, kept across restarts (default: a temporary directory, deleted on exit).")
  Path dataDir;

  @Override
  public Integer call() throws InterruptedException {
    if (port < 0 || port > 65_535) {
      throw new UsageException("--port must be 0..65535, was " + port);
    }
    if (dataDir != null && java.nio.file.Files.exists(dataDir) && !java.nio.file.Files.isDirectory(dataDir)) {
      throw new UsageException("--data-dir " + dataDir + " is a file, not a directory");
    }
    EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().port(port).dataDir(dataDir).build();
    CountDownLatch stopped = new CountDownLatch(1);
    broker.start();
    try (GracefulStop stop = GracefulStop.on("broker-stop", () -> {
      System.err.println("stopping the broker...");
      broker.close();
      stopped.countDown();
    })) {
      System.out.println("Kafka broker listening on " + broker.bootstrapServers()
          + " (data: " + broker.dataDir() + "); Ctrl-C stops it");
      stopped.await();
    }
    return 0;
  }
}
