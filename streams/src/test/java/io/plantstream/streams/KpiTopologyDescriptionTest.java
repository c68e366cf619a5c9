package io.plantstream.streams;

import static io.plantstream.avro.EquipmentState.PRODUCTIVE;
import static io.plantstream.testing.TestMachine.T0;
import static io.plantstream.testing.TestMachine.at;
import static org.assertj.core.api.Assertions.assertThat;

import io.plantstream.avro.MachineInfo;
import io.plantstream.avro.TelemetryEvent;
import io.plantstream.schemas.Topics;
import io.plantstream.testing.TestMachine;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyDescription;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The names in {@link KpiTopology}'s description, pinned: every source, processor, sink and store,
 * with the topics and stores of each node. The metrics of a KPI application instance read Kafka
 * Streams' metrics by these names (the KPI sinks, the processors' metric groups and the site stores
 * in the names of their metrics), so a rename must change this list, the constants and the metrics
 * code together.
 */
class KpiTopologyDescriptionTest {

  private static final Topics TOPICS = Topics.defaults();

  /** Every node, one line each, by sub-topology: {@code <kind> <name> [topics or stores]}. */
  private static final String EXPECTED = """
      global store machines-store
        source machines-source-source topics [plant.machines]
        processor machines-source stores [machines-store]
      global store sites-store
        source sites-source-source topics [plant.sites]
        processor sites-source stores [sites-store]
      sub-topology 1
        processor as-dead-letter stores []
        processor as-late-event stores []
        processor as-machine-kpi-1h stores []
        processor as-machine-kpi-1m stores []
        processor as-machine-kpi-day stores []
        processor as-machine-kpi-shift stores []
        processor calendar- stores []
        processor calendar-day stores []
        processor calendar-mark stores []
        processor calendar-shift stores []
        processor machine-calendar stores [machine-calendar-store]
        processor machine-calendar-input stores []
        processor machine-kpi-1m-key stores []
        processor machine-kpi-day-key stores []
        processor machine-timeline stores [machine-held-events-store, machine-kpi-revision-store, \
      machine-pending-events-store, machine-pending-open-store, machine-timeline-store, partition-clock-store]
        processor site-input-1h-repartition-filter stores []
        processor site-input-1m-repartition-filter stores []
        processor site-input-day-repartition-filter stores []
        processor site-input-shift-repartition-filter stores []
        processor site-kpi-1h-input stores []
        processor site-kpi-1h-key stores []
        processor site-kpi-1h-mark-input stores []
        processor site-kpi-1h-window-input stores []
        processor site-kpi-1m-input stores []
        processor site-kpi-1m-key stores []
        processor site-kpi-1m-mark-input stores []
        processor site-kpi-1m-window-input stores []
        processor site-kpi-day-input stores []
        processor site-kpi-day-key stores []
        processor site-kpi-day-mark-input stores []
        processor site-kpi-day-window-input stores []
        processor site-kpi-shift-input stores []
        processor site-kpi-shift-key stores []
        processor site-kpi-shift-mark-input stores []
        processor site-kpi-shift-window-input stores []
        processor timeline- stores []
        processor timeline-dead-letter stores []
        processor timeline-hour stores []
        processor timeline-late stores []
        processor timeline-mark stores []
        processor timeline-minute stores []
        sink dead-letter-sink topic plant.telemetry.dlq
        sink late-sink topic plant.telemetry.late
        sink machine-kpi-1m-sink topic plant.kpi.machine.1m
        sink machine-kpi-day-sink topic plant.kpi.machine.day
        sink site-input-1h-repartition-sink topic site-input-1h-repartition
        sink site-input-1m-repartition-sink topic site-input-1m-repartition
        sink site-input-day-repartition-sink topic site-input-day-repartition
        sink site-input-shift-repartition-sink topic site-input-shift-repartition
        source telemetry-source topics [plant.telemetry]
      sub-topology 2
        processor site-kpi-1m stores [site-kpi-1m-store, site-kpi-1m-store-marks, site-kpi-1m-store-parts]
        sink site-kpi-1m-sink topic plant.kpi.site.1m
        source site-input-1m-repartition-source topics [site-input-1m-repartition]
      sub-topology 3
        processor site-kpi-1h stores [site-kpi-1h-store, site-kpi-1h-store-marks, site-kpi-1h-store-parts]
        sink site-kpi-1h-sink topic plant.kpi.site.1h
        source site-input-1h-repartition-source topics [site-input-1h-repartition]
      sub-topology 4
        processor site-kpi-shift stores [site-kpi-shift-store, site-kpi-shift-store-marks, site-kpi-shift-store-parts]
        sink site-kpi-shift-sink topic plant.kpi.site.shift
        source site-input-shift-repartition-source topics [site-input-shift-repartition]
      sub-topology 5
        processor site-kpi-day stores [site-kpi-day-store, site-kpi-day-store-marks, site-kpi-day-store-parts]
        sink site-kpi-day-sink topic plant.kpi.site.day
        source site-input-day-repartition-source topics [site-input-day-repartition]
      """;

