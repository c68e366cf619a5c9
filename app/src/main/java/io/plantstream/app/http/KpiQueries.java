package io.plantstream.app.http;

import io.plantstream.streams.KpiWindow;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The questions the HTTP API answers about KPIs, as JSON-ready values (maps, lists, strings,
 * numbers). Unknown sites and machines raise {@link ApiException} 404.
 */
public interface KpiQueries {

  /**
   * Which stores answer: every instance's (the whole answer), or only this instance's.
   *
   * @param localOnly answer only from this instance's stores, without asking the other instances
   * @param partitions with {@code localOnly}, the partitions of the site store to answer from, each
   *     of which must be active and queryable here; empty for whatever is queryable here right now
   */
  record Scope(boolean localOnly, Set<Integer> partitions) {

    /** The whole answer, from every instance. */
    public static final Scope ALL = new Scope(false, Set.of());

    /** Copies the partitions. */
    public Scope {
      partitions = Set.copyOf(partitions);
    }

    /** This instance's stores only, the given partitions of them (all when empty). */
    public static Scope local(Set<Integer> partitions) {
      return new Scope(true, partitions);
    }
  }

  /**
   * Every site on {@code plant.machines} with its lines and machines, and its time zone and shifts
   * as the application counts them (from {@code plant.sites}; UTC and none for a site missing
   * there), by site id.
   */
  List<Map<String, Object>> sites();

  /**
   * The latest KPI record of {@code siteId} for each window starting in [{@code from}, {@code to})
   * (either null for unbounded), by window start.
   *
   * @param scope whose stores answer
   */
  List<Object> siteKpis(String siteId, KpiWindow window, Instant from, Instant to, Scope scope);

  /**
   * The latest KPI record of {@code machineId} for each window starting in [{@code from}, {@code to})
   * still kept by the site stores, by window start.
   *
   * @param scope whose stores answer
   */
  List<Object> machineKpis(String machineId, KpiWindow window, Instant from, Instant to, Scope scope);

  /**
   * The latest KPI record of every machine of {@code siteId} for each window starting in
   * [{@code from}, {@code to}) still kept by the site stores, by window start, then machine id.
   *
   * @param scope whose stores answer
   */
  List<Object> siteMachineKpis(String siteId, KpiWindow window, Instant from, Instant to, Scope scope);
}
