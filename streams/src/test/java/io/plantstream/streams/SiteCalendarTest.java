package io.plantstream.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.plantstream.avro.ShiftInfo;
import io.plantstream.avro.SiteInfo;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Day and shift windows of a site's calendar at named instants in America/Chicago, worked out by hand. */
class SiteCalendarTest {

  private static final long HOUR = 3_600_000L;
  private static final List<String> EVERY_DAY = List.of("MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY",
      "SATURDAY", "SUNDAY");

  private final SiteCalendar chicago = SiteCalendar.of(new SiteInfo("site", "op", "place", "kind", "America/Chicago",
      List.of(new ShiftInfo("day", EVERY_DAY, "06:00", "18:00"), new ShiftInfo("night", EVERY_DAY, "18:00", "06:00")),
      List.of("2027-12-25"), true));

  @Test
  void theFallBackDayHas25HoursAndTheNightShiftAcrossItToo() {
    // 2027-11-07: 02:00 CDT becomes 01:00 CST.
    SiteCalendar.Window day = chicago.dayOf(millis("2027-11-07T12:00:00Z"));
    assertThat(day.localDate()).isEqualTo(LocalDate.parse("2027-11-07"));
    assertThat(day.start()).isEqualTo(millis("2027-11-07T05:00:00Z"));
    assertThat(day.end()).isEqualTo(millis("2027-11-08T06:00:00Z"));
    assertThat(day.end() - day.start()).isEqualTo(25 * HOUR);
    // Saturday's night shift, 18:00 CDT to 06:00 CST: 13 hours, belonging to Saturday.
    SiteCalendar.Window night = chicago.shiftOf(millis("2027-11-07T08:00:00Z"));
    assertThat(night.shift()).isEqualTo("night");
    assertThat(night.localDate()).isEqualTo(LocalDate.parse("2027-11-06"));
    assertThat(night.end() - night.start()).isEqualTo(13 * HOUR);
  }

  @Test
  void localTimesInTheSpringForwardGapMoveForwardByTheGap() {
    // 2027-03-14: 02:00 CST becomes 03:00 CDT. 02:30 does not exist and is read as 03:30 CDT (08:30Z).
    SiteCalendar sunday = SiteCalendar.of(new SiteInfo("site", "op", "place", "kind", "America/Chicago",
        List.of(new ShiftInfo("gap", List.of("SUNDAY"), "02:30", "03:30"),
            new ShiftInfo("early", List.of("SUNDAY"), "01:00", "02:30"),
            new ShiftInfo("late", List.of("SUNDAY"), "04:00", "05:00")), List.of(), true));
    // 'early' runs 01:00 CST (07:00Z) to 03:30 CDT (08:30Z): an hour and a half of real time.
    SiteCalendar.Window early = sunday.shiftOf(millis("2027-03-14T08:29:00Z"));
    assertThat(early.shift()).isEqualTo("early");
    assertThat(early.start()).isEqualTo(millis("2027-03-14T07:00:00Z"));
    assertThat(early.end()).isEqualTo(millis("2027-03-14T08:30:00Z"));
    // 'gap' starts and ends at 03:30 CDT: it covers no minute.
    assertThat(sunday.shiftOf(millis("2027-03-14T08:30:00Z"))).isNull();
    assertThat(sunday.shiftOf(millis("2027-03-14T09:00:00Z")).shift()).isEqualTo("late");
    assertThat(sunday.dayOf(millis("2027-03-14T08:29:00Z")).end() - sunday.dayOf(millis("2027-03-14T08:29:00Z"))
        .start()).isEqualTo(23 * HOUR);
  }

