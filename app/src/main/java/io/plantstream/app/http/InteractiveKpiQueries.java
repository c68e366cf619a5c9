package io.plantstream.app.http;

import io.plantstream.app.RecordJson;
import io.plantstream.avro.MachineInfo;
import io.plantstream.avro.SiteInfo;
import io.plantstream.streams.KpiStoreQueries;
import io.plantstream.streams.KpiWindow;
import io.plantstream.streams.SiteCalendar;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.state.HostInfo;

/**
 * {@link KpiQueries} answered from the state stores of the KPI application with Kafka Streams
 * interactive queries, correct across several instances.
 *
 * <p>A site's windows are spread over the partitions of the site store (it is partitioned by
 * {@code siteId@windowStart}), and so over the instances. An answer is planned partition by
 * partition: for a range of at most {@value #MAX_ROUTED_WINDOWS} tumbling windows, each window's
 * key is located with {@code KafkaStreams.queryMetadataForKey}; for open or longer ranges, and for
 * the shifts and days of the site's calendar (whose keys a time range does not give), every
 * partition of the store is taken with the instance that holds it active ({@code streamsMetadata}),
 * and the site's keys are scanned there by prefix. Each
 * instance then reads exactly its planned partitions, this one from its own stores and the others
 * through {@code ?scope=local&partitions=...} (so a request is forwarded at most once), and the
 * parts are merged by window start. A partition that is not queryable where the plan says
 * (restoring, migrating) or an instance that does not answer fails the whole answer (503, 502)
 * rather than leave windows out. Without {@code application.server} only this instance's stores are read.
 */
public final class InteractiveKpiQueries implements KpiQueries {

  /** The zone of a site that {@code plant.sites} does not list: what the application counts its days in. */
  private static final ZoneId UTC = ZoneId.of("UTC");

  /** The longest range, in windows, that is located key by key rather than partition by partition. */
  static final int MAX_ROUTED_WINDOWS = 240;

  private final KpiStoreQueries stores;
  private final HostInfo self;
  private final Forwarder forwarder;
  private final Function<String, SiteInfo> siteInfo;

  /**
   * Queries of {@code stores}, every site in UTC without shifts.
   *
   * @param self this instance's {@code application.server}, or null when it has none
   * @param forwarder how to ask the other instances
   */
  public InteractiveKpiQueries(KpiStoreQueries stores, HostInfo self, Forwarder forwarder) {
    this(stores, self, forwarder, site -> null);
  }

  /**
   * Queries of {@code stores}.
   *
   * @param self this instance's {@code application.server}, or null when it has none
   * @param forwarder how to ask the other instances
   * @param siteInfo a site's entry on {@code plant.sites} (the application's global store), or null
   */
  public InteractiveKpiQueries(KpiStoreQueries stores, HostInfo self, Forwarder forwarder,
      Function<String, SiteInfo> siteInfo) {
    this.stores = stores;
    this.self = self;
    this.forwarder = forwarder;
    this.siteInfo = siteInfo;
  }

  @Override
  public List<Map<String, Object>> sites() {
    Map<String, Set<String>> lines = new TreeMap<>();
    Map<String, Set<String>> machines = new TreeMap<>();
    for (MachineInfo machine : stores.machines()) {
      lines.computeIfAbsent(machine.getSiteId(), site -> new TreeSet<>()).add(machine.getLineId());
      machines.computeIfAbsent(machine.getSiteId(), site -> new TreeSet<>()).add(machine.getMachineId());
    }
    List<Map<String, Object>> sites = new ArrayList<>();
    for (String site : machines.keySet()) {
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put("siteId", site);
      entry.put("lines", List.copyOf(lines.get(site)));
      entry.put("machines", List.copyOf(machines.get(site)));
      calendar(site, entry);
      sites.add(entry);
    }
    return sites;
  }

  @Override
  public List<Object> siteKpis(String siteId, KpiWindow window, Instant from, Instant to, Scope scope) {
    requireSite(siteId);
    return gather(window, siteId, from, to, scope, "/sites/" + encode(siteId) + "/kpis",
        partitions -> plain(stores.localSiteKpis(window, siteId, from, to, partitions)));
  }

  @Override
  public List<Object> siteMachineKpis(String siteId, KpiWindow window, Instant from, Instant to, Scope scope) {
    requireSite(siteId);
    return gather(window, siteId, from, to, scope, "/sites/" + encode(siteId) + "/machines/kpis",
        partitions -> plain(stores.localMachineKpis(window, siteId, null, from, to, partitions)));
  }

  /**
   * The site's time zone and shifts as the application counts them: from {@code plant.sites}, or
   * UTC without shifts for a site missing there or whose calendar cannot be read.
   */
  private void calendar(String siteId, Map<String, Object> entry) {
    SiteInfo info = siteInfo.apply(siteId);
    ZoneId zone = UTC;
    List<Object> shifts = new ArrayList<>();
    if (info != null) {
      try {
        zone = SiteCalendar.of(info).zone();
        info.getShifts().forEach(shift -> shifts.add(RecordJson.toPlain(shift)));
      } catch (IllegalArgumentException unreadable) {
        // counted in UTC without shifts, as the application does
      }
    }
    entry.put("timeZone", zone.getId());
    entry.put("shifts", shifts);
  }

