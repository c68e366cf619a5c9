package io.plantstream.app.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.plantstream.avro.MachineInfo;
import io.plantstream.avro.SiteKpi;
import io.plantstream.avro.TelemetryEvent;
import io.plantstream.producer.SimulationRunner;
import io.plantstream.producer.Speed;
import io.plantstream.producer.TelemetrySource;
import io.plantstream.producer.fault.FaultInjector;
import io.plantstream.producer.fault.FaultRates;
import io.plantstream.producer.model.Machine;
import io.plantstream.producer.model.PlantModel;
import io.plantstream.producer.publish.MachinesPublisher;
import io.plantstream.producer.publish.TelemetryPublisher;
import io.plantstream.producer.sim.PlantSimulator;
import io.plantstream.schemas.Topic;
import io.plantstream.schemas.Topics;
import io.plantstream.streams.KpiApplication;
import io.plantstream.streams.KpiConfig;
import io.plantstream.streams.KpiStreamsConfig;
import io.plantstream.testing.KafkaFixture;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.KafkaStreams;

/**
 * What the dashboard's browser tests and the screenshot utility run: the five sites of the default
 * plant simulated from a fixed seed and start, published step by step ({@link #publishUntil}) to
 * fresh topics on a real broker, and one or more instances of the KPI application (one application
 * id), each with its HTTP server, as {@code plant demo} and {@code plant aggregate --http-port} run
 * them (idle after 5 s, as in the demo). Optionally one machine falls silent (the simulator's
 * {@code silence} fault).
 */
final class DashboardRig implements AutoCloseable {

  /** Telemetry partitions. */
  static final int PARTITIONS = 4;
  /** The demo's idle-after: simulated time runs fast, a few quiet seconds are a long quiet. */
  static final Duration IDLE_AFTER = Duration.ofSeconds(5);

  private final KafkaFixture kafka;
  private final Topics topics;
  private final PlantSimulator simulator;
  private final FaultInjector faults;
  private final TelemetryPublisher publisher;
  private final List<KpiHttpServer> https;
  private final List<KpiApplication> apps;
  private TelemetryEvent pending;
  private Instant publishedUntil;

  private DashboardRig(KafkaFixture kafka, Topics topics, PlantSimulator simulator, FaultInjector faults,
      TelemetryPublisher publisher, List<KpiHttpServer> https, List<KpiApplication> apps) {
    this.kafka = kafka;
    this.topics = topics;
    this.simulator = simulator;
    this.faults = faults;
    this.publisher = publisher;
    this.https = https;
    this.apps = apps;
    this.publishedUntil = simulator.start();
  }

