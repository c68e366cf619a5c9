package io.plantstream.app;

import io.plantstream.broker.LocalSchemaRegistry;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code plant registry}: Apicurio Registry on loopback, in-memory, in the foreground until Ctrl-C. */
@Command(name = "registry", mixinStandardHelpOptions = true,
    description = {"Run a schema registry (Apicurio Registry " + LocalSchemaRegistry.VERSION + ", Confluent-compatible "
        + "API, in-memory storage) on 127.0.0.1 in the foreground; Ctrl-C stops it.",
        "Fetched from Maven Central with the Maven wrapper on first use. Pass the URL it prints to --schema-registry."})
final class RegistryCommand implements Callable<Integer> {

  @Option(names = "--port", paramLabel = "PORT", defaultValue = "8081",
      description = "Port on 127.0.0.1 (default: ${DEFAULT-VALUE}; 0 picks a free one).")
  int port;

  @Override
  public Integer call() throws InterruptedException {
    if (port < 0 || port > 65_535) {
      throw new UsageException("--port must be 0..65535, was " + port);
    }
    LocalSchemaRegistry registry = startRegistry(port);
    CountDownLatch stopped = new CountDownLatch(1);
    try (GracefulStop stop = GracefulStop.on("registry-stop", () -> {
      System.err.println("stopping the schema registry...");
      registry.close();
      stopped.countDown();
    })) {
      System.out.println("schema registry (Apicurio Registry " + LocalSchemaRegistry.VERSION + ", in-memory) at "
          + registry.url());
      System.out.println("use it: --schema-registry " + registry.url() + "   (or PLANT_SCHEMA_REGISTRY_URL); "
          + "Ctrl-C stops it");
      System.out.flush();
      while (!stopped.await(1, TimeUnit.SECONDS)) {
        if (!registry.isAlive()) {
          throw new IllegalStateException("the schema registry stopped by itself; see " + registry.log());
        }
      }
    }
    return 0;
  }

  /**
   * Apicurio Registry on {@code port}, fetched first if this checkout does not have it yet; its
   * output goes to the log directory. Shared with {@code plant demo --registry}.
   */
  static LocalSchemaRegistry startRegistry(int port) {
    Path root = Path.of(System.getProperty("plantstream.home", ".")).toAbsolutePath().normalize();
    Path logs = Path.of(System.getProperty("plantstream.log.dir", root.resolve("logs").toString()));
    if (!LocalSchemaRegistry.isInstalled(LocalSchemaRegistry.home(root))) {
      System.err.println("fetching Apicurio Registry " + LocalSchemaRegistry.VERSION
          + " (109 MB) from Maven Central with the Maven wrapper; first use only, logs in " + logs.resolve("registry-fetch.log"));
    }
    long started = System.nanoTime();
    Path home = LocalSchemaRegistry.install(root, logs.resolve("registry-fetch.log"));
    System.err.println("starting the schema registry (log: " + logs.resolve("registry.log") + ")...");
    LocalSchemaRegistry registry = LocalSchemaRegistry.start(home, port, logs.resolve("registry.log"));
    System.err.printf("schema registry up in %.1f s%n", (System.nanoTime() - started) / 1e9);
    return registry;
  }
}
