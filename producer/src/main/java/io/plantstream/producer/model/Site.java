package io.plantstream.producer.model;

import java.time.ZoneId;
import java.util.List;
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
 * @param calendar when the site is scheduled for production (shifts in {@code timeZone}, holidays)
 */
public record Site(String id, String operator, String place, ZoneId timeZone, String kind, List<Line> lines,
    ShiftCalendar calendar) {

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

  /** A site that runs around the clock. */
  public Site(String id, String operator, String place, ZoneId timeZone, String kind, List<Line> lines) {
    this(id, operator, place, timeZone, kind, lines, ShiftCalendar.continuous(timeZone));
  }
}
