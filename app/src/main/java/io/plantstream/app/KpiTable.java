package io.plantstream.app;

import io.plantstream.app.http.LossPareto;
import io.plantstream.avro.MachineKpi;
import io.plantstream.avro.SiteKpi;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Aligned text tables of KPI records: yield, uptime and OEE as percentages, a dash where a ratio is
 * undefined (no unit, no scheduled time); the machine table shows PRODUCTIVE time in seconds. The
 * shift and day tables name the window by the site's local date (and shift, with its local start
 * and end), count failures and show the largest loss: the state and reason (not PRODUCTIVE) with
 * the most time, and its share of the window's counted time ({@link LossPareto}); the machine day
 * table adds MTBF and MTTR.
 */
final class KpiTable {

  private static final DateTimeFormatter WINDOW =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm").withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter LOCAL_TIME = DateTimeFormatter.ofPattern("HH:mm");

  /** Header of site KPI rows. */
  static final String SITE_HEADER = String.format(Locale.ROOT, "%-12s %-16s %5s %3s %5s %7s %7s %7s %9s %7s %7s",
      "SITE", "WINDOW (UTC)", "LEN", "REV", "FINAL", "MACHS", "UNITS", "YIELD", "OUTPUT/H", "UPTIME", "OEE");
  /** Header of machine KPI rows. */
  static final String MACHINE_HEADER = String.format(Locale.ROOT,
      "%-32s %-16s %5s %3s %5s %7s %7s %9s %7s %7s %7s",
      "MACHINE", "WINDOW (UTC)", "LEN", "REV", "FINAL", "UNITS", "YIELD", "OUTPUT/H", "UPTIME", "PROD", "OEE");

  /** Header of site shift rows; START and END are local times of the site. */
  static final String SHIFT_HEADER = String.format(Locale.ROOT,
      "%-12s %-10s %-8s %-5s %-7s %3s %5s %7s %7s %7s %9s %7s %7s %5s %s",
      "SITE", "LOCAL DATE", "SHIFT", "START", "END", "REV", "FINAL", "MACHS", "UNITS", "YIELD", "OUTPUT/H", "UPTIME",
      "OEE", "FAILS", "TOP LOSS");
  /** Header of site day rows. */
  static final String DAY_HEADER = String.format(Locale.ROOT,
      "%-12s %-10s %5s %3s %5s %7s %7s %7s %9s %7s %7s %5s %s",
      "SITE", "LOCAL DATE", "HOURS", "REV", "FINAL", "MACHS", "UNITS", "YIELD", "OUTPUT/H", "UPTIME", "OEE", "FAILS",
      "TOP LOSS");
  /** Header of machine day rows: reliability per machine and local day. */
  static final String MACHINE_DAY_HEADER = String.format(Locale.ROOT,
      "%-32s %-10s %5s %3s %5s %7s %7s %7s %5s %9s %9s %s",
      "MACHINE", "LOCAL DATE", "HOURS", "REV", "FINAL", "UNITS", "YIELD", "UPTIME", "FAILS", "MTBF", "MTTR",
      "TOP LOSS");

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

  /**
   * One row of a site shift, its start and end as local times in {@code zone}, the end marked
   * {@code +1} when it falls on the next local day.
   */
  static String shiftRow(SiteKpi kpi, ZoneId zone) {
    ZonedDateTime start = kpi.getWindowStart().atZone(zone);
    ZonedDateTime end = kpi.getWindowEnd().atZone(zone);
    long days = ChronoUnit.DAYS.between(start.toLocalDate(), end.toLocalDate());
    return String.format(Locale.ROOT, "%-12s %-10s %-8s %-5s %-7s %3d %5s %7d %7d %7s %9.1f %7s %7s %5d %s",
        kpi.getSiteId(), text(kpi.getLocalDate()), text(kpi.getShift()), LOCAL_TIME.format(start),
        LOCAL_TIME.format(end) + (days == 0 ? "" : "+" + days), kpi.getRevision(), kpi.getFinal$() ? "yes" : "no",
        kpi.getMachinesReporting(), kpi.getUnitsTotal(), percent(kpi.getYield()), kpi.getOutputPerHour(),
        percent(kpi.getUptime()), percent(kpi.getOee()), kpi.getFailures(), topLoss(kpi.getStateReasonMillis()));
  }

  /** One row of a site day. */
  static String dayRow(SiteKpi kpi) {
    return String.format(Locale.ROOT, "%-12s %-10s %5s %3d %5s %7d %7d %7s %9.1f %7s %7s %5d %s",
        kpi.getSiteId(), text(kpi.getLocalDate()), hours(kpi.getWindowStart(), kpi.getWindowEnd()),
        kpi.getRevision(), kpi.getFinal$() ? "yes" : "no", kpi.getMachinesReporting(), kpi.getUnitsTotal(),
        percent(kpi.getYield()), kpi.getOutputPerHour(), percent(kpi.getUptime()), percent(kpi.getOee()),
        kpi.getFailures(), topLoss(kpi.getStateReasonMillis()));
  }

  /** One row of a machine day: its failures, MTBF and MTTR. */
  static String machineDayRow(MachineKpi kpi) {
    return String.format(Locale.ROOT, "%-32s %-10s %5s %3d %5s %7d %7s %7s %5d %9s %9s %s",
        kpi.getMachineId(), text(kpi.getLocalDate()), hours(kpi.getWindowStart(), kpi.getWindowEnd()),
        kpi.getRevision(), kpi.getFinal$() ? "yes" : "no", kpi.getUnitsTotal(), percent(kpi.getYield()),
        percent(kpi.getUptime()), kpi.getFailures(), duration(kpi.getMtbfMillis()), duration(kpi.getMttrMillis()),
        topLoss(kpi.getStateReasonMillis()));
  }

  /** The largest loss of a window, {@code STATE/REASON share%}, or a dash when it lost no time. */
  static String topLoss(Map<?, ?> stateReasonMillis) {
    List<LossPareto.Loss> losses = LossPareto.losses(stateReasonMillis);
    if (losses.isEmpty()) {
      return "-";
    }
    LossPareto.Loss top = losses.get(0);
    return top.key() + " " + percent(top.share());
  }

  /** A duration in the units that read best: 850ms, 42s, 12m05s, 3h20m; a dash for none. */
  static String duration(Long millis) {
    if (millis == null) {
      return "-";
    }
    if (millis < 1_000) {
      return millis + "ms";
    }
    long seconds = millis / 1_000;
    if (seconds < 60) {
      return seconds + "s";
    }
    if (seconds < 3_600) {
      return String.format(Locale.ROOT, "%dm%02ds", seconds / 60, seconds % 60);
    }
    return String.format(Locale.ROOT, "%dh%02dm", seconds / 3_600, seconds % 3_600 / 60);
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

  /** A window's length in hours, with one decimal unless whole (a day is 23, 24 or 25). */
  private static String hours(Instant start, Instant end) {
    long minutes = (end.toEpochMilli() - start.toEpochMilli()) / 60_000;
    return minutes % 60 == 0 ? String.valueOf(minutes / 60) : String.format(Locale.ROOT, "%.1f", minutes / 60.0);
  }

  private static String text(CharSequence value) {
    return value == null ? "-" : value.toString();
  }

  private static String length(Instant start, Instant end) {
    long minutes = (end.toEpochMilli() - start.toEpochMilli()) / 60_000;
    return minutes % 60 == 0 ? minutes / 60 + "h" : minutes + "m";
  }
}
