package io.plantstream.app.http;

import io.micrometer.core.instrument.Tags;
import io.plantstream.app.http.ScrapedFamily.Type;
import io.plantstream.avro.SiteKpi;
import io.plantstream.schemas.Topics;
import io.plantstream.streams.KpiApplication;
import io.plantstream.streams.KpiStoreQueries;
import io.plantstream.streams.KpiTopology;
import io.plantstream.streams.KpiWindow;
import io.plantstream.streams.MachineTimelineProcessor;
import io.plantstream.streams.SiteKpiProcessor;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.errors.InvalidStateStoreException;

/**
 * plantstream's own meters of one KPI application instance, in the command's
 * {@link CommandMetrics} registry next to Kafka Streams' metrics, read at each scrape from Kafka
 * Streams' metrics (the processors' own and the telemetry consumers'), the application's
 * dead-letter counts and its state stores.
 *
 * <p>Events in (total and per second), DLQ records by reason, late events and duplicates dropped
 * per task, KPI emission lag (wall-clock time of emission minus the window's end) per KPI topic and
 * task, stream time and close boundary per telemetry partition, the client state, and per site and
 * window (1m, 1h, shift, day) the KPIs of the newest final window held here
 * ({@code plantstream_site_*}), with the losses by state and reason and the failed units by defect
 * code of the newest final hour, shift and day ({@code plantstream_site_loss_seconds},
 * {@code plantstream_site_defect_units}). The
 * names of the topology's nodes and of the processors' metrics it reads are the topology's own
 * constants ({@link KpiTopology}, {@link MachineTimelineProcessor}, {@link SiteKpiProcessor}).
 */
public final class KpiMetrics {

  private static final String NODE_GROUP = "stream-processor-node-metrics";
  private static final String FETCH_GROUP = "consumer-fetch-manager-metrics";
  private static final String E2E_LATENCY = "record-e2e-latency-";

  /** Losses by state and reason of the newest final windows of {@link #LOSS_WINDOWS}. */
  static final String LOSS_SECONDS = "plantstream_site_loss_seconds";
  /** Failed units by defect code of the newest final windows of {@link #LOSS_WINDOWS}. */
  static final String DEFECT_UNITS = "plantstream_site_defect_units";
  /** The windows whose losses and defects are exported: a minute's are too many series for too little. */
  static final Set<KpiWindow> LOSS_WINDOWS = Set.of(KpiWindow.HOUR, KpiWindow.SHIFT, KpiWindow.DAY);

  private final KpiApplication app;
  private final KpiStoreQueries stores;
  private final String telemetryTopic;
  /** The KPI sinks by node name. */
  private final Map<String, KpiTopology.KpiSink> sinks = new HashMap<>();

  private final ScrapedFamily state;
  private final ScrapedFamily eventsIn;
  private final ScrapedFamily eventsPerSecond;
  private final ScrapedFamily deadLetters;
  private final ScrapedFamily late;
  private final ScrapedFamily duplicates;
  private final ScrapedFamily corrections;
  private final ScrapedFamily expired;
  private final ScrapedFamily lagAvg;
  private final ScrapedFamily lagMax;
  private final ScrapedFamily streamTime;
  private final ScrapedFamily closedUntil;
  private final Map<SiteGauge, ScrapedFamily> siteKpis = new EnumMap<>(SiteGauge.class);
  private final ScrapedFamily siteLosses;
  private final ScrapedFamily siteDefects;

