package io.plantstream.streams;

import io.plantstream.avro.MachineKpi;
import io.plantstream.avro.SiteKpi;
import io.plantstream.schemas.KpiKeys;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Sums final machine KPIs into site KPIs for one window size.
 *
 * <p>Input: {@link MachineKpi} keyed {@code siteId@windowStart} (repartitioned by site). Output:
 * the updated {@link SiteKpi} under the same key after every machine that reports, with the
 * revision grown by one; {@code final} once as many machines have reported as
 * {@code plant.machines} lists for the site. Sums of numerators and denominators, never averages of
 * ratios. The aggregates live in the given store and are dropped {@code retention} after their
 * window, in stream time.
 */
public final class SiteKpiProcessor implements Processor<String, MachineKpi, String, SiteKpi> {

  private final String storeName;
  private final Duration retention;
  private ProcessorContext<String, SiteKpi> context;
  private KeyValueStore<String, SiteKpi> sites;
  private MachineDirectory machines;

  /** A processor keeping its aggregates in {@code storeName} for {@code retention}. */
  public SiteKpiProcessor(String storeName, Duration retention) {
    this.storeName = storeName;
    this.retention = retention;
  }

  @Override
  public void init(ProcessorContext<String, SiteKpi> context) {
    this.context = context;
    this.sites = context.getStateStore(storeName);
    this.machines = new MachineDirectory(context.getStateStore(MachineDirectory.STORE));
    context.schedule(Duration.ofMinutes(1), PunctuationType.STREAM_TIME, this::purge);
  }

  @Override
  public void process(Record<String, MachineKpi> record) {
    MachineKpi machine = record.value();
    if (machine == null) {
      return;
    }
    String key = KpiKeys.of(machine.getSiteId(), machine.getWindowStart().toEpochMilli());
    SiteKpi site = sites.get(key);
    if (site == null) {
      site = KpiMath.emptySite(machine.getSiteId(), machine.getWindowStart().toEpochMilli(),
          machine.getWindowEnd().toEpochMilli());
    }
    KpiMath.addMachine(site, machine);
    site.setRevision(site.getRevision() + 1);
    site.setFinal$(site.getMachinesReporting() >= machines.machinesOfSite(site.getSiteId()));
    sites.put(key, site);
    context.forward(new Record<>(key, site, record.timestamp()));
  }

  private void purge(long now) {
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
    expired.forEach(sites::delete);
  }
}
