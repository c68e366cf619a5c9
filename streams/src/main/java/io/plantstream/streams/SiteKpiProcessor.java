package io.plantstream.streams;

import io.plantstream.avro.MachineKpi;
import io.plantstream.avro.SiteKpi;
import io.plantstream.schemas.KpiKeys;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Sums machine KPIs into site KPIs for one window size.
 *
 * <p>Input: {@link MachineKpi} keyed {@code siteId@windowStart} (repartitioned by site), final or,
 * in updates mode, provisional. Output: the updated {@link SiteKpi} under the same key after every
 * machine record, with the revision grown by one. A machine's newer record replaces its earlier
 * contribution (kept in the parts store, {@code <store>-parts}), so the site is always the sum of
 * each machine's latest record: sums of numerators and denominators, never averages of ratios.
 * {@code final} once as many machines have sent their final record as {@code plant.machines} lists
 * for the site. Aggregates are dropped {@code retention} after their window, in event time: the
 * newest window start this task has seen (record timestamps are arrival times, see
 * {@link io.plantstream.schemas.Topics#specs}).
 */
public final class SiteKpiProcessor implements Processor<String, MachineKpi, String, SiteKpi> {

  /** Suffix of the store of each machine's latest contribution to a site window. */
  public static final String PARTS_SUFFIX = "-parts";

  private static final long PURGE_INTERVAL = Duration.ofMinutes(1).toMillis();

  private static final org.apache.kafka.common.serialization.StringSerializer KEYS =
      new org.apache.kafka.common.serialization.StringSerializer();

  private final String storeName;
  private final Duration retention;
  private ProcessorContext<String, SiteKpi> context;
  private KeyValueStore<String, SiteKpi> sites;
  private KeyValueStore<String, MachineKpi> parts;
  private MachineDirectory machines;
  private long newestWindowStart = Long.MIN_VALUE;
  private long nextPurge = Long.MIN_VALUE;

  /** A processor keeping its aggregates in {@code storeName} for {@code retention}. */
  public SiteKpiProcessor(String storeName, Duration retention) {
    this.storeName = storeName;
    this.retention = retention;
  }

  @Override
  public void init(ProcessorContext<String, SiteKpi> context) {
    this.context = context;
    this.sites = context.getStateStore(storeName);
    this.parts = context.getStateStore(storeName + PARTS_SUFFIX);
    this.machines = new MachineDirectory(context.getStateStore(MachineDirectory.STORE));
  }

  @Override
  public void process(Record<String, MachineKpi> record) {
    MachineKpi machine = record.value();
    if (machine == null) {
      return;
    }
    long windowStart = machine.getWindowStart().toEpochMilli();
    if (windowStart > newestWindowStart) {
      newestWindowStart = windowStart;
      if (newestWindowStart >= nextPurge) {
        purge(newestWindowStart);
        nextPurge = newestWindowStart + PURGE_INTERVAL;
      }
    }
    String key = KpiKeys.of(machine.getSiteId(), windowStart);
    String partKey = key + '|' + machine.getMachineId();
    MachineKpi previous = parts.get(partKey);
    if (previous != null && previous.getRevision() >= machine.getRevision()) {
      return; // an older or repeated record of this machine window
    }
    SiteKpi site = sites.get(key);
    if (site == null) {
      site = KpiMath.emptySite(machine.getSiteId(), machine.getWindowStart().toEpochMilli(),
          machine.getWindowEnd().toEpochMilli());
    }
    if (previous != null) {
      KpiMath.removeMachine(site, previous);
    }
    KpiMath.addMachine(site, machine);
    parts.put(partKey, machine);
    site.setRevision(site.getRevision() + 1);
    site.setFinal$(finalParts(key) >= machines.machinesOfSite(site.getSiteId()));
    sites.put(key, site);
    context.forward(new Record<>(key, site, windowStart));
  }

  private int finalParts(String siteKey) {
    int count = 0;
    try (KeyValueIterator<String, MachineKpi> machineParts = parts.prefixScan(siteKey + '|',
        KEYS)) {
      while (machineParts.hasNext()) {
        if (machineParts.next().value.getFinal$()) {
          count++;
        }
      }
    }
    return count;
  }

  private void purge(long now) {
    machines.refresh();
    long horizon = now - retention.toMillis();
    List<String> expired = new ArrayList<>();
    try (KeyValueIterator<String, SiteKpi> all = sites.all()) {
      while (all.hasNext()) {
        KeyValue<String, SiteKpi> entry = all.next();
        if (entry.value.getWindowEnd().toEpochMilli() < horizon) {
          expired.add(entry.key);
        }
      }
    }
    for (String key : expired) {
      sites.delete(key);
      List<String> machineParts = new ArrayList<>();
      try (KeyValueIterator<String, MachineKpi> it = parts.prefixScan(key + '|',
          KEYS)) {
        it.forEachRemaining(entry -> machineParts.add(entry.key));
      }
      machineParts.forEach(parts::delete);
    }
  }
}
