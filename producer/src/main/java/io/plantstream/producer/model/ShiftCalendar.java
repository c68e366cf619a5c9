package io.plantstream.producer.model;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * A site's shifts in its local time zone, minus holidays, and when the site is scheduled for
 * production. Normally the shifts are the schedule: outside every shift the site's machines are
 * NON_SCHEDULED (SEMI E10). A calendar scheduled around the clock (24/7, which is what fabs do)
 * keeps its machines scheduled whatever the shifts: its shifts are the crews the site reports by
 * (docs/kpi-rules.md). A calendar without shifts runs around the clock too.
 *
 * <p>Shift times are local wall-clock times, so a Texas shift that starts at 06:00 starts at 12:00
 * UTC in winter and 11:00 UTC in summer, while an Arizona one (no daylight saving) does not move.
 * A shift belongs to the day it starts on; one whose end is not after its start runs past midnight.
 */
public final class ShiftCalendar {

  /** What {@link #nextChange(long)} returns when the schedule never changes again. */
  public static final long NEVER = Long.MAX_VALUE;

  private static final int FIRST_HORIZON_DAYS = 8;
  private static final int LAST_HORIZON_DAYS = 1024;

  private final ZoneId zone;
  private final List<Shift> shifts;
  private final Set<LocalDate> holidays;
  private final boolean aroundTheClock;

  /**
   * A calendar of {@code shifts} in {@code zone}, without the shifts that start on {@code holidays},
   * scheduled only during its shifts (around the clock if there are none).
   */
  public ShiftCalendar(ZoneId zone, List<Shift> shifts, Set<LocalDate> holidays) {
    this(zone, shifts, holidays, false);
  }

  /**
   * A calendar of {@code shifts} in {@code zone}, without the shifts that start on {@code holidays};
   * scheduled around the clock whatever the shifts when {@code aroundTheClock} is true or there
   * are no shifts, else only during its shifts.
   */
  public ShiftCalendar(ZoneId zone, List<Shift> shifts, Set<LocalDate> holidays, boolean aroundTheClock) {
    this.zone = Objects.requireNonNull(zone, "zone");
    this.shifts = List.copyOf(shifts);
    this.holidays = Collections.unmodifiableSet(new TreeSet<>(holidays));
    this.aroundTheClock = aroundTheClock || this.shifts.isEmpty();
  }

  /** The 24/7 calendar without shifts of a site in {@code zone}. */
  public static ShiftCalendar continuous(ZoneId zone) {
    return new ShiftCalendar(zone, List.of(), Set.of(), true);
  }

  /** The zone shift times are read in. */
  public ZoneId zone() {
    return zone;
  }

  /** The shifts, in model order; empty for a 24/7 site without crews in the model. */
  public List<Shift> shifts() {
    return shifts;
  }

  /** Local dates on which no shift starts. */
  public Set<LocalDate> holidays() {
    return holidays;
  }

  /**
   * True when the site is scheduled around the clock (24/7): its machines are never
   * NON_SCHEDULED, whatever its shifts, if it has any.
   */
  public boolean isContinuous() {
    return aroundTheClock;
  }

  /** True when the site is scheduled at {@code at}: always if it runs around the clock, else if a shift covers it. */
  public boolean isScheduled(Instant at) {
    return isScheduled(at.toEpochMilli());
  }

  /** True when the site is scheduled at the epoch millisecond {@code at} (see {@link #isScheduled(Instant)}). */
  public boolean isScheduled(long at) {
    if (isContinuous()) {
      return true;
    }
    long[] interval = around(at);
    return interval != null && interval[0] <= at;
  }

  /** The first instant after {@code at} at which {@link #isScheduled} changes, or null if never. */
  public Instant nextChange(Instant at) {
    long next = nextChange(at.toEpochMilli());
    return next == NEVER ? null : Instant.ofEpochMilli(next);
  }

