package io.plantstream.broker;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Apicurio Registry, the open-source schema registry that speaks the Confluent-compatible API,
 * run from its Maven Central distribution as a child JVM on loopback with in-memory storage: the
 * registry of {@code plant registry}, the demo in registry mode and the registry tests. It is the
 * real server, not a mock.
 *
 * <p>The distribution (the {@code all} tar.gz of {@code io.apicurio:apicurio-registry-app}) is
 * fetched by the Maven wrapper into {@code app/target/apicurio-registry-VERSION} on first use
 * ({@link #install}); the download stays in the local Maven repository's cache afterwards.
 */
public final class LocalSchemaRegistry implements AutoCloseable {

  /** The Apicurio Registry release this project runs. */
  public static final String VERSION = "3.0.9";
  /** Path of the Confluent-compatible API under the server's root. */
  public static final String CCOMPAT_PATH = "/apis/ccompat/v7";

  private static final String HOST = "127.0.0.1";
  private static final String RUNNER = "apicurio-registry-app-" + VERSION + "-runner.jar";
  private static final Duration STARTUP = Duration.ofSeconds(120);

  private final Process process;
  private final int port;
  private final Path log;

  private LocalSchemaRegistry(Process process, int port, Path log) {
    this.process = process;
    this.port = port;
    this.log = log;
  }

  /** Where {@link #install} unpacks the distribution under the project's root. */
  public static Path home(Path projectRoot) {
    return projectRoot.resolve("app").resolve("target").resolve("apicurio-registry-" + VERSION);
  }

  /** True when {@code home} holds the unpacked distribution. */
  public static boolean isInstalled(Path home) {
    return Files.isRegularFile(home.resolve(RUNNER));
  }

  /**
   * The distribution's directory under {@code projectRoot}, fetched with the project's Maven wrapper
   * if it is not there yet (the {@code fetch-apicurio} execution of the app module); the wrapper's
   * output goes to {@code buildLog}.
   */
  public static Path install(Path projectRoot, Path buildLog) {
    Path home = home(projectRoot);
    if (isInstalled(home)) {
      return home;
    }
    Path wrapper = projectRoot.resolve("mvnw");
    if (!Files.isExecutable(wrapper)) {
      throw new IllegalStateException("cannot fetch Apicurio Registry " + VERSION + ": no Maven wrapper at " + wrapper
          + " (run plant from the project's checkout)");
    }
    List<String> command = List.of(wrapper.toString(), "-B", "-q", "-pl", "app",
        "com.googlecode.maven-download-plugin:download-maven-plugin:wget@fetch-apicurio");
    try {
      Files.createDirectories(buildLog.toAbsolutePath().getParent());
      Process fetch = new ProcessBuilder(command).directory(projectRoot.toFile())
          .redirectErrorStream(true).redirectOutput(buildLog.toFile()).start();
      int exit = fetch.waitFor();
      if (exit != 0 || !isInstalled(home)) {
        throw new IllegalStateException("fetching Apicurio Registry " + VERSION + " from Maven Central failed (exit "
            + exit + "); see " + buildLog);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run " + wrapper + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while fetching Apicurio Registry " + VERSION);
    }
    return home;
  }

  /**
   * Starts the registry from {@code home} on 127.0.0.1:{@code port} (0: a free port), its output in
   * {@code log}, and returns once its API answers.
   */
  public static LocalSchemaRegistry start(Path home, int port, Path log) {
    if (!isInstalled(home)) {
      throw new IllegalStateException("Apicurio Registry " + VERSION + " is not unpacked in " + home);
    }
    int chosen = port == 0 ? freePort() : port;
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command = new ArrayList<>(List.of(java, "-Xms64m", "-Xmx512m",
        "-Dquarkus.http.host=" + HOST, "-Dquarkus.http.port=" + chosen,
        // No console colours in the log file; the UI and metrics are not needed.
        "-Dquarkus.log.console.color=false",
        "-jar", home.resolve(RUNNER).toString()));
    Process process;
    try {
      Files.createDirectories(log.toAbsolutePath().getParent());
      process = new ProcessBuilder(command).directory(home.toFile())
          .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start Apicurio Registry: " + e.getMessage(), e);
    }
    LocalSchemaRegistry registry = new LocalSchemaRegistry(process, chosen, log);
    try {
      registry.awaitAnswer();
    } catch (RuntimeException e) {
      registry.close();
      throw e;
    }
    return registry;
  }

  private void awaitAnswer() {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    HttpRequest probe = HttpRequest.newBuilder(URI.create(url() + "/subjects")).timeout(Duration.ofSeconds(5)).build();
    long deadline = System.nanoTime() + STARTUP.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException("Apicurio Registry exited with " + process.exitValue()
            + " while starting on port " + port + "; see " + log);
      }
      try {
        if (http.send(probe, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
          return;
        }
      } catch (IOException notYet) {
        // not listening yet
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while Apicurio Registry was starting");
      }
      try {
        // A child process has no event to wait on; poll its port a few times a second.
        process.waitFor(200, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while Apicurio Registry was starting");
      }
    }
    throw new IllegalStateException("Apicurio Registry did not answer within " + STARTUP.toSeconds()
        + " s on port " + port + "; see " + log);
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free port on " + HOST, e);
    }
  }

  /** The port the registry listens on. */
  public int port() {
    return port;
  }

  /** The Confluent-compatible API base to pass to {@code --schema-registry}. */
  public String url() {
    return "http://" + HOST + ":" + port + CCOMPAT_PATH;
  }

  /** True while the registry's process runs. */
  public boolean isAlive() {
    return process.isAlive();
  }

  /** The registry's own output. */
  public Path log() {
    return log;
  }

  /** Stops the registry: SIGTERM, then a kill after 15 s. Its schemas are gone with it. */
  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(15, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }
}
