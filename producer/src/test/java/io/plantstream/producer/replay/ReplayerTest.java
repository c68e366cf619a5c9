package io.plantstream.producer.replay;

import static io.plantstream.avro.EquipmentState.PRODUCTIVE;
import static io.plantstream.avro.EquipmentState.STANDBY;
import static io.plantstream.avro.UnitOutcome.PASS;
import static io.plantstream.producer.replay.Entries.MACHINES;
import static io.plantstream.producer.replay.Entries.corrupt;
import static io.plantstream.producer.replay.Entries.entry;
import static io.plantstream.testing.TestMachine.T0;
import static io.plantstream.testing.TestMachine.at;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.plantstream.avro.RecordedTelemetry;
import io.plantstream.avro.TelemetryEvent;
import io.plantstream.producer.Sleeper;
import io.plantstream.producer.Speed;
import io.plantstream.producer.TelemetrySink;
import io.plantstream.schemas.Topics;
import io.plantstream.testing.TestMachine;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.avro.Schema;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReplayerTest {

  /** Wall-clock time of the fake clock when a replay begins; unrelated to recorded time on purpose. */
  private static final Instant WALL_START = Instant.parse("2030-01-01T12:00:00Z");
  private static final Instant ONE_MINUTE_LATER = at(T0, "1m");
  private static final Instant TWO_MINUTES_LATER = at(T0, "2m");
  private static final Instant AN_HOUR_LATER = at(T0, "1h");
  private static final byte[] GARBAGE = "\u0000garbage".getBytes(StandardCharsets.UTF_8);

  @TempDir Path dir;
  private final TestMachine litho = Entries.litho();
  private final TestMachine rack = Entries.rack();

  private Instant now = WALL_START;
  private final List<Duration> sleeps = new ArrayList<>();
  private final InstantSource clock = () -> now;
  private final Sleeper sleeper = duration -> {
    sleeps.add(duration);
    now = now.plus(duration);
  };
  private final ListSink sink = new ListSink();
  private final List<Published> machinesPublished = new ArrayList<>();

  @Test
  void republishesKeysTimestampsEventsAndUndecodableBytesAsRecorded() throws Exception {
    TelemetryEvent first = litho.state(PRODUCTIVE, T0);
    TelemetryEvent second = rack.heartbeat(STANDBY, ONE_MINUTE_LATER);
    Path file = Entries.write(dir.resolve("r.avro"), List.of(entry(0, 0, first),
        corrupt(1, 0, rack.id(), ONE_MINUTE_LATER, GARBAGE), entry(1, 1, second)));

    ReplaySummary summary = replayer(file).build().run();

    assertThat(sink.records).containsExactly(
        Published.event(litho.id(), T0, first),
        Published.raw(rack.id(), ONE_MINUTE_LATER, GARBAGE),
        Published.event(rack.id(), ONE_MINUTE_LATER, second));
    assertThat(summary).isEqualTo(new ReplaySummary(2, 1, 0, 1, T0, ONE_MINUTE_LATER, false));
    assertThat(machinesPublished).containsExactly(new Published(null, T0, null, MACHINES));
    assertThat(sink.flushes).isEqualTo(1);
  }

  @Test
  void speedOneKeepsTheRecordedGapsAndSpeedSixtyMakesThemSixtyTimesShorter() throws Exception {
    List<RecordedTelemetry> everyMinuteForAnHour = new ArrayList<>();
    for (int minute = 0; minute <= 60; minute++) {
      everyMinuteForAnHour.add(entry(0, minute, litho.unit(PASS, T0.plus(Duration.ofMinutes(minute)))));
    }
    Path file = Entries.write(dir.resolve("r.avro"), everyMinuteForAnHour);

    replayer(file).speed(Speed.REAL_TIME).build().run();
    Duration realTime = Duration.between(WALL_START, now);
    now = WALL_START;
    replayer(file).speed(new Speed(60)).build().run();
    Duration sixtyTimes = Duration.between(WALL_START, now);

    assertThat(realTime).isEqualTo(Duration.ofHours(1));
    assertThat(sixtyTimes).isEqualTo(Duration.ofMinutes(1));
    assertThat(sleeps).allSatisfy(sleep -> assertThat(sleep).isLessThanOrEqualTo(Duration.ofSeconds(1)));
  }

  @Test
  void speedMaxNeverWaits() throws Exception {
    Path file = Entries.write(dir.resolve("r.avro"), List.of(entry(0, 0, litho.state(PRODUCTIVE, T0)),
        entry(0, 1, litho.unit(PASS, AN_HOUR_LATER))));

    replayer(file).speed(Speed.MAX).build().run();

    assertThat(sleeps).isEmpty();
    assertThat(sink.records).hasSize(2);
  }

  @Test
  void aMachineWithAClockADayFastDoesNotStallTheReplay() throws Exception {
    List<RecordedTelemetry> entries = new ArrayList<>();
    for (int second = 0; second < 120; second++) {
      Instant at = T0.plusSeconds(second);
      entries.add(entry(0, second, litho.sensor("chuck-temperature", 22, at)));
      if (second % 10 == 5) {
        entries.add(entry(1, second, rack.heartbeat(STANDBY, at.plus(Duration.ofDays(1)))));
      }
    }
    Path file = Entries.write(dir.resolve("r.avro"), entries);

    replayer(file).speed(Speed.REAL_TIME).build().run();

    assertThat(Duration.between(WALL_START, now)).isEqualTo(Duration.ofSeconds(119));
    assertThat(sink.records).hasSize(entries.size());
  }

  @Test
  void rebaseShiftsEveryTimeSoTheFirstRecordLandsThere() throws Exception {
    Instant rebased = Instant.parse("2027-03-01T08:00:00Z");
    Path file = Entries.write(dir.resolve("r.avro"), List.of(entry(0, 0, litho.state(PRODUCTIVE, T0)),
        corrupt(0, 1, litho.id(), ONE_MINUTE_LATER, GARBAGE), entry(0, 2, litho.unit(PASS, TWO_MINUTES_LATER))));

    replayer(file).rebaseTo(rebased).build().run();

    assertThat(sink.records).extracting(Published::timestamp)
        .containsExactly(rebased, rebased.plus(Duration.ofMinutes(1)), rebased.plus(Duration.ofMinutes(2)));
    assertThat(sink.records.get(2).event().getEventTime()).isEqualTo(rebased.plus(Duration.ofMinutes(2)));
    assertThat(sink.records.get(2).event().getEventId()).isEqualTo(litho.id() + "#1");
    assertThat(machinesPublished).extracting(Published::timestamp).containsExactly(rebased);
  }

  @Test
  void eachPassOfALoopContinuesTheLastOnWholeMinutes() throws Exception {
    Path file = Entries.write(dir.resolve("r.avro"), List.of(entry(0, 0, litho.state(PRODUCTIVE, at(T0, "10s"))),
        entry(0, 1, litho.unit(PASS, at(T0, "1m50s")))));
    Replayer replayer = replayer(file).loop(true).build();
    sink.afterEach = count -> {
      if (count == 6) {
        replayer.stop();
      }
    };

    ReplaySummary summary = replayer.run();

    assertThat(sink.records).extracting(Published::timestamp).containsExactly(
        at(T0, "10s"), at(T0, "1m50s"), at(T0, "2m10s"), at(T0, "3m50s"), at(T0, "4m10s"), at(T0, "5m50s"));
    assertThat(sink.records).extracting(record -> record.event().getEventId()).containsExactly(
        litho.id() + "#0", litho.id() + "#1", litho.id() + "#0@pass2", litho.id() + "#1@pass2",
        litho.id() + "#0@pass3", litho.id() + "#1@pass3");
    assertThat(summary.passes()).isEqualTo(3);
    assertThat(summary.stopped()).isTrue();
  }

  @Test
  void sitesAndTimeRangeFilterOnRecordedTimes() throws Exception {
    Path file = Entries.write(dir.resolve("r.avro"), List.of(entry(0, 0, litho.state(PRODUCTIVE, T0)),
        entry(1, 0, rack.heartbeat(STANDBY, ONE_MINUTE_LATER)), corrupt(1, 1, rack.id(), ONE_MINUTE_LATER, GARBAGE),
        entry(0, 1, litho.unit(PASS, ONE_MINUTE_LATER)), entry(0, 2, litho.unit(PASS, TWO_MINUTES_LATER))));

    ReplaySummary summary = replayer(file).sites(Set.of("tsmc-phx")).between(ONE_MINUTE_LATER, TWO_MINUTES_LATER)
        .build().run();

    assertThat(sink.records).extracting(record -> record.event().getEventId()).containsExactly(litho.id() + "#1");
    assertThat(summary.skipped()).isEqualTo(4);
  }

  @Test
  void aFileThatIsNotARecordingIsRefusedBeforeAnythingIsPublished() throws Exception {
    Path file = Files.writeString(dir.resolve("notes.avro"), "Obj\u0001 but not really");

    assertThatThrownBy(() -> replayer(file).build().run())
        .isInstanceOf(RecordingException.class)
        .hasMessageContaining(file + " is not a plantstream recording");
    assertThat(sink.records).isEmpty();
    assertThat(machinesPublished).isEmpty();
  }

  @Test
  void aTruncatedRecordingSaysHowManyRecordsWerePublishedBeforeTheDamage() throws Exception {
    Path file = Entries.write(dir.resolve("r.avro"), RecordingFileTest.manyEntries(20_000));
    try (RandomAccessFile cut = new RandomAccessFile(file.toFile(), "rw")) {
      cut.setLength(cut.length() - 100);
    }

    assertThatThrownBy(() -> replayer(file).build().run())
        .isInstanceOf(RecordingException.class)
        .hasMessageStartingWith("recording " + file + " is truncated: block ")
        .hasMessageEndingWith("; " + sink.records.size() + " records were published before it");
    long readable;
    try (RecordingReader reader = RecordingReader.open(file)) {
      readable = 0;
      try {
        while (reader.next() != null) {
          readable++;
        }
      } catch (RecordingException expected) {
        // the damage: everything before it was read
      }
    }
    assertThat(sink.records).as("every entry before the damage").hasSize((int) readable);
    assertThat(readable).isBetween(1L, 19_999L);
    assertThat(sink.flushes).isEqualTo(1);
  }

  @Test
  void aRecordingOfAnotherEntrySchemaIsDecodedAndItsEventsReEncoded() throws Exception {
    // An entry schema without the undecodable field: not the current one, so the bytes cannot be taken as they are.
    Schema other = new Schema.Parser().parse(RecordedTelemetry.getClassSchema().toString()
        .replaceFirst(",\\{\"name\":\"undecodable\".*\\}\\]\\}$", "]}"));
    assertThat(other.getFields()).hasSize(5);
    TelemetryEvent event = litho.unit(PASS, T0);
    Path file = dir.resolve("other.avro");
    try (DataFileWriter<RecordedTelemetry> writer =
        new DataFileWriter<>(new SpecificDatumWriter<>(other, SpecificData.getForClass(RecordedTelemetry.class)))) {
      writer.setMeta(RecordingFormat.FORMAT_KEY, RecordingFormat.FORMAT_VERSION);
      writer.create(other, file.toFile());
      writer.append(entry(0, 0, event));
    }

    replayer(file).rebaseTo(ONE_MINUTE_LATER).build().run();

    TelemetryEvent rebased = TelemetryEvent.newBuilder(event).setEventTime(ONE_MINUTE_LATER).build();
    assertThat(sink.records).containsExactly(Published.event(litho.id(), ONE_MINUTE_LATER, rebased));
  }

  private Replayer.Builder replayer(Path file) {
    return Replayer.builder(file, sink).clock(clock, sleeper)
        .machines((machines, timestamp) -> machinesPublished.add(new Published(null, timestamp, null, machines)));
  }

  /**
   * One record as the sink got it.
   *
   * @param key the key
   * @param timestamp the record timestamp
   * @param event the event, or null
   * @param value raw bytes (as a list, for equality) or machines
   */
  record Published(String key, Instant timestamp, TelemetryEvent event, Object value) {

    static Published event(String key, Instant timestamp, TelemetryEvent event) {
      return new Published(key, timestamp, event, null);
    }

    static Published raw(String key, Instant timestamp, byte[] bytes) {
      List<Byte> value = new ArrayList<>();
      for (byte b : bytes) {
        value.add(b);
      }
      return new Published(key, timestamp, null, value);
    }
  }

  /** Keeps what it is given. */
  private static final class ListSink implements TelemetrySink {

    final List<Published> records = new ArrayList<>();
    java.util.function.IntConsumer afterEach = count -> { };
    int flushes;

    @Override
    public void accept(TelemetryEvent event) {
      throw new AssertionError("a replay publishes the bytes it has");
    }

    /** Decodes what is an event, so that tests compare events; keeps the rest as bytes. */
    @Override
    public void acceptRaw(String key, Instant timestamp, byte[] value) {
      TelemetryEvent event;
      try {
        event = Topics.TELEMETRY_SERDE.decode(value);
      } catch (SerializationException notAnEvent) {
        event = null;
      }
      records.add(event == null ? Published.raw(key, timestamp, value) : Published.event(key, timestamp, event));
      afterEach.accept(records.size());
    }

    @Override
    public void flush() {
      flushes++;
    }
  }
}
