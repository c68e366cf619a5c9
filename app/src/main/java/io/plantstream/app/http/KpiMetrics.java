package io.plantstream.app.http;

import io.plantstream.app.http.PrometheusText.MetricFamily;
import io.plantstream.app.http.PrometheusText.Sample;
import io.plantstream.app.http.PrometheusText.Type;
import io.plantstream.avro.SiteKpi;
import io.plantstream.schemas.Topics;
import io.plantstream.streams.KpiApplication;
import io.plantstream.streams.KpiStoreQueries;
import io.plantstream.streams.KpiWindow;
import io.plantstream.streams.MachineTimelineProcessor;
import io.plantstream.streams.SiteKpiProcessor;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.errors.InvalidStateStoreException;

/**
 * What {@code GET /metrics} exports for one KPI application instance, read at request time from
 * Kafka Streams' metrics, the application's dead-letter counts and the partition clocks in its
 * state stores.
 *
 * <p>plantstream's own families ({@code plantstream_*}): events in (total and per second), DLQ
 * records by reason, late events and duplicates dropped per task, KPI emission lag (wall-clock time
 * of emission minus the window's end) per KPI topic and task, stream time and close boundary per
 * telemetry partition, the client state, and per site and window size the KPIs of the newest final
 * window held here ({@code plantstream_site_*}). Then Kafka's own metrics that matter for operating it
 * ({@code kafka_<group>_<name>}): thread processing and commit rates, dropped records, end-to-end
 * latency of source and sink nodes, consumer lag, producer errors.
 */
public final class KpiMetrics {

  /** Kafka metrics worth exporting, by metric group; everything else stays out of the scrape. */
  static final Map<String, Set<String>> KAFKA_METRICS = Map.of(
      "stream-metrics", Set.of("alive-stream-threads", "failed-stream-threads"),
      "stream-thread-metrics", Set.of("process-rate", "process-total", "process-records-avg", "process-ratio",
          "commit-rate", "commit-total", "commit-latency-avg", "commit-latency-max", "poll-rate",
          "poll-records-avg", "punctuate-rate", "punctuate-total", "blocked-time-ns-total",
          "task-created-total", "task-closed-total"),
      "stream-task-metrics", Set.of("dropped-records-total", "enforced-processing-total", "active-process-ratio"),
      "stream-processor-node-metrics", Set.of("record-e2e-latency-avg", "record-e2e-latency-max",
          "record-e2e-latency-min"),
      "consumer-fetch-manager-metrics", Set.of("records-lag", "records-lag-max", "records-consumed-total",
          "records-consumed-rate"),
      "producer-metrics", Set.of("record-send-total", "record-error-total", "record-retry-total"));

  private static final String TIMELINE_GROUP = "stream-" + MachineTimelineProcessor.METRICS_SCOPE + "-metrics";
  private static final String TIMELINE_TASK_TAG = MachineTimelineProcessor.METRICS_SCOPE + "-id";
  private static final String SITE_GROUP = "stream-" + SiteKpiProcessor.METRICS_SCOPE + "-metrics";
  private static final String SITE_TASK_TAG = SiteKpiProcessor.METRICS_SCOPE + "-id";
  private static final String NODE_GROUP = "stream-processor-node-metrics";
  private static final String FETCH_GROUP = "consumer-fetch-manager-metrics";

  private final KpiApplication app;
  private final KpiStoreQueries stores;
  private final String telemetryTopic;
  private final Map<String, Sink> sinks = new LinkedHashMap<>();

  /** The KPI sink nodes of {@code KpiTopology} (names given there), with their topic and window. */
  private record Sink(String topic, KpiWindow window) {}

  /** Metrics of {@code app}, a running KPI topology over {@code topics}. */
  public KpiMetrics(KpiApplication app, KpiStoreQueries stores, Topics topics) {
    this.app = app;
    this.stores = stores;
    this.telemetryTopic = topics.telemetry().name();
    sinks.put("machine-kpi-1m-sink", new Sink(topics.machineKpi1m().name(), KpiWindow.MINUTE));
    sinks.put("site-kpi-1m-sink", new Sink(topics.siteKpi1m().name(), KpiWindow.MINUTE));
    sinks.put("site-kpi-1h-sink", new Sink(topics.siteKpi1h().name(), KpiWindow.HOUR));
  }

  /** The Prometheus text of every family, as {@code GET /metrics} answers it. */
  public String scrape() {
    return PrometheusText.render(collect());
  }

