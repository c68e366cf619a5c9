package io.plantstream.producer;

import io.plantstream.avro.TelemetryEvent;
import io.plantstream.producer.SimulationSummary.StopReason;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pulls events from a {@link TelemetrySource} and hands them to a {@link TelemetrySink}, paced to
 * a {@link Speed}, until a {@link RunLimit} is reached, the source runs dry or {@link #stop()} is
 * called (from any thread, e.g. a Ctrl-C hook). The sink is flushed before {@link #run()} returns.
 */
public final class SimulationRunner {

  private static final Logger LOG = LoggerFactory.getLogger(SimulationRunner.class);
  private static final Duration PROGRESS_EVERY = Duration.ofSeconds(10);

  private final TelemetrySource source;
  private final TelemetrySink sink;
  private final RunLimit limit;
  private final InstantSource clock;
  private final Pacer pacer;
  private volatile boolean stopRequested;

  /** A runner on the system clock. */
  public SimulationRunner(TelemetrySource source, TelemetrySink sink, Speed speed, RunLimit limit) {
    this(source, sink, speed, limit, Clock.systemUTC(), Sleeper.SYSTEM);
  }

  /** A runner whose pacing reads {@code clock} and waits with {@code sleeper} (fakes in tests). */
  public SimulationRunner(TelemetrySource source, TelemetrySink sink, Speed speed, RunLimit limit,
      InstantSource clock, Sleeper sleeper) {
    this.source = Objects.requireNonNull(source, "source");
    this.sink = Objects.requireNonNull(sink, "sink");
    this.limit = Objects.requireNonNull(limit, "limit");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.pacer = new Pacer(Objects.requireNonNull(speed, "speed"), clock, Objects.requireNonNull(sleeper, "sleeper"));
  }

  /** Runs until a limit, the end of the source or {@link #stop()}; flushes the sink at the end. */
  public SimulationSummary run() throws InterruptedException {
    Instant end = limit.duration() == null ? null : source.start().plus(limit.duration());
    SimulationSummary.Tally tally = new SimulationSummary.Tally();
    Instant nextProgress = clock.instant().plus(PROGRESS_EVERY);
    StopReason reason;
    while (true) {
      if (stopRequested) {
        reason = StopReason.STOPPED;
        break;
      }
      if (tally.events() >= limit.maxEvents()) {
        reason = StopReason.EVENTS;
        break;
      }
      TelemetryEvent event = source.next();
      if (event == null) {
        reason = StopReason.EXHAUSTED;
        break;
      }
      if (end != null && !event.getEventTime().isBefore(end)) {
        reason = StopReason.DURATION;
        break;
      }
      if (!pacer.awaitDue(event.getEventTime(), () -> stopRequested)) {
        reason = StopReason.STOPPED;
        break;
      }
      sink.accept(event);
      tally.add(event);
      if (!clock.instant().isBefore(nextProgress)) {
        LOG.info("Published {} events, simulated time {}", tally.events(), event.getEventTime());
        nextProgress = clock.instant().plus(PROGRESS_EVERY);
      }
    }
    sink.flush();
    SimulationSummary summary = tally.summary(reason);
    LOG.info("Run ended ({}): {} events from {} to {}", reason, summary.events(),
        summary.firstEventTime(), summary.lastEventTime());
    return summary;
  }

  /** Asks the run to end after the event in hand; safe to call from any thread. */
  public void stop() {
    stopRequested = true;
  }
}
