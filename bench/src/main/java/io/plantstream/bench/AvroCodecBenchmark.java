package io.plantstream.bench;

import io.plantstream.avro.TelemetryEvent;
import io.plantstream.producer.model.PlantModel;
import io.plantstream.producer.publish.TelemetryEncoder;
import io.plantstream.producer.sim.PlantSimulator;
import io.plantstream.schemas.AvroSerde;
import io.plantstream.schemas.Topics;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * JMH microbenchmarks of one telemetry event through the Avro codec, with the encoders and
 * decoders reused as the pipeline reuses them: {@link #decode} is what the streams application
 * does per input record ({@code Topics.TELEMETRY_SERDE}: single-object encoding, the hand-written
 * reader of the current schema), {@link #decodeGeneric} Avro's own reader (old schema versions),
 * {@link #encodeSerde} the generic Avro writer, {@link #encodeFast} the publisher's
 * hand-written encoder that writes the same bytes. The events are the simulator's own mix (state
 * changes, units, sensor readings, heartbeats), cycled so no single shape is measured.
 *
 * <p>Run by {@link BenchmarkSuite}, or alone: {@code bench/run-benchmark.sh AvroCodecBenchmark}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class AvroCodecBenchmark {

  private static final int EVENTS = 4096;
  private static final AvroSerde<TelemetryEvent> GENERIC = AvroSerde.of(TelemetryEvent.class);

  private TelemetryEvent[] events;
  private byte[][] encoded;
  private TelemetryEncoder fast;
  private int next;

  /** Simulates {@value #EVENTS} events of the default plant and encodes them once. */
  @Setup
  public void simulate() {
    PlantSimulator simulator = new PlantSimulator(PlantModel.loadDefault(), 42L,
        Instant.parse("2026-11-28T10:00:00Z"), Set.of());
    events = new TelemetryEvent[EVENTS];
    encoded = new byte[EVENTS][];
    for (int i = 0; i < EVENTS; i++) {
      events[i] = simulator.next();
      encoded[i] = Topics.TELEMETRY_SERDE.encode(events[i]);
    }
    fast = TelemetryEncoder.forSerde(Topics.TELEMETRY_SERDE, "plant.telemetry");
    if (!fast.isFast()) {
      throw new IllegalStateException("the publisher's fast encoder does not match the current schema");
    }
  }

  /** Decodes one event as the streams application's deserializer does. */
  @Benchmark
  public TelemetryEvent decode() {
    return Topics.TELEMETRY_SERDE.decode(encoded[next++ & (EVENTS - 1)]);
  }

  /** Decodes one event with Avro's generic reader alone, what {@link #decode} falls back to. */
  @Benchmark
  public TelemetryEvent decodeGeneric() {
    return GENERIC.decode(encoded[next++ & (EVENTS - 1)]);
  }

  /** Encodes one event with the generic Avro serde. */
  @Benchmark
  public byte[] encodeSerde() {
    return Topics.TELEMETRY_SERDE.encode(events[next++ & (EVENTS - 1)]);
  }

  /** Encodes one event with the publisher's encoder. */
  @Benchmark
  public byte[] encodeFast() {
    return fast.encode(events[next++ & (EVENTS - 1)]);
  }
}
