package io.plantstream.app.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.plantstream.avro.SiteKpi;
import io.plantstream.producer.Speed;
import io.plantstream.streams.KpiStoreQueries;
import io.plantstream.streams.KpiWindow;
import io.plantstream.testing.KafkaFixture;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.logging.Level;
import org.apache.kafka.streams.state.HostInfo;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The live dashboard of {@code plant aggregate --http-port} in a real browser (Debian's headless
 * Chromium through Selenium) against the real KPI application on a real broker, fed by the plant
 * simulator from a fixed seed and simulated start, one machine silenced by the simulator's
 * {@code silence} fault: the tiles show the newest final windows of the KPI topics, the charts are
 * drawn, a new final window appears without a reload, a site's machines show with the silent one
 * UNKNOWN, and the browser logs no error. It also measures (logs, does not assert) how long the
 * page takes to load and how long after a window's end its tile shows it.
 *
 * <p>Skipped, with one log line, where {@code /usr/bin/chromium} or {@code /usr/bin/chromedriver}
 * is missing ({@code .ci/run} installs them).
 */
class DashboardBrowserIT {

  @RegisterExtension static final KafkaFixture kafka = new KafkaFixture();

  private static final Logger log = LoggerFactory.getLogger(DashboardBrowserIT.class);
  private static final long SEED = 7L;
  private static final Instant START = Instant.parse("2026-11-28T09:40:00Z");
  /** Phase 2 runs paced, as the demo does: a simulated minute per second. */
  private static final Speed LIVE = new Speed(60);
  private static final Duration LIVE_SPAN = Duration.ofMinutes(3);

  @TempDir Path dir;

  @BeforeAll
  static void needsChromium() {
    if (!HeadlessChromium.available()) {
      log.warn("DashboardBrowserIT skipped: no {} or {} (apt-get install chromium chromium-driver)",
          HeadlessChromium.BINARY, HeadlessChromium.DRIVER);
    }
    Assumptions.assumeTrue(HeadlessChromium.available(), "Chromium and chromedriver are not installed");
  }

  @Test
  void showsTheNewestFinalWindowsLiveWithChartsMachinesAndNoErrors() throws Exception {
    try (DashboardRig rig = DashboardRig.start(kafka, "dashboard", SEED, START, START, 0.001, 1,
        dir.resolve("state"))) {
      String silent = rig.faults().silentMachines().get(0);
      Instant[] silence = rig.faults().silence(silent);
      // Past the hour 09:00 (so it is final), and far enough into the silence that its minutes are UNKNOWN.
      Instant firstEnd = max(Instant.parse("2026-11-28T10:03:00Z"),
          silence[0].truncatedTo(ChronoUnit.MINUTES).plus(Duration.ofMinutes(5)));
      Instant secondEnd = firstEnd.plus(LIVE_SPAN);
      assertThat(silence[1]).as("the silence lasts past the test").isAfter(secondEnd);
      log.info("dashboard test: {} silent from {} to {}; publishing {} to {}, then live to {}", silent, silence[0],
          silence[1], START, firstEnd, secondEnd);

      long published = System.nanoTime();
      rig.publishUntil(firstEnd, Speed.MAX);
      Instant newestMinute = firstEnd.minus(Duration.ofMinutes(2));
      await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(500)).untilAsserted(() ->
          assertThat(rig.newestFinal(rig.topics().siteKpi1m()).values()).hasSize(rig.sites().size())
              .allSatisfy(kpi -> assertThat(kpi.getWindowStart()).isEqualTo(newestMinute)));
      log.info("dashboard test: {} simulated minutes aggregated in {} s", Duration.between(START, firstEnd).toMinutes(),
          (System.nanoTime() - published) / 1_000_000_000);

      ChromeDriver browser = HeadlessChromium.start(dir.resolve("profile"), 1400, 1000);
      try {
        browser.get(rig.url());
        // 1. The tiles show the newest final records of the KPI topics, as the page formats them.
        Map<String, SiteKpi> minutes = rig.newestFinal(rig.topics().siteKpi1m());
        Map<String, SiteKpi> hours = rig.newestFinal(rig.topics().siteKpi1h());
        assertThat(hours).hasSize(rig.sites().size());
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
          assertThat(tiles(browser, "1m")).isEqualTo(expected(minutes));
          assertThat(tiles(browser, "1h")).isEqualTo(expected(hours));
        });
        assertThat(browser.findElements(By.cssSelector("article.site[data-stale]"))).as("stale sites").isEmpty();
        logLoadTime(browser);