  @TempDir Path stateDir;

  @Test
  void everySourceProcessorSinkAndStoreKeepsItsName() {
    assertThat(snapshot(KpiTopology.build(TOPICS, KpiConfig.defaults(), 1).describe())).isEqualTo(EXPECTED);
  }

  @Test
  void theNamesTheMetricsReadAreInTheTopology() {
    TopologyDescription description = KpiTopology.build(TOPICS, KpiConfig.defaults(), 1).describe();
    Map<String, TopologyDescription.Node> nodes = nodes(description);

    // The emission lag is Kafka Streams' end-to-end latency at these sinks.
    assertThat(KpiTopology.kpiSinks(TOPICS)).extracting(KpiTopology.KpiSink::node)
        .containsExactly(KpiTopology.MACHINE_KPI_1M_SINK, KpiTopology.SITE_KPI_1M_SINK, KpiTopology.SITE_KPI_1H_SINK,
            KpiTopology.MACHINE_KPI_DAY_SINK, KpiTopology.SITE_KPI_SHIFT_SINK, KpiTopology.SITE_KPI_DAY_SINK);
    for (KpiTopology.KpiSink sink : KpiTopology.kpiSinks(TOPICS)) {
      assertThat(nodes.get(sink.node())).as(sink.node()).isInstanceOf(TopologyDescription.Sink.class);
      assertThat(((TopologyDescription.Sink) nodes.get(sink.node())).topic()).isEqualTo(sink.topic());
    }
    assertThat(KpiTopology.kpiSinks(TOPICS)).extracting(KpiTopology.KpiSink::window)
        .containsExactly(KpiWindow.MINUTE, KpiWindow.MINUTE, KpiWindow.HOUR, KpiWindow.DAY, KpiWindow.SHIFT,
            KpiWindow.DAY);

    // The close boundaries are read from the timeline's clock store; site KPIs and their
    // counters from the site stores of each window size.
    assertThat(stores(nodes.get(KpiTopology.MACHINE_TIMELINE))).contains(MachineTimelineProcessor.CLOCK_STORE);
    assertThat(stores(nodes.get(KpiTopology.SITE_KPI_1M))).contains(KpiWindow.MINUTE.siteStore(),
        KpiWindow.MINUTE.machinePartsStore());
    assertThat(stores(nodes.get(KpiTopology.SITE_KPI_1H))).contains(KpiWindow.HOUR.siteStore(),
        KpiWindow.HOUR.machinePartsStore());
    assertThat(nodes.get(KpiTopology.TELEMETRY_SOURCE)).isInstanceOf(TopologyDescription.Source.class);
    assertThat(nodes).containsKeys(KpiTopology.MACHINES_SOURCE, KpiTopology.LATE_SINK, KpiTopology.DEAD_LETTER_SINK);
  }