  /**
   * Creates the topics, publishes the machines, starts {@code instances} instances of the KPI
   * application, each with its HTTP server, and waits until every instance runs and holds tasks; no
   * telemetry is published yet.
   *
   * @param faultStart the start the fault injector counts from: a silence begins 10 to 30 minutes after it
   * @param silence the ratio of machines that fall silent (at least one when positive), 0 for none
   */
  static DashboardRig start(KafkaFixture kafka, String name, long seed, Instant start, Instant faultStart,
      double silence, int instances, Path stateDir) throws IOException, InterruptedException {
    Topics topics = kafka.uniqueTopics(name);
    kafka.createTopics(topics, PARTITIONS);
    Map<String, Object> client = kafka.clientConfig();
    PlantSimulator simulator = new PlantSimulator(PlantModel.loadDefault(), seed, start, Set.of());
    FaultInjector faults = new FaultInjector(new FaultRates(0, 0, 0, 0, 0, silence), seed,
        simulator.machines().stream().map(Machine::machineId).toList(), faultStart, PARTITIONS);
    MachinesPublisher.publish(client, topics.machines(), simulator.machineInfos(), start);
    String applicationId = name + "-" + System.nanoTime();
    List<KpiHttpServer> https = new ArrayList<>();
    List<KpiApplication> apps = new ArrayList<>();
    DashboardRig rig = new DashboardRig(kafka, topics, simulator, faults,
        new TelemetryPublisher(client, topics.telemetry()), https, apps);
    try {
      for (int i = 0; i < instances; i++) {
        KpiHttpServer http = KpiHttpServer.start("127.0.0.1", 0);
        https.add(http);
        KpiApplication app = KpiApplication.forTopics(topics, KpiConfig.defaults().withIdleAfter(IDLE_AFTER),
            KpiStreamsConfig.build(kafka.bootstrapServers(), applicationId, stateDir.resolve("instance-" + i), topics,
                Map.of(), "127.0.0.1:" + http.port()));
        apps.add(app);
        http.serve(app, topics);
        app.start();
      }
      await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(200)).untilAsserted(() ->
          assertThat(apps).allSatisfy(app -> {
            assertThat(app.state()).isEqualTo(KafkaStreams.State.RUNNING);
            assertThat(app.streams().metadataForLocalThreads().stream()
                .mapToLong(thread -> thread.activeTasks().size()).sum()).as("active tasks").isPositive();
          }));
      return rig;
    } catch (RuntimeException | Error e) {
      rig.close();
      throw e;
    }
  }

  /** The dashboard's address on instance {@code i} (from 0). */
  String url(int i) {
    return "http://127.0.0.1:" + https.get(i).port() + "/";
  }

  /** The HTTP port of instance {@code i} (from 0): its dashboard and its KPI API. */
  int port(int i) {
    return https.get(i).port();
  }

  /** The dashboard's address on the first instance. */
  String url() {
    return url(0);
  }

  /** The instances, in the order they were started. */
  List<KpiApplication> apps() {
    return apps;
  }

  Topics topics() {
    return topics;
  }

  PlantSimulator simulator() {
    return simulator;
  }

  FaultInjector faults() {
    return faults;
  }

  /** Simulated time published so far: every event before it is on the telemetry topic. */
  Instant publishedUntil() {
    return publishedUntil;
  }

  /** The site of {@code machineId}. */
  String siteOf(String machineId) {
    return simulator.machineInfos().stream().filter(machine -> machine.getMachineId().equals(machineId))
        .map(MachineInfo::getSiteId).findFirst().orElseThrow();
  }

  /**
   * Publishes the simulated events before {@code end} that are not published yet, through the
   * fault injector, paced to {@code speed}, and waits for every acknowledgement.
   */
  void publishUntil(Instant end, Speed speed) throws InterruptedException {
    TelemetrySource upToEnd = new TelemetrySource() {
      @Override
      public Instant start() {
        return publishedUntil;
      }

      @Override
      public TelemetryEvent next() {
        if (pending == null) {
          pending = simulator.next();
        }
        if (!pending.getEventTime().isBefore(end)) {
          return null;
        }
        TelemetryEvent next = pending;
        pending = null;
        return next;
      }
    };
    SimulationRunner.builder(upToEnd, publisher).speed(speed).faults(faults).build().run();
    publishedUntil = end;
  }

  /** The latest final record of each site's newest final window on {@code topic}, by site. */
  Map<String, SiteKpi> newestFinal(Topic<String, SiteKpi> topic) {
    Map<String, SiteKpi> latestByKey = new LinkedHashMap<>();
    for (ConsumerRecord<String, SiteKpi> record : kafka.readAll(topic)) {
      latestByKey.put(record.key(), record.value());
    }
    Map<String, SiteKpi> newest = new TreeMap<>();
    for (SiteKpi kpi : latestByKey.values()) {
      if (kpi.getFinal$()) {
        newest.merge(kpi.getSiteId(), kpi, (a, b) -> b.getWindowStart().isAfter(a.getWindowStart()) ? b : a);
      }
    }
    return newest;
  }

  /** The broker's timestamp (LogAppendTime) of the latest record of each key on {@code topic}. */
  Map<String, Long> appendTimes(Topic<String, SiteKpi> topic) {
    Map<String, Long> times = new LinkedHashMap<>();
    for (ConsumerRecord<String, SiteKpi> record : kafka.readAll(topic)) {
      times.put(record.key(), record.timestamp());
    }
    return times;
  }

  /** The sites of the plant, by id. */
  List<String> sites() {
    return simulator.machines().stream().map(Machine::siteId).distinct().sorted().toList();
  }

  @Override
  public void close() {
    try {
      publisher.close();
    } finally {
      apps.forEach(KpiApplication::close);
      https.forEach(KpiHttpServer::close);
    }
  }
}
