package io.plantstream.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.plantstream.avro.SiteKpi;
import io.plantstream.avro.TelemetryEvent;
import io.plantstream.producer.RunLimit;
import io.plantstream.producer.SimulationRunner;
import io.plantstream.producer.SimulationSummary;
import io.plantstream.producer.Speed;
import io.plantstream.producer.fault.FaultInjector;
import io.plantstream.producer.fault.FaultRates;
import io.plantstream.producer.model.Machine;
import io.plantstream.producer.model.PlantModel;
import io.plantstream.producer.publish.MachinesPublisher;
import io.plantstream.producer.publish.TelemetryPublisher;
import io.plantstream.producer.sim.PlantSimulator;
import io.plantstream.schemas.Topics;
import io.plantstream.streams.KpiApplication;
import io.plantstream.streams.KpiConfig;
import io.plantstream.streams.KpiStreamsConfig;
import io.plantstream.streams.MachineTimelineProcessor;
import io.plantstream.testing.KafkaFixture;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Partitioner;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Cluster;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * When site windows are final (docs/kpi-rules.md, "When a site window is final"), on a real broker: after a
 * backlog of six simulated hours published before the application starts, on partitions so uneven
 * that one runs hours ahead of the others, every site key equals the batch oracle, is final, and
 * was published once, with one instance and with two; a machine silent for two hours holds no
 * site window back; and a partition that receives nothing for a while holds nothing back either,
 * while what it sends when it speaks again corrects the site windows it missed.
 */
class SiteFinalityIT {

  @RegisterExtension static final KafkaFixture kafka = new KafkaFixture();

  private static final Logger log = LoggerFactory.getLogger(SiteFinalityIT.class);

  private static final Instant START = Instant.parse("2026-06-01T00:00:00Z");
  private static final Set<String> SITES = Set.of("tsmc-phx", "spil-az", "wistron-dal");
  private static final Duration BACKLOG = Duration.ofHours(6);
  private static final String FAULTS = "late=0.001,out-of-order=0.01,duplicate=0.005,corrupt=0.0005,skew=0.03,silence=0.05";
  /** Shorter than the default, so that the test does not wait long for the tail of the input. */
  private static final KpiConfig CONFIG = KpiConfig.defaults().withIdleAfter(Duration.ofSeconds(10));

  @TempDir Path stateDir;

