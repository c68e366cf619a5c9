package io.plantstream.app;

import io.plantstream.avro.Heartbeat;
import io.plantstream.avro.MachineInfo;
import io.plantstream.avro.SensorReading;
import io.plantstream.avro.ShiftInfo;
import io.plantstream.avro.SiteInfo;
import io.plantstream.avro.StateChange;
import io.plantstream.avro.TelemetryEvent;
import io.plantstream.avro.UnitCompleted;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.TextStyle;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * Aligned text rows of the topics that are not KPIs ({@link KpiTable} has those): telemetry and
 * late events, machine metadata, sites with their shift calendars and dead letters, as
 * {@code plant consume --format table} prints them.
 */
final class TopicTable {

  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS").withZone(ZoneOffset.UTC);

  /** Header of telemetry and late-event rows. */
  static final String EVENT_HEADER = String.format(Locale.ROOT, "%-23s %-12s %-32s %7s %-9s %s",
      "EVENT TIME (UTC)", "SITE", "MACHINE", "SEQ", "EVENT", "DETAIL");
  /** Header of machine metadata rows. */
  static final String MACHINE_HEADER = String.format(Locale.ROOT, "%-32s %-12s %-28s %-20s %-8s %11s",
      "MACHINE", "SITE", "LINE", "KIND", "UNIT", "IDEAL CYCLE");
  /** Header of site rows: time zone, holidays, and the shifts with their days and local times. */
  static final String SITE_HEADER = String.format(Locale.ROOT, "%-12s %-20s %-4s %8s  %s",
      "SITE", "TIME ZONE", "24/7", "HOLIDAYS", "SHIFTS");
  /** Header of dead-letter rows. */
  static final String DLQ_HEADER = String.format(Locale.ROOT, "%-23s %-16s %-36s %6s  %-47s  %s",
      "TIME (UTC)", "REASON", "SOURCE (TOPIC-PARTITION@OFFSET)", "BYTES", "FIRST 16 BYTES", "MESSAGE");

  private TopicTable() {}

  /** One telemetry event. */
  static String row(TelemetryEvent event) {
    Object payload = event.getPayload();
    String kind;
    String detail;
    if (payload instanceof StateChange change) {
      kind = "state";
      detail = change.getState() + (change.getReason() == null ? "" : " (" + change.getReason() + ")");
    } else if (payload instanceof UnitCompleted unit) {
      kind = "unit";
      detail = unit.getUnitId() + " " + unit.getOutcome() + (unit.getDefectCode() == null ? "" : " " + unit.getDefectCode());
    } else if (payload instanceof SensorReading reading) {
      kind = "sensor";
      detail = String.format(Locale.ROOT, "%s = %.4g %s", reading.getSensor(), reading.getValue(), reading.getUnit());
    } else if (payload instanceof Heartbeat heartbeat) {
      kind = "heartbeat";
      detail = String.valueOf(heartbeat.getState());
    } else {
      kind = "?";
      detail = String.valueOf(payload);
    }
    return String.format(Locale.ROOT, "%-23s %-12s %-32s %7d %-9s %s", TIME.format(event.getEventTime()),
        event.getSiteId(), event.getMachineId(), event.getSequence(), kind, detail);
  }

  /** One machine's metadata. */
  static String row(MachineInfo machine) {
    return String.format(Locale.ROOT, "%-32s %-12s %-28s %-20s %-8s %11s", machine.getMachineId(),
        machine.getSiteId(), machine.getLineId(), machine.getKind(), machine.getUnitName(),
        cycle(machine.getIdealCycleMillis()));
  }

  /**
   * One site and its calendar: each shift as {@code name days from-to}, e.g.
   * {@code early Mon-Fri 06:00-14:00}, {@code night daily 18:00-06:00}; 24/7 when the machines run
   * around the clock whatever the shifts.
   */
  static String row(SiteInfo site) {
    List<String> shifts = new ArrayList<>();
    for (ShiftInfo shift : site.getShifts()) {
      shifts.add(shift.getName() + " " + days(shift.getDays()) + " " + shift.getFrom() + "-" + shift.getTo());
    }
    return String.format(Locale.ROOT, "%-12s %-20s %-4s %8d  %s", site.getSiteId(), site.getTimeZone(),
        site.getScheduledAroundTheClock() ? "yes" : "no", site.getHolidays().size(),
        shifts.isEmpty() ? "-" : String.join(", ", shifts));
  }

  /** Days of the week, runs of three or more as a range: {@code daily}, {@code Mon-Fri}, {@code Sat,Sun}. */
  static String days(List<String> names) {
    TreeSet<DayOfWeek> days = new TreeSet<>();
    for (String name : names) {
      try {
        days.add(DayOfWeek.valueOf(name.trim().toUpperCase(Locale.ROOT)));
      } catch (IllegalArgumentException notADay) {
        return String.join(",", names); // shown as given
      }
    }
    if (days.size() == 7) {
      return "daily";
    }
    List<String> parts = new ArrayList<>();
    List<DayOfWeek> run = new ArrayList<>();
    for (DayOfWeek day : days) {
      if (!run.isEmpty() && run.get(run.size() - 1).getValue() + 1 != day.getValue()) {
        parts.add(run(run));
        run.clear();
      }
      run.add(day);
    }
    if (!run.isEmpty()) {
      parts.add(run(run));
    }
    return parts.isEmpty() ? "-" : String.join(",", parts);
  }

  private static String run(List<DayOfWeek> run) {
    if (run.size() >= 3) {
      return shortName(run.get(0)) + "-" + shortName(run.get(run.size() - 1));
    }
    return String.join(",", run.stream().map(TopicTable::shortName).toList());
  }

  private static String shortName(DayOfWeek day) {
    return day.getDisplayName(TextStyle.SHORT, Locale.ENGLISH);
  }

  /**
   * One dead letter, from what {@code ConsumeCommand} decodes of it.
   *
   * @param timestamp the record timestamp
   * @param headers its headers as text
   * @param size its value's length in bytes
   * @param hexPreview its first bytes in hex
   */
  static String deadLetter(Instant timestamp, Map<String, String> headers, int size, String hexPreview) {
    String source = headers.getOrDefault("__streams.errors.topic", "?") + "-"
        + headers.getOrDefault("__streams.errors.partition", "?") + "@"
        + headers.getOrDefault("__streams.errors.offset", "?");
    String preview = hexPreview.length() > 47 ? hexPreview.substring(0, 47) : hexPreview;
    return String.format(Locale.ROOT, "%-23s %-16s %-36s %6d  %-47s  %s", TIME.format(timestamp),
        headers.getOrDefault("plant.dlq.reason", "-"), source, size, preview,
        headers.getOrDefault("__streams.errors.message", ""));
  }

  /** An ideal cycle time in the unit that reads best: 850 ms, 24.0 s, 12.5 min, 3.0 h. */
  static String cycle(long millis) {
    if (millis < 1_000) {
      return millis + " ms";
    }
    if (millis < 120_000) {
      return String.format(Locale.ROOT, "%.1f s", millis / 1e3);
    }
    if (millis < 7_200_000) {
      return String.format(Locale.ROOT, "%.1f min", millis / 6e4);
    }
    return String.format(Locale.ROOT, "%.1f h", millis / 3.6e6);
  }
}
