package io.plantstream.app;

import io.plantstream.producer.replay.Compression;
import io.plantstream.producer.replay.RecordSummary;
import io.plantstream.producer.replay.TelemetryRecorder;
import io.plantstream.schemas.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.errors.AuthorizationException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code plant record}: consumes plant.telemetry into a recording file. */
@Command(name = "record", mixinStandardHelpOptions = true,
    description = {"Record plant.telemetry (read_committed) into an Avro object container file: every record "
        + "with its key, partition, offset and timestamp next to the decoded event (undecodable values kept as "
        + "bytes), in time order, with the machines of plant.machines in the file's metadata.",
        "Any Avro tool reads the file; 'plant replay' publishes it back.",
        "Progress on stderr; Ctrl-C writes what was fetched, completes the file and says how far it got."})
final class RecordCommand implements Callable<Integer> {

  @Mixin CommonOptions common;

  @Option(names = {"-o", "--out"}, paramLabel = "FILE", required = true,
      description = "The recording to write, e.g. incident.avro (must not exist yet).")
  Path out;

  @Option(names = "--from-beginning", description = "Start at the oldest record instead of the newest.")
  boolean fromBeginning;

  @Option(names = "--to-end",
      description = "Stop at the end offsets taken at the start (with --from-beginning: the topic as it is now).")
  boolean toEnd;

  @Option(names = "--max", paramLabel = "N", description = "Stop after N records.")
  Long max;

  @Option(names = "--sites", paramLabel = "SITE[,SITE...]", split = ",",
      description = "Only events of these sites (undecodable records are then left out).")
  List<String> sites;

  @Option(names = "--from", paramLabel = "INSTANT", converter = InstantConverter.class,
      description = "Only records with event time at or after this instant.")
  Instant from;

  @Option(names = "--to", paramLabel = "INSTANT", converter = InstantConverter.class,
      description = "Only records with event time before this instant.")
  Instant to;

  @Option(names = "--compression", paramLabel = "deflate|zstd", defaultValue = "deflate",
      description = "Block compression: deflate (every Avro tool reads it) or zstd (default: ${DEFAULT-VALUE}).")
  Compression compression;

  @Override
  public Integer call() {
    if (max != null && max < 1) {
      throw new UsageException("--max must be at least 1, was " + max);
    }
    if (toEnd && !fromBeginning) {
      throw new UsageException("--to-end stops at the end offsets found at start; without --from-beginning "
          + "there is nothing before them");
    }
    if (from != null && to != null && !from.isBefore(to)) {
      throw new UsageException("--from must be before --to");
    }
    if (Files.exists(out)) {
      throw new UsageException(out + " exists; choose another --out or remove it");
    }
    if (out.toAbsolutePath().getParent() != null && !Files.isDirectory(out.toAbsolutePath().getParent())) {
      throw new UsageException("cannot write " + out + ": no directory " + out.toAbsolutePath().getParent());
    }
    Topics topics = common.topics();
    Map<String, Object> client = common.clientConfig();
    try (KafkaCluster cluster = KafkaCluster.connect(client)) {
      cluster.requireTopics(topics.telemetry().name());
    }
    TelemetryRecorder.Builder builder = TelemetryRecorder.builder(client, topics, out)
        .compression(compression).fromBeginning(fromBeginning).toEnd(toEnd)
        .sites(sites == null ? java.util.Set.of() : new LinkedHashSet<>(sites)).between(from, to);
    if (max != null) {
      builder.max(max);
    }
    TelemetryRecorder recorder = builder.build();
    // Ctrl-C: the recorder writes what it fetched and completes the file before the JVM goes.
    try (GracefulStop stop = GracefulStop.on("record-stop", recorder::stop)) {
      RecordSummary summary;
      long started = System.nanoTime();
      try (ProgressDisplay progress = ProgressDisplay.start("record", "records", recorder::written,
          () -> max == null ? recorder.expected() : Math.min(max, recorder.expected() < 0 ? max : recorder.expected()))) {
        summary = recorder.run();
      } catch (AuthorizationException e) {
        throw new KafkaCallException("cannot record " + topics.telemetry().name(), AclOperation.READ, e);
      }
      System.out.println(describe(summary, out, Duration.ofNanos(System.nanoTime() - started)));
      System.out.flush();
      return 0;
    }
  }

  static String describe(RecordSummary summary, Path file, Duration took) {
    String reason = switch (summary.stopReason()) {
      case END -> "reached the end offsets taken at the start";
      case MAX -> "reached --max";
      case STOPPED -> "stopped";
    };
    return String.format(Locale.ROOT, "recorded %d records (%d undecodable, kept as bytes) into %s in %.1f s; "
        + "%d left out by filters (%s)", summary.entries(), summary.undecodable(), file, took.toNanos() / 1e9,
        summary.skipped(), reason);
  }
}
