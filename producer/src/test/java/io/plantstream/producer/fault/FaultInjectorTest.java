package io.plantstream.producer.fault;

import static org.assertj.core.api.Assertions.assertThat;

import io.plantstream.avro.TelemetryEvent;
import io.plantstream.producer.RunLimit;
import io.plantstream.producer.SimulationRunner;
import io.plantstream.producer.SimulationSummary;
import io.plantstream.producer.TelemetrySink;
import io.plantstream.producer.model.Machine;
import io.plantstream.producer.model.PlantModel;
import io.plantstream.producer.sim.PlantSimulator;
import io.plantstream.schemas.Topics;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Fault injection against the contract the KPI pipeline relies on: the counts a run reports are
 * exactly what a reader finds in the stream, the pipeline's rules (per-partition stream time,
 * 1-minute windows aligned to the epoch, 30 s grace, 5 min future skew, de-duplication by event
 * id) route exactly the reported numbers to the DLQ and the late topic, and everything else is
 * the clean stream, untouched.
 */
class FaultInjectorTest {

  private static final PlantModel MODEL = PlantModel.loadDefault();
  private static final Set<String> SITES = Set.of("tsmc-phx", "foxconn-hou");
  private static final Instant START = Instant.parse("2026-11-28T09:45:00Z");
  private static final Duration SPAN = Duration.ofHours(2);
  private static final long SEED = 7;
  private static final int PARTITIONS = 12;
  /** Many more faults than a real run, so that every kind shows up many times. */
  private static final FaultRates RATES = FaultRates.parse(
      "late=0.002,out-of-order=0.01,duplicate=0.005,corrupt=0.001,skew=0.05,silence=0.05");

  private static Run faulty;
  private static Run clean;

  @BeforeAll
  static void simulate() throws InterruptedException {
    faulty = run(RATES, SEED, SPAN);
    clean = run(FaultRates.NONE, SEED, SPAN);
  }

  @Test
  void theReportedCountsAreWhatTheStreamHolds() {
    FaultCounts reported = faulty.summary.faults();
    StreamCount counted = StreamCount.of(faulty.records);

    assertThat(counted.corrupt).isEqualTo(reported.corrupt()).isGreaterThan(50);
    assertThat(counted.duplicates).isEqualTo(reported.duplicates()).isGreaterThan(300);
    assertThat(counted.lateCopies).isEqualTo(reported.late()).isGreaterThan(100);
    assertThat(counted.outOfOrder).isEqualTo(reported.outOfOrder()).isGreaterThan(700);
    assertThat(counted.skewed).isEqualTo(reported.skewedEvents()).isGreaterThan(1_000);
    assertThat(counted.missingSequences).isEqualTo(reported.silencedEvents()).isGreaterThan(1_000);
    assertThat(faulty.records).hasSize((int) faulty.summary.records());
    assertThat(faulty.summary.events()).isEqualTo(faulty.records.size() - reported.corrupt());
  }

  @Test
  void thePipelineRulesSendExactlyTheReportedNumbersToTheDlqAndTheLateTopic() {
    FaultCounts reported = faulty.summary.faults();
    PipelineRules pipeline = PipelineRules.apply(faulty.records);

    assertThat(pipeline.dlq).isEqualTo(reported.dlqRecords());
    assertThat(pipeline.late).isEqualTo(reported.lateRecords());
    assertThat(pipeline.deduplicated).isEqualTo(reported.duplicates());
    // The clean stream has none of these.
    PipelineRules cleanPipeline = PipelineRules.apply(clean.records);
    assertThat(cleanPipeline.dlq + cleanPipeline.late + cleanPipeline.deduplicated).isZero();
  }