  /** Every family, plantstream's first. */
  public List<MetricFamily> collect() {
    Map<MetricName, ? extends Metric> metrics = app.streams().metrics();
    List<MetricFamily> families = new ArrayList<>();
    families.add(state());
    families.addAll(eventsIn(metrics));
    families.add(deadLetters());
    families.add(perTask(metrics, "late-events-total", "plantstream_late_events_total",
        "Events that came after their window closed, sent to the late topic, per task."));
    families.add(perTask(metrics, "duplicate-events-total", "plantstream_duplicate_events_total",
        "Events dropped because their event id was seen before, per task."));
    families.add(perSiteTask(metrics, "-corrections-total", "plantstream_site_corrections_total",
        "Final site windows published again because a machine window came after they were final (from a "
            + "partition that was idle), per window size and task."));
    families.add(perSiteTask(metrics, "-expired-machine-windows-total", "plantstream_site_expired_machine_windows_total",
        "Machine windows dropped because their site window was already forgotten, per window size and task."));
    families.addAll(emissionLag(metrics));
    families.addAll(clocks(metrics));
    families.addAll(siteKpis());
    families.addAll(kafka(metrics));
    return families;
  }

  private MetricFamily state() {
    KafkaStreams.State now = app.state();
    List<Sample> samples = new ArrayList<>();
    for (KafkaStreams.State state : KafkaStreams.State.values()) {
      samples.add(new Sample(Map.of("state", state.name()), state == now ? 1 : 0));
    }
    return new MetricFamily("plantstream_streams_state",
        "1 for the Kafka Streams state this instance is in (RUNNING when healthy), 0 for the others.",
        Type.GAUGE, samples);
  }

  private List<MetricFamily> eventsIn(Map<MetricName, ? extends Metric> metrics) {
    return List.of(
        new MetricFamily("plantstream_events_in_total",
            "Records read from the telemetry topic by this instance, bad ones included.", Type.COUNTER,
            List.of(Sample.of(telemetryConsumed(metrics, "records-consumed-total")))),
        new MetricFamily("plantstream_events_in_per_second",
            "Records read from the telemetry topic per second, over the last minute or so.", Type.GAUGE,
            List.of(Sample.of(telemetryConsumed(metrics, "records-consumed-rate")))));
  }

  /** Sum over the main consumers of a per-topic fetch metric of the telemetry topic. */
  private double telemetryConsumed(Map<MetricName, ? extends Metric> metrics, String name) {
    // Older clients tag topics with dots replaced by underscores; count one spelling only.
    double exact = 0;
    double underscored = 0;
    boolean sawExact = false;
    for (Map.Entry<MetricName, ? extends Metric> entry : metrics.entrySet()) {
      MetricName metric = entry.getKey();
      if (!metric.group().equals(FETCH_GROUP) || !metric.name().equals(name)) {
        continue;
      }
      String topic = metric.tags().get("topic");
      double value = value(entry.getValue());
      if (telemetryTopic.equals(topic)) {
        exact += value;
        sawExact = true;
      } else if (telemetryTopic.replace('.', '_').equals(topic)) {
        underscored += value;
      }
    }
    return sawExact ? exact : underscored;
  }

  private MetricFamily deadLetters() {
    List<Sample> samples = new ArrayList<>();
    app.deadLetters().snapshot().forEach((reason, count) -> samples.add(new Sample(Map.of("reason", reason), count)));
    return new MetricFamily("plantstream_dlq_records_total",
        "Records sent to the dead-letter topic by this instance, by reason "
            + "(corrupt, invalid-field, unknown-machine, future-skew).", Type.COUNTER, samples);
  }

  private static MetricFamily perTask(Map<MetricName, ? extends Metric> metrics, String kafkaName, String name,
      String help) {
    List<Sample> samples = new ArrayList<>();
    metrics.forEach((metric, value) -> {
      if (metric.group().equals(TIMELINE_GROUP) && metric.name().equals(kafkaName)) {
        String task = metric.tags().getOrDefault(TIMELINE_TASK_TAG, metric.tags().getOrDefault("task-id", ""));
        samples.add(new Sample(Map.of("task", task), value(value)));
      }
    });
    return new MetricFamily(name, help, Type.COUNTER, samples);
  }

  /** A counter of the site tasks ({@code <site store><suffix>}), labelled by window size and task. */
  private static MetricFamily perSiteTask(Map<MetricName, ? extends Metric> metrics, String suffix, String name,
      String help) {
    List<Sample> samples = new ArrayList<>();
    metrics.forEach((metric, value) -> {
      if (!metric.group().equals(SITE_GROUP) || !metric.name().endsWith(suffix)) {
        return;
      }
      String store = metric.name().substring(0, metric.name().length() - suffix.length());
      for (KpiWindow window : KpiWindow.values()) {
        if (window.siteStore().equals(store)) {
          String task = metric.tags().getOrDefault(SITE_TASK_TAG, "");
          samples.add(new Sample(Map.of("window", window.label(), "task", task), value(value)));
        }
      }
    });
    return new MetricFamily(name, help, Type.COUNTER, samples);
  }