  @Test
  void theProcessorsRecordTheMetricsTheMetricsRead() {
    Properties config = KpiStreamsConfig.build("unused:9092", "kpi-description-test", stateDir, TOPICS, Map.of());
    try (TopologyTestDriver driver = new TopologyTestDriver(KpiTopology.build(TOPICS, KpiConfig.defaults(), 1),
        config)) {
      TestMachine litho = TestMachine.of("tsmc-phx", "tsmc-phx-litho", "tsmc-phx-litho-euv-01");
      TestInputTopic<String, MachineInfo> machines = driver.createInputTopic(TOPICS.machines().name(),
          TOPICS.machines().keySerde().serializer(), TOPICS.machines().valueSerde().serializer());
      TestInputTopic<String, TelemetryEvent> telemetry = driver.createInputTopic(TOPICS.telemetry().name(),
          TOPICS.telemetry().keySerde().serializer(), TOPICS.telemetry().valueSerde().serializer());
      machines.pipeInput(litho.id(), litho.info("euv-scanner", Duration.ofSeconds(20)), T0);
      for (String offset : List.of("0s", "30s", "1m", "1m30s", "2m")) {
        TelemetryEvent event = litho.heartbeat(PRODUCTIVE, at(T0, offset));
        telemetry.pipeInput(litho.id(), event, event.getEventTime());
      }

      Set<MetricName> metrics = driver.metrics().keySet();
      assertThat(names(metrics, MachineTimelineProcessor.METRICS_GROUP, MachineTimelineProcessor.METRICS_TASK_TAG))
          .contains(MachineTimelineProcessor.LATE_EVENTS + "-total", MachineTimelineProcessor.DUPLICATE_EVENTS + "-total",
              MachineTimelineProcessor.STREAM_TIME);
      Set<String> site = names(metrics, SiteKpiProcessor.METRICS_GROUP, SiteKpiProcessor.METRICS_TASK_TAG);
      for (KpiWindow window : KpiWindow.values()) {
        assertThat(site).contains(window.siteStore() + SiteKpiProcessor.CORRECTIONS + "-total",
            window.siteStore() + SiteKpiProcessor.EXPIRED_MACHINE_WINDOWS + "-total");
      }
      Set<String> e2eLatencyNodes = metrics.stream()
          .filter(metric -> metric.group().equals("stream-processor-node-metrics")
              && metric.name().equals("record-e2e-latency-max"))
          .map(metric -> metric.tags().get("processor-node-id")).collect(Collectors.toSet());
      assertThat(e2eLatencyNodes).containsAll(
          KpiTopology.kpiSinks(TOPICS).stream().map(KpiTopology.KpiSink::node).toList());
    }
  }

  /** The names of the metrics of {@code group} that carry the task in {@code taskTag}. */
  private static Set<String> names(Set<MetricName> metrics, String group, String taskTag) {
    return metrics.stream().filter(metric -> metric.group().equals(group) && metric.tags().containsKey(taskTag))
        .map(MetricName::name).collect(Collectors.toCollection(TreeSet::new));
  }

  private static Map<String, TopologyDescription.Node> nodes(TopologyDescription description) {
    List<TopologyDescription.Node> all = new ArrayList<>();
    description.subtopologies().forEach(subtopology -> all.addAll(subtopology.nodes()));
    description.globalStores().forEach(store -> {
      all.add(store.source());
      all.add(store.processor());
    });
    return all.stream().collect(Collectors.toMap(TopologyDescription.Node::name, node -> node));
  }

  private static Set<String> stores(TopologyDescription.Node node) {
    assertThat(node).isInstanceOf(TopologyDescription.Processor.class);
    return ((TopologyDescription.Processor) node).stores();
  }

  /** The description as {@link #EXPECTED} writes it: sub-topologies by id, nodes by kind and name. */
  private static String snapshot(TopologyDescription description) {
    StringBuilder out = new StringBuilder();
    description.globalStores().stream().sorted(Comparator.comparingInt(TopologyDescription.GlobalStore::id))
        .forEach(store -> {
          out.append("global store ").append(String.join(", ", new TreeSet<>(store.processor().stores())))
              .append('\n');
          out.append("  ").append(line(store.source())).append('\n');
          out.append("  ").append(line(store.processor())).append('\n');
        });
    description.subtopologies().stream().sorted(Comparator.comparingInt(TopologyDescription.Subtopology::id))
        .forEach(subtopology -> {
          out.append("sub-topology ").append(subtopology.id()).append('\n');
          subtopology.nodes().stream().map(KpiTopologyDescriptionTest::line).sorted()
              .forEach(line -> out.append("  ").append(line).append('\n'));
        });
    return out.toString();
  }

  private static String line(TopologyDescription.Node node) {
    if (node instanceof TopologyDescription.Source source) {
      return "source " + source.name() + " topics " + new TreeSet<>(source.topicSet());
    }
    if (node instanceof TopologyDescription.Sink sink) {
      return "sink " + sink.name() + " topic " + sink.topic();
    }
    return "processor " + node.name() + " stores " + new TreeSet<>(((TopologyDescription.Processor) node).stores());
  }
}