  @Test
  void withoutTheFaultsTheStreamIsTheCleanOneMinusTheSilencedEvents() {
    Map<String, List<TelemetryEvent>> repaired = new TreeMap<>();
    Set<String> ids = new HashSet<>();
    Set<String> machineSequences = new HashSet<>();
    for (Record record : faulty.records) {
      TelemetryEvent event = record.event();
      if (event == null || !ids.add(event.getEventId())
          || !machineSequences.add(event.getMachineId() + "#" + event.getSequence())) {
        continue; // corrupt, duplicate, late copy
      }
      if (faulty.injector.skewedMachines().contains(event.getMachineId())
          && !event.getEventTime().isBefore(START.plus(FaultInjector.QUIET_START).plus(FaultInjector.SKEW))) {
        event.setEventTime(event.getEventTime().minus(FaultInjector.SKEW));
      }
      repaired.computeIfAbsent(event.getMachineId(), m -> new ArrayList<>()).add(event);
    }
    Map<String, List<byte[]>> restored = new TreeMap<>();
    repaired.forEach((machine, events) -> {
      events.sort(Comparator.comparingLong(TelemetryEvent::getSequence));
      restored.put(machine, events.stream().map(Topics.TELEMETRY_SERDE::encode).toList());
    });

    Map<String, List<byte[]>> expected = new TreeMap<>();
    for (Record record : clean.records) {
      TelemetryEvent event = record.decoded();
      Instant[] silence = faulty.injector.silence(event.getMachineId());
      boolean silenced = silence != null && !event.getEventTime().isBefore(silence[0]) && event.getEventTime().isBefore(silence[1]);
      if (!silenced) {
        expected.computeIfAbsent(event.getMachineId(), m -> new ArrayList<>()).add(record.value);
      }
    }

    assertThat(restored.keySet()).isEqualTo(expected.keySet());
    expected.forEach((machine, events) -> assertThat(concat(restored.get(machine))).as(machine).isEqualTo(concat(events)));
  }

  @Test
  void sameSeedSameFaultsByteForByteAndAnotherSeedOthers() throws InterruptedException {
    Run again = run(RATES, SEED, SPAN);
    Run otherSeed = run(RATES, SEED + 1, Duration.ofMinutes(20));

    assertThat(concat(again.records)).isEqualTo(concat(faulty.records));
    assertThat(again.summary.faults()).isEqualTo(faulty.summary.faults());
    assertThat(concat(otherSeed.records)).isNotEqualTo(concat(faulty.records.subList(0, otherSeed.records.size())));
  }

  @Test
  void skewedMachinesStampEveryEventADayAheadFromTenMinutesOn() {
    List<String> skewed = faulty.injector.skewedMachines();
    assertThat(skewed).hasSize(2); // 5 % of 34 machines, rounded
    Instant skewFrom = START.plus(FaultInjector.QUIET_START);
    for (Record record : faulty.records) {
      TelemetryEvent event = record.decoded();
      if (event != null && skewed.contains(event.getMachineId())) {
        Instant stamped = event.getEventTime();
        boolean ahead = stamped.isAfter(START.plus(SPAN).plus(Duration.ofHours(1)));
        assertThat(ahead).isEqualTo(!stamped.minus(FaultInjector.SKEW).isBefore(skewFrom));
        assertThat(record.timestamp).isEqualTo(stamped.toEpochMilli());
      }
    }
  }

  @Test
  void silentMachinesSendNothingForTwentyToNinetyMinutesThenResume() {
    List<String> silent = faulty.injector.silentMachines();
    assertThat(silent).hasSize(2).doesNotContainAnyElementsOf(faulty.injector.skewedMachines());
    for (String machine : silent) {
      Instant[] window = faulty.injector.silence(machine);
      assertThat(window[0]).isBetween(START.plus(Duration.ofMinutes(10)), START.plus(Duration.ofMinutes(30)));
      assertThat(Duration.between(window[0], window[1])).isBetween(Duration.ofMinutes(20), Duration.ofMinutes(90));
      // Nothing published while the simulation was inside the window, not even a held-back event.
      Instant simulated = START;
      boolean before = false;
      boolean after = false;
      for (Record record : faulty.records) {
        TelemetryEvent event = record.decoded();
        if (event == null) {
          continue;
        }
        simulated = max(simulated, trueTime(event));
        if (record.key.equals(machine)) {
          assertThat(simulated.isBefore(window[0]) || !simulated.isBefore(window[1])).as("%s at %s", machine, simulated).isTrue();
          before |= simulated.isBefore(window[0]);
          after |= !simulated.isBefore(window[1]);
        }
      }
      assertThat(before).isTrue();
      assertThat(after).isTrue();
    }
  }

