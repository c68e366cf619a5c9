package io.plantstream.streams;

import io.plantstream.avro.MachineInfo;
import io.plantstream.avro.MachineKpi;
import io.plantstream.avro.SiteKpi;
import io.plantstream.schemas.KpiKeys;
import io.plantstream.schemas.Topics;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsMetadata;
import org.apache.kafka.streams.TaskMetadata;
import org.apache.kafka.streams.ThreadMetadata;
import org.apache.kafka.streams.TopologyDescription;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * Interactive queries of the {@link KpiTopology}'s state stores on one running instance: what this
 * instance holds (its active partitions only, never standby copies), and which instance holds each
 * partition and key ({@code application.server} of each).
 *
 * <p>Site KPIs live in the site store of their window size, partitioned by {@code siteId@windowStart},
 * so one site's windows are spread over every instance. Machine KPIs are not kept in a store once
 * emitted to {@code plant.kpi.machine.1m}; they are read from the site task's parts store, which
 * holds each machine's latest record per site window for as long as the site store keeps the window
 * (until the window is forgotten, {@link KpiWindow#retention()} after the site's boundary passes its
 * end: 2 h for 1-minute windows, 2 days for 1-hour ones), and lives on the same instance
 * as the site key. Machine metadata comes from the global store, complete on every instance.
 * Reads throw {@link InvalidStateStoreException} while the stores are not queryable (starting,
 * rebalancing, stopped).
 */
public final class KpiStoreQueries {

  private static final Serializer<String> KEYS = Serdes.String().serializer();

  private final KafkaStreams streams;
  private final TopologyDescription topology;
  private final String applicationId;
  private final String telemetryTopic;

  /** Queries of {@code app}, a running {@link KpiTopology} over {@code topics}. */
  public KpiStoreQueries(KpiApplication app, Topics topics) {
    this.streams = app.streams();
    this.topology = app.topology();
    this.applicationId = app.applicationId();
    this.telemetryTopic = topics.telemetry().name();
  }

  /**
   * The site KPIs of {@code siteId} held here with a window start in [{@code from}, {@code to})
   * (either null for unbounded), by window start.
   *
   * @param partitions the partitions of the site store to read, each of which must be active and
   *     queryable here (else {@link InvalidStateStoreException}); empty for every partition that is
   *     queryable here at the moment
   */
  public List<SiteKpi> localSiteKpis(KpiWindow window, String siteId, Instant from, Instant to,
      Set<Integer> partitions) {
    List<SiteKpi> found = new ArrayList<>();
    for (ReadOnlyKeyValueStore<String, SiteKpi> store : this.<SiteKpi>stores(window.siteStore(), partitions)) {
      try (KeyValueIterator<String, SiteKpi> site = store.prefixScan(siteId + '@', KEYS)) {
        site.forEachRemaining(entry -> {
          // Revision 0: summed, not yet published (final mode publishes a site window once it is final).
          if (entry.value.getSiteId().equals(siteId) && entry.value.getRevision() > 0
              && within(entry.value.getWindowStart(), from, to)) {
            found.add(entry.value);
          }
        });
      }
    }
    found.sort(Comparator.comparing(SiteKpi::getWindowStart));
    return found;
  }

  /**
   * The newest final site KPI of {@code window} held here for each site, by site id: one pass over
   * the site store, however many machines the sites have.
   */
  public Map<String, SiteKpi> localNewestFinalSiteKpis(KpiWindow window) {
    Map<String, SiteKpi> newest = new TreeMap<>();
    for (ReadOnlyKeyValueStore<String, SiteKpi> store : this.<SiteKpi>stores(window.siteStore(), Set.of())) {
      try (KeyValueIterator<String, SiteKpi> all = store.all()) {
        all.forEachRemaining(entry -> {
          if (entry.value.getFinal$() && entry.value.getRevision() > 0) {
            newest.merge(entry.value.getSiteId(), entry.value,
                (held, other) -> other.getWindowStart().isAfter(held.getWindowStart()) ? other : held);
          }
        });
      }
    }
    return newest;
  }

  /**
   * The latest KPI record of machine {@code machineId} of site {@code siteId}, or of every machine
   * of the site when {@code machineId} is null, for each window held here with a window start in
   * [{@code from}, {@code to}), by window start (then machine id). One scan of the site's machine
   * parts, whatever the number of machines.
   *
   * @param partitions as for {@link #localSiteKpis}: the machine parts live with their site window
   */
  public List<MachineKpi> localMachineKpis(KpiWindow window, String siteId, String machineId, Instant from,
      Instant to, Set<Integer> partitions) {
    List<MachineKpi> found = new ArrayList<>();
    for (ReadOnlyKeyValueStore<String, MachineKpi> store : this.<MachineKpi>stores(window.machinePartsStore(),
        partitions)) {
      try (KeyValueIterator<String, MachineKpi> parts = store.prefixScan(siteId + '@', KEYS)) {
        parts.forEachRemaining(entry -> {
          if ((machineId == null || entry.value.getMachineId().equals(machineId))
              && within(entry.value.getWindowStart(), from, to)) {
            found.add(entry.value);
          }
        });
      }
    }
    found.sort(Comparator.comparing(MachineKpi::getWindowStart).thenComparing(MachineKpi::getMachineId));
    return found;
  }

  /** Every machine on {@code plant.machines}, by machine id. */
  public List<MachineInfo> machines() {
    List<MachineInfo> all = new ArrayList<>();
    ReadOnlyKeyValueStore<String, MachineInfo> store = store(MachineDirectory.STORE);
    try (KeyValueIterator<String, MachineInfo> entries = store.all()) {
      entries.forEachRemaining(entry -> all.add(entry.value));
    }
    all.sort(Comparator.comparing(MachineInfo::getMachineId));
    return all;
  }

  /** The metadata of one machine, or null when {@code plant.machines} does not list it. */
  public MachineInfo machine(String machineId) {
    ReadOnlyKeyValueStore<String, MachineInfo> store = store(MachineDirectory.STORE);
    return store.get(machineId);
  }

  /**
   * Where the site KPI {@code siteId@windowStart} lives: its partition and the active instance
   * ({@link KeyQueryMetadata#NOT_AVAILABLE} while that is not known, e.g. during a rebalance).
   */
  public KeyQueryMetadata keyMetadata(KpiWindow window, String siteId, long windowStart) {
    return keyMetadata(window, KpiKeys.of(siteId, windowStart));
  }

  /**
   * Where the site KPI of store key {@code key} lives (for a day window {@code siteId@localDate},
   * {@link KpiKeys#ofDate}); see {@link #keyMetadata(KpiWindow, String, long)}.
   */
  public KeyQueryMetadata keyMetadata(KpiWindow window, String key) {
    return streams.queryMetadataForKey(window.siteStore(), key, KEYS);
  }

  /**
   * Every partition of the site store of {@code window} (and so of its parts store) with the
   * instance that holds it active, as the current assignment says; empty before the first one.
   */
  public Map<Integer, HostInfo> partitionOwners(KpiWindow window) {
    Set<String> candidates = sourceTopics(window.siteStore());
    Map<Integer, HostInfo> owners = new TreeMap<>();
    for (StreamsMetadata instance : streams.metadataForAllStreamsClients()) {
      for (TopicPartition partition : instance.topicPartitions()) {
        if (candidates.contains(partition.topic())) {
          owners.put(partition.partition(), instance.hostInfo());
        }
      }
    }
    return owners;
  }

  /**
   * The topics that feed the sub-topology holding {@code store}, as they are named on the cluster:
   * internal (repartition) topics carry the application id as prefix.
   */
  private Set<String> sourceTopics(String store) {
    Set<String> topics = new LinkedHashSet<>();
    for (TopologyDescription.Subtopology subtopology : topology.subtopologies()) {
      boolean holdsStore = subtopology.nodes().stream().anyMatch(node ->
          node instanceof TopologyDescription.Processor processor && processor.stores().contains(store));
      if (!holdsStore) {
        continue;
      }
      for (TopologyDescription.Node node : subtopology.nodes()) {
        if (node instanceof TopologyDescription.Source source && source.topicSet() != null) {
          for (String topic : source.topicSet()) {
            topics.add(topic);
            topics.add(applicationId + "-" + topic);
          }
        }
      }
    }
    if (topics.isEmpty()) {
      throw new IllegalArgumentException("no sub-topology holds the store " + store);
    }
    return topics;
  }

  /**
   * Close boundary of each telemetry partition whose
   * task is active here (the machine-timeline tasks), as the task last stored them; tasks whose
   * store is not queryable at the moment are left out.
   */
  public List<PartitionClock> localPartitionClocks() {
    List<PartitionClock> clocks = new ArrayList<>();
    for (ThreadMetadata thread : streams.metadataForLocalThreads()) {
      for (TaskMetadata task : thread.activeTasks()) {
        if (task.topicPartitions().stream().noneMatch(partition -> partition.topic().equals(telemetryTopic))) {
          continue;
        }
        int partition = task.taskId().partition();
        try {
          ReadOnlyKeyValueStore<String, Long> clock = streams.store(StoreQueryParameters.fromNameAndType(
              MachineTimelineProcessor.CLOCK_STORE, QueryableStoreTypes.<String, Long>keyValueStore())
              .withPartition(partition));
          clocks.add(new PartitionClock(task.taskId().toString(), partition,
              instant(clock.get(MachineTimelineProcessor.CLOSED_UNTIL))));
        } catch (InvalidStateStoreException notNow) {
          // migrating or restoring: this task has no clock to show right now
        }
      }
    }
    clocks.sort(Comparator.comparing(PartitionClock::partition));
    return clocks;
  }

  /**
   * The event-time clock of one telemetry partition.
   *
   * @param task the Kafka Streams task id, e.g. {@code 0_3}
   * @param partition the telemetry partition
   * @param closedUntil every window ending at or before it is closed; null before the first event
   */
  public record PartitionClock(String task, int partition, Instant closedUntil) {}

  private <V> ReadOnlyKeyValueStore<String, V> store(String name) {
    return streams.store(StoreQueryParameters.fromNameAndType(name, QueryableStoreTypes.<String, V>keyValueStore()));
  }

  /** One store per requested partition, or one over every queryable local partition when none is requested. */
  private <V> List<ReadOnlyKeyValueStore<String, V>> stores(String name, Set<Integer> partitions) {
    if (partitions.isEmpty()) {
      return List.of(store(name));
    }
    List<ReadOnlyKeyValueStore<String, V>> stores = new ArrayList<>();
    for (int partition : new TreeSet<>(partitions)) {
      stores.add(streams.store(StoreQueryParameters.fromNameAndType(name, QueryableStoreTypes.<String, V>keyValueStore())
          .withPartition(partition)));
    }
    return stores;
  }

  private static Instant instant(Long millis) {
    return millis == null ? null : Instant.ofEpochMilli(millis);
  }

  private static boolean within(Instant windowStart, Instant from, Instant to) {
    return (from == null || !windowStart.isBefore(from)) && (to == null || windowStart.isBefore(to));
  }
}