        // 2. Every chart is drawn: pixels in the colours of the KPI lines. The hourly charts hold one
        // final hour (09:00), drawn as a point per KPI (4 px; at the assembly sites uptime alone).
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
          assertThat(seriesPixels(browser, "1m")).as("line pixels per 1m chart").hasSize(rig.sites().size())
              .allSatisfy((site, pixels) -> assertThat(pixels).as(site).isGreaterThan(30));
          assertThat(seriesPixels(browser, "1h")).as("line pixels per 1h chart").hasSize(rig.sites().size())
              .allSatisfy((site, pixels) -> assertThat(pixels).as(site).isGreaterThanOrEqualTo(5));
        });

        // 3. A new final window appears without a reload while simulated time goes on, paced as in the demo.
        browser.executeScript("window.__sameDocument = 'yes';");
        long liveStartMillis = System.currentTimeMillis();
        rig.publishUntil(secondEnd, LIVE);
        Instant newerMinute = secondEnd.minus(Duration.ofMinutes(2));
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).untilAsserted(() ->
            assertThat(tiles(browser, "1m").values()).allSatisfy(tile ->
                assertThat(tile.get("windowStart")).isEqualTo(newerMinute.toString())));
        assertThat(browser.executeScript("return window.__sameDocument;")).as("no reload").isEqualTo("yes");
        assertThat(browser.executeScript("return performance.getEntriesByType('navigation').length;")).isEqualTo(1L);
        assertThat(tiles(browser, "1m")).isEqualTo(expected(rig.newestFinal(rig.topics().siteKpi1m())));
        logUpdateDelay(browser, firstEnd, liveStartMillis, rig.appendTimes(rig.topics().siteKpi1m()));

        // 4. A click on the silent machine's site shows its machines, the silent one UNKNOWN, no other.
        String site = rig.siteOf(silent);
        browser.findElement(By.cssSelector("article.site[data-site='" + site + "']")).click();
        long machinesOfSite = rig.simulator().machines().stream().filter(m -> m.siteId().equals(site)).count();
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
          Map<String, String> unknown = machineRows(browser);
          assertThat(unknown).hasSize((int) machinesOfSite);
          assertThat(unknown).containsEntry(silent, "true");
          assertThat(unknown).allSatisfy((machine, isUnknown) ->
              assertThat(isUnknown).as(machine).isEqualTo(machine.equals(silent) ? "true" : "false"));
        });
        assertThat(browser.findElement(By.cssSelector("#machines .summary")).getText()).contains(silent);

        // 5. The open site's losses: its newest final hour (the plant has no shift calendar here), as
        // the API answers them, largest first; its days are in UTC and none is final yet.
        assertThat(tileWindow(browser, site, "shift")).isEqualTo("no shift calendar");
        assertThat(tileWindow(browser, site, "day")).isEqualTo("no final day yet");
        JsonNode hourLosses = TestHttp.get(rig.port(0), "/sites/" + site + "/losses?window=1h").json();
        List<String> expectedLosses = new ArrayList<>();
        hourLosses.get("losses").forEach(loss -> expectedLosses.add(loss.get("state").asText() + "/"
            + loss.get("reason").asText() + "=" + loss.get("millis").asLong()));
        assertThat(expectedLosses).as("losses of the hour").isNotEmpty();
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
          assertThat(browser.findElement(By.id("losses")).getAttribute("data-key"))
              .isEqualTo(hourLosses.get("key").asText());
          assertThat(lossRows(browser)).isEqualTo(expectedLosses);
        });
        browser.findElement(By.cssSelector("#losses [data-loss-window='day']")).click();
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
          assertThat(browser.findElement(By.cssSelector("#losses .summary")).getText()).isEqualTo("no final day yet");
          assertThat(lossRows(browser)).isEmpty();
        });

        // 6. No error in the browser's console, JavaScript or network.
        assertNoErrors(browser);
      } finally {
        browser.quit();
      }
    }
  }

  /**
   * Two instances share the work (each holds some partitions of the site stores): the page of
   * either one shows every site's newest final windows, as the topics have them.
   */
  @Test
  void eitherOfTwoInstancesServesTheWholeDashboard() throws Exception {
    Instant start = Instant.parse("2026-11-28T09:50:00Z");
    Instant end = Instant.parse("2026-11-28T10:02:00Z");
    try (DashboardRig rig = DashboardRig.start(kafka, "dashboard-two", SEED, start, start, 0, 2, dir.resolve("two"))) {
      rig.publishUntil(end, Speed.MAX);
      await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(500)).untilAsserted(() ->
          assertThat(rig.newestFinal(rig.topics().siteKpi1m()).values()).hasSize(rig.sites().size())
              .allSatisfy(kpi -> assertThat(kpi.getWindowStart()).isEqualTo(end.minus(Duration.ofMinutes(2)))));
      Map<Integer, HostInfo> owners = new KpiStoreQueries(rig.apps().get(0), rig.topics())
          .partitionOwners(KpiWindow.MINUTE);
      assertThat(Set.copyOf(owners.values())).as("instances holding site partitions").hasSize(2);
      Map<String, Map<String, String>> minutes = expected(rig.newestFinal(rig.topics().siteKpi1m()));
      Map<String, Map<String, String>> hours = expected(rig.newestFinal(rig.topics().siteKpi1h()));

      ChromeDriver browser = HeadlessChromium.start(dir.resolve("profile-two"), 1400, 1000);
      try {
        for (int instance = 0; instance < 2; instance++) {
          browser.get(rig.url(instance));
          await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
            assertThat(tiles(browser, "1m")).isEqualTo(minutes);
            assertThat(tiles(browser, "1h")).isEqualTo(hours);
          });
        }
        assertNoErrors(browser);
      } finally {
        browser.quit();
      }
    }
  }

  /** No SEVERE entry in the browser's log: no JavaScript error, no failed request. */
  private static void assertNoErrors(ChromeDriver browser) {
    List<LogEntry> severe = browser.manage().logs().get(LogType.BROWSER).getAll().stream()
        .filter(entry -> entry.getLevel().intValue() >= Level.SEVERE.intValue()).toList();
    assertThat(severe).as("SEVERE browser log entries").isEmpty();
  }

  /** What the page shows per site for one window size: its window start and the four KPIs, as text. */
  @SuppressWarnings("unchecked")
  private static Map<String, Map<String, String>> tiles(ChromeDriver browser, String window) {
    return (Map<String, Map<String, String>>) browser.executeScript("""
        const tiles = {};
        for (const card of document.querySelectorAll('article.site[data-site]')) {
          const tile = card.querySelector('.tile[data-window="' + arguments[0] + '"]');
          const values = { windowStart: tile.getAttribute('data-window-start') || '' };
          for (const kpi of tile.querySelectorAll('[data-kpi]')) {
            values[kpi.getAttribute('data-kpi')] = kpi.querySelector('.value').textContent;
          }
          tiles[card.getAttribute('data-site')] = values;
        }
        return tiles;""", window);
  }

  /** The tiles the page must show for {@code newest}, formatted as the page formats them. */
  private static Map<String, Map<String, String>> expected(Map<String, SiteKpi> newest) {
    Map<String, Map<String, String>> tiles = new LinkedHashMap<>();
    newest.forEach((site, kpi) -> tiles.put(site, Map.of(
        "windowStart", kpi.getWindowStart().toString(),
        "yield", percent(kpi.getYield()),
        "outputPerHour", number(kpi.getOutputPerHour()),
        "uptime", percent(kpi.getUptime()),
        "oee", percent(kpi.getOee()))));
    return tiles;
  }

  /** As dashboard.js: {@code (ratio * 100).toFixed(1) + '%'}, a dash when undefined. */
  static String percent(Double ratio) {
    return ratio == null ? "–" : new BigDecimal(ratio * 100).setScale(1, RoundingMode.HALF_UP).toPlainString() + "%";
  }

  /** As dashboard.js: a whole number as it is, else {@code toFixed(1)}. */
  static String number(double value) {
    return value == Math.rint(value) ? String.valueOf((long) value)
        : new BigDecimal(value).setScale(1, RoundingMode.HALF_UP).toPlainString();
  }

  /** Per site, the pixels of its {@code window} chart that have the colour of one of the KPI lines. */
  @SuppressWarnings("unchecked")
  private static Map<String, Long> seriesPixels(ChromeDriver browser, String window) {
    return (Map<String, Long>) browser.executeScript("""
        const colours = [[88, 166, 255], [63, 185, 80], [210, 168, 255]];
        const counts = {};
        for (const card of document.querySelectorAll('article.site[data-site]')) {
          const canvas = card.querySelector('[data-chart="' + arguments[0] + '"] canvas');
          let n = 0;
          if (canvas && canvas.width > 0) {
            const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
            for (let i = 0; i < data.length; i += 4) {
              if (data[i + 3] > 200 && colours.some(c => Math.abs(c[0] - data[i]) < 24
                  && Math.abs(c[1] - data[i + 1]) < 24 && Math.abs(c[2] - data[i + 2]) < 24)) {
                n++;
              }
            }
          }
          counts[card.getAttribute('data-site')] = n;
        }
        return counts;""", window);
  }

  /** The loss Pareto shown, top to bottom: {@code STATE/REASON=millis}. */
  @SuppressWarnings("unchecked")
  private static List<String> lossRows(ChromeDriver browser) {
    return (List<String>) browser.executeScript("""
        return [...document.querySelectorAll('#losses .loss')].map(row => row.getAttribute('data-state') + '/'
          + row.getAttribute('data-reason') + '=' + row.getAttribute('data-millis'));""");
  }

  /** The window text of a site's tile. */
  private static String tileWindow(ChromeDriver browser, String site, String window) {
    return browser.findElement(By.cssSelector("article.site[data-site='" + site + "'] .tile[data-window='" + window
        + "'] .window")).getText();
  }

  /** The machine rows shown: machine id to whether it is UNKNOWN now. */
  @SuppressWarnings("unchecked")
  private static Map<String, String> machineRows(ChromeDriver browser) {
    return (Map<String, String>) browser.executeScript("""
        const rows = {};
        for (const row of document.querySelectorAll('#machines tr[data-machine]')) {
          rows[row.getAttribute('data-machine')] = row.getAttribute('data-unknown');
        }
        return rows;""");
  }

  /**
   * Page load time, from navigation timing: the first byte of the page (responseStart) to the end
   * of the load event, and to the first tiles with data drawn (the page's own mark), in ms.
   */
  private static void logLoadTime(ChromeDriver browser) {
    Map<String, Object> timing = asMap(browser.executeScript("""
        const nav = performance.getEntriesByType('navigation')[0];
        return { requestStart: nav.requestStart, responseStart: nav.responseStart,
          domContentLoaded: nav.domContentLoadedEventEnd, loadEventEnd: nav.loadEventEnd,
          firstTiles: window.plantDashboard.firstTilesAt };"""));
    double responseStart = number(timing.get("responseStart"));
    log.info("dashboard page load: responseStart -> DOMContentLoaded {} ms, -> loadEventEnd {} ms, "
            + "-> first tiles with data {} ms (navigation start -> first tiles {} ms)",
        round(number(timing.get("domContentLoaded")) - responseStart),
        round(number(timing.get("loadEventEnd")) - responseStart),
        round(number(timing.get("firstTiles")) - responseStart), round(number(timing.get("firstTiles"))));
  }

  /**
   * The update delay of each 1-minute window that became final during the paced phase: the
   * browser's clock ({@code Date.now()}, the same machine's clock as this JVM's) when the site's
   * tile first showed the window, minus the wall-clock instant the paced simulator reached the
   * window's end in simulated time, {@code liveStart + (windowEnd - phaseStart) / speed}. So it
   * includes the grace period at that speed (30 s simulated, 0.5 s at speed 60) before the window
   * can close, the application's processing and commit, the page's polling interval (1 s) and
   * rendering. Split at the broker's append time of the site KPI record (the topic's timestamps
   * are LogAppendTime): window end to record appended (the pipeline), and record appended to tile
   * shown (the dashboard: waiting for the next poll, the HTTP query, rendering).
   */
  private static void logUpdateDelay(ChromeDriver browser, Instant phaseStart, long liveStartMillis,
      Map<String, Long> appendTimes) {
    List<Object> shown = asList(browser.executeScript(
        "return window.plantDashboard.shown.filter(s => s.window === '1m');"));
    List<Long> delays = new ArrayList<>();
    List<Long> pipeline = new ArrayList<>();
    List<Long> dashboard = new ArrayList<>();
    for (Object entry : shown) {
      Map<String, Object> tile = asMap(entry);
      Instant end = Instant.parse((String) tile.get("windowEnd"));
      if (!end.isBefore(phaseStart)) {
        long wallEnd = liveStartMillis
            + Math.round(Duration.between(phaseStart, end).toMillis() / LIVE.factor());
        long shownAt = ((Number) tile.get("shownAt")).longValue();
        delays.add(shownAt - wallEnd);
        Long appended = appendTimes.get(tile.get("site") + "@" + tile.get("windowStart"));
        if (appended != null) {
          pipeline.add(appended - wallEnd);
          dashboard.add(shownAt - appended);
        }
      }
    }
    log.info("dashboard update delay (window end at speed {} -> tile shows it), {} windows: {}; of which window end "
        + "-> KPI record appended {}, record appended -> tile shows it {}", LIVE, delays.size(), spread(delays),
        spread(pipeline), spread(dashboard));
  }

  private static String spread(List<Long> millis) {
    if (millis.isEmpty()) {
      return "-";
    }
    List<Long> sorted = millis.stream().sorted().toList();
    return "min " + sorted.get(0) + " ms, median " + sorted.get(sorted.size() / 2) + " ms, max "
        + sorted.get(sorted.size() - 1) + " ms";
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> asMap(Object value) {
    return (Map<String, Object>) value;
  }

  @SuppressWarnings("unchecked")
  private static List<Object> asList(Object value) {
    return (List<Object>) value;
  }

  private static double number(Object value) {
    return value == null ? Double.NaN : ((Number) value).doubleValue();
  }

  private static long round(double millis) {
    return Math.round(millis);
  }

  private static Instant max(Instant a, Instant b) {
    return a.isAfter(b) ? a : b;
  }
}
