package io.plantstream.app;

import io.plantstream.avro.TelemetryEvent;
import io.plantstream.producer.Speed;
import io.plantstream.producer.publish.MachinesPublisher;
import io.plantstream.producer.publish.TelemetryPublisher;
import io.plantstream.producer.replay.RecordingException;
import io.plantstream.producer.replay.RecordingInfo;
import io.plantstream.producer.replay.RecordingReader;
import io.plantstream.producer.replay.ReplaySummary;
import io.plantstream.producer.replay.Replayer;
import io.plantstream.schemas.Topic;
import io.plantstream.schemas.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.acl.AclOperation;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code plant replay FILE}: publishes a recording back to plant.telemetry. */
@Command(name = "replay", mixinStandardHelpOptions = true,
    description = {"Publish a recording (made by 'plant record') to plant.telemetry: same keys, timestamps and "
        + "event ids, undecodable records as the bytes they were, the recorded machines to plant.machines first.",
        "--speed 1 keeps the recorded pacing, N is N times faster, max as fast as the broker takes it.",
        "Progress on stderr; Ctrl-C stops after the record in hand and says how far it got."})
final class ReplayCommand implements Callable<Integer> {

  private static final Logger log = LoggerFactory.getLogger(ReplayCommand.class);

  @Mixin CommonOptions common;

  @Parameters(index = "0", paramLabel = "FILE", description = "The recording, e.g. samples/plant-hour.avro.")
  Path file;

  @Option(names = "--speed", paramLabel = "N|max", defaultValue = "1", converter = SpeedConverter.class,
      description = "Recorded seconds per second, or max for as fast as possible (default: ${DEFAULT-VALUE}).")
  Speed speed;

  @Option(names = "--loop", description = "Replay again and again until Ctrl-C, each pass continuing the last "
      + "(times shifted by the recording's span rounded up to whole minutes; event ids get @pass<N>).")
  boolean loop;

  @Option(names = "--rebase-time", paramLabel = "now|INSTANT", converter = InstantConverter.class,
      description = "Shift every time so that the first record lands here, e.g. now: what makes a running "
          + "application count the replay instead of finding it late.")
  Instant rebaseTime;

  @Option(names = "--sites", paramLabel = "SITE[,SITE...]", split = ",",
      description = "Only events of these sites (undecodable records are then left out).")
  List<String> sites;

  @Option(names = "--from", paramLabel = "INSTANT", converter = InstantConverter.class,
      description = "Only records with recorded event time at or after this instant.")
  Instant from;

  @Option(names = "--to", paramLabel = "INSTANT", converter = InstantConverter.class,
      description = "Only records with recorded event time before this instant.")
  Instant to;

  @Option(names = "--topic", paramLabel = "TOPIC",
      description = "Publish the telemetry to this topic instead of <prefix>telemetry.")
  String topic;

  @Override
  public Integer call() throws InterruptedException {
    if (from != null && to != null && !from.isBefore(to)) {
      throw new UsageException("--from must be before --to");
    }
    RecordingInfo info;
    try (RecordingReader reader = RecordingReader.open(file)) {
      info = reader.info(); // refuses a file that is not a recording before anything is published
    } catch (RecordingException e) {
      throw new UsageException(e.getMessage());
    }
    if (sites != null && !info.machines().isEmpty()) {
      Set<String> recorded = new java.util.TreeSet<>();
      info.machines().forEach(machine -> recorded.add(machine.getSiteId()));
      for (String site : sites) {
        if (!recorded.contains(site)) {
          throw new UsageException("the recording has no site '" + site + "'; it has " + String.join(", ", recorded));
        }
      }
    }
    Topics topics = common.topics();
    Topic<String, TelemetryEvent> target = topic == null ? topics.telemetry() : topics.telemetryNamed(topic);
    Map<String, Object> client = common.clientConfig();
    try (KafkaCluster cluster = KafkaCluster.connect(client)) {
      List<String> needed = new ArrayList<>(List.of(target.name()));
      if (!info.machines().isEmpty()) {
        needed.add(topics.machines().name());
      }
      cluster.requireTopics(needed.toArray(String[]::new));
    }
    topics.registerSchemas(List.of(target, topics.machines()));
    warnIfRepartitioned(client, target.name(), info);
    Set<String> chosenSites = sites == null ? Set.of() : new LinkedHashSet<>(sites);
    long total = loop ? -1 : RecordingReader.countEntries(file);
    try (TelemetryPublisher publisher = new TelemetryPublisher(client, target)) {
      Replayer replayer = Replayer.builder(file, publisher)
          .encoding(topics.telemetrySerde(target.name()))
          .machines((machines, timestamp) -> {
            long published = MachinesPublisher.publish(client, topics.machines(), machines, timestamp);
            log.info("published {} recorded machines to {}", published, topics.machines().name());
          })
          .speed(speed).loop(loop).rebaseTo(rebaseTime == null ? null : rebaseTime.truncatedTo(ChronoUnit.MILLIS))
          .sites(chosenSites).between(from, to).build();
      log.info("replaying {} ({} from {}, {} partitions, {} machines) into {} at speed {}{}{}", file,
          total < 0 ? "records" : total + " records", info.topic(), info.partitions(), info.machines().size(),
          target.name(), speed, loop ? ", looping" : "", rebaseTime == null ? "" : ", first record at " + rebaseTime);
      // Ctrl-C: the replay flushes what it sent and reports before the JVM goes.
      try (GracefulStop stop = GracefulStop.on("replay-stop", replayer::stop)) {
        ReplaySummary summary;
        long started = System.nanoTime();
        try (ProgressDisplay progress = ProgressDisplay.start("replay", "records", replayer::entriesRead, () -> total)) {
          summary = replayer.run();
        }
        System.out.println(describe(summary, file, Duration.ofNanos(System.nanoTime() - started)));
        System.out.flush();
        return 0;
      }
    }
  }

  /** Same key, same partition only with the same partition count: say so when it differs. */
  private static void warnIfRepartitioned(Map<String, Object> client, String topic, RecordingInfo info) {
    if (info.partitions() <= 0) {
      return;
    }
    try (Admin admin = Admin.create(client)) {
      int partitions = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions().size();
      if (partitions != info.partitions()) {
        log.warn("{} has {} partitions but the recording was made from {}: keys land on other partitions than "
            + "recorded, so lateness and de-duplication, and with them the KPIs, may differ from the recorded run",
            topic, partitions, info.partitions());
      }
    } catch (ExecutionException e) {
      throw new KafkaCallException("cannot describe topic " + topic + ": " + Errors.oneLine(e), AclOperation.DESCRIBE, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while describing topic " + topic);
    }
  }

  static String describe(ReplaySummary summary, Path file, Duration took) {
    return String.format(Locale.ROOT, "replayed %d events and %d undecodable records from %s%s in %d pass%s and "
        + "%.1f s; %d left out by filters (%s)", summary.events(), summary.undecodable(), file,
        summary.firstTime() == null ? "" : ", " + summary.firstTime() + " to " + summary.lastTime(),
        summary.passes(), summary.passes() == 1 ? "" : "es", took.toNanos() / 1e9, summary.skipped(),
        summary.stopped() ? "stopped" : "end of recording");
  }
}
