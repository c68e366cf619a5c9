package io.plantstream.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.plantstream.avro.MachineKpi;
import io.plantstream.avro.ShiftInfo;
import io.plantstream.avro.SiteInfo;
import io.plantstream.avro.SiteKpi;
import io.plantstream.producer.RunLimit;
import io.plantstream.producer.SimulationRunner;
import io.plantstream.producer.Speed;
import io.plantstream.producer.model.PlantModel;
import io.plantstream.producer.model.ShiftCalendar;
import io.plantstream.producer.model.Site;
import io.plantstream.producer.publish.MachinesPublisher;
import io.plantstream.producer.publish.TelemetryPublisher;
import io.plantstream.producer.sim.PlantSimulator;
import io.plantstream.schemas.Topics;
import io.plantstream.streams.KpiApplication;
import io.plantstream.streams.KpiConfig;
import io.plantstream.streams.KpiStreamsConfig;
import io.plantstream.testing.KafkaFixture;
import io.plantstream.testing.KpiOracle;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Shift and day windows in each site's time zone, end to end on a real broker (docs/kpi-rules.md,
 * "Shifts and days, in the site's time zone"): a small plant simulated for 62 hours from local
 * midnight in Texas on Saturday 2027-03-13, across the spring-forward Sunday, with a holiday at
 * Foxconn on the Saturday and a site left off {@code plant.sites}. Every key of the shift, day and
 * machine-day topics, and of the minute and hour topics, equals the batch oracle's recomputation;
 * the Texas days of the 14th are 23 hours long and Foxconn has no shift on its holiday.
 */
class CalendarKpiIT {

  @RegisterExtension static final KafkaFixture kafka = new KafkaFixture();

  private static final Logger log = LoggerFactory.getLogger(CalendarKpiIT.class);

  private static final String MODEL = "io/plantstream/app/calendar-plant.yaml";
  /** Midnight in Texas (CST) on Saturday 2027-03-13. */
  private static final Instant START = Instant.parse("2027-03-13T06:00:00Z");
  /** To 2027-03-15T20:00Z: Monday's day shift at Foxconn (11:00Z-19:30Z, CDT) closes, its swing shift does not. */
  private static final Duration SIMULATED = Duration.ofHours(62);
  /** The site left off plant.sites: UTC days, no shifts. */
  private static final String UNLISTED = "tsmc-phx";
  private static final LocalDate HOLIDAY = LocalDate.parse("2027-03-13");
  private static final LocalDate SPRING_FORWARD = LocalDate.parse("2027-03-14");
  /**
   * The default idle-after (30 s), as in ReplayIdempotenceIT: with 10 s, two runs of four on a
   * loaded machine ended with about 2,500 site minutes each short of one machine's minute, as many
   * as the application counted as expired machine windows: a backlog partition was judged idle
   * while the others ran hours of event time ahead, and the site minutes it missed were forgotten
   * before its machine windows came (docs/kpi-rules.md, "When a site window is forgotten").
   */
  private static final KpiConfig CONFIG = KpiConfig.defaults();

  @TempDir Path stateDir;