  /** Registers the meters of {@code app}, a running KPI topology over {@code topics}, in {@code metrics}. */
  public KpiMetrics(KpiApplication app, KpiStoreQueries stores, Topics topics, CommandMetrics metrics) {
    this.app = app;
    this.stores = stores;
    this.telemetryTopic = topics.telemetry().name();
    KpiTopology.kpiSinks(topics).forEach(sink -> sinks.put(sink.node(), sink));
    var registry = metrics.registry();
    state = new ScrapedFamily(registry, "plantstream_streams_state",
        "1 for the Kafka Streams state this instance is in (RUNNING when healthy), 0 for the others.", Type.GAUGE);
    eventsIn = new ScrapedFamily(registry, "plantstream_events_in_total",
        "Records read from the telemetry topic by this instance, bad ones included.", Type.COUNTER);
    eventsPerSecond = new ScrapedFamily(registry, "plantstream_events_in_per_second",
        "Records read from the telemetry topic per second, over the last minute or so.", Type.GAUGE);
    deadLetters = new ScrapedFamily(registry, "plantstream_dlq_records_total",
        "Records sent to the dead-letter topic by this instance, by reason "
            + "(corrupt, invalid-field, unknown-machine, future-skew).", Type.COUNTER);
    late = new ScrapedFamily(registry, "plantstream_late_events_total",
        "Events that came after their window closed, sent to the late topic, per task.", Type.COUNTER);
    duplicates = new ScrapedFamily(registry, "plantstream_duplicate_events_total",
        "Events dropped because their event id was seen before, per task.", Type.COUNTER);
    corrections = new ScrapedFamily(registry, "plantstream_site_corrections_total",
        "Final site windows published again because a machine window came after they were final (from a "
            + "partition that was idle), per window size and task.", Type.COUNTER);
    expired = new ScrapedFamily(registry, "plantstream_site_expired_machine_windows_total",
        "Machine windows dropped because their site window was already forgotten, per window size and task.",
        Type.COUNTER);
    lagAvg = new ScrapedFamily(registry, "plantstream_kpi_emission_lag_seconds_avg",
        "Average time from a window's end (event time) to the emission of its KPI record (wall clock), "
            + "over the last minute or so, per KPI topic of minutes or hours and task.", Type.GAUGE);
    lagMax = new ScrapedFamily(registry, "plantstream_kpi_emission_lag_seconds_max",
        "Largest time from a window's end (event time) to the emission of its KPI record (wall clock), "
            + "over the last minute or so, per KPI topic of minutes or hours and task.", Type.GAUGE);
    streamTime = new ScrapedFamily(registry, "plantstream_stream_time_seconds",
        "Stream time of each telemetry partition active here: the largest accepted event time, "
            + "in seconds since the epoch.", Type.GAUGE);
    closedUntil = new ScrapedFamily(registry, "plantstream_closed_until_seconds",
        "Close boundary of each telemetry partition active here: every window ending at or before it "
            + "is closed, in seconds since the epoch.", Type.GAUGE);
    for (SiteGauge gauge : SiteGauge.values()) {
      siteKpis.put(gauge, new ScrapedFamily(registry, gauge.name, gauge.help, Type.GAUGE));
    }
    siteLosses = new ScrapedFamily(registry, LOSS_SECONDS, "Time the site's machines spent in a state other than "
        + "PRODUCTIVE for one reason in the newest final window of the site held here (1h, shift, day), in "
        + "seconds; plantstream_site_window_start_seconds of the same site and window says which window.",
        Type.GAUGE);
    siteDefects = new ScrapedFamily(registry, DEFECT_UNITS, "Failed units of the site by defect code in the "
        + "newest final window of the site held here (1h, shift, day).", Type.GAUGE);
    metrics.beforeScrape(this::update);
  }

  /** Reads every value now. */
  void update() {
    Map<MetricName, ? extends Metric> metrics = app.streams().metrics();
    state.set(state());
    eventsIn.set(Map.of(Tags.empty(), telemetryConsumed(metrics, "records-consumed-total")));
    eventsPerSecond.set(Map.of(Tags.empty(), telemetryConsumed(metrics, "records-consumed-rate")));
    Map<Tags, Double> reasons = new HashMap<>();
    app.deadLetters().snapshot().forEach((reason, count) -> reasons.put(Tags.of("reason", reason), (double) count));
    deadLetters.set(reasons);
    late.set(perTimelineTask(metrics, MachineTimelineProcessor.LATE_EVENTS + "-total"));
    duplicates.set(perTimelineTask(metrics, MachineTimelineProcessor.DUPLICATE_EVENTS + "-total"));
    corrections.set(perSiteTask(metrics, SiteKpiProcessor.CORRECTIONS + "-total"));
    expired.set(perSiteTask(metrics, SiteKpiProcessor.EXPIRED_MACHINE_WINDOWS + "-total"));
    lagAvg.set(emissionLag(metrics, "avg"));
    lagMax.set(emissionLag(metrics, "max"));
    streamTime.set(streamTime(metrics));
    closedUntil.set(closedUntil());
    siteKpis();
  }