  /** The first epoch millisecond after {@code at} at which {@link #isScheduled} changes, or {@link #NEVER}. */
  public long nextChange(long at) {
    if (isContinuous()) {
      return NEVER;
    }
    long[] interval = around(at);
    if (interval == null) {
      return NEVER;
    }
    return interval[0] > at ? interval[0] : interval[1];
  }

  /**
   * The merged scheduled interval {from, to} that contains {@code at}, or else the first one that
   * starts after it; null if none starts within the horizon. {@code to} is {@link #NEVER} when the
   * shifts cover all time up to the horizon. {@code from} may be clipped when {@code at} is inside.
   */
  private long[] around(long at) {
    LocalDate day = Instant.ofEpochMilli(at).atZone(zone).toLocalDate();
    for (int days = FIRST_HORIZON_DAYS; days <= LAST_HORIZON_DAYS; days *= 2) {
      // A shift is at most a day long, so only shifts from the day before on can cover at.
      List<long[]> merged = intervals(day.minusDays(1), day.plusDays(days));
      // Shifts of later days start at or after this instant, so intervals ending before it are complete.
      long horizon = day.plusDays(days + 1L).atStartOfDay(zone).toInstant().toEpochMilli();
      long[] found = null;
      for (long[] interval : merged) {
        if (interval[1] > at) {
          found = interval;
          break;
        }
      }
      if (found != null && found[1] < horizon) {
        return found;
      }
      if (found != null && days * 2 > LAST_HORIZON_DAYS) {
        return new long[] {found[0], NEVER};
      }
    }
    return null;
  }

  private List<long[]> intervals(LocalDate first, LocalDate last) {
    List<long[]> raw = new ArrayList<>();
    for (LocalDate date = first; !date.isAfter(last); date = date.plusDays(1)) {
      if (holidays.contains(date)) {
        continue;
      }
      for (Shift shift : shifts) {
        if (shift.days().contains(date.getDayOfWeek())) {
          ZonedDateTime from = ZonedDateTime.of(date, shift.from(), zone);
          LocalDate endDate = shift.to().isAfter(shift.from()) ? date : date.plusDays(1);
          ZonedDateTime to = ZonedDateTime.of(endDate, shift.to(), zone);
          raw.add(new long[] {from.toInstant().toEpochMilli(), to.toInstant().toEpochMilli()});
        }
      }
    }
    raw.sort((a, b) -> Long.compare(a[0], b[0]));
    List<long[]> merged = new ArrayList<>();
    for (long[] interval : raw) {
      long[] lastMerged = merged.isEmpty() ? null : merged.get(merged.size() - 1);
      if (lastMerged != null && interval[0] <= lastMerged[1]) {
        lastMerged[1] = Math.max(lastMerged[1], interval[1]);
      } else {
        merged.add(interval.clone());
      }
    }
    return merged;
  }

  @Override
  public String toString() {
    String crews = shifts + " in " + zone + (holidays.isEmpty() ? "" : " except " + holidays);
    if (!isContinuous()) {
      return crews;
    }
    return shifts.isEmpty() ? "24/7 (" + zone + ")" : "24/7, shifts " + crews;
  }

  /**
   * One shift: on which days it starts and its local start and end time.
   *
   * @param name shift name, e.g. {@code day}
   * @param days the days of the week the shift starts on
   * @param from local start time
   * @param to local end time; at or before {@code from} means the next day
   */
  public record Shift(String name, Set<DayOfWeek> days, LocalTime from, LocalTime to) {

    /** Checks the components and copies the days. */
    public Shift {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(from, "from");
      Objects.requireNonNull(to, "to");
      days = Collections.unmodifiableSet(days.isEmpty() ? EnumSet.noneOf(DayOfWeek.class) : EnumSet.copyOf(days));
    }

    /** Nominal length in local time (a DST change makes the real one an hour longer or shorter). */
    public Duration length() {
      Duration length = Duration.between(from, to);
      return length.isNegative() || length.isZero() ? length.plusDays(1) : length;
    }
  }
}
