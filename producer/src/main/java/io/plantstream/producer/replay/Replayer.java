package io.plantstream.producer.replay;

import io.plantstream.avro.MachineInfo;
import io.plantstream.avro.TelemetryEvent;
import io.plantstream.producer.Pacer;
import io.plantstream.producer.Sleeper;
import io.plantstream.producer.Speed;
import io.plantstream.producer.TelemetrySink;
import io.plantstream.schemas.AvroSerde;
import io.plantstream.schemas.Topics;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes a recording back to Kafka: each record with its recorded key and timestamp, events in
 * the current schema's single-object encoding ({@link ReplaySource}), undecodable values as the
 * bytes they were, in the recorded order (so every partition gets its records in their original
 * order). Records are read on a thread of their own ({@link ReadAhead}).
 *
 * <p>Paced by the {@link Pacer} at a {@link Speed}: at 1 the gaps between records are the recorded
 * ones, at N they are N times shorter, at max there are none. The pace follows the records'
 * {@link SteadyTime}, so a clock-skewed machine in the recording cannot stall the replay. Times
 * move by {@link TimeShift}: {@code rebaseTo} puts the first record there; {@code loop} replays
 * the recording again and again, each pass continuing the last (its event ids get a
 * {@code @pass<N>} suffix from the second pass on, or the pipeline would drop a short recording's
 * second pass as duplicates). Filters (sites, event-time range) apply to the recorded times.
 *
 * <p>{@link #stop()} ends it after the record in hand, from any thread. Damage in the file ends it
 * with a {@link RecordingException} that also says how many records were published before.
 */
public final class Replayer {

  private static final Logger LOG = LoggerFactory.getLogger(Replayer.class);

  private final Path file;
  private final TelemetrySink sink;
  private final AvroSerde<TelemetryEvent> encoding;
  private final MachineSink machineSink;
  private final Speed speed;
  private final boolean loop;
  private final Instant rebaseTo;
  private final Set<String> sites;
  private final Instant from;
  private final Instant to;
  private final Pacer pacer;
  private volatile boolean stopRequested;
  private final BooleanSupplier stopped = () -> stopRequested;
  private volatile long published;
  private volatile long entriesRead;
  private volatile int pass;
  private volatile long lastTimeMillis = SteadyTime.UNSET;

  private Replayer(Builder builder) {
    this.file = builder.file;
    this.sink = builder.sink;
    this.machineSink = builder.machineSink;
    this.speed = builder.speed;
    this.loop = builder.loop;
    this.rebaseTo = builder.rebaseTo;
    this.sites = builder.sites;
    this.from = builder.from;
    this.to = builder.to;
    this.encoding = builder.encoding;
    this.pacer = new Pacer(builder.speed, builder.clock, builder.sleeper);
  }

  /** A builder of a replay of {@code file} into {@code sink}: by default unpaced, once, unshifted, unfiltered. */
  public static Builder builder(Path file, TelemetrySink sink) {
    return new Builder(file, sink);
  }

  /**
   * Replays until the recording (or with {@code loop}, {@link #stop()}) ends it; flushes the sink.
   * The file is checked to be a recording before anything is published.
   */
  public ReplaySummary run() throws InterruptedException {
    RecordingInfo info;
    try (RecordingReader probe = RecordingReader.open(file)) {
      info = probe.info();
    }
    Run run = new Run(info);
    try {
      run.all();
    } catch (RecordingException e) {
      String failed = flushFailure();
      throw new RecordingException(e.getMessage() + "; " + published + " records were published before it"
          + (failed == null ? "" : ", but not all were acknowledged: " + failed), e);
    }
    sink.flush();
    ReplaySummary summary = run.summary();
    LOG.info("Replay of {} ended ({}): {} events and {} undecodable records published in {} pass(es), {} to {}",
        file, summary.stopped() ? "stopped" : "end of recording", summary.events(), summary.undecodable(),
        summary.passes(), summary.firstTime(), summary.lastTime());
    return summary;
  }

  /** Asks the replay to end after the record in hand; safe from any thread. */
  public void stop() {
    stopRequested = true;
  }

  /** Records published so far (for progress, from any thread). */
  public long published() {
    return published;
  }

  /** Entries read from the recording so far, in all passes, filtered ones included. */
  public long entriesRead() {
    return entriesRead;
  }

  /** The pass in progress, from 1; 0 before the first record. */
  public int pass() {
    return pass;
  }

  /** How far the replay got in (shifted) record time: the steady time of the last record published, or null. */
  public Instant lastTime() {
    long millis = lastTimeMillis;
    return millis == SteadyTime.UNSET ? null : Instant.ofEpochMilli(millis);
  }

  /** Flushes what was sent before damage; returns why that failed, or null. */
  private String flushFailure() {
    try {
      sink.flush();
      return null;
    } catch (RuntimeException e) {
      LOG.warn("flushing after a damaged recording failed: {}", e.toString());
      return e.getMessage();
    }
  }

  /** The state of one replay: shift, steady time, counts. */
  private final class Run {

    private final RecordingInfo info;
    private final SteadyTime steady = SteadyTime.defaults();
    private final ArrayDeque<ReplayRecord> ahead = new ArrayDeque<>();
    private long shift;
    private boolean shiftKnown;
    private long firstOriginal = SteadyTime.UNSET;
    private long events;
    private long undecodable;
    private long skipped;
    private long first = SteadyTime.UNSET;
    private boolean wasStopped;

    Run(RecordingInfo info) {
      this.info = info;
    }

    void all() throws InterruptedException {
      long lastSteadyOfPass = SteadyTime.UNSET;
      for (int passNumber = 1; ; passNumber++) {
        pass = passNumber;
        long passShift = 0;
        if (passNumber > 1) {
          if (firstOriginal == SteadyTime.UNSET) {
            return; // the filters leave nothing to loop over
          }
          passShift = (passNumber - 1) * TimeShift.loopPeriod(firstOriginal, lastSteadyOfPass);
        }
        try (RecordingReader reader = RecordingReader.open(file);
            ReadAhead entries = new ReadAhead(new ReplaySource(reader, encoding))) {
          if (!onePass(entries, passNumber, passShift)) {
            wasStopped = true;
            return;
          }
        }
        if (!loop || stopRequested) {
          wasStopped = stopRequested;
          return;
        }
        if (lastSteadyOfPass == SteadyTime.UNSET) {
          // The steady time of pass 1 in recorded time: where the next pass continues from.
          lastSteadyOfPass = steady.millis() - shift;
        }
      }
    }

    /** Publishes one pass; false if stopped. */
    private boolean onePass(ReadAhead reader, int passNumber, long passShift) throws InterruptedException {
      String idSuffix = passNumber == 1 ? null : "@pass" + passNumber;
      boolean exhausted = false;
      while (true) {
        while (!exhausted && ahead.size() <= SteadyTime.DEFAULT_CONFIRMATIONS) {
          ReplayRecord record = reader.next();
          if (record == null) {
            exhausted = true;
          } else {
            entriesRead++;
            if (accepted(record)) {
              ahead.add(shiftTimes(record, passShift, idSuffix));
            } else {
              skipped++;
            }
          }
          if (speed.isMax()) {
            break; // unpaced: no need to look ahead
          }
        }
        ReplayRecord record = ahead.poll();
        if (record == null) {
          if (exhausted) {
            return true;
          }
          continue;
        }
        if (!speed.isMax()) {
          long at = steady.advance(record.timestamp, new Following());
          if (!pacer.awaitDue(Instant.ofEpochMilli(at), stopped)) {
            return false;
          }
        } else {
          steady.advance(record.timestamp, SteadyTime.Lookahead.NONE);
          if (stopRequested) {
            return false;
          }
        }
        publish(record);
      }
    }

    private boolean accepted(ReplayRecord record) {
      if (!sites.isEmpty() && (!record.event || !sites.contains(record.siteId))) {
        return false;
      }
      return (from == null || record.eventTime >= from.toEpochMilli()) && (to == null || record.eventTime < to.toEpochMilli());
    }

    private ReplayRecord shiftTimes(ReplayRecord record, long passShift, String idSuffix) {
      if (!shiftKnown) {
        firstOriginal = record.timestamp;
        shift = TimeShift.rebase(Instant.ofEpochMilli(record.timestamp), rebaseTo);
        shiftKnown = true;
        if (!info.machines().isEmpty()) {
          machineSink.publish(info.machines(), Instant.ofEpochMilli(record.timestamp + shift));
        }
      }
      ReplayRecord shifted = record.shifted(shift + passShift);
      return idSuffix == null ? shifted : shifted.withEventIdSuffix(idSuffix);
    }

    private void publish(ReplayRecord record) {
      Instant timestamp = Instant.ofEpochMilli(record.timestamp);
      sink.acceptRaw(record.key, timestamp, record.value);
      if (record.event) {
        events++;
      } else {
        undecodable++;
      }
      published++;
      if (first == SteadyTime.UNSET) {
        first = record.timestamp;
      }
      // How far the replay got: the steady time, which a record from a clock a day fast does not move.
      lastTimeMillis = steady.millis();
    }

    ReplaySummary summary() {
      long last = lastTimeMillis;
      return new ReplaySummary(events, undecodable, skipped, pass,
          first == SteadyTime.UNSET ? null : Instant.ofEpochMilli(first),
          last == SteadyTime.UNSET ? null : Instant.ofEpochMilli(last), wasStopped);
    }

    /** The timestamps of the records looked ahead at. */
    private final class Following implements SteadyTime.Lookahead {

      private long[] timestamps;

      @Override
      public int size() {
        return ahead.size();
      }

      @Override
      public long timestamp(int index) {
        if (timestamps == null) {
          timestamps = new long[ahead.size()];
          Iterator<ReplayRecord> entries = ahead.iterator();
          for (int i = 0; i < timestamps.length; i++) {
            timestamps[i] = entries.next().timestamp;
          }
        }
        return timestamps[index];
      }
    }
  }

  /** Where a replay publishes the recorded machines, before the first record. */
  @FunctionalInterface
  public interface MachineSink {

    /** Publishes {@code machines} stamped {@code timestamp} (the first record's time). */
    void publish(List<MachineInfo> machines, Instant timestamp);

    /** Drops them: for replays into a pipeline that knows its machines. */
    MachineSink NONE = (machines, timestamp) -> { };
  }

  /** Options of a replay. */
  public static final class Builder {

    private final Path file;
    private final TelemetrySink sink;
    private MachineSink machineSink = MachineSink.NONE;
    private Speed speed = Speed.MAX;
    private boolean loop;
    private Instant rebaseTo;
    private Set<String> sites = Set.of();
    private Instant from;
    private Instant to;
    private InstantSource clock = Clock.systemUTC();
    private Sleeper sleeper = Sleeper.SYSTEM;
    private AvroSerde<TelemetryEvent> encoding = Topics.TELEMETRY_SERDE;

    private Builder(Path file, TelemetrySink sink) {
      this.file = Objects.requireNonNull(file, "file");
      this.sink = Objects.requireNonNull(sink, "sink");
    }

    /**
     * How events are encoded on the wire: {@code serde}'s header (single-object, or a schema id in
     * a registry) before the recorded body. By default single-object encoding.
     */
    public Builder encoding(AvroSerde<TelemetryEvent> serde) {
      this.encoding = Objects.requireNonNull(serde, "serde");
      return this;
    }

    /** Where the recorded machines go (default: nowhere). */
    public Builder machines(MachineSink machineSink) {
      this.machineSink = Objects.requireNonNull(machineSink, "machineSink");
      return this;
    }

    /** Recorded seconds per wall-clock second (default: as fast as possible). */
    public Builder speed(Speed speed) {
      this.speed = Objects.requireNonNull(speed, "speed");
      return this;
    }

    /** Replays again and again, each pass continuing the last, until stopped. */
    public Builder loop(boolean loop) {
      this.loop = loop;
      return this;
    }

    /** Shifts every time so that the first record lands at {@code first}; null for recorded times. */
    public Builder rebaseTo(Instant first) {
      this.rebaseTo = first;
      return this;
    }

    /** Only events of these sites (empty: all, undecodable records included). */
    public Builder sites(Set<String> sites) {
      this.sites = Set.copyOf(sites);
      return this;
    }

    /** Only records with event time in [from, to); null for no bound. */
    public Builder between(Instant from, Instant to) {
      this.from = from;
      this.to = to;
      return this;
    }

    /** Paces with {@code clock} and waits with {@code sleeper} (fakes in tests). */
    public Builder clock(InstantSource clock, Sleeper sleeper) {
      this.clock = Objects.requireNonNull(clock, "clock");
      this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
      return this;
    }

    /** The replayer. */
    public Replayer build() {
      return new Replayer(this);
    }
  }
}
