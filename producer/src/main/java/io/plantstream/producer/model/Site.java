package io.plantstream.producer.model;

import io.plantstream.avro.ShiftInfo;
import io.plantstream.avro.SiteInfo;
import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * One plant of the model: who runs it, where, in which time zone, and its lines.
 *
 * @param id site id, e.g. {@code tsmc-phx}
 * @param operator company operating the site, e.g. TSMC
 * @param place where it is, e.g. Phoenix, AZ
 * @param timeZone the site's local time zone, for shift-aligned reporting
 * @param kind what the site does, e.g. wafer fab (front end)
 * @param lines the production lines
 * @param calendar its shifts in {@code timeZone} and holidays, and when it is scheduled for production
 */
public record Site(String id, String operator, String place, ZoneId timeZone, String kind, List<Line> lines,
    ShiftCalendar calendar) {

  private static final DateTimeFormatter HH_MM = DateTimeFormatter.ofPattern("HH:mm", Locale.ROOT);

  /** Checks required components and copies the list. */
  public Site {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(operator, "operator");
    Objects.requireNonNull(place, "place");
    Objects.requireNonNull(timeZone, "timeZone");
    Objects.requireNonNull(kind, "kind");
    lines = List.copyOf(lines);
    Objects.requireNonNull(calendar, "calendar");
    if (!calendar.zone().equals(timeZone)) {
      throw new IllegalArgumentException("calendar of site " + id + " is in " + calendar.zone() + ", not " + timeZone);
    }
  }

  /** A site that runs around the clock, without shifts. */
  public Site(String id, String operator, String place, ZoneId timeZone, String kind, List<Line> lines) {
    this(id, operator, place, timeZone, kind, lines, ShiftCalendar.continuous(timeZone));
  }

  /**
   * The record published to {@code plant.sites}: the zone as its IANA id, the shifts in model order
   * with their days MONDAY to SUNDAY and times as HH:mm, the holidays as ISO dates in date order,
   * and whether the machines are scheduled around the clock (also for a site without shifts).
   */
  public SiteInfo toSiteInfo() {
    List<ShiftInfo> shifts = calendar.shifts().stream()
        .map(shift -> new ShiftInfo(shift.name(), shift.days().stream().map(DayOfWeek::name).toList(),
            HH_MM.format(shift.from()), HH_MM.format(shift.to())))
        .toList();
    List<String> holidays = calendar.holidays().stream().map(LocalDate::toString).toList();
    return new SiteInfo(id, operator, place, kind, timeZone.getId(), shifts, holidays, calendar.isContinuous());
  }
}