  @Test
  void aSilentMachineNeverLeavesItsPartitionWithoutAHealthyMachine() {
    List<String> machines = MODEL.machines(SITES).stream().map(Machine::machineId).toList();
    // Half the machines silent on 12 partitions: some partitions would otherwise fall silent entirely.
    FaultInjector injector = new FaultInjector(FaultRates.parse("skew=0.1,silence=0.5"), SEED, machines, START, PARTITIONS);

    Map<Integer, Integer> healthy = new HashMap<>();
    for (String machine : machines) {
      if (!injector.silentMachines().contains(machine) && !injector.skewedMachines().contains(machine)) {
        healthy.merge(FaultInjector.partitionOf(machine, PARTITIONS), 1, Integer::sum);
      }
    }
    assertThat(injector.silentMachines()).hasSizeBetween(10, 17).allSatisfy(machine ->
        assertThat(healthy.getOrDefault(FaultInjector.partitionOf(machine, PARTITIONS), 0)).as(machine).isPositive());
  }

  @Test
  void aTinySkewOrSilenceRatioStillPicksOneMachine() {
    List<String> machines = MODEL.machines().stream().map(Machine::machineId).toList();
    FaultInjector injector = new FaultInjector(FaultRates.parse("skew=0.0001,silence=0.0001"), SEED, machines, START);

    assertThat(injector.skewedMachines()).hasSize(1);
    assertThat(injector.silentMachines()).hasSize(1);
    assertThat(new FaultInjector(FaultRates.parse("late=0.1"), SEED, machines, START).skewedMachines()).isEmpty();
  }

  // ---- helpers -------------------------------------------------------------------------------

  private static Run run(FaultRates rates, long seed, Duration span) throws InterruptedException {
    PlantSimulator simulator = new PlantSimulator(MODEL, seed, START, SITES);
    FaultInjector injector = rates.isNone() ? null : new FaultInjector(rates, seed,
        simulator.machines().stream().map(Machine::machineId).toList(), simulator.start(), PARTITIONS);
    RecordingSink sink = new RecordingSink();
    SimulationSummary summary = SimulationRunner.builder(simulator, sink).limit(RunLimit.of(span)).faults(injector)
        .build().run();
    return new Run(sink.records, summary, injector);
  }

  /** The true (simulated) time of an event: skewed stamps are a day ahead. */
  private static Instant trueTime(TelemetryEvent event) {
    Instant stamped = event.getEventTime();
    return stamped.isAfter(START.plus(Duration.ofHours(12))) ? stamped.minus(FaultInjector.SKEW) : stamped;
  }

  private static Instant max(Instant a, Instant b) {
    return a.isAfter(b) ? a : b;
  }

  private static byte[] concat(List<?> parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (Object part : parts) {
      if (part instanceof Record record) {
        out.writeBytes(record.key.getBytes(StandardCharsets.UTF_8));
        out.writeBytes(Long.toString(record.timestamp).getBytes(StandardCharsets.UTF_8));
        out.writeBytes(record.value);
      } else {
        out.writeBytes((byte[]) part);
      }
    }
    return out.toByteArray();
  }

  private record Run(List<Record> records, SimulationSummary summary, FaultInjector injector) {}

  /** A record as Kafka would get it: key, timestamp, value bytes; and the value decoded, as a reader sees it. */
  private record Record(String key, long timestamp, byte[] value, TelemetryEvent decoded) {

    static Record of(String key, long timestamp, byte[] value) {
      TelemetryEvent decoded;
      try {
        decoded = Topics.TELEMETRY_SERDE.decode(value);
      } catch (SerializationException notAnEvent) {
        decoded = null;
      }
      return new Record(key, timestamp, value, decoded);
    }

    /** A copy of the event (callers may change it), or null if the value is not one. */
    TelemetryEvent event() {
      return decoded == null ? null : TelemetryEvent.newBuilder(decoded).build();
    }
  }

  /** Keeps records exactly as a Kafka producer would send them. */
  private static final class RecordingSink implements TelemetrySink {

    final List<Record> records = new ArrayList<>();

