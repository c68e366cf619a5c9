package io.plantstream.producer.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Shift calendars of the default model in local time: Arizona keeps standard time, Texas does not. */
class ShiftCalendarTest {

  private static final PlantModel MODEL = PlantModel.loadDefault();
  private static final ShiftCalendar FOXCONN = MODEL.site("foxconn-hou").orElseThrow().calendar();
  private static final ShiftCalendar WISTRON = MODEL.site("wistron-dal").orElseThrow().calendar();
  private static final ShiftCalendar SPIL = MODEL.site("spil-az").orElseThrow().calendar();

  /** The Sundays around the start of daylight saving time in 2027 (second Sunday of March: the 14th). */
  private static final LocalDate SUNDAY_BEFORE_DST = LocalDate.of(2027, 3, 7);
  private static final LocalDate SUNDAY_AFTER_DST = LocalDate.of(2027, 3, 14);

  @Test
  void theTexasMondayShiftStartMovesOneUtcHourEarlierWhenDaylightSavingBegins() {
    // Foxconn's first shift after the Sunday off starts at 06:00 Houston time on Monday.
    assertThat(FOXCONN.nextChange(noonOf(SUNDAY_BEFORE_DST, FOXCONN))).isEqualTo(utc("2027-03-08T12:00"));
    assertThat(FOXCONN.nextChange(noonOf(SUNDAY_AFTER_DST, FOXCONN))).isEqualTo(utc("2027-03-15T11:00"));
  }

  @Test
  void theArizonaMondayShiftStartStaysAtTheSameUtcHour() {
    // SPIL's Saturday night shift ends Sunday 07:00, the Monday day shift starts at 07:00 Phoenix time.
    assertThat(SPIL.nextChange(noonOf(SUNDAY_BEFORE_DST, SPIL))).isEqualTo(utc("2027-03-08T14:00"));
    assertThat(SPIL.nextChange(noonOf(SUNDAY_AFTER_DST, SPIL))).isEqualTo(utc("2027-03-15T14:00"));
  }

  @Test
  void theTexasShiftEndMovesBackWhenDaylightSavingEnds() {
    // Daylight saving ends on Sunday 2027-11-07; the Friday swing shift ends at 23:00 local either side.
    assertThat(FOXCONN.nextChange(utc("2027-11-05T22:00"))).isEqualTo(utc("2027-11-06T04:00"));
    assertThat(FOXCONN.nextChange(utc("2027-11-12T22:00"))).isEqualTo(utc("2027-11-13T05:00"));
  }

  @Test
  void nightsSundaysAndHolidaysAreNotScheduled() {
    ZoneId chicago = ZoneId.of("America/Chicago");
    // Wednesday 2026-11-25: day and swing shifts, not the night.
    assertThat(FOXCONN.isScheduled(local("2026-11-25T10:00", chicago))).isTrue();
    assertThat(FOXCONN.isScheduled(local("2026-11-25T20:00", chicago))).isTrue();
    assertThat(FOXCONN.isScheduled(local("2026-11-25T23:30", chicago))).isFalse();
    // Thanksgiving is a holiday: nothing from Wednesday 23:00 until Friday 06:00.
    assertThat(FOXCONN.isScheduled(local("2026-11-26T10:00", chicago))).isFalse();
    assertThat(FOXCONN.nextChange(local("2026-11-25T23:30", chicago))).isEqualTo(local("2026-11-27T06:00", chicago));
    // Saturday has a day shift only; Sunday is off.
    assertThat(FOXCONN.isScheduled(local("2026-11-28T10:00", chicago))).isTrue();
    assertThat(FOXCONN.isScheduled(local("2026-11-28T16:00", chicago))).isFalse();
    assertThat(FOXCONN.isScheduled(local("2026-11-29T10:00", chicago))).isFalse();
  }

  @Test
  void aShiftThatEndsAfterMidnightBelongsToTheDayItStarts() {
    ZoneId chicago = ZoneId.of("America/Chicago");
    // Wistron's third shift runs 23:00-07:00 and starts Monday to Friday: Saturday 03:00 is worked, Sunday 03:00 is not.
    assertThat(WISTRON.isScheduled(local("2026-12-05T03:00", chicago))).isTrue();
    assertThat(WISTRON.isScheduled(local("2026-12-06T03:00", chicago))).isFalse();
    // Adjacent shifts merge: from Monday 07:00 the plant runs without a break until Saturday 23:00.
    assertThat(WISTRON.nextChange(local("2026-12-07T07:00", chicago))).isEqualTo(local("2026-12-12T23:00", chicago));
  }

