package io.plantstream.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import io.plantstream.avro.MachineInfo;
import io.plantstream.avro.MachineKpi;
import io.plantstream.avro.SiteInfo;
import io.plantstream.avro.SiteKpi;
import io.plantstream.avro.StateMillis;
import io.plantstream.schemas.KpiKeys;
import io.plantstream.schemas.Topics;
import io.plantstream.streams.KpiApplication;
import io.plantstream.streams.KpiConfig;
import io.plantstream.streams.KpiStreamsConfig;
import io.plantstream.testing.KafkaFixture;
import io.plantstream.testing.KpiOracle;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Compares what the pipeline wrote to the KPI topics with the batch oracle's recomputation from
 * the telemetry topic, key by key, and names the first keys that differ: machine minutes, site
 * minutes and hours, site shifts and days, machine days.
 */
public final class KpiComparison {

  private final KafkaFixture kafka;
  private final Topics topics;
  private final KpiOracle.Result expected;

  private KpiComparison(KafkaFixture kafka, Topics topics, KpiOracle.Result expected) {
    this.kafka = kafka;
    this.topics = topics;
    this.expected = expected;
  }

  /**
   * Recomputes the expected KPIs from the telemetry topic as it is now, its events decoded as the
   * topics' serde reads them (either encoding; ids looked up in the topics' registry, if any), with
   * the site calendars on the sites topic as it is now (none: days in UTC, no shifts).
   */
  public static KpiComparison recompute(KafkaFixture kafka, Topics topics, Collection<MachineInfo> machines,
      KpiConfig config) {
    Map<String, SiteInfo> sites = new HashMap<>();
    kafka.readAll(topics.sites()).forEach(record -> {
      if (record.value() == null) {
        sites.remove(record.key());
      } else {
        sites.put(record.key(), record.value());
      }
    });
    return recompute(kafka, topics, machines, sites.values(), config);
  }

  /** Recomputes the expected KPIs from the telemetry topic as it is now, with these site calendars. */
  public static KpiComparison recompute(KafkaFixture kafka, Topics topics, Collection<MachineInfo> machines,
      Collection<SiteInfo> sites, KpiConfig config) {
    Map<String, MachineInfo> byId = new HashMap<>();
    machines.forEach(info -> byId.put(info.getMachineId(), info));
    Map<String, SiteInfo> sitesById = new HashMap<>();
    sites.forEach(site -> sitesById.put(site.getSiteId(), site));
    KpiOracle oracle = new KpiOracle(config.grace(), config.staleAfter(), config.forgetAfter(),
        config.maxFutureSkew()).decodingWith(topics.telemetrySerde()::decode);
    return new KpiComparison(kafka, topics,
        oracle.compute(kafka.readAllRaw(topics.telemetry().name()), byId, sitesById));
  }

