package io.plantstream.app;

import io.plantstream.avro.MachineKpi;
import io.plantstream.avro.SiteKpi;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;

/**
 * Aligned text tables of KPI records: yield, uptime and OEE as percentages, a dash where a ratio is
 * undefined (no unit, no scheduled time); the machine table shows PRODUCTIVE time in seconds.
 */
final class KpiTable {

  private static final DateTimeFormatter WINDOW =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm").withZone(ZoneOffset.UTC);

  /** Header of site KPI rows. */
  static final String SITE_HEADER = String.format(Locale.ROOT, "%-12s %-16s %5s %3s %5s %7s %7s %7s %9s %7s %7s",
      "SITE", "WINDOW (UTC)", "LEN", "REV", "FINAL", "MACHS", "UNITS", "YIELD", "OUTPUT/H", "UPTIME", "OEE");
  /** Header of machine KPI rows. */
  static final String MACHINE_HEADER = String.format(Locale.ROOT,
      "%-32s %-16s %5s %3s %5s %7s %7s %9s %7s %7s %7s",
      "MACHINE", "WINDOW (UTC)", "LEN", "REV", "FINAL", "UNITS", "YIELD", "OUTPUT/H", "UPTIME", "PROD", "OEE");

  private KpiTable() {}

  /** One row of a site KPI. */
  static String row(SiteKpi kpi) {
    return String.format(Locale.ROOT, "%-12s %-16s %5s %3d %5s %7d %7d %7s %9.1f %7s %7s",
        kpi.getSiteId(), WINDOW.format(kpi.getWindowStart()), length(kpi.getWindowStart(), kpi.getWindowEnd()),
        kpi.getRevision(), kpi.getFinal$() ? "yes" : "no", kpi.getMachinesReporting(), kpi.getUnitsTotal(),
        percent(kpi.getYield()), kpi.getOutputPerHour(), percent(kpi.getUptime()), percent(kpi.getOee()));
  }

  /** One row of a machine KPI. */
  static String row(MachineKpi kpi) {
    return String.format(Locale.ROOT, "%-32s %-16s %5s %3d %5s %7d %7s %9.1f %7s %6ds %7s",
        kpi.getMachineId(), WINDOW.format(kpi.getWindowStart()), length(kpi.getWindowStart(), kpi.getWindowEnd()),
        kpi.getRevision(), kpi.getFinal$() ? "yes" : "no", kpi.getUnitsTotal(), percent(kpi.getYield()),
        kpi.getOutputPerHour(), percent(kpi.getUptime()), kpi.getStateMillis().getProductive() / 1000,
        percent(kpi.getOee()));
  }

  /** A whole table of site KPIs. */
  static String sites(List<SiteKpi> kpis) {
    StringBuilder out = new StringBuilder(SITE_HEADER).append('\n');
    kpis.forEach(kpi -> out.append(row(kpi)).append('\n'));
    return out.toString();
  }

  /** A ratio as a percentage with one decimal, or a dash when undefined. */
  static String percent(Double ratio) {
    return ratio == null ? "-" : String.format(Locale.ROOT, "%.1f%%", ratio * 100);
  }

  private static String length(Instant start, Instant end) {
    long minutes = (end.toEpochMilli() - start.toEpochMilli()) / 60_000;
    return minutes % 60 == 0 ? minutes / 60 + "h" : minutes + "m";
  }
}
