package io.plantstream.app.reliability;

import io.plantstream.schemas.Topics;
import io.plantstream.testing.KafkaFixture;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/** The command line and {@code --command-config} file of {@code plant aggregate} in a child JVM. */
final class AggregateProcesses {

  /**
   * Failure detection in seconds rather than Kafka's 45: a killed instance's partitions move to
   * the others (or to the instance started again) a few seconds after it died.
   */
  private static final Map<String, String> QUICK_FAILOVER = Map.of(
      "session.timeout.ms", "6000",
      "heartbeat.interval.ms", "1500");

  private AggregateProcesses() {}

  /** Writes {@code properties}, over quick fail-over settings, to {@code file}. */
  static Path commandConfig(Path file, Map<String, String> properties) {
    Properties all = new Properties();
    all.putAll(QUICK_FAILOVER);
    all.putAll(properties);
    try (Writer writer = Files.newBufferedWriter(file)) {
      all.store(writer, "plant aggregate in a reliability test");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
    return file;
  }

  /** {@code aggregate} with its options, then {@code more}. */
  static String[] args(KafkaFixture kafka, Topics topics, String applicationId, Path stateDir, Path commandConfig,
      String... more) {
    List<String> args = new ArrayList<>(List.of("aggregate",
        "--bootstrap-servers", kafka.bootstrapServers(),
        "--topic-prefix", topics.prefix(),
        "--application-id", applicationId,
        "--state-dir", stateDir.toString(),
        "--command-config", commandConfig.toString(),
        "--emit", "final"));
    args.addAll(List.of(more));
    return args.toArray(String[]::new);
  }
}
