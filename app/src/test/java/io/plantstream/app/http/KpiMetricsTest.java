package io.plantstream.app.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Tags;
import io.plantstream.avro.SiteKpi;
import io.plantstream.avro.StateMillis;
import io.plantstream.streams.KpiWindow;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The site families of {@link KpiMetrics} from the newest final site windows, without an
 * application: every window labels its gauges, shifts and days included, and the losses and
 * defects are exported for the hour, the shift and the day, not the minute. (KpiMetricsIT and
 * KpiHttpIT read them from a running application.)
 */
class KpiMetricsTest {

  private static final Instant T0 = Instant.parse("2026-11-28T10:00:00Z");

  @Test
  void everyWindowHasTheSiteGaugesAndHourShiftAndDayTheirLossesAndDefects() {
    Map<KpiWindow, Map<String, SiteKpi>> newest = new EnumMap<>(KpiWindow.class);
    newest.put(KpiWindow.MINUTE, Map.of("amkor-az", kpi(T0, T0.plusSeconds(60), 1,
        Map.of("PRODUCTIVE/UNSPECIFIED", 50_000L, "STANDBY/NO_MATERIAL", 10_000L), Map.of("D01", 1L))));
    newest.put(KpiWindow.HOUR, Map.of("amkor-az", kpi(T0, T0.plusSeconds(3_600), 2,
        Map.of("PRODUCTIVE/UNSPECIFIED", 3_000_000L, "STANDBY/NO_MATERIAL", 500_000L,
            "UNSCHEDULED_DOWN/FAILURE", 100_000L), Map.of("D01", 3L, "D02", 1L))));
    Instant shiftStart = Instant.parse("2026-11-28T02:00:00Z");
    newest.put(KpiWindow.SHIFT, Map.of("amkor-az", kpi(shiftStart, T0, 1,
        Map.of("SCHEDULED_DOWN/PM", 1_800_000L), Map.of())));
    // A day of 25 hours (fall back): the end says how long it is.
    Instant dayStart = Instant.parse("2026-11-01T05:00:00Z");
    newest.put(KpiWindow.DAY, Map.of("foxconn-hou", kpi(dayStart, dayStart.plusSeconds(25 * 3_600), 0,
        Map.of("UNKNOWN/UNSPECIFIED", 1_000L), Map.of())));

    Map<String, Map<Tags, Double>> samples = KpiMetrics.siteSamples(newest);

    Tags shift = Tags.of("site", "amkor-az", "window", "shift");
    Tags day = Tags.of("site", "foxconn-hou", "window", "day");
    assertThat(samples.get("plantstream_site_window_start_seconds"))
        .containsEntry(Tags.of("site", "amkor-az", "window", "1m"), seconds(T0))
        .containsEntry(Tags.of("site", "amkor-az", "window", "1h"), seconds(T0))
        .containsEntry(shift, seconds(shiftStart))
        .containsEntry(day, seconds(dayStart)).hasSize(4);
    assertThat(samples.get("plantstream_site_window_end_seconds")).containsEntry(shift, seconds(T0))
        .containsEntry(day, seconds(dayStart) + 25 * 3_600);
    assertThat(samples.get("plantstream_site_failures")).containsEntry(shift, 1.0).containsEntry(day, 0.0)
        .containsEntry(Tags.of("site", "amkor-az", "window", "1h"), 2.0);
    assertThat(samples.get("plantstream_site_uptime_ratio")).containsEntry(shift, 0.5);
    assertThat(samples.get("plantstream_site_yield_ratio")).doesNotContainKey(day);

    assertThat(samples.get(KpiMetrics.LOSS_SECONDS)).containsOnly(
        Map.entry(Tags.of("site", "amkor-az", "window", "1h", "state", "STANDBY", "reason", "NO_MATERIAL"), 500.0),
        Map.entry(Tags.of("site", "amkor-az", "window", "1h", "state", "UNSCHEDULED_DOWN", "reason", "FAILURE"),
            100.0),
        Map.entry(shift.and("state", "SCHEDULED_DOWN", "reason", "PM"), 1_800.0),
        Map.entry(day.and("state", "UNKNOWN", "reason", "UNSPECIFIED"), 1.0));
    assertThat(samples.get(KpiMetrics.DEFECT_UNITS)).containsOnly(
        Map.entry(Tags.of("site", "amkor-az", "window", "1h", "code", "D01"), 3.0),
        Map.entry(Tags.of("site", "amkor-az", "window", "1h", "code", "D02"), 1.0));
  }

  @Test
  void withoutFinalWindowsEveryFamilyIsEmpty() {
    Map<String, Map<Tags, Double>> samples = KpiMetrics.siteSamples(Map.of());

    assertThat(samples).containsKeys(KpiMetrics.LOSS_SECONDS, KpiMetrics.DEFECT_UNITS,
        "plantstream_site_window_start_seconds", "plantstream_site_failures");
    assertThat(samples.values()).allSatisfy(values -> assertThat(values).isEmpty());
  }

  private static SiteKpi kpi(Instant start, Instant end, int failures, Map<String, Long> stateReasonMillis,
      Map<String, Long> defectUnits) {
    long productive = stateReasonMillis.getOrDefault("PRODUCTIVE/UNSPECIFIED", 0L);
    long defects = defectUnits.values().stream().mapToLong(Long::longValue).sum();
    return SiteKpi.newBuilder().setSiteId("x").setWindowStart(start).setWindowEnd(end)
        .setStateMillis(new StateMillis(productive, 0L, 0L, 0L, 0L, 0L, 0L))
        .setUptimeMillis(1).setDowntimeMillis(1).setUptime(0.5)
        .setUnitsTotal(defects).setUnitsGood(0).setYield(defects == 0 ? null : 0.0)
        .setOutput(0).setOutputPerHour(0).setMachinesReporting(1)
        .setStateReasonMillis(stateReasonMillis).setDefectUnits(defectUnits).setFailures(failures)
        .setRevision(1).setFinal$(true).build();
  }

  private static double seconds(Instant instant) {
    return instant.toEpochMilli() / 1000.0;
  }
}
