package io.plantstream.producer;

import static io.plantstream.testing.TestMachine.T0;
import static io.plantstream.testing.TestMachine.at;
import static org.assertj.core.api.Assertions.assertThat;

import io.plantstream.avro.EquipmentState;
import io.plantstream.avro.TelemetryEvent;
import io.plantstream.producer.SimulationSummary.StopReason;
import io.plantstream.producer.fault.FaultCounts;
import io.plantstream.producer.fault.FaultInjector;
import io.plantstream.producer.fault.FaultRates;
import io.plantstream.producer.model.Machine;
import io.plantstream.producer.model.PlantModel;
import io.plantstream.producer.sim.PlantSimulator;
import io.plantstream.testing.TestMachine;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SimulationRunnerTest {

  private static final PlantModel MODEL = PlantModel.loadDefault();
  /** Wall-clock time of the fake clock when a run begins; unrelated to simulated time on purpose. */
  private static final Instant WALL_START = Instant.parse("2030-01-01T12:00:00Z");

  private final FakeClock clock = new FakeClock(WALL_START);
  private final List<Duration> sleeps = new ArrayList<>();
  private final Sleeper fakeSleeper = duration -> {
    sleeps.add(duration);
    clock.advance(duration);
  };
  private final ExecutorService executor = Executors.newSingleThreadExecutor();

  @AfterEach
  void shutDown() {
    executor.shutdownNow();
  }

  @Test
  void stopsBeforeTheFirstEventAtOrAfterStartPlusDuration() throws InterruptedException {
    ListSink sink = new ListSink();
    SimulationRunner runner = new SimulationRunner(simulator(), sink, Speed.MAX, RunLimit.of(Duration.ofMinutes(2)),
        clock, fakeSleeper);

    SimulationSummary summary = runner.run();

    Instant end = T0.plus(Duration.ofMinutes(2));
    PlantSimulator reference = simulator();
    long expected = 0;
    while (reference.next().getEventTime().isBefore(end)) {
      expected++;
    }
    assertThat(summary.events()).isEqualTo(expected).isEqualTo(sink.events.size());
    assertThat(summary.stopReason()).isEqualTo(StopReason.DURATION);
    assertThat(summary.firstEventTime()).isEqualTo(T0);
    assertThat(summary.lastEventTime()).isBefore(end).isEqualTo(sink.events.get(sink.events.size() - 1).getEventTime());
    assertThat(summary.eventsByKind().values().stream().mapToLong(Long::longValue).sum()).isEqualTo(summary.events());
    assertThat(summary.events(PayloadKind.STATE_CHANGE)).isGreaterThanOrEqualTo(MODEL.machines().size());
    assertThat(summary.events(PayloadKind.HEARTBEAT)).isEqualTo(MODEL.machines().size() * 12L);
    assertThat(sink.flushes).isEqualTo(1);
    assertThat(sleeps).isEmpty();
  }

  @Test
  void stopsAfterTheGivenNumberOfEvents() throws InterruptedException {
    ListSink sink = new ListSink();

    SimulationSummary summary = new SimulationRunner(simulator(), sink, Speed.MAX, RunLimit.events(1_000),
        clock, fakeSleeper).run();

    assertThat(summary.events()).isEqualTo(1_000);
    assertThat(sink.events).hasSize(1_000);
    assertThat(summary.stopReason()).isEqualTo(StopReason.EVENTS);
    assertThat(sink.flushes).isEqualTo(1);
  }

  @Test
  void pacesSimulatedTimeSixtyTimesFasterThanTheClock() throws InterruptedException {
    TestMachine machine = TestMachine.of("tsmc-phx", "tsmc-phx-litho", "tsmc-phx-litho-euv-scanner-01");
    ListSink sink = new ListSink();
    TelemetrySource source = source(T0,
        machine.state(EquipmentState.PRODUCTIVE, T0),
        machine.heartbeat(EquipmentState.PRODUCTIVE, at(T0, "6s")),
        machine.sensor("power", 1000, at(T0, "6s")),
        machine.heartbeat(EquipmentState.PRODUCTIVE, at(T0, "30s")),
        machine.heartbeat(EquipmentState.PRODUCTIVE, at(T0, "2m30s")));

    SimulationSummary summary = new SimulationRunner(source, sink, new Speed(60), RunLimit.none(), clock, fakeSleeper).run();

    // 6 s, 30 s and 150 s of simulated time are 100 ms, 500 ms and 2.5 s at speed 60; no sleep exceeds a second.
    assertThat(sleeps).containsExactly(
        Duration.ofMillis(100), Duration.ofMillis(400), Duration.ofSeconds(1), Duration.ofSeconds(1));
    assertThat(sink.wallTimes).containsExactly(
        WALL_START, WALL_START.plusMillis(100), WALL_START.plusMillis(100), WALL_START.plusMillis(500),
        WALL_START.plusMillis(2_500));
    assertThat(summary.stopReason()).isEqualTo(StopReason.EXHAUSTED);
  }

  @Test
  void aRunBehindScheduleCatchesUpWithoutSleeping() throws InterruptedException {
    TestMachine machine = TestMachine.of("tsmc-phx", "tsmc-phx-litho", "tsmc-phx-litho-euv-scanner-01");
    // The sink takes 300 ms per event, longer than the 100 ms between events at speed 60.
    ListSink sink = new ListSink(event -> clock.advance(Duration.ofMillis(300)));
    TelemetrySource source = source(T0,
        machine.heartbeat(EquipmentState.PRODUCTIVE, T0),
        machine.heartbeat(EquipmentState.PRODUCTIVE, at(T0, "6s")),
        machine.heartbeat(EquipmentState.PRODUCTIVE, at(T0, "12s")),
        machine.heartbeat(EquipmentState.PRODUCTIVE, at(T0, "60s")));

    new SimulationRunner(source, sink, new Speed(60), RunLimit.none(), clock, fakeSleeper).run();

    // Due at 0, 100, 200 and 1000 ms; the sink finishes the third at 900 ms, so only 100 ms are left to wait.
    assertThat(sleeps).containsExactly(Duration.ofMillis(100));
  }

  @Test
  void unpacedRunsNeverSleep() throws InterruptedException {
    new SimulationRunner(simulator(), new ListSink(), Speed.MAX, RunLimit.of(Duration.ofMinutes(10)), clock, fakeSleeper)
        .run();

    assertThat(sleeps).isEmpty();
  }

  @Test
  void stopFromAnotherThreadEndsTheRunAndFlushes() throws Exception {
    CountDownLatch started = new CountDownLatch(500);
    ListSink sink = new ListSink(event -> started.countDown());
    SimulationRunner runner = new SimulationRunner(simulator(), sink, Speed.MAX, RunLimit.none(), clock, fakeSleeper);

    Future<SimulationSummary> run = executor.submit(runner::run);
    assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
    runner.stop();
    SimulationSummary summary = run.get(10, TimeUnit.SECONDS);

    assertThat(summary.stopReason()).isEqualTo(StopReason.STOPPED);
    assertThat(summary.events()).isGreaterThanOrEqualTo(500).isEqualTo(sink.events.size());
    assertThat(sink.flushes).isEqualTo(1);
  }

  @Test
  void stopWhileWaitingForTheNextEventDoesNotPublishIt() throws InterruptedException {
    ListSink sink = new ListSink();
    SimulationRunner[] runner = new SimulationRunner[1];
    Sleeper stopOnFirstSleep = duration -> {
      sleeps.add(duration);
      runner[0].stop();
    };
    runner[0] = new SimulationRunner(simulator(), sink, Speed.REAL_TIME, RunLimit.none(), clock, stopOnFirstSleep);

    SimulationSummary summary = runner[0].run();

    assertThat(sleeps).hasSize(1);
    assertThat(summary.stopReason()).isEqualTo(StopReason.STOPPED);
    assertThat(sink.events).isNotEmpty().allSatisfy(event -> assertThat(event.getEventTime()).isEqualTo(T0));
  }

  @Test
  void aRateCapsRecordsPerSecondOfWallClock() throws InterruptedException {
    ListSink sink = new ListSink();
    SimulationRunner runner = SimulationRunner.builder(simulator(), sink)
        .limit(RunLimit.events(1_000)).rate(200.0).clock(clock, fakeSleeper).build();

    runner.run();

    // 1000 records at 200/s: the last one is due 4.995 s after the first.
    Duration slept = sleeps.stream().reduce(Duration.ZERO, Duration::plus);
    assertThat(slept).isBetween(Duration.ofMillis(4_990), Duration.ofMillis(4_995));
    assertThat(sink.events).hasSize(1_000);
    for (int i = 200; i < sink.wallTimes.size(); i++) {
      assertThat(Duration.between(sink.wallTimes.get(i - 200), sink.wallTimes.get(i)))
          .isGreaterThanOrEqualTo(Duration.ofMillis(999));
    }
  }

  @Test
  void aRateAndASpeedTogetherGoAsSlowAsTheSlowerOfThem() throws InterruptedException {
    TestMachine machine = TestMachine.of("tsmc-phx", "tsmc-phx-litho", "tsmc-phx-litho-euv-scanner-01");
    ListSink sink = new ListSink();
    TelemetrySource source = source(T0,
        machine.heartbeat(EquipmentState.PRODUCTIVE, T0),
        machine.heartbeat(EquipmentState.PRODUCTIVE, T0),
        machine.heartbeat(EquipmentState.PRODUCTIVE, T0),
        machine.heartbeat(EquipmentState.PRODUCTIVE, at(T0, "60s")));

    SimulationRunner.builder(source, sink).speed(new Speed(60)).rate(2.0).clock(clock, fakeSleeper).build().run();

    // The rate holds the second and third record back (0.5 s each); the speed holds the fourth until 1 s.
    assertThat(sink.wallTimes).containsExactly(WALL_START, WALL_START.plusMillis(500), WALL_START.plusMillis(1_000),
        WALL_START.plusMillis(1_500));
  }

  @Test
  void withFaultsAStoppedRunStillPublishesWhatItHeldBackAndCountsIt() throws Exception {
    ListSink sink = new ListSink();
    PlantSimulator simulator = simulator();
    FaultInjector faults = new FaultInjector(FaultRates.parse("out-of-order=0.2,duplicate=0.2,corrupt=0.1"), 42,
        simulator.machines().stream().map(Machine::machineId).toList(), simulator.start());

    SimulationSummary summary = SimulationRunner.builder(simulator, sink).limit(RunLimit.events(5_000)).faults(faults)
        .clock(clock, fakeSleeper).build().run();

    FaultCounts counts = summary.faults();
    assertThat(summary.simulatedEvents()).isEqualTo(5_000);
    assertThat(counts.outOfOrder()).isGreaterThan(500);
    assertThat(sink.events).hasSize((int) (5_000 + counts.duplicates()));
    assertThat(sink.raw).hasSize((int) counts.corrupt());
    assertThat(summary.events()).isEqualTo(sink.events.size());
    assertThat(summary.records()).isEqualTo(sink.events.size() + sink.raw.size());
    assertThat(sink.events.stream().map(TelemetryEvent::getEventId).distinct()).hasSize(5_000);
  }

  private static PlantSimulator simulator() {
    return new PlantSimulator(MODEL, 42, T0, Set.of());
  }

  private static TelemetrySource source(Instant start, TelemetryEvent... events) {
    Deque<TelemetryEvent> queue = new ArrayDeque<>(List.of(events));
    return new TelemetrySource() {
      @Override
      public Instant start() {
        return start;
      }

      @Override
      public TelemetryEvent next() {
        return queue.poll();
      }
    };
  }

  /** Keeps what it is given, and the fake wall-clock time it was given it. */
  private final class ListSink implements TelemetrySink {

    final List<TelemetryEvent> events = new ArrayList<>();
    final List<byte[]> raw = new ArrayList<>();
    final List<Instant> wallTimes = new ArrayList<>();
    final Consumer<TelemetryEvent> onAccept;
    int flushes;

    ListSink() {
      this(event -> { });
    }

    ListSink(Consumer<TelemetryEvent> onAccept) {
      this.onAccept = onAccept;
    }

    @Override
    public void accept(TelemetryEvent event) {
      events.add(event);
      wallTimes.add(clock.instant());
      onAccept.accept(event);
    }

    @Override
    public void acceptRaw(String machineId, Instant timestamp, byte[] value) {
      raw.add(value);
      wallTimes.add(clock.instant());
    }

    @Override
    public void flush() {
      flushes++;
    }
  }

  /** A clock that moves only when told. */
  private static final class FakeClock implements InstantSource {

    private volatile Instant now;

    FakeClock(Instant now) {
      this.now = now;
    }

    void advance(Duration duration) {
      now = now.plus(duration);
    }

    @Override
    public Instant instant() {
      return now;
    }
  }
}