  @Test
  void shiftDayAndMachineDayWindowsInEachSitesZoneEqualTheBatchRecomputation() throws Exception {
    PlantModel model = PlantModel.parse(resource(MODEL), MODEL);
    Topics topics = kafka.uniqueTopics("calendar");
    kafka.createTopics(topics, 4);
    Map<String, Object> client = kafka.clientConfig();
    PlantSimulator simulator = new PlantSimulator(model, 11L, START, Set.of());
    MachinesPublisher.publish(client, topics.machines(), simulator.machineInfos(), START);
    List<SiteInfo> sites = model.sites().stream().filter(site -> !site.id().equals(UNLISTED))
        .map(CalendarKpiIT::siteInfo).toList();
    kafka.send(topics.sites(), sites.stream()
        .map(site -> new ProducerRecord<>(topics.sites().name(), null, START.toEpochMilli(), site.getSiteId(), site))
        .toList());
    long published = System.nanoTime();
    try (TelemetryPublisher publisher = new TelemetryPublisher(client, topics.telemetry())) {
      new SimulationRunner(simulator, publisher, Speed.MAX, RunLimit.of(SIMULATED)).run();
    }
    KpiComparison comparison = KpiComparison.recompute(kafka, topics, simulator.machineInfos(), CONFIG);
    KpiOracle.Result expected = comparison.expected();
    log.info("{} telemetry records of {} machines published and recomputed in {} ms",
        kafka.readAllRaw(topics.telemetry().name()).size(), simulator.machines().size(),
        (System.nanoTime() - published) / 1_000_000);

    // What the oracle expects covers the cases this test is about; the pipeline must then equal it.
    assertThat(expected.siteShifts().values()).extracting(KpiOracle.Window::id)
        .contains("foxconn-hou", "wistron-dal", "spil-az").doesNotContain(UNLISTED);
    assertThat(expected.siteShifts().values())
        .filteredOn(shift -> shift.id().equals("foxconn-hou") && shift.localDate().equals(HOLIDAY.toString()))
        .isEmpty();
    assertThat(expected.siteShifts().values()).as("Wistron works the Saturday")
        .filteredOn(shift -> shift.id().equals("wistron-dal") && shift.localDate().equals(HOLIDAY.toString()))
        .extracting(KpiOracle.Window::shift).containsExactly("first", "second");
    assertThat(expected.machineDays().values().stream().mapToInt(KpiOracle.Window::failures).sum()).isPositive();
    assertThat(expected.siteDays().values()).anySatisfy(day -> assertThat(day.defectUnits()).isNotEmpty());

    try (KpiApplication app = KpiApplication.forTopics(topics, CONFIG, KpiStreamsConfig.build(
        kafka.bootstrapServers(), "calendar-it-" + System.nanoTime(), stateDir, topics, Map.of()))) {
      long started = System.nanoTime();
      app.start();
      await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(1))
          .failFast("the KPI application failed", () -> app.streams().state() == KafkaStreams.State.ERROR)
          .untilAsserted(comparison::assertComplete);
      log.info("every expected key out {} ms after the start of the KPI application", (System.nanoTime() - started) / 1_000_000);
    }
    comparison.assertMatches();

    Map<String, SiteKpi> days = KpiComparison.latest(kafka.readAll(topics.siteKpiDay()));
    Map<String, SiteKpi> shifts = KpiComparison.latest(kafka.readAll(topics.siteKpiShift()));
    List<MachineKpi> machineDays = kafka.readAll(topics.machineKpiDay()).stream().map(r -> r.value()).toList();
    for (String texas : List.of("foxconn-hou", "wistron-dal")) {
      SiteKpi sunday = days.get(texas + "@" + SPRING_FORWARD);
      assertThat(sunday).as("%s's day of %s", texas, SPRING_FORWARD).isNotNull();
      assertThat(length(sunday.getWindowStart(), sunday.getWindowEnd())).as("%s's spring-forward day", texas)
          .isEqualTo(Duration.ofHours(23));
      assertThat(machineDays).filteredOn(day -> day.getSiteId().equals(texas)
          && day.getLocalDate().equals(SPRING_FORWARD.toString())).isNotEmpty()
          .allSatisfy(day -> assertThat(length(day.getWindowStart(), day.getWindowEnd())).isEqualTo(Duration.ofHours(23)));
    }
    assertThat(length(days.get("spil-az@" + HOLIDAY).getWindowStart(), days.get("spil-az@" + HOLIDAY).getWindowEnd()))
        .as("Arizona keeps standard time").isEqualTo(Duration.ofHours(24));
    assertThat(days.get(UNLISTED + "@" + SPRING_FORWARD).getWindowStart()).as("a site off plant.sites has UTC days")
        .isEqualTo(Instant.parse("2027-03-14T00:00:00Z"));
    assertThat(shifts.values()).as("no shift on Foxconn's holiday, none at the site off plant.sites")
        .noneMatch(shift -> shift.getSiteId().equals("foxconn-hou") && shift.getLocalDate().equals(HOLIDAY.toString()))
        .noneMatch(shift -> shift.getSiteId().equals(UNLISTED));
    assertThat(days.get("foxconn-hou@" + HOLIDAY)).as("a holiday is a day like any other").isNotNull();

