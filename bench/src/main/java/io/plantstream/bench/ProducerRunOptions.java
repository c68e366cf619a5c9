package io.plantstream.bench;

import io.plantstream.schemas.Topics;
import picocli.CommandLine.Option;

/**
 * The run sizes both side-by-side comparisons with Kafka's ProducerPerformance take
 * ({@code simulate-vs-producerperf}, {@code replay-vs-producerperf}): a picocli mixin.
 */
final class ProducerRunOptions {

  @Option(names = "--records", paramLabel = "N", description = "Records per run.")
  int records = 2_000_000;

  @Option(names = "--rounds", paramLabel = "N", description = "Rounds after the warm-up.")
  int rounds = 3;

  @Option(names = "--partitions", paramLabel = "N", description = "Partitions of every topic.")
  int partitions = Topics.DEFAULT_TELEMETRY_PARTITIONS;

  @Option(names = "--warmup", paramLabel = "N", description = "Records of the warm-up runs.")
  int warmup = 500_000;
}