  private void requireSite(String siteId) {
    if (stores.machines().stream().noneMatch(machine -> machine.getSiteId().equals(siteId))) {
      throw new ApiException(404, "unknown site '" + siteId + "': no machine of it is on plant.machines");
    }
  }

  @Override
  public List<Object> machineKpis(String machineId, KpiWindow window, Instant from, Instant to, Scope scope) {
    MachineInfo machine = stores.machine(machineId);
    if (machine == null) {
      throw new ApiException(404, "unknown machine '" + machineId + "': it is not on plant.machines");
    }
    String siteId = machine.getSiteId();
    return gather(window, siteId, from, to, scope, "/machines/" + encode(machineId) + "/kpis",
        partitions -> plain(stores.localMachineKpis(window, siteId, machineId, from, to, partitions)));
  }

  private List<Object> gather(KpiWindow window, String siteId, Instant from, Instant to, Scope scope,
      String path, Function<Set<Integer>, List<Object>> local) {
    if (scope.localOnly() || self == null) {
      return local.apply(scope.partitions());
    }
    TreeMap<String, Object> byKey = new TreeMap<>();
    for (Map.Entry<HostInfo, Set<Integer>> part : plan(window, siteId, from, to).entrySet()) {
      List<Object> records = part.getKey().equals(self)
          ? local.apply(part.getValue())
          : forwarder.get(part.getKey(), path, localQuery(window, from, to, part.getValue()));
      records.forEach(record -> merge(byKey, record));
    }
    return new ArrayList<>(byKey.values());
  }

  /** Which instance reads which partitions of the site store for the site's windows in the range. */
  private Map<HostInfo, Set<Integer>> plan(KpiWindow window, String siteId, Instant from, Instant to) {
    Map<HostInfo, Set<Integer>> plan = new LinkedHashMap<>();
    // A shift or day window's key (siteId@shiftStart, siteId@localDate) follows the site's calendar,
    // which is not known here: those ranges take every partition, as open ranges do.
    if (from != null && to != null && !window.calendar()) {
      long size = window.millis();
      long first = Math.floorDiv(from.toEpochMilli() + size - 1, size) * size;
      long windows = Math.max(0, Math.floorDiv(to.toEpochMilli() - first + size - 1, size));
      if (windows <= MAX_ROUTED_WINDOWS) {
        for (long start = first; start < to.toEpochMilli(); start += size) {
          KeyQueryMetadata metadata = stores.keyMetadata(window, siteId, start);
          if (metadata == null || KeyQueryMetadata.NOT_AVAILABLE.equals(metadata)
              || HostInfo.unavailable().equals(metadata.activeHost())) {
            throw new ApiException(503, "the instance holding " + siteId + "@" + Instant.ofEpochMilli(start)
                + " is not known yet (starting or rebalancing); retry shortly");
          }
          plan.computeIfAbsent(metadata.activeHost(), host -> new TreeSet<>()).add(metadata.partition());
        }
        return plan;
      }
    }
    Map<Integer, HostInfo> owners = stores.partitionOwners(window);
    // The assignment covers every partition; a gap means it is being changed.
    int expected = owners.keySet().stream().mapToInt(Integer::intValue).max().orElse(-1) + 1;
    if (owners.isEmpty() || owners.size() != expected) {
      throw new ApiException(503, "not every partition of the " + window.label()
          + " site store has an instance yet (starting or rebalancing); retry shortly");
    }
    owners.forEach((partition, host) -> plan.computeIfAbsent(host, h -> new TreeSet<>()).add(partition));
    return plan;
  }

  private static Map<String, String> localQuery(KpiWindow window, Instant from, Instant to, Set<Integer> partitions) {
    Map<String, String> query = new LinkedHashMap<>();
    query.put("window", window.label());
    if (from != null) {
      query.put("from", from.toString());
    }
    if (to != null) {
      query.put("to", to.toString());
    }
    query.put(KpiApi.SCOPE, KpiApi.LOCAL);
    query.put(KpiApi.PARTITIONS, partitions.stream().sorted().map(String::valueOf).collect(Collectors.joining(",")));
    return query;
  }

  /**
   * Keeps one record per window (and machine, for a site's machines), ordered by window start then
   * machine id; should two instances both answer one, the higher revision wins.
   */
  @SuppressWarnings("unchecked")
  private static void merge(TreeMap<String, Object> byKey, Object record) {
    Map<String, Object> fields = (Map<String, Object>) record;
    // Epoch millis, zero-padded, sort as the instants do; a machine id follows within a window.
    long start = Instant.parse(String.valueOf(fields.get("windowStart"))).toEpochMilli();
    Object machine = fields.get("machineId");
    String key = String.format("%020d", start) + (machine == null ? "" : " " + machine);
    byKey.merge(key, record, (kept, other) -> revision(other) > revision(kept) ? other : kept);
  }

  @SuppressWarnings("unchecked")
  private static long revision(Object record) {
    Object revision = ((Map<String, Object>) record).get("revision");
    return revision instanceof Number number ? number.longValue() : 0;
  }

  private static List<Object> plain(List<?> records) {
    List<Object> plain = new ArrayList<>();
    records.forEach(record -> plain.add(RecordJson.toPlain(record)));
    return plain;
  }

  private static String encode(String segment) {
    return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
