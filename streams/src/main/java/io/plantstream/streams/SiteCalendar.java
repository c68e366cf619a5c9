package io.plantstream.streams;

import io.plantstream.avro.ShiftInfo;
import io.plantstream.avro.SiteInfo;
import java.time.DateTimeException;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A site's days and shifts in its own time zone, from its {@link SiteInfo} on {@code plant.sites}
 * (docs/kpi-rules.md, "Shifts and days, in the site's time zone"): which day window and which
 * shift window an instant belongs to.
 *
 * <p>A day runs from local midnight to local midnight (23 or 25 hours on daylight-saving days). A
 * shift starts on each local date of its days of the week that is not a holiday, at its local
 * {@code from}, and ends at its local {@code to} that day, or the next when {@code to} is not after
 * {@code from}; local times are resolved as {@link ZonedDateTime#of} does. Shifts are at most a day
 * long, so only shifts that start on the instant's local date or the day before can cover it.
 */
public final class SiteCalendar {

  private final ZoneId zone;
  private final List<Shift> shifts;
  private final Set<LocalDate> holidays;
  /** The last window found, since consecutive minutes almost always fall in the same one. */
  private Window lastShift;
  private Window lastDay;

  private SiteCalendar(ZoneId zone, List<Shift> shifts, Set<LocalDate> holidays) {
    this.zone = zone;
    this.shifts = shifts;
    this.holidays = holidays;
  }

  /** The calendar of a site missing from {@code plant.sites}: days in UTC, no shifts. */
  public static SiteCalendar utc() {
    return new SiteCalendar(ZoneOffset.UTC, List.of(), Set.of());
  }

  /**
   * The calendar {@code info} describes; {@link IllegalArgumentException} naming the field when its
   * zone, a shift's days or times, or a holiday cannot be read.
   */
  public static SiteCalendar of(SiteInfo info) {
    ZoneId zone;
    try {
      zone = ZoneId.of(info.getTimeZone());
    } catch (DateTimeException e) {
      throw new IllegalArgumentException("site " + info.getSiteId() + ": unknown time zone '" + info.getTimeZone() + "'");
    }
    List<Shift> shifts = new ArrayList<>();
    for (ShiftInfo shift : info.getShifts()) {
      Set<DayOfWeek> days = EnumSet.noneOf(DayOfWeek.class);
      for (String day : shift.getDays()) {
        try {
          days.add(DayOfWeek.valueOf(day.trim().toUpperCase(Locale.ROOT)));
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException("site " + info.getSiteId() + ", shift " + shift.getName()
              + ": unknown day '" + day + "'");
        }
      }
      shifts.add(new Shift(shift.getName(), days, time(info, shift, shift.getFrom()), time(info, shift, shift.getTo())));
    }
    Set<LocalDate> holidays = new HashSet<>();
    for (String holiday : info.getHolidays()) {
      try {
        holidays.add(LocalDate.parse(holiday));
      } catch (DateTimeException e) {
        throw new IllegalArgumentException("site " + info.getSiteId() + ": holiday '" + holiday + "' is not a date");
      }
    }
    return new SiteCalendar(zone, List.copyOf(shifts), Set.copyOf(holidays));
  }

  private static LocalTime time(SiteInfo info, ShiftInfo shift, String text) {
    try {
      return LocalTime.parse(text);
    } catch (DateTimeException e) {
      throw new IllegalArgumentException("site " + info.getSiteId() + ", shift " + shift.getName() + ": time '" + text
          + "' is not HH:mm");
    }
  }

  /** The zone local dates and times are read in. */
  public ZoneId zone() {
    return zone;
  }

  /** The day window containing the epoch millisecond {@code at}. */
  public Window dayOf(long at) {
    Window last = lastDay;
    if (last != null && last.contains(at)) {
      return last;
    }
    LocalDate date = Instant.ofEpochMilli(at).atZone(zone).toLocalDate();
    Window day = new Window(millis(date.atStartOfDay(zone)), millis(date.plusDays(1).atStartOfDay(zone)), date, null);
    lastDay = day;
    return day;
  }

  /** The shift window containing the epoch millisecond {@code at}, or null when no shift covers it. */
  public Window shiftOf(long at) {
    Window last = lastShift;
    if (last != null && last.contains(at)) {
      return last;
    }
    LocalDate date = Instant.ofEpochMilli(at).atZone(zone).toLocalDate();
    for (LocalDate start = date.minusDays(1); !start.isAfter(date); start = start.plusDays(1)) {
      if (holidays.contains(start)) {
        continue;
      }
      for (Shift shift : shifts) {
        if (!shift.days().contains(start.getDayOfWeek())) {
          continue;
        }
        long from = millis(ZonedDateTime.of(start, shift.from(), zone));
        LocalDate endDate = shift.to().isAfter(shift.from()) ? start : start.plusDays(1);
        long to = millis(ZonedDateTime.of(endDate, shift.to(), zone));
        if (from <= at && at < to) {
          Window window = new Window(from, to, start, shift.name());
          lastShift = window;
          return window;
        }
      }
    }
    return null;
  }

  /**
   * The first end of a day or shift window of this calendar after the epoch millisecond {@code at}:
   * until then, no window of the site can become complete.
   */
  public long nextEndAfter(long at) {
    long next = dayOf(at).end();
    LocalDate date = Instant.ofEpochMilli(at).atZone(zone).toLocalDate();
    for (LocalDate start = date.minusDays(1); !start.isAfter(date.plusDays(1)); start = start.plusDays(1)) {
      if (holidays.contains(start)) {
        continue;
      }
      for (Shift shift : shifts) {
        if (shift.days().contains(start.getDayOfWeek())) {
          LocalDate endDate = shift.to().isAfter(shift.from()) ? start : start.plusDays(1);
          long to = millis(ZonedDateTime.of(endDate, shift.to(), zone));
          if (to > at && to < next) {
            next = to;
          }
        }
      }
    }
    return next;
  }

  private static long millis(ZonedDateTime time) {
    return time.toInstant().toEpochMilli();
  }

  /**
   * A shift or day window of a site.
   *
   * @param start first epoch millisecond
   * @param end epoch millisecond after the last
   * @param localDate the local date it belongs to (a shift: the day it starts)
   * @param shift the shift's name, null for a day
   */
  public record Window(long start, long end, LocalDate localDate, String shift) {
    boolean contains(long at) {
      return start <= at && at < end;
    }
  }

  private record Shift(String name, Set<DayOfWeek> days, LocalTime from, LocalTime to) {}
}
