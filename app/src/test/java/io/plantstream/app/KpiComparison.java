package io.plantstream.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import io.plantstream.avro.MachineInfo;
import io.plantstream.avro.MachineKpi;
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
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Compares what the pipeline wrote to the KPI topics with the batch oracle's recomputation from
 * the telemetry topic, key by key, and names the first keys that differ.
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
   * topics' serde reads them (either encoding; ids looked up in the topics' registry, if any).
   */
  public static KpiComparison recompute(KafkaFixture kafka, Topics topics, Collection<MachineInfo> machines,
      KpiConfig config) {
    Map<String, MachineInfo> byId = new HashMap<>();
    machines.forEach(info -> byId.put(info.getMachineId(), info));
    KpiOracle oracle = new KpiOracle(config.grace(), config.staleAfter(), config.forgetAfter(),
        config.maxFutureSkew()).decodingWith(topics.telemetrySerde()::decode);
    return new KpiComparison(kafka, topics, oracle.compute(kafka.readAllRaw(topics.telemetry().name()), byId));
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

  /** True once the output topics hold as many keys as the oracle expects. */
  public void assertComplete() {
    assertThat(latest(kafka.readAll(topics.siteKpi1h()))).hasSameSizeAs(expected.siteHours());
    assertThat(latest(kafka.readAll(topics.siteKpi1m()))).hasSameSizeAs(expected.siteMinutes());
    assertThat(kafka.readAll(topics.machineKpi1m())).hasSameSizeAs(expected.machineMinutes().values());
  }

  /** Every machine and site KPI equals the oracle's; the late topic holds the oracle's late events. */
  public void assertMatches() {
    Map<String, KpiOracle.Window> machines = new LinkedHashMap<>();
    for (ConsumerRecord<String, MachineKpi> record : kafka.readAll(topics.machineKpi1m())) {
      MachineKpi kpi = record.value();
      assertThat(record.key()).isEqualTo(KpiKeys.of(kpi.getMachineId(), kpi.getWindowStart().toEpochMilli()));
      assertThat(kpi.getFinal$()).isTrue();
      assertRatios(kpi.getStateMillis(), kpi.getUptime(), kpi.getUnitsTotal(), kpi.getUnitsGood(), kpi.getYield());
      assertThat(machines.put(key(kpi.getMachineId(), kpi.getWindowStart()), window(kpi)))
          .as("one record per machine and window: %s", record.key()).isNull();
    }
    assertSame("machine minutes", expected.machineMinutes(), machines);

    Map<String, SiteKpi> minutes = latest(kafka.readAll(topics.siteKpi1m()));
    assertSame("site minutes", expected.siteMinutes(), asWindows(minutes));
    assertSame("site hours", expected.siteHours(), asWindows(latest(kafka.readAll(topics.siteKpi1h()))));
    minutes.values().forEach(site -> {
      assertRatios(site.getStateMillis(), site.getUptime(), site.getUnitsTotal(), site.getUnitsGood(), site.getYield());
      assertThat(site.getFinal$()).as("final flag of %s", site.getSiteId() + "@" + site.getWindowStart())
          .isEqualTo(expected.siteMinuteFinal().get(key(site.getSiteId(), site.getWindowStart())));
    });
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
    kafka.readAll(topics.siteKpi1m()).forEach(record -> siteMinutes.putAll(asWindows(Map.of(record.key(), record.value()))));
    kafka.readAll(topics.siteKpi1h()).forEach(record -> siteHours.putAll(asWindows(Map.of(record.key(), record.value()))));
    return Differences.of(expected.machineMinutes(), machines)
        .plus(Differences.of(expected.siteMinutes(), siteMinutes))
        .plus(Differences.of(expected.siteHours(), siteHours));
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

  private static void assertSame(String what, Map<String, KpiOracle.Window> expected,
      Map<String, KpiOracle.Window> actual) {
    TreeSet<String> differing = new TreeSet<>();
    TreeSet<String> keys = new TreeSet<>(expected.keySet());
    keys.addAll(actual.keySet());
    for (String key : keys) {
      if (!java.util.Objects.equals(expected.get(key), actual.get(key))) {
        differing.add(key);
      }
    }
    List<String> firstFew = differing.stream().limit(3)
        .map(key -> key + ": expected " + expected.get(key) + " but was " + actual.get(key)).toList();
    assertThat(firstFew).as("%s differing from the oracle (%d of %d keys)", what, differing.size(), keys.size())
        .isEmpty();
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

  private static Map<String, KpiOracle.Window> asWindows(Map<String, SiteKpi> sites) {
    Map<String, KpiOracle.Window> windows = new HashMap<>();
    sites.values().forEach(site -> windows.put(key(site.getSiteId(), site.getWindowStart()),
        new KpiOracle.Window(site.getSiteId(), site.getWindowStart().toEpochMilli(),
            site.getWindowEnd().toEpochMilli(), states(site.getStateMillis()), site.getUnitsTotal(),
            site.getUnitsGood(), site.getMachinesReporting())));
    return windows;
  }

  private static KpiOracle.Window window(MachineKpi kpi) {
    return new KpiOracle.Window(kpi.getMachineId(), kpi.getWindowStart().toEpochMilli(),
        kpi.getWindowEnd().toEpochMilli(), states(kpi.getStateMillis()), kpi.getUnitsTotal(), kpi.getUnitsGood(), 1);
  }

  private static long[] states(StateMillis s) {
    return new long[] {s.getProductive(), s.getStandby(), s.getEngineering(), s.getScheduledDown(),
        s.getUnscheduledDown(), s.getNonScheduled(), s.getUnknown()};
  }

  private static String key(String id, Instant windowStart) {
    return id + "@" + windowStart.toEpochMilli();
  }

  /** Ratios follow from the sums: uptime over operations time, yield over units. */
  private static void assertRatios(StateMillis s, Double uptime, long total, long good, Double yield) {
    long up = s.getProductive() + s.getStandby() + s.getEngineering();
    long down = s.getScheduledDown() + s.getUnscheduledDown();
    if (up + down == 0) {
      assertThat(uptime).isNull();
    } else {
      assertThat(uptime).isCloseTo((double) up / (up + down), within(1e-12));
    }
    if (total == 0) {
      assertThat(yield).isNull();
    } else {
      assertThat(yield).isCloseTo((double) good / total, within(1e-12));
    }
  }
}
