package io.plantstream.producer;

import io.plantstream.avro.TelemetryEvent;
import io.plantstream.producer.SimulationSummary.StopReason;
import io.plantstream.producer.fault.FaultCounts;
import io.plantstream.producer.fault.FaultInjector;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Objects;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pulls events from a {@link TelemetrySource} and hands them to a {@link TelemetrySink}, paced to
 * a {@link Speed} and optionally capped at a rate (records per second), through an optional
 * {@link FaultInjector}, until a {@link RunLimit} is reached, the source runs dry or {@link #stop()}
 * is called (from any thread, e.g. a Ctrl-C hook). At the end, events the injector still holds
 * are published and the sink is flushed before {@link #run()} returns. Logs progress (simulated
 * time reached, events per second) every few seconds at INFO.
 */
public final class SimulationRunner {

  /** Wall-clock time between two progress lines. */
  public static final Duration PROGRESS_EVERY = Duration.ofSeconds(5);

  private static final Logger LOG = LoggerFactory.getLogger(SimulationRunner.class);
  /** The clock is read for progress only every so many events: reading it costs more than a check. */
  private static final int PROGRESS_CHECK_MASK = 0xFF;

  private final TelemetrySource source;
  private final TelemetrySink sink;
  private final RunLimit limit;
  private final InstantSource clock;
  private final Pacer pacer;
  private final Throttle throttle;
  private final FaultInjector faults;
  private volatile boolean stopRequested;
  private final BooleanSupplier stopped = () -> stopRequested;

  /** A runner on the system clock. */
  public SimulationRunner(TelemetrySource source, TelemetrySink sink, Speed speed, RunLimit limit) {
    this(builder(source, sink).speed(speed).limit(limit));
  }

  /** A runner whose pacing reads {@code clock} and waits with {@code sleeper} (fakes in tests). */
  public SimulationRunner(TelemetrySource source, TelemetrySink sink, Speed speed, RunLimit limit,
      InstantSource clock, Sleeper sleeper) {
    this(builder(source, sink).speed(speed).limit(limit).clock(clock, sleeper));
  }

  private SimulationRunner(Builder builder) {
    this.source = builder.source;
    this.sink = builder.sink;
    this.limit = builder.limit;
    this.clock = builder.clock;
    this.pacer = new Pacer(builder.speed, builder.clock, builder.sleeper);
    this.throttle = builder.rate == null ? null : new Throttle(builder.rate, builder.clock, builder.sleeper);
    this.faults = builder.faults;
  }

  /** A builder for a run from {@code source} to {@code sink}: by default unpaced, unlimited, uncapped, without faults. */
  public static Builder builder(TelemetrySource source, TelemetrySink sink) {
    return new Builder(source, sink);
  }

  /** Runs until a limit, the end of the source or {@link #stop()}; flushes the sink at the end. */
  public SimulationSummary run() throws InterruptedException {
    Instant end = limit.duration() == null ? null : source.start().plus(limit.duration());
    SimulationSummary.Tally tally = new SimulationSummary.Tally();
    Emitter out = new Emitter(tally);
    Progress progress = new Progress(tally, out);
    StopReason reason;
    while (true) {
      if (stopRequested) {
        reason = StopReason.STOPPED;
        break;
      }
      if (tally.simulatedEvents() >= limit.maxEvents()) {
        reason = StopReason.EVENTS;
        break;
      }
      TelemetryEvent event = source.next();
      if (event == null) {
        reason = StopReason.EXHAUSTED;
        break;
      }
      Instant at = event.getEventTime();
      if (end != null && !at.isBefore(end)) {
        reason = StopReason.DURATION;
        break;
      }
      if (!pacer.awaitDue(at, stopped)) {
        reason = StopReason.STOPPED;
        break;
      }
      tally.simulated(at);
      if (faults == null) {
        out.event(event);
      } else {
        faults.accept(event, out);
      }
      if ((tally.simulatedEvents() & PROGRESS_CHECK_MASK) == 0) {
        progress.maybeLog();
      }
    }
    // Whatever the injector still holds goes out before the flush, so the fault counts are what was published.
    if (faults != null) {
      faults.drain(out);
    }
    sink.flush();
    SimulationSummary summary = tally.summary(reason, faults == null ? FaultCounts.NONE : faults.counts());
    LOG.info("Run ended ({}): {} events published, simulated from {} to {}", reason, summary.events(),
        summary.firstEventTime(), summary.lastEventTime());
    if (faults != null) {
      LOG.info("Faults injected: {}", summary.faults().describe());
    }
    return summary;
  }

  /** Asks the run to end after the event in hand; safe to call from any thread. */
  public void stop() {
    stopRequested = true;
  }

  /** Hands records to the sink, throttled, and counts them. */
  private final class Emitter implements FaultInjector.Output {

    private final SimulationSummary.Tally tally;
    private long corrupt;

    Emitter(SimulationSummary.Tally tally) {
      this.tally = tally;
    }

    @Override
    public void event(TelemetryEvent event) throws InterruptedException {
      if (throttle != null) {
        throttle.acquire(stopped);
      }
      sink.accept(event);
      tally.add(event);
    }

    @Override
    public void corrupt(String machineId, Instant timestamp, byte[] value) throws InterruptedException {
      if (throttle != null) {
        throttle.acquire(stopped);
      }
      sink.acceptRaw(machineId, timestamp, value);
      corrupt++;
    }

    long records() {
      return tally.events() + corrupt;
    }
  }

  /** The progress line: how far simulated time got and how fast records go out. */
  private final class Progress {

    private final SimulationSummary.Tally tally;
    private final Emitter out;
    private Instant lastAt;
    private long lastRecords;

    Progress(SimulationSummary.Tally tally, Emitter out) {
      this.tally = tally;
      this.out = out;
      this.lastAt = clock.instant();
    }

    void maybeLog() {
      Instant now = clock.instant();
      Duration elapsed = Duration.between(lastAt, now);
      if (elapsed.compareTo(PROGRESS_EVERY) < 0) {
        return;
      }
      long records = out.records();
      double perSecond = (records - lastRecords) / (elapsed.toNanos() / 1e9);
      LOG.info("Simulated time {}: {} records published, {} records/s", tally.lastEventTime(), records,
          Math.round(perSecond));
      lastAt = now;
      lastRecords = records;
    }
  }

  /** Options of a run. */
  public static final class Builder {

    private final TelemetrySource source;
    private final TelemetrySink sink;
    private Speed speed = Speed.MAX;
    private RunLimit limit = RunLimit.none();
    private Double rate;
    private FaultInjector faults;
    private InstantSource clock = Clock.systemUTC();
    private Sleeper sleeper = Sleeper.SYSTEM;

    private Builder(TelemetrySource source, TelemetrySink sink) {
      this.source = Objects.requireNonNull(source, "source");
      this.sink = Objects.requireNonNull(sink, "sink");
    }

    /** Simulated seconds per wall-clock second (default: as fast as possible). */
    public Builder speed(Speed speed) {
      this.speed = Objects.requireNonNull(speed, "speed");
      return this;
    }

    /** When the run ends by itself (default: never). */
    public Builder limit(RunLimit limit) {
      this.limit = Objects.requireNonNull(limit, "limit");
      return this;
    }

    /** At most {@code recordsPerSecond} records per wall-clock second, on top of the speed; null for no cap. */
    public Builder rate(Double recordsPerSecond) {
      if (recordsPerSecond != null && (!(recordsPerSecond > 0) || recordsPerSecond.isInfinite())) {
        throw new IllegalArgumentException("rate must be a positive number of events per second, got " + recordsPerSecond);
      }
      this.rate = recordsPerSecond;
      return this;
    }

    /** Injects faults with {@code faults}; null for none. */
    public Builder faults(FaultInjector faults) {
      this.faults = faults;
      return this;
    }

    /** Paces with {@code clock} and waits with {@code sleeper} (fakes in tests). */
    public Builder clock(InstantSource clock, Sleeper sleeper) {
      this.clock = Objects.requireNonNull(clock, "clock");
      this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
      return this;
    }

    /** The runner. */
    public SimulationRunner build() {
      return new SimulationRunner(this);
    }
  }
}