    log.info("equal to the oracle: {} site shifts, {} site days, {} machine days, {} site hours, {} site minutes, "
        + "{} machine minutes ({} keys)", expected.siteShifts().size(), expected.siteDays().size(),
        expected.machineDays().size(), expected.siteHours().size(), expected.siteMinutes().size(),
        expected.machineMinutes().size(), comparison.expectedKeys());
    for (SiteInfo site : sites) {
      logFirst("day", days.values(), site.getSiteId());
      logFirst("shift", shifts.values(), site.getSiteId());
    }
    logFirst("day", days.values(), UNLISTED);
  }

  /** Logs the site's window of the spring-forward date, or its first, of {@code windows}. */
  private static void logFirst(String what, Collection<SiteKpi> windows, String siteId) {
    List<SiteKpi> ofSite = windows.stream().filter(w -> w.getSiteId().equals(siteId))
        .sorted((a, b) -> a.getWindowStart().compareTo(b.getWindowStart())).toList();
    SiteKpi chosen = ofSite.stream().filter(w -> SPRING_FORWARD.toString().equals(w.getLocalDate())).findFirst()
        .orElse(ofSite.isEmpty() ? null : ofSite.get(0));
    if (chosen == null) {
      log.info("{}: no {} window", siteId, what);
      return;
    }
    log.info("{} {} {} {}: [{}, {}) {} h, machines {}, units {}/{}, failures {}, uptime {}, OEE {}, output/h {}, "
        + "losses {}, defects {}", siteId, what, chosen.getLocalDate(), chosen.getShift() == null ? "" : chosen.getShift(),
        chosen.getWindowStart(), chosen.getWindowEnd(), length(chosen.getWindowStart(), chosen.getWindowEnd()).toMinutes() / 60.0,
        chosen.getMachinesReporting(), chosen.getUnitsGood(), chosen.getUnitsTotal(), chosen.getFailures(),
        chosen.getUptime(), chosen.getOee(), chosen.getOutputPerHour(), losses(chosen.getStateReasonMillis()),
        chosen.getDefectUnits());
  }

  /** The loss Pareto: the non-PRODUCTIVE entries, largest first, in minutes. */
  private static String losses(Map<String, Long> stateReasonMillis) {
    return stateReasonMillis.entrySet().stream().filter(e -> !e.getKey().startsWith("PRODUCTIVE/"))
        .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
        .map(e -> e.getKey() + "=" + e.getValue() / 60_000 + "m").collect(Collectors.joining(", ", "[", "]"));
  }

  private static Duration length(Instant start, Instant end) {
    return Duration.between(start, end);
  }

  /** The site's record for plant.sites, from the model: its zone, shifts (days MONDAY...SUNDAY, HH:mm) and holidays. */
  private static SiteInfo siteInfo(Site site) {
    ShiftCalendar calendar = site.calendar();
    List<ShiftInfo> shifts = calendar.shifts().stream().map(shift -> new ShiftInfo(shift.name(),
        shift.days().stream().sorted().map(DayOfWeek::name).toList(), shift.from().toString(), shift.to().toString()))
        .toList();
    return SiteInfo.newBuilder().setSiteId(site.id()).setOperator(site.operator()).setPlace(site.place())
        .setKind(site.kind()).setTimeZone(site.timeZone().getId()).setShifts(shifts)
        .setHolidays(calendar.holidays().stream().sorted().map(LocalDate::toString).toList())
        .setScheduledAroundTheClock(false).build();
  }

  private static String resource(String name) throws IOException {
    try (InputStream in = CalendarKpiIT.class.getClassLoader().getResourceAsStream(name)) {
      assertThat(in).as(name).isNotNull();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