  @Test
  void fabsRunAroundTheClockWithTwoTwelveHourCrews() {
    for (String site : List.of("tsmc-phx", "amkor-az")) {
      ShiftCalendar fab = MODEL.site(site).orElseThrow().calendar();

      assertThat(fab.isContinuous()).as(site).isTrue();
      assertThat(fab.isScheduled(utc("2027-03-14T09:00"))).as(site).isTrue();
      assertThat(fab.nextChange(utc("2027-03-14T09:00"))).as(site).isNull();
      assertThat(fab.shifts()).as(site).containsExactly(
          new ShiftCalendar.Shift("day", EnumSet.allOf(DayOfWeek.class), LocalTime.of(6, 0), LocalTime.of(18, 0)),
          new ShiftCalendar.Shift("night", EnumSet.allOf(DayOfWeek.class), LocalTime.of(18, 0), LocalTime.of(6, 0)));
      assertThat(fab.holidays()).as(site).isEmpty();
    }
  }

  @Test
  void aroundTheClockIsScheduledWhereItsShiftsAreNot() {
    ZoneId chicago = ZoneId.of("America/Chicago");
    List<ShiftCalendar.Shift> weekdays = List.of(new ShiftCalendar.Shift("day",
        EnumSet.range(DayOfWeek.MONDAY, DayOfWeek.FRIDAY), LocalTime.of(8, 0), LocalTime.of(16, 0)));
    ShiftCalendar crews = new ShiftCalendar(chicago, weekdays, Set.of(), true);
    ShiftCalendar schedule = new ShiftCalendar(chicago, weekdays, Set.of());

    // Sunday 2027-03-14 at 03:30 local time: no shift.
    Instant sundayNight = local("2027-03-14T03:30", chicago);
    assertThat(schedule.isScheduled(sundayNight)).isFalse();
    assertThat(schedule.nextChange(sundayNight)).isEqualTo(local("2027-03-15T08:00", chicago));
    assertThat(crews.isScheduled(sundayNight)).isTrue();
    assertThat(crews.nextChange(sundayNight)).isNull();
    assertThat(crews.isContinuous()).isTrue();
    assertThat(schedule.isContinuous()).isFalse();
    // A calendar without shifts runs around the clock, flag or not.
    assertThat(new ShiftCalendar(chicago, List.of(), Set.of()).isContinuous()).isTrue();
    assertThat(ShiftCalendar.continuous(chicago).shifts()).isEmpty();
  }

  @Test
  void shiftsCoveringAllTimeNeverChange() {
    ZoneId chicago = ZoneId.of("America/Chicago");
    ShiftCalendar threeShifts = new ShiftCalendar(chicago, List.of(
        new ShiftCalendar.Shift("a", EnumSet.allOf(DayOfWeek.class), LocalTime.of(6, 0), LocalTime.of(14, 0)),
        new ShiftCalendar.Shift("b", EnumSet.allOf(DayOfWeek.class), LocalTime.of(14, 0), LocalTime.of(22, 0)),
        new ShiftCalendar.Shift("c", EnumSet.allOf(DayOfWeek.class), LocalTime.of(22, 0), LocalTime.of(6, 0))),
        Set.of());

    assertThat(threeShifts.isScheduled(utc("2027-03-14T08:30"))).isTrue();
    assertThat(threeShifts.nextChange(utc("2027-03-14T08:30"))).isNull();
    assertThat(threeShifts.shifts().get(2).length()).isEqualTo(Duration.ofHours(8));
  }

  private static Instant noonOf(LocalDate date, ShiftCalendar calendar) {
    return date.atTime(12, 0).atZone(calendar.zone()).toInstant();
  }

  private static Instant utc(String localDateTime) {
    return LocalDateTime.parse(localDateTime).toInstant(ZoneOffset.UTC);
  }

  private static Instant local(String localDateTime, ZoneId zone) {
    return LocalDateTime.parse(localDateTime).atZone(zone).toInstant();
  }
}