  @ParameterizedTest(name = "{0} instance(s)")
  @ValueSource(ints = {1, 2})
  void afterASixHourBacklogOnUnevenPartitionsEverySiteKeyEqualsTheOracleAndIsFinal(int instances) throws Exception {
    Topics topics = kafka.uniqueTopics("backlog-" + instances);
    kafka.createTopics(topics, 4);
    PlantSimulator simulator = new PlantSimulator(PlantModel.loadDefault(), 5L, START, SITES);
    String lone = simulator.machines().get(simulator.machines().size() - 1).machineId();
    Map<String, Object> client = LonePartitioner.config(kafka.clientConfig(), lone);
    MachinesPublisher.publish(client, topics.machines(), simulator.machineInfos(), START);
    FaultInjector faults = new FaultInjector(FaultRates.parse(FAULTS), 5L,
        simulator.machines().stream().map(Machine::machineId).toList(), START, 0);
    SimulationSummary summary;
    try (TelemetryPublisher publisher = new TelemetryPublisher(client, topics.telemetry())) {
      summary = SimulationRunner.builder(simulator, publisher).speed(Speed.MAX).limit(RunLimit.of(BACKLOG))
          .faults(faults).build().run();
    }
    assertThat(summary.faults().skewedEvents()).isPositive();
    assertThat(summary.faults().silencedEvents()).isPositive();
    KpiComparison comparison = KpiComparison.recompute(kafka, topics, simulator.machineInfos(), CONFIG);
    // Three sites, five hours: the input ends before the sixth hour closes.
    assertThat(comparison.expected().siteHours()).hasSize(15);

    String applicationId = "backlog-it-" + System.nanoTime();
    List<KpiApplication> apps = new ArrayList<>();
    AtomicLong widestSpread = new AtomicLong();
    try {
      for (int i = 0; i < instances; i++) {
        apps.add(KpiApplication.forTopics(topics, CONFIG, KpiStreamsConfig.build(kafka.bootstrapServers(),
            applicationId, stateDir.resolve("instance-" + i), topics, Map.of())).start());
      }
      await().atMost(Duration.ofMinutes(8)).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
        widestSpread.accumulateAndGet(streamTimeSpread(apps), Math::max);
        comparison.assertComplete();
      });
    } finally {
      apps.forEach(KpiApplication::close);
    }

    assertThat(Duration.ofMillis(widestSpread.get())).as("one partition ran hours ahead of another")
        .isGreaterThan(Duration.ofHours(1));
    comparison.assertMatches();
    assertPublishedOnceFinal(kafka.readAll(topics.siteKpi1m()));
    assertPublishedOnceFinal(kafka.readAll(topics.siteKpi1h()));
    log.info("backlog of {} with {} instance(s): {} telemetry records; {} site minutes and {} site hours equal to the "
        + "oracle, each published once, final; {} machine minutes equal; partitions up to {} apart in event time",
        BACKLOG, instances, kafka.readAllRaw(topics.telemetry().name()).size(), comparison.expected().siteMinutes().size(),
        comparison.expected().siteHours().size(), comparison.expected().machineMinutes().size(),
        Duration.ofMillis(widestSpread.get()));
  }

  @Test
  void aMachineSilentForTwoHoursHoldsNoSiteWindowBack() throws Exception {
    Topics topics = kafka.uniqueTopics("silent");
    kafka.createTopics(topics, 2);
    PlantSimulator simulator = new PlantSimulator(PlantModel.loadDefault(), 9L, START, Set.of("spil-az"));
    String silent = simulator.machines().get(0).machineId();
    String neighbour = simulator.machines().get(1).machineId();
    Instant silenceFrom = START.plus(Duration.ofMinutes(10));
    Silence silence = Silence.of(simulator, silent, silenceFrom, silenceFrom.plus(Duration.ofHours(2)),
        Duration.ofMinutes(10));
    MachinesPublisher.publish(kafka.clientConfig(), topics.machines(), simulator.machineInfos(), START);

    try (KpiApplication app = start(topics, "silent")) {
      // The silent machine shares partition 0 with a neighbour that goes on: nothing waits for it.
      kafka.send(topics.telemetry(), records(topics, silence.all(), Set.of(silent, neighbour)));
      KpiComparison comparison = KpiComparison.recompute(kafka, topics, simulator.machineInfos(), CONFIG);
      await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(500))
          .untilAsserted(comparison::assertComplete);
      comparison.assertMatches();
    }
    List<ConsumerRecord<String, SiteKpi>> minutes = kafka.readAll(topics.siteKpi1m());
    assertPublishedOnceFinal(minutes);
    assertThat(minutes).extracting(record -> record.value().getMachinesReporting())
        .as("the silent machine is forgotten after an hour, the site minutes go on without it")
        .contains(simulator.machines().size() - 1);
  }

  @Test
  void anIdlePartitionHoldsNothingBackAndWhatItSendsWhenItSpeaksAgainCorrectsTheSiteWindows() throws Exception {
    Topics topics = kafka.uniqueTopics("idle");
    kafka.createTopics(topics, 2);
    PlantSimulator simulator = new PlantSimulator(PlantModel.loadDefault(), 9L, START, Set.of("spil-az"));
    String silent = simulator.machines().get(0).machineId();
    Instant silenceFrom = START.plus(Duration.ofMinutes(10));
    Instant silenceTo = silenceFrom.plus(Duration.ofHours(1));
    Silence silence = Silence.of(simulator, silent, silenceFrom, silenceTo, Duration.ofMinutes(10));
    MachinesPublisher.publish(kafka.clientConfig(), topics.machines(), simulator.machineInfos(), START);

    try (KpiApplication app = start(topics, "idle")) {
      // The silent machine alone on partition 0: while it is silent, its partition receives nothing.
      kafka.send(topics.telemetry(), records(topics, silence.before(), Set.of(silent)));
      long othersBoundary = CONFIG.closedUntil(silenceTo.toEpochMilli() - 1);
      await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
        Map<String, SiteKpi> published = KpiComparison.latest(kafka.readAll(topics.siteKpi1m()));
        assertThat(published.values()).allSatisfy(site -> assertThat(site.getFinal$()).isTrue());
        assertThat(published.values()).extracting(site -> site.getWindowEnd().toEpochMilli())
            .as("every minute up to the other partition's boundary is final").contains(othersBoundary);
      });
      assertThat(KpiComparison.latest(kafka.readAll(topics.siteKpi1m())))
          .hasSize((int) Duration.ofMillis(othersBoundary - START.toEpochMilli()).toMinutes());

      kafka.send(topics.telemetry(), records(topics, silence.after(), Set.of(silent)));
      KpiComparison comparison = KpiComparison.recompute(kafka, topics, simulator.machineInfos(), CONFIG);
      await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(500))
          .untilAsserted(comparison::assertComplete);
      comparison.assertMatches();
    }
    // The machine's last minutes before the silence, stale then UNKNOWN, came when its partition
    // moved on: those site minutes were published again, final, with the next revision.
    Map<String, SiteKpi> latest = KpiComparison.latest(kafka.readAll(topics.siteKpi1m()));
    SiteKpi duringSilence = minute(latest, silenceFrom.plus(Duration.ofMinutes(30)));
    assertThat(duringSilence.getRevision()).isEqualTo(2);
    assertThat(duringSilence.getFinal$()).isTrue();
    assertThat(duringSilence.getStateMillis().getUnknown()).isEqualTo(60_000);
    assertThat(minute(latest, silenceTo.plus(Duration.ofMinutes(5))).getRevision()).as("after its return").isEqualTo(1);
  }

  private KpiApplication start(Topics topics, String name) {
    return KpiApplication.forTopics(topics, CONFIG, KpiStreamsConfig.build(kafka.bootstrapServers(),
        name + "-it-" + System.nanoTime(), stateDir.resolve(name), topics, Map.of())).start();
  }

  private static SiteKpi minute(Map<String, SiteKpi> sites, Instant windowStart) {
    return sites.values().stream().filter(site -> site.getWindowStart().equals(windowStart)).findFirst().orElseThrow();
  }

  /**
   * A simulation in which one machine sends nothing in [from, to): its events before {@code to}
   * and those from {@code to} on, for {@code after} more simulated time.
   */
  private record Silence(List<TelemetryEvent> before, List<TelemetryEvent> after) {
    static Silence of(PlantSimulator simulator, String machine, Instant from, Instant to, Duration after) {
      List<TelemetryEvent> before = new ArrayList<>();
      List<TelemetryEvent> later = new ArrayList<>();
      Instant end = to.plus(after);
      for (TelemetryEvent event = simulator.next(); event.getEventTime().isBefore(end); event = simulator.next()) {
        boolean quiet = event.getMachineId().equals(machine) && !event.getEventTime().isBefore(from);
        if (event.getEventTime().isAfter(to) || event.getEventTime().equals(to)) {
          later.add(event);
        } else if (!quiet) {
          before.add(event);
        }
      }
      return new Silence(before, later);
    }

    List<TelemetryEvent> all() {
      List<TelemetryEvent> all = new ArrayList<>(before);
      all.addAll(after);
      return all;
    }
  }

  /** Every site key has one record: revision 1, final. */
  private static void assertPublishedOnceFinal(List<ConsumerRecord<String, SiteKpi>> records) {
    Map<String, Integer> perKey = new HashMap<>();
    records.forEach(record -> perKey.merge(record.key(), 1, Integer::sum));
    assertThat(perKey).allSatisfy((key, count) -> assertThat(count).as(key).isEqualTo(1));
    assertThat(records).allSatisfy(record -> {
      assertThat(record.value().getRevision()).isEqualTo(1);
      assertThat(record.value().getFinal$()).isTrue();
    });
  }

  /** The widest gap between the stream times of the telemetry partitions the instances hold now. */
  private static long streamTimeSpread(List<KpiApplication> apps) {
    List<Double> times = new ArrayList<>();
    for (KpiApplication app : apps) {
      app.streams().metrics().forEach((name, metric) -> {
        if (name.name().equals("stream-time") && name.group().contains(MachineTimelineProcessor.METRICS_SCOPE)
            && metric.metricValue() instanceof Double time && time > 0) {
          times.add(time);
        }
      });
    }
    return times.size() < 2 ? 0 : (long) (times.stream().mapToDouble(Double::doubleValue).max().orElseThrow()
        - times.stream().mapToDouble(Double::doubleValue).min().orElseThrow());
  }

  /** The events as records: those of {@code onPartition0} on partition 0, the others on partition 1. */
  private static List<ProducerRecord<String, TelemetryEvent>> records(Topics topics, List<TelemetryEvent> events,
      Set<String> onPartition0) {
    return events.stream().map(event -> new ProducerRecord<>(topics.telemetry().name(),
        onPartition0.contains(event.getMachineId()) ? 0 : 1, event.getEventTime().toEpochMilli(), event.getMachineId(),
        event)).toList();
  }

  /**
   * Puts one machine alone on partition 0 and spreads the others over the rest by their key, so
   * that partition 0 holds a fraction of the events of each other partition and a consumer reads
   * through it hours of event time ahead of them.
   */
  public static final class LonePartitioner implements Partitioner {
    private static final String LONE = "plantstream.test.lone.machine";
    private String lone;

    static Map<String, Object> config(Map<String, Object> client, String loneMachine) {
      Map<String, Object> config = new HashMap<>(client);
      config.put(ProducerConfig.PARTITIONER_CLASS_CONFIG, LonePartitioner.class.getName());
      config.put(LONE, loneMachine);
      return config;
    }

    @Override
    public void configure(Map<String, ?> configs) {
      lone = String.valueOf(configs.get(LONE));
    }

    @Override
    public int partition(String topic, Object key, byte[] keyBytes, Object value, byte[] valueBytes, Cluster cluster) {
      int partitions = cluster.partitionCountForTopic(topic);
      if (partitions < 2 || lone.equals(key)) {
        return 0;
      }
      return 1 + Utils.toPositive(Utils.murmur2(((String) key).getBytes(StandardCharsets.UTF_8))) % (partitions - 1);
    }

    @Override
    public void close() {}
  }
}