  private Map<Tags, Double> state() {
    KafkaStreams.State now = app.state();
    Map<Tags, Double> states = new HashMap<>();
    for (KafkaStreams.State state : KafkaStreams.State.values()) {
      states.put(Tags.of("state", state.name()), state == now ? 1.0 : 0.0);
    }
    return states;
  }

  /** Sum over the main consumers of a per-topic fetch metric of the telemetry topic. */
  private double telemetryConsumed(Map<MetricName, ? extends Metric> metrics, String name) {
    // Consumers also tag topics with dots replaced by underscores; count one spelling only.
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

  /** A metric of the timeline tasks, labelled by task. */
  private static Map<Tags, Double> perTimelineTask(Map<MetricName, ? extends Metric> metrics, String name) {
    Map<Tags, Double> samples = new HashMap<>();
    metrics.forEach((metric, value) -> {
      if (metric.group().equals(MachineTimelineProcessor.METRICS_GROUP) && metric.name().equals(name)) {
        samples.put(Tags.of("task", timelineTask(metric)), value(value));
      }
    });
    return samples;
  }

  private static String timelineTask(MetricName metric) {
    return metric.tags().getOrDefault(MachineTimelineProcessor.METRICS_TASK_TAG,
        metric.tags().getOrDefault("task-id", ""));
  }

  /** A counter of the site tasks ({@code <site store><suffix>}), labelled by window size and task. */
  private static Map<Tags, Double> perSiteTask(Map<MetricName, ? extends Metric> metrics, String suffix) {
    Map<Tags, Double> samples = new HashMap<>();
    metrics.forEach((metric, value) -> {
      if (!metric.group().equals(SiteKpiProcessor.METRICS_GROUP) || !metric.name().endsWith(suffix)) {
        return;
      }
      String store = metric.name().substring(0, metric.name().length() - suffix.length());
      for (KpiWindow window : KpiWindow.values()) {
        if (window.siteStore().equals(store)) {
          String task = metric.tags().getOrDefault(SiteKpiProcessor.METRICS_TASK_TAG, "");
          samples.put(Tags.of("window", window.label(), "task", task), value(value));
        }
      }
    });
    return samples;
  }

  /**
   * Kafka Streams measures end-to-end latency at each sink as wall-clock time minus the record
   * timestamp; a KPI record's timestamp is its window's start, so minus the window length it is the
   * time from the window's end (the newest event time it can hold) to the record's emission. The
   * shifts and days have no one length (a day is 23 to 25 hours, shifts differ), so their sinks
   * are left out: one number per sink cannot say how long after its end each window went out.
   */
  private Map<Tags, Double> emissionLag(Map<MetricName, ? extends Metric> metrics, String stat) {
    Map<Tags, Double> samples = new HashMap<>();
    metrics.forEach((metric, value) -> {
      KpiTopology.KpiSink sink = sinks.get(metric.tags().get("processor-node-id"));
      if (sink != null && !sink.window().calendar() && metric.group().equals(NODE_GROUP)
          && metric.name().equals(E2E_LATENCY + stat)) {
        double lagMillis = value(value) - sink.window().millis();
        samples.put(Tags.of("topic", sink.topic(), "task", metric.tags().getOrDefault("task-id", "")),
            lagMillis / 1000.0);
      }
    });
    return samples;
  }

  /** Stream time per telemetry partition, from the timeline's {@code stream-time} metric. */
  private static Map<Tags, Double> streamTime(Map<MetricName, ? extends Metric> metrics) {
    Map<String, Double> byTask = new HashMap<>();
    metrics.forEach((metric, value) -> {
      double millis = value(value);
      if (metric.group().equals(MachineTimelineProcessor.METRICS_GROUP)
          && metric.name().equals(MachineTimelineProcessor.STREAM_TIME) && Double.isFinite(millis)) {
        byTask.put(timelineTask(metric), millis / 1000.0);
      }
    });
    return perPartition(byTask);
  }

  /** The close boundary per telemetry partition, from the partition's clock store. */
  private Map<Tags, Double> closedUntil() {
    Map<String, Double> byTask = new HashMap<>();
    try {
      for (KpiStoreQueries.PartitionClock clock : stores.localPartitionClocks()) {
        if (clock.closedUntil() != null) {
          byTask.put(clock.task(), clock.closedUntil().toEpochMilli() / 1000.0);
        }
      }
    } catch (InvalidStateStoreException notQueryable) {
      // starting or rebalancing: no boundaries to show right now
    }
    return perPartition(byTask);
  }

  /**
   * Per site and window, the KPIs of the newest final site window in this instance's stores, and
   * the losses and defects of the newest final hour, shift and day. Site windows are spread over
   * the instances by key, so with several instances each exports the newest it holds:
   * {@code plantstream_site_window_start_seconds} tells which is the newest overall. A window whose
   * store is not queryable right now (starting, rebalancing) is left out; the others are exported.
   */
  private void siteKpis() {
    Map<KpiWindow, Map<String, SiteKpi>> newest = new EnumMap<>(KpiWindow.class);
    for (KpiWindow window : KpiWindow.values()) {
      try {
        newest.put(window, stores.localNewestFinalSiteKpis(window));
      } catch (InvalidStateStoreException notQueryable) {
        // starting or rebalancing: no site KPIs of this window to show right now
      }
    }
    Map<String, Map<Tags, Double>> samples = siteSamples(newest);
    siteKpis.forEach((gauge, family) -> family.set(samples.get(gauge.name)));
    siteLosses.set(samples.get(LOSS_SECONDS));
    siteDefects.set(samples.get(DEFECT_UNITS));
  }

  /**
   * The samples of the site families, by family name (every family present, possibly empty), for
   * the newest final site window of each window and site.
   */
  static Map<String, Map<Tags, Double>> siteSamples(Map<KpiWindow, Map<String, SiteKpi>> newest) {
    Map<String, Map<Tags, Double>> samples = new HashMap<>();
    for (SiteGauge gauge : SiteGauge.values()) {
      samples.put(gauge.name, new HashMap<>());
    }
    samples.put(LOSS_SECONDS, new HashMap<>());
    samples.put(DEFECT_UNITS, new HashMap<>());
    newest.forEach((window, bySite) -> bySite.forEach((site, kpi) -> {
      Tags labels = Tags.of("site", site, "window", window.label());
      for (SiteGauge gauge : SiteGauge.values()) {
        Double value = gauge.read.apply(kpi);
        if (value != null) {
          samples.get(gauge.name).put(labels, value);
        }
      }
      if (LOSS_WINDOWS.contains(window)) {
        for (LossPareto.Loss loss : LossPareto.losses(kpi.getStateReasonMillis())) {
          samples.get(LOSS_SECONDS).put(labels.and("state", loss.state(), "reason", loss.reason()),
              loss.millis() / 1000.0);
        }
        for (LossPareto.Defect defect : LossPareto.defects(kpi.getDefectUnits())) {
          samples.get(DEFECT_UNITS).put(labels.and("code", defect.code()), (double) defect.units());
        }
      }
    }));
    return samples;
  }

  /** The site KPI gauges; a ratio that is undefined for the window (no unit, no scheduled time) is left out. */
  enum SiteGauge {
    WINDOW_START("plantstream_site_window_start_seconds", "Start of the newest final window of the site held "
        + "here, in seconds since the epoch; the plantstream_site_* gauges of the same labels describe it.",
        kpi -> kpi.getWindowStart().toEpochMilli() / 1000.0),
    WINDOW_END("plantstream_site_window_end_seconds", "End of that window, in seconds since the epoch "
        + "(shifts and days vary in length).", kpi -> kpi.getWindowEnd().toEpochMilli() / 1000.0),
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
        kpi -> (double) kpi.getMachinesReporting()),
    FAILURES("plantstream_site_failures", "Failures of the site's machines in that window: entries into "
        + "UNSCHEDULED_DOWN from another known state.", kpi -> (double) kpi.getFailures());

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

  /** Values labelled with the task and its partition (a task id is {@code <subtopology>_<partition>}). */
  private static Map<Tags, Double> perPartition(Map<String, Double> byTask) {
    Map<Tags, Double> samples = new HashMap<>();
    byTask.forEach((task, value) -> samples.put(
        Tags.of("task", task, "partition", task.substring(task.indexOf('_') + 1)), value));
    return samples;
  }

  private static double value(Metric metric) {
    return metric.metricValue() instanceof Number number ? number.doubleValue() : Double.NaN;
  }
}