    @Override
    public void accept(TelemetryEvent event) {
      records.add(Record.of(event.getMachineId(), event.getEventTime().toEpochMilli(), Topics.TELEMETRY_SERDE.encode(event)));
    }

    @Override
    public void acceptRaw(String machineId, Instant timestamp, byte[] value) {
      records.add(Record.of(machineId, timestamp.toEpochMilli(), value.clone()));
    }

    @Override
    public void flush() {
    }
  }

  /** What a reader of the stream finds, from the records alone. */
  private static final class StreamCount {

    long corrupt;
    long duplicates;
    long lateCopies;
    long outOfOrder;
    long skewed;
    long missingSequences;

    static StreamCount of(List<Record> records) {
      StreamCount count = new StreamCount();
      Map<String, byte[]> firstById = new HashMap<>();
      Set<String> machineSequences = new HashSet<>();
      Map<String, Long> maxSequence = new HashMap<>();
      Map<String, Long> sequencesSeen = new HashMap<>();
      Instant simulated = START;
      for (Record record : records) {
        TelemetryEvent event = record.decoded();
        if (event == null) {
          assertThat(record.value[0] == (byte) 0xC3 && record.value[1] == 0x01).isFalse();
          count.corrupt++;
          continue;
        }
        byte[] first = firstById.putIfAbsent(event.getEventId(), record.value);
        if (first != null) {
          assertThat(record.value).isEqualTo(first);
          count.duplicates++;
          continue;
        }
        if (!machineSequences.add(event.getMachineId() + "#" + event.getSequence())) {
          // A fresh id for a sequence already sent: a late copy, stamped beyond grace + 2 min.
          assertThat(event.getEventTime()).isBeforeOrEqualTo(simulated.minus(Duration.ofSeconds(150)));
          count.lateCopies++;
          continue;
        }
        if (event.getEventTime().isAfter(simulated.plus(Duration.ofHours(1)))) {
          count.skewed++;
        }
        simulated = max(simulated, trueTime(event));
        long previousMax = maxSequence.merge(event.getMachineId(), event.getSequence(), Math::max);
        if (event.getSequence() < previousMax) {
          count.outOfOrder++;
        }
        sequencesSeen.merge(event.getMachineId(), 1L, Long::sum);
      }
      maxSequence.forEach((machine, max) -> count.missingSequences += max + 1 - sequencesSeen.get(machine));
      return count;
    }
  }

  /**
   * The KPI pipeline's routing rules as docs/kpi-rules.md states them. Per partition (the producer's
   * murmur2 partitioning of the machine id), stream time is the largest event time accepted so
   * far. Bytes that are not an event go to the DLQ, and so do events more than 5 min ahead of
   * their partition's stream time (the first event of a partition sets it). An event id seen
   * before is dropped. An event whose 1-minute window ended at least the grace (30 s) before its
   * partition's stream time is late.
   */
  private static final class PipelineRules {

    long dlq;
    long late;
    long deduplicated;

    static PipelineRules apply(List<Record> records) {
      PipelineRules rules = new PipelineRules();
      long[] streamTime = new long[PARTITIONS];
      Arrays.fill(streamTime, Long.MIN_VALUE);
      Set<String> ids = new HashSet<>();
      long window = Duration.ofMinutes(1).toMillis();
      long grace = FaultInjector.DEFAULT_GRACE.toMillis();
      long maxFutureSkew = Duration.ofMinutes(5).toMillis();
      for (Record record : records) {
        int partition = FaultInjector.partitionOf(record.key, PARTITIONS);
        TelemetryEvent event = record.decoded();
        if (event == null) {
          rules.dlq++;
          continue;
        }
        long at = event.getEventTime().toEpochMilli();
        if (streamTime[partition] != Long.MIN_VALUE && at > streamTime[partition] + maxFutureSkew) {
          rules.dlq++;
          continue;
        }
        if (!ids.add(event.getEventId())) {
          rules.deduplicated++;
          continue;
        }
        long windowEnd = Math.floorDiv(at, window) * window + window;
        if (streamTime[partition] != Long.MIN_VALUE && windowEnd + grace <= streamTime[partition]) {
          rules.late++;
          continue;
        }
        streamTime[partition] = Math.max(streamTime[partition], at);
      }
      return rules;
    }
  }
}