  /**
   * Kafka Streams measures end-to-end latency at each sink as wall-clock time minus the record
   * timestamp; a KPI record's timestamp is its window's start, so minus the window length it is the
   * time from the window's end (the newest event time it can hold) to the record's emission.
   */
  private List<MetricFamily> emissionLag(Map<MetricName, ? extends Metric> metrics) {
    Map<String, List<Sample>> byStat = new LinkedHashMap<>();
    byStat.put("avg", new ArrayList<>());
    byStat.put("max", new ArrayList<>());
    metrics.forEach((metric, value) -> {
      Sink sink = sinks.get(metric.tags().get("processor-node-id"));
      if (sink == null || !metric.group().equals(NODE_GROUP) || !metric.name().startsWith("record-e2e-latency-")) {
        return;
      }
      List<Sample> samples = byStat.get(metric.name().substring("record-e2e-latency-".length()));
      if (samples != null) {
        double lagMillis = value(value) - sink.window().millis();
        samples.add(new Sample(Map.of("topic", sink.topic(), "task", metric.tags().getOrDefault("task-id", "")),
            lagMillis / 1000.0));
      }
    });
    return List.of(
        new MetricFamily("plantstream_kpi_emission_lag_seconds_avg",
            "Average time from a window's end (event time) to the emission of its KPI record (wall clock), "
                + "over the last minute or so, per KPI topic and task.", Type.GAUGE, byStat.get("avg")),
        new MetricFamily("plantstream_kpi_emission_lag_seconds_max",
            "Largest time from a window's end (event time) to the emission of its KPI record (wall clock), "
                + "over the last minute or so, per KPI topic and task.", Type.GAUGE, byStat.get("max")));
  }

  /**
   * Stream time per telemetry partition, from the {@code stream-time} metric of the timeline scope;
   * the close boundary from the partition's clock store.
   */
  private List<MetricFamily> clocks(Map<MetricName, ? extends Metric> metrics) {
    Map<String, Double> streamTime = new TreeMap<>();
    Map<String, Double> closedUntil = new TreeMap<>();
    try {
      for (KpiStoreQueries.PartitionClock clock : stores.localPartitionClocks()) {
        if (clock.closedUntil() != null) {
          closedUntil.put(clock.task(), seconds(clock.closedUntil()));
        }
      }
    } catch (InvalidStateStoreException notQueryable) {
      // starting or rebalancing: no boundaries to show right now
    }
    metrics.forEach((metric, value) -> {
      double millis = value(value);
      if (metric.group().equals(TIMELINE_GROUP) && metric.name().equals("stream-time") && Double.isFinite(millis)) {
        String task = metric.tags().getOrDefault(TIMELINE_TASK_TAG, metric.tags().getOrDefault("task-id", ""));
        streamTime.put(task, millis / 1000.0);
      }
    });
    return List.of(
        new MetricFamily("plantstream_stream_time_seconds",
            "Stream time of each telemetry partition active here: the largest accepted event time, "
                + "in seconds since the epoch.", Type.GAUGE, perPartition(streamTime)),
        new MetricFamily("plantstream_closed_until_seconds",
            "Close boundary of each telemetry partition active here: every window ending at or before it "
                + "is closed, in seconds since the epoch.", Type.GAUGE, perPartition(closedUntil)));
  }

  /**
   * Per site and window size, the KPIs of the newest final site window in this instance's stores.
   * Site windows are spread over the instances by key, so with several instances each exports the
   * newest it holds: {@code plantstream_site_window_start_seconds} tells which is the newest overall.
   */
  private List<MetricFamily> siteKpis() {
    Map<String, List<Sample>> byName = new LinkedHashMap<>();
    for (SiteGauge gauge : SiteGauge.values()) {
      byName.put(gauge.name, new ArrayList<>());
    }
    try {
      for (KpiWindow window : KpiWindow.values()) {
        stores.localNewestFinalSiteKpis(window).forEach((site, kpi) -> {
          Map<String, String> labels = Map.of("site", site, "window", window.label());
          for (SiteGauge gauge : SiteGauge.values()) {
            Double value = gauge.read.apply(kpi);
            if (value != null) {
              byName.get(gauge.name).add(new Sample(labels, value));
            }
          }
        });
      }
    } catch (InvalidStateStoreException notQueryable) {
      // starting or rebalancing: no site KPIs to show right now
    }
    return Arrays.stream(SiteGauge.values())
        .map(gauge -> new MetricFamily(gauge.name, gauge.help, Type.GAUGE, byName.get(gauge.name)))
        .toList();
  }

