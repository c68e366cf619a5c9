package io.plantstream.bench;

import io.plantstream.avro.TelemetryEvent;
import io.plantstream.broker.EmbeddedKafkaBroker;
import io.plantstream.producer.RunLimit;
import io.plantstream.producer.SimulationRunner;
import io.plantstream.producer.SimulationSummary;
import io.plantstream.producer.Speed;
import io.plantstream.producer.model.PlantModel;
import io.plantstream.producer.publish.ProducerConfigs;
import io.plantstream.producer.publish.TelemetryPublisher;
import io.plantstream.producer.sim.PlantSimulator;
import io.plantstream.schemas.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.tools.ProducerPerformance;
import picocli.CommandLine;
import picocli.CommandLine.Mixin;

/**
 * The throughput check, side by side in one JVM on one embedded KRaft broker: Kafka's own
 * producer benchmark ({@link ProducerPerformance}, the code behind {@code kafka-producer-perf-test})
 * and {@code simulate --speed max} (the plant simulator publishing through {@link TelemetryPublisher}),
 * with the same record size (plantstream's average key + value), the same producer settings
 * ({@link ProducerConfigs#DEFAULTS}) and topics with the same partitions. After a warm-up of both,
 * each round runs ProducerPerformance (its default: no keys), ProducerPerformance with keys spread
 * like machine ids, and the simulator, each into a fresh topic; the medians and the ratio
 * simulator / ProducerPerformance are printed. Goal: at least 80 %.
 *
 * <pre>
 * bench/simulate-vs-producerperf.sh [--records N] [--rounds N] [--partitions N] [--warmup N]
 * </pre>
 */
public final class SimulateVsProducerPerf {

  private static final Instant START = Instant.parse("2026-11-28T10:00:00Z");
  private static final long SEED = 42;
  private static final int SIZE_SAMPLE = 200_000;

  private final int records;
  private final int rounds;
  private final int partitions;
  private final int warmup;
  private final PlantModel model = PlantModel.loadDefault();
  private ProducerPerfSideBySide side;
  private int recordSize;

  /**
   * A benchmark of {@code rounds} rounds of {@code records} records per run into topics of
   * {@code partitions} partitions, after a warm-up of {@code warmup} records.
   */
  SimulateVsProducerPerf(int records, int rounds, int partitions, int warmup) {
    this.records = records;
    this.rounds = rounds;
    this.partitions = partitions;
    this.warmup = warmup;
  }

  /** Runs the benchmark on its own broker; options of {@link Command}. */
  public static void main(String[] args) {
    BenchmarkCommand.run(new Command(), args);
  }

  /** The command line of {@link #main}. */
  @CommandLine.Command(name = "simulate-vs-producerperf", mixinStandardHelpOptions = true, showDefaultValues = true,
      description = "Kafka's ProducerPerformance and simulate --speed max, side by side on one embedded broker.")
  static final class Command implements Callable<Void> {

    @Mixin ProducerRunOptions run;

    @Override
    public Void call() throws Exception {
      BenchmarkSuite.printMachine();
      try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.startDefault()) {
        new SimulateVsProducerPerf(run.records, run.rounds, run.partitions, run.warmup).measure(broker);
      }
      return null;
    }
  }

  /** Runs the comparison on {@code broker}; prints every round and returns the medians. */
  ProducerPerfSideBySide.Comparison measure(EmbeddedKafkaBroker broker) throws Exception {
    int[] size = sampleRecordSize();
    recordSize = size[0] + size[1];
    System.out.printf(Locale.ROOT, "record size: %d B (plantstream average over %,d simulated events: value %d B + key %d B)%n",
        recordSize, SIZE_SAMPLE, size[0], size[1]);
    System.out.printf(Locale.ROOT, "partitions: %d, records per run: %,d, rounds: %d (after a warm-up of %,d records each)%n",
        partitions, records, rounds, warmup);
    side = new ProducerPerfSideBySide(broker.bootstrapServers(), partitions, model.machines().size());
    return side.compare("simulate", "sim", rounds, records, warmup, recordSize,
        (a, s, prefix) -> simulate(a, s, prefix, warmup), (a, s, prefix) -> simulate(a, s, prefix, records));
  }

  /** The record size both sides publish, plantstream's average, once {@link #measure} has run. */
  int recordSize() {
    return recordSize;
  }

  /** Average value and key size in bytes of the simulator's events, as the publisher sends them. */
  private int[] sampleRecordSize() {
    PlantSimulator simulator = new PlantSimulator(model, SEED, START, Set.of());
    long valueBytes = 0;
    long keyBytes = 0;
    for (int i = 0; i < SIZE_SAMPLE; i++) {
      TelemetryEvent event = simulator.next();
      valueBytes += Topics.TELEMETRY_SERDE.encode(event).length;
      keyBytes += event.getMachineId().getBytes(StandardCharsets.UTF_8).length;
    }
    return new int[] {(int) Math.round(valueBytes / (double) SIZE_SAMPLE), (int) Math.round(keyBytes / (double) SIZE_SAMPLE)};
  }

  /** Runs the simulator at --speed max into a fresh topic until {@code count} events are acknowledged; returns records/s. */
  private ProducerPerfSideBySide.Result simulate(Admin admin, Map<String, Object> settings, String prefix, int count) throws Exception {
    Topics topics = new Topics(prefix + ".");
    side.createTopic(admin, topics.telemetry().name());
    PlantSimulator simulator = new PlantSimulator(model, SEED, START, Set.of());
    long started;
    long ended;
    SimulationSummary summary;
    long[] before;
    long[] after;
    try (TelemetryPublisher publisher = new TelemetryPublisher(settings, topics.telemetry())) {
      before = ProducerPerfSideBySide.cpuNow();
      started = System.nanoTime();
      summary = SimulationRunner.builder(simulator, publisher).speed(Speed.MAX).limit(RunLimit.events(count)).build().run();
      ended = System.nanoTime();
      after = ProducerPerfSideBySide.cpuNow();
      if (publisher.acknowledged() != summary.records()) {
        throw new IllegalStateException(publisher.acknowledged() + " of " + summary.records() + " records acknowledged");
      }
    }
    ProducerPerfSideBySide.deleteTopic(admin, topics.telemetry().name());
    double seconds = (ended - started) / 1e9;
    System.err.printf(Locale.ROOT, "simulate --speed max into %s: %,d records in %.2f s, simulated %s to %s%n",
        topics.telemetry().name(), summary.records(), seconds, summary.firstEventTime(), summary.lastEventTime());
    return ProducerPerfSideBySide.Result.of(summary.records() / seconds, summary.records(), before, after);
  }
}