  @Test
  void aHolidayStartsNoShiftButTheNightShiftOfTheDayBeforeStillEndsOnIt() {
    // Christmas 2027 (CST, UTC-6): the night shift of the 24th runs to 06:00 on the 25th.
    assertThat(chicago.shiftOf(millis("2027-12-25T11:00:00Z")).localDate()).isEqualTo(LocalDate.parse("2027-12-24"));
    assertThat(chicago.shiftOf(millis("2027-12-25T12:00:00Z"))).as("06:00 on the holiday").isNull();
    assertThat(chicago.shiftOf(millis("2027-12-26T05:59:00Z"))).as("23:59 on the holiday").isNull();
    assertThat(chicago.shiftOf(millis("2027-12-26T06:00:00Z"))).as("00:00 after the holiday: its night shift did not start").isNull();
    assertThat(chicago.shiftOf(millis("2027-12-26T12:00:00Z")).localDate()).isEqualTo(LocalDate.parse("2027-12-26"));
  }

  @Test
  void theCachedWindowIsLeftAsSoonAsAMinuteFallsOutsideIt() {
    SiteCalendar.Window dayShift = chicago.shiftOf(millis("2027-03-08T12:00:00Z"));
    assertThat(dayShift.shift()).isEqualTo("day");
    SiteCalendar.Window night = chicago.shiftOf(millis("2027-03-09T00:00:00Z"));
    assertThat(night.shift()).isEqualTo("night");
    assertThat(chicago.shiftOf(millis("2027-03-08T23:59:00Z")).shift()).isEqualTo("day");
    assertThat(chicago.dayOf(millis("2027-03-09T05:59:00Z")).localDate()).isEqualTo(LocalDate.parse("2027-03-08"));
    assertThat(chicago.dayOf(millis("2027-03-09T06:00:00Z")).localDate()).isEqualTo(LocalDate.parse("2027-03-09"));
  }

  @Test
  void theNextWindowEndIsTheNearerOfTheDaysAndTheShiftsEnds() {
    // Monday 2027-03-08 10:00 CST (16:00Z): the day shift ends at 18:00 CST (00:00Z).
    assertThat(chicago.nextEndAfter(millis("2027-03-08T16:00:00Z"))).isEqualTo(millis("2027-03-09T00:00:00Z"));
    // 23:00 CST (05:00Z): the day ends at midnight (06:00Z), before the night shift (12:00Z).
    assertThat(chicago.nextEndAfter(millis("2027-03-09T05:00:00Z"))).isEqualTo(millis("2027-03-09T06:00:00Z"));
    // Exactly at an end: the next one.
    assertThat(chicago.nextEndAfter(millis("2027-03-09T06:00:00Z"))).isEqualTo(millis("2027-03-09T12:00:00Z"));
    assertThat(SiteCalendar.utc().nextEndAfter(millis("2027-03-09T06:00:00Z"))).isEqualTo(millis("2027-03-10T00:00:00Z"));
  }

  @Test
  void aSiteWithoutCalendarHasUtcDaysAndNoShift() {
    SiteCalendar utc = SiteCalendar.utc();
    assertThat(utc.dayOf(millis("2027-03-14T23:59:00Z")).end()).isEqualTo(millis("2027-03-15T00:00:00Z"));
    assertThat(utc.shiftOf(millis("2027-03-14T12:00:00Z"))).isNull();
  }

  @Test
  void anUnreadableCalendarNamesTheSiteAndTheField() {
    assertThatThrownBy(() -> SiteCalendar.of(new SiteInfo("x", "op", "place", "kind", "Mars/Olympus", List.of(),
        List.of(), false))).hasMessage("site x: unknown time zone 'Mars/Olympus'");
    assertThatThrownBy(() -> SiteCalendar.of(new SiteInfo("x", "op", "place", "kind", "UTC",
        List.of(new ShiftInfo("a", List.of("FUNDAY"), "06:00", "18:00")), List.of(), false)))
        .hasMessage("site x, shift a: unknown day 'FUNDAY'");
    assertThatThrownBy(() -> SiteCalendar.of(new SiteInfo("x", "op", "place", "kind", "UTC",
        List.of(new ShiftInfo("a", List.of("MONDAY"), "6 am", "18:00")), List.of(), false)))
        .hasMessage("site x, shift a: time '6 am' is not HH:mm");
  }

  private static long millis(String instant) {
    return Instant.parse(instant).toEpochMilli();
  }
}