  /** The site KPI gauges; a ratio that is undefined for the window (no unit, no scheduled time) is left out. */
  enum SiteGauge {
    WINDOW_START("plantstream_site_window_start_seconds", "Start of the newest final window of the site held "
        + "here, in seconds since the epoch; the plantstream_site_* gauges of the same labels describe it.",
        kpi -> kpi.getWindowStart().toEpochMilli() / 1000.0),
    YIELD("plantstream_site_yield_ratio", "Yield of the site in that window: good units / units completed.",
        SiteKpi::getYield),
    OUTPUT("plantstream_site_output_units", "Output of the site in that window: good units completed.",
        kpi -> (double) kpi.getOutput()),
    OUTPUT_PER_HOUR("plantstream_site_output_per_hour", "Output of the site in that window, scaled to one hour.",
        SiteKpi::getOutputPerHour),
    UNITS("plantstream_site_units_completed", "Units the site completed in that window, good or not.",
        kpi -> (double) kpi.getUnitsTotal()),
    UPTIME("plantstream_site_uptime_ratio", "Uptime of the site in that window: up time / (up + down time).",
        SiteKpi::getUptime),
    OEE("plantstream_site_oee_ratio", "OEE of the site in that window: availability x performance x quality.",
        SiteKpi::getOee),
    MACHINES("plantstream_site_machines_reporting", "Machines of the site that reported that window.",
        kpi -> (double) kpi.getMachinesReporting());

    /** The family name. */
    final String name;
    private final String help;
    private final Function<SiteKpi, Double> read;

    SiteGauge(String name, String help, Function<SiteKpi, Double> read) {
      this.name = name;
      this.help = help;
      this.read = read;
    }
  }

  /** Samples labelled with the task and its partition (a task id is {@code <subtopology>_<partition>}). */
  private static List<Sample> perPartition(Map<String, Double> byTask) {
    List<Sample> samples = new ArrayList<>();
    byTask.forEach((task, value) -> samples.add(new Sample(
        Map.of("task", task, "partition", task.substring(task.indexOf('_') + 1)), value)));
    return samples;
  }

  private static double seconds(Instant instant) {
    return instant.toEpochMilli() / 1000.0;
  }

  private static List<MetricFamily> kafka(Map<MetricName, ? extends Metric> metrics) {
    // Consumers register per-topic metrics twice, the topic tag once as is and once with dots as
    // underscores (the older spelling); export one.
    Set<String> topics = metrics.keySet().stream().map(metric -> metric.tags().get("topic"))
        .filter(topic -> topic != null && topic.contains(".")).collect(Collectors.toSet());
    Set<String> oldSpellings = topics.stream().map(topic -> topic.replace('.', '_'))
        .filter(topic -> !topics.contains(topic)).collect(Collectors.toSet());
    Map<String, MetricFamily> families = new LinkedHashMap<>();
    Map<String, List<Sample>> samples = new LinkedHashMap<>();
    metrics.entrySet().stream()
        .filter(entry -> KAFKA_METRICS.getOrDefault(entry.getKey().group(), Set.of()).contains(entry.getKey().name()))
        .filter(entry -> !oldSpellings.contains(entry.getKey().tags().get("topic")))
        .filter(entry -> entry.getValue().metricValue() instanceof Number)
        .sorted(Map.Entry.comparingByKey(Comparator.comparing(MetricName::group)
            .thenComparing(MetricName::name).thenComparing(metric -> metric.tags().toString())))
        .forEach(entry -> {
          MetricFamily family = kafkaFamily(entry.getKey());
          families.putIfAbsent(family.name(), family);
          Map<String, String> labels = new LinkedHashMap<>();
          entry.getKey().tags().forEach((tag, tagValue) -> labels.put(PrometheusText.labelName(tag), tagValue));
          samples.computeIfAbsent(family.name(), name -> new ArrayList<>()).add(new Sample(labels, value(entry.getValue())));
        });
    return families.values().stream()
        .map(family -> new MetricFamily(family.name(), family.help(), family.type(), samples.get(family.name())))
        .toList();
  }

  /** The empty family a Kafka metric belongs to: {@code kafka_<group without -metrics>_<name>}. */
  static MetricFamily kafkaFamily(MetricName metric) {
    String group = metric.group().endsWith("-metrics")
        ? metric.group().substring(0, metric.group().length() - "-metrics".length()) : metric.group();
    String name = PrometheusText.metricName("kafka_" + group + "_" + metric.name());
    String help = metric.description() == null || metric.description().isBlank()
        ? "Kafka metric " + metric.group() + " " + metric.name() : metric.description();
    return new MetricFamily(name, help, metric.name().endsWith("-total") ? Type.COUNTER : Type.GAUGE, List.of());
  }

  private static double value(Metric metric) {
    return metric.metricValue() instanceof Number number ? number.doubleValue() : Double.NaN;
  }
}