  /**
   * Runs a fresh KPI application with {@code applicationId} on the topics until every key the
   * oracle expects, its late events and {@code deadLetters} dead letters are out, then asserts that
   * every KPI matches the oracle's.
   */
  void aggregateAndMatch(String applicationId, Path stateDir, KpiConfig config, long deadLetters) throws Exception {
    try (KpiApplication app = KpiApplication.forTopics(topics, config,
        KpiStreamsConfig.build(kafka.bootstrapServers(), applicationId, stateDir, topics, Map.of()))) {
      app.start();
      await().atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
        assertComplete();
        assertThat(kafka.readAllRaw(topics.dlq().name())).hasSize((int) deadLetters);
        // Late records after the last window to close come out after the last KPI: wait for them too.
        assertThat(kafka.readAllRaw(topics.late().name())).hasSameSizeAs(expected.late());
      });
    }
    assertMatches();
  }

  /** The oracle's result. */
  public KpiOracle.Result expected() {
    return expected;
  }

  /** How many keys the oracle expects on all the KPI topics together. */
  public int expectedKeys() {
    return expected.machineMinutes().size() + expected.siteMinutes().size() + expected.siteHours().size()
        + expected.siteShifts().size() + expected.siteDays().size() + expected.machineDays().size();
  }

  /** True once the output topics hold as many keys as the oracle expects. */
  public void assertComplete() {
    assertThat(latest(kafka.readAll(topics.siteKpi1h()))).hasSameSizeAs(expected.siteHours());
    assertThat(latest(kafka.readAll(topics.siteKpi1m()))).hasSameSizeAs(expected.siteMinutes());
    assertThat(kafka.readAll(topics.machineKpi1m())).hasSameSizeAs(expected.machineMinutes().values());
    assertThat(latest(kafka.readAll(topics.siteKpiShift()))).as("site shifts").hasSameSizeAs(expected.siteShifts());
    assertThat(latest(kafka.readAll(topics.siteKpiDay()))).as("site days").hasSameSizeAs(expected.siteDays());
    assertThat(kafka.readAll(topics.machineKpiDay()).stream().map(ConsumerRecord::key).distinct().count())
        .as("machine days").isEqualTo(expected.machineDays().size());
  }

  /**
   * Every machine and site KPI equals the oracle's; the late topic holds the oracle's late events.
   * Each topic is compared before any difference fails the test, so that a failure names them all.
   */
  public void assertMatches() {
    Map<String, KpiOracle.Window> machines = new LinkedHashMap<>();
    for (ConsumerRecord<String, MachineKpi> record : kafka.readAll(topics.machineKpi1m())) {
      MachineKpi kpi = record.value();
      assertThat(record.key()).isEqualTo(KpiKeys.of(kpi.getMachineId(), kpi.getWindowStart().toEpochMilli()));
      assertThat(kpi.getFinal$()).isTrue();
      assertDerived(record.key(), kpi);
      assertThat(machines.put(key(kpi.getMachineId(), kpi.getWindowStart()), window(kpi)))
          .as("one record per machine and window: %s", record.key()).isNull();
    }
    Map<String, SiteKpi> minutes = latest(kafka.readAll(topics.siteKpi1m()));
    Map<String, SiteKpi> hours = latest(kafka.readAll(topics.siteKpi1h()));
    Map<String, SiteKpi> shifts = latest(kafka.readAll(topics.siteKpiShift()));
    Map<String, SiteKpi> days = latest(kafka.readAll(topics.siteKpiDay()));
    List<String> differences = new ArrayList<>();
    differences.addAll(differing("machine minutes", expected.machineMinutes(), machines));
    differences.addAll(differing("site minutes", expected.siteMinutes(), asWindows(minutes, KpiComparison::minuteKey)));
    differences.addAll(differing("site hours", expected.siteHours(), asWindows(hours, KpiComparison::minuteKey)));
    differences.addAll(differing("site shifts", expected.siteShifts(), asWindows(shifts, null)));
    differences.addAll(differing("site days", expected.siteDays(), asWindows(days, null)));
    differences.addAll(differing("machine days", expected.machineDays(), machineDays(true)));
    assertThat(differences).as("KPI keys differing from the oracle").isEmpty();

    minutes.values().forEach(site -> assertThat(site.getFinal$())
        .as("final flag of %s", site.getSiteId() + "@" + site.getWindowStart())
        .isEqualTo(expected.siteMinuteFinal().get(key(site.getSiteId(), site.getWindowStart()))));
    shifts.forEach((key, site) -> assertThat(site.getFinal$()).as("final flag of %s", key).isTrue());
    days.forEach((key, site) -> assertThat(site.getFinal$()).as("final flag of %s", key).isTrue());
    assertKeys(minutes, site -> KpiKeys.of(site.getSiteId(), site.getWindowStart().toEpochMilli()));
    assertKeys(hours, site -> KpiKeys.of(site.getSiteId(), site.getWindowStart().toEpochMilli()));
    assertKeys(shifts, site -> KpiKeys.of(site.getSiteId(), site.getWindowStart().toEpochMilli()));
    assertKeys(days, site -> KpiKeys.ofDate(site.getSiteId(), LocalDate.parse(site.getLocalDate())));
    for (Map<String, SiteKpi> topic : List.of(minutes, hours, shifts, days)) {
      topic.forEach(KpiComparison::assertDerived);
    }
    assertThat(kafka.readAll(topics.late())).hasSameSizeAs(expected.late());
  }

  /**
   * How the newest record per key of each KPI topic compares with the oracle, counted rather than
   * asserted: for a run whose guarantees allow repeated or missing records (at-least-once).
   */
  public Differences differences() {
    Map<String, KpiOracle.Window> machines = new LinkedHashMap<>();
    kafka.readAll(topics.machineKpi1m()).forEach(record -> {
      MachineKpi kpi = record.value();
      machines.put(key(kpi.getMachineId(), kpi.getWindowStart()), window(kpi));
    });
    Map<String, KpiOracle.Window> siteMinutes = new LinkedHashMap<>();
    Map<String, KpiOracle.Window> siteHours = new LinkedHashMap<>();
    Map<String, KpiOracle.Window> siteShifts = new LinkedHashMap<>();
    Map<String, KpiOracle.Window> siteDays = new LinkedHashMap<>();
    kafka.readAll(topics.siteKpi1m()).forEach(record -> siteMinutes.putAll(
        asWindows(Map.of(record.key(), record.value()), KpiComparison::minuteKey)));
    kafka.readAll(topics.siteKpi1h()).forEach(record -> siteHours.putAll(
        asWindows(Map.of(record.key(), record.value()), KpiComparison::minuteKey)));
    kafka.readAll(topics.siteKpiShift()).forEach(record -> siteShifts.putAll(
        asWindows(Map.of(record.key(), record.value()), null)));
    kafka.readAll(topics.siteKpiDay()).forEach(record -> siteDays.putAll(
        asWindows(Map.of(record.key(), record.value()), null)));
    return Differences.of(expected.machineMinutes(), machines)
        .plus(Differences.of(expected.siteMinutes(), siteMinutes))
        .plus(Differences.of(expected.siteHours(), siteHours))
        .plus(Differences.of(expected.siteShifts(), siteShifts))
        .plus(Differences.of(expected.siteDays(), siteDays))
        .plus(Differences.of(expected.machineDays(), machineDays(false)));
  }

  /**
   * Keys of the KPI topics against the oracle's, by their newest record.
   *
   * @param expected keys the oracle has
   * @param equal keys whose newest record equals the oracle's
   * @param differing keys on both sides whose newest record differs
   * @param missing keys the oracle has and the topics lack
   * @param extra keys on the topics the oracle does not have
   */
  public record Differences(int expected, int equal, int differing, int missing, int extra) {

    static Differences of(Map<String, KpiOracle.Window> expected, Map<String, KpiOracle.Window> actual) {
      int equal = 0;
      int differing = 0;
      int missing = 0;
      for (Map.Entry<String, KpiOracle.Window> entry : expected.entrySet()) {
        KpiOracle.Window found = actual.get(entry.getKey());
        if (found == null) {
          missing++;
        } else if (found.equals(entry.getValue())) {
          equal++;
        } else {
          differing++;
        }
      }
      int extra = (int) actual.keySet().stream().filter(key -> !expected.containsKey(key)).count();
      return new Differences(expected.size(), equal, differing, missing, extra);
    }

    Differences plus(Differences other) {
      return new Differences(expected + other.expected, equal + other.equal, differing + other.differing,
          missing + other.missing, extra + other.extra);
    }
  }

  /** The machine days on their topic by key, the newest per key; with {@code once}, asserted final and published once. */
  private Map<String, KpiOracle.Window> machineDays(boolean once) {
    Map<String, KpiOracle.Window> days = new LinkedHashMap<>();
    for (ConsumerRecord<String, MachineKpi> record : kafka.readAll(topics.machineKpiDay())) {
      MachineKpi kpi = record.value();
      KpiOracle.Window previous = days.put(record.key(), window(kpi));
      if (once) {
        assertThat(previous).as("one record per machine and day: %s", record.key()).isNull();
        assertThat(kpi.getLocalDate()).as("local date of %s", record.key()).isNotNull();
        assertThat(record.key()).isEqualTo(KpiKeys.ofDate(kpi.getMachineId(), LocalDate.parse(kpi.getLocalDate())));
        assertThat(kpi.getFinal$()).as("final flag of %s", record.key()).isTrue();
        assertThat(kpi.getRevision()).as("revision of %s", record.key()).isEqualTo(1);
        assertDerived(record.key(), kpi);
      }
    }
    return days;
  }

  /**
   * The keys whose windows differ between the oracle and the topic, as one line naming how many
   * and the first few with both values, per site or machine: empty when they are the same.
   */
  private static List<String> differing(String what, Map<String, KpiOracle.Window> expected,
      Map<String, KpiOracle.Window> actual) {
    TreeSet<String> keys = new TreeSet<>(expected.keySet());
    keys.addAll(actual.keySet());
    Map<String, List<String>> byId = new TreeMap<>();
    for (String key : keys) {
      if (!Objects.equals(expected.get(key), actual.get(key))) {
        byId.computeIfAbsent(KpiKeys.idOf(key), id -> new ArrayList<>()).add(key);
      }
    }
    if (byId.isEmpty()) {
      return List.of();
    }
    int count = byId.values().stream().mapToInt(List::size).sum();
    StringBuilder line = new StringBuilder(what + ": " + count + " of " + keys.size() + " keys differ;");
    byId.forEach((id, differing) -> line.append(' ').append(id).append(": ").append(differing.size())
        .append(" keys from ").append(differing.get(0)).append(" to ").append(differing.get(differing.size() - 1))
        .append(';'));
    List<String> lines = new ArrayList<>(List.of(line.toString()));
    byId.values().stream().flatMap(List::stream).limit(3).forEach(key ->
        lines.add(key + ": expected " + expected.get(key) + " but was " + actual.get(key)));
    return lines;
  }

  /** Every record is under the key its value names. */
  private static void assertKeys(Map<String, SiteKpi> sites, Function<SiteKpi, String> keyOf) {
    sites.forEach((key, site) -> assertThat(key).as("key of %s", site.getSiteId()).isEqualTo(keyOf.apply(site)));
  }

  /** The newest revision per key of a compacted KPI topic; revisions must grow. */
  public static Map<String, SiteKpi> latest(List<ConsumerRecord<String, SiteKpi>> records) {
    Map<String, SiteKpi> latest = new LinkedHashMap<>();
    for (ConsumerRecord<String, SiteKpi> record : records) {
      SiteKpi previous = latest.get(record.key());
      assertThat(previous == null || previous.getRevision() < record.value().getRevision())
          .as("revisions of %s grow", record.key()).isTrue();
      latest.put(record.key(), record.value());
    }
    return latest;
  }

  private static String minuteKey(String recordKey, SiteKpi site) {
    return key(site.getSiteId(), site.getWindowStart());
  }

  /** The records as the oracle's windows, keyed by {@code keyOf}, or by their record key when it is null. */
  private static Map<String, KpiOracle.Window> asWindows(Map<String, SiteKpi> sites,
      BiFunction<String, SiteKpi, String> keyOf) {
    Map<String, KpiOracle.Window> windows = new HashMap<>();
    sites.forEach((key, site) -> windows.put(keyOf == null ? key : keyOf.apply(key, site),
        new KpiOracle.Window(site.getSiteId(), site.getWindowStart().toEpochMilli(),
            site.getWindowEnd().toEpochMilli(), states(site.getStateMillis()), site.getUnitsTotal(),
            site.getUnitsGood(), site.getMachinesReporting(), site.getStateReasonMillis(), site.getDefectUnits(),
            site.getFailures(), site.getIdealProductiveMillis(), site.getOeeProductiveMillis(), site.getLocalDate(),
            site.getShift(), null, null)));
    return windows;
  }

  private static KpiOracle.Window window(MachineKpi kpi) {
    return new KpiOracle.Window(kpi.getMachineId(), kpi.getWindowStart().toEpochMilli(),
        kpi.getWindowEnd().toEpochMilli(), states(kpi.getStateMillis()), kpi.getUnitsTotal(), kpi.getUnitsGood(), 1,
        kpi.getStateReasonMillis(), kpi.getDefectUnits(), kpi.getFailures(),
        kpi.getIdealProductiveMillis() == null ? 0 : kpi.getIdealProductiveMillis(),
        kpi.getIdealCycleMillis() == null ? 0 : kpi.getStateMillis().getProductive(), kpi.getLocalDate(),
        kpi.getShift(), kpi.getMtbfMillis(), kpi.getMttrMillis());
  }

  private static long[] states(StateMillis s) {
    return new long[] {s.getProductive(), s.getStandby(), s.getEngineering(), s.getScheduledDown(),
        s.getUnscheduledDown(), s.getNonScheduled(), s.getUnknown()};
  }

  private static String key(String id, Instant windowStart) {
    return id + "@" + windowStart.toEpochMilli();
  }

  /**
   * The values a site record derives from its sums follow from them (docs/kpi-rules.md): uptime
   * over operations time, yield, output per hour of the window's real length, availability,
   * performance capped at 1, OEE.
   */
  private static void assertDerived(String key, SiteKpi site) {
    StateMillis s = site.getStateMillis();
    assertThat(site.getUptimeMillis()).as("uptime millis of %s", key).isEqualTo(up(s));
    assertThat(site.getDowntimeMillis()).as("downtime millis of %s", key).isEqualTo(down(s));
    Double performance = site.getOeeProductiveMillis() == 0 ? null
        : Math.min(1.0, (double) site.getIdealProductiveMillis() / site.getOeeProductiveMillis());
    assertRatios(key, s, site.getUnitsTotal(), site.getUnitsGood(), site.getOutput(), site.getOutputPerHour(),
        site.getWindowEnd().toEpochMilli() - site.getWindowStart().toEpochMilli(), performance,
        new Double[] {site.getUptime(), site.getYield(), site.getAvailability(), site.getPerformance(),
            site.getQuality(), site.getOee()});
  }

  private static void assertDerived(String key, MachineKpi kpi) {
    StateMillis s = kpi.getStateMillis();
    assertThat(kpi.getUptimeMillis()).as("uptime millis of %s", key).isEqualTo(up(s));
    assertThat(kpi.getDowntimeMillis()).as("downtime millis of %s", key).isEqualTo(down(s));
    Long ideal = kpi.getIdealCycleMillis();
    assertThat(kpi.getIdealProductiveMillis()).as("ideal productive millis of %s", key)
        .isEqualTo(ideal == null ? null : ideal * kpi.getUnitsTotal());
    Double performance = ideal == null || s.getProductive() == 0 ? null
        : Math.min(1.0, (double) ideal * kpi.getUnitsTotal() / s.getProductive());
    assertRatios(key, s, kpi.getUnitsTotal(), kpi.getUnitsGood(), kpi.getOutput(), kpi.getOutputPerHour(),
        kpi.getWindowEnd().toEpochMilli() - kpi.getWindowStart().toEpochMilli(), performance,
        new Double[] {kpi.getUptime(), kpi.getYield(), kpi.getAvailability(), kpi.getPerformance(),
            kpi.getQuality(), kpi.getOee()});
  }

  /** {@code actual}: uptime, yield, availability, performance, quality, OEE as published. */
  private static void assertRatios(String key, StateMillis s, long total, long good, long output,
      double outputPerHour, long windowMillis, Double performance, Double[] actual) {
    Double uptime = ratio(up(s), up(s) + down(s));
    Double quality = ratio(good, total);
    Double availability = ratio(s.getProductive(), s.getProductive() + s.getStandby() + s.getUnscheduledDown());
    Double oee = availability == null || performance == null || quality == null ? null
        : availability * performance * quality;
    String[] names = {"uptime", "yield", "availability", "performance", "quality", "oee"};
    Double[] expected = {uptime, quality, availability, performance, quality, oee};
    for (int i = 0; i < names.length; i++) {
      if (expected[i] == null) {
        assertThat(actual[i]).as("%s of %s", names[i], key).isNull();
      } else {
        assertThat(actual[i]).as("%s of %s", names[i], key).isCloseTo(expected[i], within(1e-12));
      }
    }
    assertThat(output).as("output of %s", key).isEqualTo(good);
    double perHour = good * 3_600_000.0 / windowMillis;
    assertThat(outputPerHour).as("output per hour of %s (%d ms)", key, windowMillis)
        .isCloseTo(perHour, within(1e-9 * Math.max(1.0, perHour)));
  }

  private static long up(StateMillis s) {
    return s.getProductive() + s.getStandby() + s.getEngineering();
  }

  private static long down(StateMillis s) {
    return s.getScheduledDown() + s.getUnscheduledDown();
  }

  private static Double ratio(long numerator, long denominator) {
    return denominator == 0 ? null : (double) numerator / denominator;
  }
}
