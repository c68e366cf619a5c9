package io.plantstream.producer.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.tuple;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.EnumSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PlantModelValidationTest {

  private static final String VALID = """
      machineKinds:
        etch:
          unitName: wafer
          idealCycle: 2m
          mtbf: 100h
          mttr: 4h
          yield: 0.99
          defectCodes: [PARTICLES]
          sensors:
            - {name: power, unit: kW, min: 40, max: 60, noise: 0.5, standby: 15, down: 0.5}
      sites:
        - id: fab
          operator: Fab Co
          place: Phoenix, AZ
          timeZone: America/Phoenix
          kind: wafer fab
          lines:
            - id: fab-etch
              machines:
                - {kind: etch, count: 2}
      """;

  private static final String BROKEN = """
      machineKinds:
        etch:
          unitName: wafer
          idealCycle: 2m
          mtbf: 100h
          mttr: 0s
          yield: 1.5
          defectCodes: [PARTICLES]
        scanner:
          idealCycle: 25
          mtbf: 70h
          mttr: 6h
          yield: 0.99
          defectCodes: [OVERLAY]
          mtfb: 80h
      sites:
        - id: fab
          place: Phoenix, AZ
          timeZone: America/Phoenix
          kind: wafer fab
          lines:
            - id: fab-etch
              machines:
                - {kind: etch, count: 2}
        - id: fab
          operator: Fab Co
          place: Chandler, AZ
          timeZone: America/Tempe
          kind: wafer fab
          lines:
            - id: fab-litho
              machines:
                - {kind: scanner, count: 1}
                - {kind: etch2, count: 1}
      """;

  @TempDir
  Path dir;

  @Test
  void validModelLoadsFromAFile() throws IOException {
    Path file = write("plant.yaml", VALID);

    PlantModel model = PlantModel.load(file);

    assertThat(model.source()).isEqualTo(file.toString());
    assertThat(model.machines()).extracting(Machine::machineId).containsExactly("fab-etch-etch-01", "fab-etch-etch-02");
    MachineKind etch = model.machineKinds().get("etch");
    assertThat(etch.idealCycle()).isEqualTo(Duration.ofMinutes(2));
    assertThat(etch.performanceLoss()).isZero();
    assertThat(etch.starvation()).isNull();
    assertThat(etch.sensors()).containsExactly(new SensorSpec("power", "kW", 40, 60, 0.5, 15.0, 0.5));
  }

  @Test
  void everyErrorIsReportedAtOnceWithFileLineAndPath() throws IOException {
    Path file = write("broken.yaml", BROKEN);

    PlantModelException e = catchThrowableOfType(PlantModelException.class, () -> PlantModel.load(file));

    String f = file.toString();
    assertThat(e.errors()).containsExactlyInAnyOrder(
        f + ":6: machineKinds.etch.mttr: must be positive, got 0s",
        f + ":7: machineKinds.etch.yield: must be between 0 and 1, got 1.5",
        f + ":15: machineKinds.scanner.mtfb: unknown field; expected one of: unitName, idealCycle, mtbf, mttr, "
            + "yield, performanceLoss, defectCodes, sensors, sensorEvery, starvation, maintenance, engineering, "
            + "yieldDrift, excursions, unattended",
        f + ":9: machineKinds.scanner.unitName: missing",
        f + ":10: machineKinds.scanner.idealCycle: must be a duration with a unit such as 25s, 4m or 6h, got '25'",
        f + ":17: sites[0].operator: missing",
        f + ":28: sites[1].timeZone: unknown time zone 'America/Tempe'; use a region id such as America/Phoenix",
        f + ":34: sites[1].lines[0].machines[1].kind: unknown machine kind 'etch2'; declared kinds: etch, scanner",
        f + ":25: sites[1].id: duplicate site id 'fab' (first at sites[0])");
    assertThat(e.source()).isEqualTo(f);
    assertThat(e.getMessage())
        .startsWith("invalid plant model " + f + " (9 errors):")
        .contains(e.errors());
  }

  @Test
  void calendarsAndPlannedTimeLoadWithTheirDefaults() {
    String yaml = """
        machineKinds:
          etch:
            unitName: wafer
            idealCycle: 2m
            mtbf: 100h
            mttr: 4h
            yield: 0.99
            defectCodes: [PARTICLES]
            maintenance: {every: 7d, duration: 4h}
            engineering: {every: 100h, duration: 2h}
            yieldDrift: {sigma: 0.3, correlation: 12h}
            excursions: {every: 72h, duration: 2h, yield: 0.8}
            unattended: true
            sensors:
              - {name: power, unit: kW, min: 40, max: 60, beforeFailure: {lead: 2h, rise: 5}, excursionShift: 3}
        sites:
          - id: fab
            operator: Fab Co
            place: Phoenix, AZ
            timeZone: America/Phoenix
            kind: wafer fab
            calendar:
              shifts:
                - {name: day, days: MON-FRI, from: "06:00", to: "18:00"}
                - {name: night, days: [FRI, SAT], from: "18:00", to: "06:00"}
              holidays: [2026-12-25]
            lines:
              - id: fab-etch
                machines:
                  - {kind: etch, count: 2}
        """;

    PlantModel model = PlantModel.parse(yaml, "planned.yaml");

    MachineKind etch = model.machineKinds().get("etch");
    assertThat(etch.maintenance()).isEqualTo(new MachineKind.Maintenance(Duration.ofDays(7), Duration.ofHours(4)));
    assertThat(etch.engineering()).isEqualTo(new MachineKind.Engineering(Duration.ofHours(100), Duration.ofHours(2)));
    assertThat(etch.yieldDrift()).isEqualTo(new MachineKind.YieldDrift(0.3, Duration.ofHours(12)));
    assertThat(etch.excursions()).isEqualTo(new MachineKind.Excursions(Duration.ofHours(72), Duration.ofHours(2), 0.8));
    assertThat(etch.unattended()).isTrue();
    assertThat(etch.sensors().get(0).beforeFailure()).isEqualTo(new SensorSpec.Precursor(Duration.ofHours(2), 5));
    assertThat(etch.sensors().get(0).excursionShift()).isEqualTo(3);
    ShiftCalendar calendar = model.sites().get(0).calendar();
    assertThat(calendar.zone()).isEqualTo(ZoneId.of("America/Phoenix"));
    assertThat(calendar.shifts()).containsExactly(
        new ShiftCalendar.Shift("day", EnumSet.range(DayOfWeek.MONDAY, DayOfWeek.FRIDAY), LocalTime.of(6, 0), LocalTime.of(18, 0)),
        new ShiftCalendar.Shift("night", EnumSet.of(DayOfWeek.FRIDAY, DayOfWeek.SATURDAY), LocalTime.of(18, 0), LocalTime.of(6, 0)));
    assertThat(calendar.holidays()).containsExactly(LocalDate.of(2026, 12, 25));
    assertThat(calendar.isContinuous()).as("scheduled only during its shifts").isFalse();

    MachineKind plain = PlantModel.parse(VALID, "plain.yaml").machineKinds().get("etch");
    assertThat(plain.maintenance()).isNull();
    assertThat(plain.engineering()).isNull();
    assertThat(plain.yieldDrift()).isNull();
    assertThat(plain.excursions()).isNull();
    assertThat(plain.unattended()).isFalse();
    assertThat(PlantModel.parse(VALID, "plain.yaml").sites().get(0).calendar().isContinuous()).isTrue();
  }

  @Test
  void calendarAndPlannedTimeErrorsAreAllReportedWithTheirLines() {
    String yaml = """
        machineKinds:
          etch:
            unitName: wafer
            idealCycle: 2m
            mtbf: 100h
            mttr: 4h
            yield: 0.99
            defectCodes: [PARTICLES]
            maintenance: {every: 4h, duration: 6h}
            engineering: {every: 100h}
            yieldDrift: {sigma: 5, correlation: 12h}
            excursions: {every: 72h, duration: 2h, yield: 1.5}
            unattended: yes please
            sensors:
              - {name: power, unit: kW, min: 40, max: 60, beforeFailure: {rise: 5}}
        sites:
          - id: fab
            operator: Fab Co
            place: Phoenix, AZ
            timeZone: America/Phoenix
            kind: wafer fab
            calendar:
              shifts:
                - {name: day, days: MON-FUN, from: "06:00", to: "18:00"}
                - {name: day, days: SAT, from: "25:00", to: "06:00"}
              holidays: [2026-13-01]
            lines:
              - id: fab-etch
                machines:
                  - {kind: etch, count: 1}
        """;

    PlantModelException e = catchThrowableOfType(PlantModelException.class, () -> PlantModel.parse(yaml, "plan.yaml"));

    assertThat(e.errors()).containsExactlyInAnyOrder(
        "plan.yaml:9: machineKinds.etch.maintenance.duration: must be shorter than every (4h), got 6h",
        "plan.yaml:10: machineKinds.etch.engineering.duration: missing",
        "plan.yaml:11: machineKinds.etch.yieldDrift.sigma: must be between 0 and 2, got 5.0",
        "plan.yaml:12: machineKinds.etch.excursions.yield: must be between 0 and 1, got 1.5",
        "plan.yaml:13: machineKinds.etch.unattended: must be true or false, got 'yes please'",
        "plan.yaml:15: machineKinds.etch.sensors[0].beforeFailure.lead: missing",
        "plan.yaml:24: sites[0].calendar.shifts[0].days: 'MON-FUN' is not a day or range of days; use MON, TUE, "
            + "WED, THU, FRI, SAT, SUN or a range such as MON-FRI",
        "plan.yaml:25: sites[0].calendar.shifts[1].from: '25:00' is not a time of day; use HH:MM such as 06:00 or 22:30",
        "plan.yaml:26: sites[0].calendar.holidays[0]: '2026-13-01' is not a date; use YYYY-MM-DD such as 2026-12-25");
  }

  /** {@link #VALID} with {@code calendar} (indented as a site's field) after the site's kind, from line 17 on. */
  private static String withCalendar(String calendar) {
    return VALID.replace("    kind: wafer fab\n", "    kind: wafer fab\n" + calendar.indent(4));
  }

  @Test
  void aCalendarAroundTheClockKeepsItsShiftsAndIsAlwaysScheduled() {
    String yaml = withCalendar("""
        calendar:
          aroundTheClock: true
          shifts:
            - {name: day, days: MON-SUN, from: "06:00", to: "18:00"}
            - {name: night, days: MON-SUN, from: "18:00", to: "06:00"}
        """);

    ShiftCalendar calendar = PlantModel.parse(yaml, "fab.yaml").sites().get(0).calendar();

    assertThat(calendar.isContinuous()).isTrue();
    assertThat(calendar.shifts()).extracting(ShiftCalendar.Shift::name).containsExactly("day", "night");
    assertThat(calendar.shifts().get(1).days()).isEqualTo(EnumSet.allOf(DayOfWeek.class));
    assertThat(calendar.holidays()).isEmpty();
    // The same shifts without the flag: scheduled during them, which here is all the time too.
    ShiftCalendar crews = PlantModel.parse(yaml.replace("aroundTheClock: true", "aroundTheClock: false"), "fab.yaml")
        .sites().get(0).calendar();
    assertThat(crews.isContinuous()).isFalse();
    assertThat(crews.shifts()).isEqualTo(calendar.shifts());
  }

  @Test
  void aCalendarAroundTheClockIsScheduledOutsideItsShifts() {
    String yaml = withCalendar("""
        calendar:
          aroundTheClock: true
          shifts:
            - {name: day, days: MON-FRI, from: "08:00", to: "16:00"}
          holidays: [2026-12-25]
        """);

    ShiftCalendar calendar = PlantModel.parse(yaml, "fab.yaml").sites().get(0).calendar();
    ShiftCalendar shiftsOnly = PlantModel.parse(yaml.replaceAll(" *aroundTheClock: true\n", ""), "fab.yaml")
        .sites().get(0).calendar();

    // Sunday 2026-12-27 at 03:00 and Christmas at noon, Phoenix time: outside every shift.
    Instant sundayNight = Instant.parse("2026-12-27T10:00:00Z");
    Instant christmasNoon = Instant.parse("2026-12-25T19:00:00Z");
    assertThat(calendar.isScheduled(sundayNight)).isTrue();
    assertThat(calendar.isScheduled(christmasNoon)).isTrue();
    assertThat(calendar.nextChange(sundayNight)).isNull();
    assertThat(shiftsOnly.isScheduled(sundayNight)).isFalse();
    assertThat(shiftsOnly.isScheduled(christmasNoon)).isFalse();
    assertThat(calendar.holidays()).isEqualTo(shiftsOnly.holidays()).containsExactly(LocalDate.of(2026, 12, 25));
  }

  @Test
  void shiftsThatOverlapAreRefusedWithWhereTheyOverlap() {
    String yaml = withCalendar("""
        calendar:
          shifts:
            - {name: day, days: MON-FRI, from: "06:00", to: "18:00"}
            - {name: late, days: MON-FRI, from: "17:00", to: "22:00"}
            - {name: night, days: SUN, from: "20:00", to: "07:00"}
            - {name: weekend, days: [SAT, SUN], from: "21:00", to: "02:00"}
            - {name: allday, days: WED, from: "12:00", to: "12:00"}
        """);

    PlantModelException e = catchThrowableOfType(PlantModelException.class, () -> PlantModel.parse(yaml, "overlap.yaml"));

    assertThat(e.errors()).containsExactly(
        "overlap.yaml:20: sites[0].calendar.shifts[1]: overlaps shift 'day' (shifts[0]) from MON 17:00 to MON 18:00; "
            + "the shifts of a calendar must not overlap",
        // Sunday night runs into Monday morning: across the end of the week.
        "overlap.yaml:21: sites[0].calendar.shifts[2]: overlaps shift 'day' (shifts[0]) from MON 06:00 to MON 07:00; "
            + "the shifts of a calendar must not overlap",
        "overlap.yaml:22: sites[0].calendar.shifts[3]: overlaps shift 'night' (shifts[2]) from SUN 21:00 to MON 02:00; "
            + "the shifts of a calendar must not overlap",
        // A shift whose end equals its start lasts 24 hours.
        "overlap.yaml:23: sites[0].calendar.shifts[4]: overlaps shift 'day' (shifts[0]) from WED 12:00 to WED 18:00; "
            + "the shifts of a calendar must not overlap",
        "overlap.yaml:23: sites[0].calendar.shifts[4]: overlaps shift 'late' (shifts[1]) from WED 17:00 to WED 22:00; "
            + "the shifts of a calendar must not overlap");
  }

  @Test
  void shiftsThatOnlyTouchDoNotOverlap() {
    String yaml = withCalendar("""
        calendar:
          shifts:
            - {name: first, days: MON-SUN, from: "06:00", to: "14:00"}
            - {name: second, days: MON-SUN, from: "14:00", to: "22:00"}
            - {name: third, days: MON-SAT, from: "22:00", to: "06:00"}
            - {name: sunday-night, days: SUN, from: "22:00", to: "24:00"}
            - {name: monday-early, days: MON, from: "00:00", to: "06:00"}
        """);

    ShiftCalendar calendar = PlantModel.parse(yaml, "touch.yaml").sites().get(0).calendar();

    assertThat(calendar.shifts()).extracting(ShiftCalendar.Shift::name)
        .containsExactly("first", "second", "third", "sunday-night", "monday-early");
    assertThat(calendar.shifts().get(3).to()).isEqualTo(LocalTime.MIDNIGHT);
  }

  @Test
  void unknownCalendarFieldsAndBadFlagsAndTimesAreReportedWithTheirLines() {
    String yaml = withCalendar("""
        calendar:
          aroundTheClok: true
          aroundTheClock: sometimes
          shifts:
            - {name: day, days: MON-FRI, from: "06:00", to: "18:00", crew: A}
            - {name: night, days: MON-FRI, from: "18:00:30", to: "06:00"}
        """);

    PlantModelException e = catchThrowableOfType(PlantModelException.class, () -> PlantModel.parse(yaml, "cal.yaml"));

    assertThat(e.errors()).containsExactlyInAnyOrder(
        "cal.yaml:18: sites[0].calendar.aroundTheClok: unknown field; expected one of: shifts, holidays, aroundTheClock",
        "cal.yaml:19: sites[0].calendar.aroundTheClock: must be true or false, got 'sometimes'",
        "cal.yaml:21: sites[0].calendar.shifts[0].crew: unknown field; expected one of: name, days, from, to",
        "cal.yaml:22: sites[0].calendar.shifts[1].from: '18:00:30' is not a time of day; use HH:MM such as 06:00 "
            + "or 22:30");
  }

  @Test
  void sensorIntervalComesFromTheSensorElseItsKindElseFiveSeconds() {
    String yaml = """
        machineKinds:
          etch:
            unitName: wafer
            idealCycle: 2m
            mtbf: 100h
            mttr: 4h
            yield: 1
            sensorEvery: 1s
            sensors:
              - {name: rf-power, unit: W, min: 1800, max: 2200}
              - {name: chamber-pressure, unit: mTorr, min: 15, max: 25, every: 250ms}
          cmp:
            unitName: wafer
            idealCycle: 90s
            mtbf: 80h
            mttr: 3h
            yield: 1
            sensors:
              - {name: slurry-flow, unit: ml/min, min: 150, max: 250}
              - {name: platen-vibration, unit: mm/s, min: 1.5, max: 4, every: 1m30s}
        sites:
          - id: fab
            operator: Fab Co
            place: Phoenix, AZ
            timeZone: America/Phoenix
            kind: wafer fab
            lines:
              - id: fab-line
                machines:
                  - {kind: etch, count: 1}
                  - {kind: cmp, count: 1}
        """;

    PlantModel model = PlantModel.parse(yaml, "intervals.yaml");

    assertThat(model.machineKinds().get("etch").sensors())
        .extracting(SensorSpec::name, SensorSpec::every)
        .containsExactly(tuple("rf-power", Duration.ofSeconds(1)), tuple("chamber-pressure", Duration.ofMillis(250)));
    assertThat(model.machineKinds().get("cmp").sensors())
        .extracting(SensorSpec::name, SensorSpec::every)
        .containsExactly(tuple("slurry-flow", Duration.ofSeconds(5)), tuple("platen-vibration", Duration.ofSeconds(90)));
  }

  @Test
  void badSensorIntervalsAreAllReportedWithTheirLines() {
    String yaml = """
        machineKinds:
          etch:
            unitName: wafer
            idealCycle: 2m
            mtbf: 100h
            mttr: 4h
            yield: 1
            sensorEvery: 0s
            sensors:
              - {name: rf-power, unit: W, min: 1800, max: 2200, every: fast}
              - {name: chamber-pressure, unit: mTorr, min: 15, max: 25, every: 5}
              - {name: gas-flow, unit: sccm, min: 40, max: 60, every: PT0.0005S}
              - {name: power, unit: kW, min: 40, max: 60, every: 1s}
          cmp:
            unitName: wafer
            idealCycle: 90s
            mtbf: 80h
            mttr: 3h
            yield: 1
            sensorEvery: [1s]
            sensors:
              - {name: slurry-flow, unit: ml/min, min: 150, max: 250, evry: 1s}
        sites:
          - id: fab
            operator: Fab Co
            place: Phoenix, AZ
            timeZone: America/Phoenix
            kind: wafer fab
            lines:
              - id: fab-line
                machines:
                  - {kind: etch, count: 1}
                  - {kind: cmp, count: 1}
        """;

    PlantModelException e = catchThrowableOfType(PlantModelException.class, () -> PlantModel.parse(yaml, "every.yaml"));

    assertThat(e.errors()).containsExactlyInAnyOrder(
        "every.yaml:8: machineKinds.etch.sensorEvery: must be positive, got 0s",
        "every.yaml:10: machineKinds.etch.sensors[0].every: 'fast' is not a duration; use a number with a unit "
            + "(ms, s, m, h, d) such as 25s, 4m, 1h30m, or ISO-8601 such as PT4M",
        "every.yaml:11: machineKinds.etch.sensors[1].every: must be a duration with a unit such as 25s, 4m or 6h, "
            + "got '5'",
        "every.yaml:12: machineKinds.etch.sensors[2].every: must be at least 1ms, got PT0.0005S",
        "every.yaml:20: machineKinds.cmp.sensorEvery: must be a duration with a unit such as 25s, 4m or 6h, "
            + "got a list",
        "every.yaml:22: machineKinds.cmp.sensors[0].evry: unknown field; expected one of: name, unit, min, max, "
            + "noise, standby, down, beforeFailure, excursionShift, every");
  }

  @Test
  void unparseableYamlIsReportedWithItsLine() throws IOException {
    Path file = write("bad.yaml", "machineKinds:\n  etch:\n    unitName: [wafer\nsites: []\n");

    assertThatThrownBy(() -> PlantModel.load(file))
        .isInstanceOf(PlantModelException.class)
        .hasMessageStartingWith("invalid plant model: " + file + ":4:")
        .hasMessageContaining("not valid YAML");
  }

  @Test
  void duplicateKeysAreNotSilentlyMerged() {
    assertThatThrownBy(() -> PlantModel.parse(VALID.replace("    mtbf: 100h\n", "    mtbf: 100h\n    mtbf: 50h\n"), "dup.yaml"))
        .isInstanceOf(PlantModelException.class)
        .hasMessageContaining("dup.yaml:6:")
        .hasMessageContaining("mtbf");
  }

  @Test
  void machineIdsMustNotCollideAndLinesMustNameTheirSite() {
    String yaml = """
        machineKinds:
          etch: {unitName: wafer, idealCycle: 2m, mtbf: 100h, mttr: 4h, yield: 1}
          x-etch: {unitName: wafer, idealCycle: 2m, mtbf: 100h, mttr: 4h, yield: 1}
        sites:
          - id: fab
            operator: Fab Co
            place: Phoenix, AZ
            timeZone: America/Phoenix
            kind: wafer fab
            lines:
              - id: fab-line
                machines:
                  - {kind: x-etch, count: 2}
                  - {kind: x-etch, count: 1}
              - id: etch-line
                machines:
                  - {kind: etch, count: 10000}
              - id: fab-line-x
                machines:
                  - {kind: etch, count: 1}
        """;

    PlantModelException e = catchThrowableOfType(PlantModelException.class, () -> PlantModel.parse(yaml, "ids.yaml"));

    assertThat(e.errors()).containsExactly(
        "ids.yaml:14: sites[0].lines[0].machines[1].kind: kind 'x-etch' appears twice on this line; add up the counts instead",
        "ids.yaml:15: sites[0].lines[1].id: must start with its site id, e.g. 'fab-etch-line'",
        "ids.yaml:17: sites[0].lines[1].machines[0].count: must be between 1 and 9999, got 10000",
        "ids.yaml:20: sites[0].lines[2].machines[0]: duplicate machine id 'fab-line-x-etch-01' "
            + "(also made by sites[0].lines[0].machines[0])");
  }

  @Test
  void emptyAndMisshapenDocumentsSayWhatIsExpected() {
    assertThatThrownBy(() -> PlantModel.parse("", "empty.yaml"))
        .hasMessageContaining("empty.yaml: (document): the document is empty; expected machineKinds and sites");
    assertThatThrownBy(() -> PlantModel.parse("sites: {}\n", "shape.yaml"))
        .isInstanceOf(PlantModelException.class)
        .hasMessageContaining("shape.yaml:1: sites: must be a list")
        .hasMessageContaining("shape.yaml:1: machineKinds: missing");
  }

  @Test
  void unreadableFileIsOneClearError() {
    Path missing = dir.resolve("nope.yaml");

    assertThatThrownBy(() -> PlantModel.load(missing))
        .isInstanceOf(PlantModelException.class)
        .hasMessage("invalid plant model: " + missing + ": cannot read the file: no such file");
  }

  private Path write(String name, String content) throws IOException {
    return Files.writeString(dir.resolve(name), content);
  }
}
