package io.plantstream.app.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.plantstream.producer.Speed;
import io.plantstream.testing.KafkaFixture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes {@code docs/dashboard.png}, the README's picture of the dashboard: about four simulated
 * hours of the five sites (seed 7) on the embedded broker, one machine of a site silenced near the
 * end, the dashboard in headless Chromium at 1400 x 1000 with that site's machines open. Its name
 * matches neither Surefire's nor Failsafe's patterns, so it runs only on request, from the repository:
 *
 * <pre>
 * ./mvnw -o -q -B install -DskipTests
 * ./mvnw -o -B test -pl app -Dtest=DashboardScreenshot -Dsurefire.failIfNoSpecifiedTests=false
 * </pre>
 *
 * ({@code -Ddashboard.png=/some/file.png} writes elsewhere.) It needs {@code chromium} and
 * {@code chromium-driver} (Debian packages) and takes about two minutes.
 */
class DashboardScreenshot {

  @RegisterExtension static final KafkaFixture kafka = new KafkaFixture();

  private static final Logger log = LoggerFactory.getLogger(DashboardScreenshot.class);
  private static final Instant START = Instant.parse("2026-11-28T08:00:00Z");
  /** The silence begins 10 to 30 minutes after this. */
  private static final Instant FAULT_START = Instant.parse("2026-11-28T11:20:00Z");

  @TempDir Path dir;

  @Test
  void screenshot() throws Exception {
    Assumptions.assumeTrue(HeadlessChromium.available(), "Chromium and chromedriver are not installed");
    Path png = Path.of(System.getProperty("dashboard.png", repositoryRoot().resolve("docs/dashboard.png").toString()));
    try (DashboardRig rig = DashboardRig.start(kafka, "screenshot", 7L, START, FAULT_START, 0.001, 1,
        dir.resolve("state"))) {
      String silent = rig.faults().silentMachines().get(0);
      Instant[] silence = rig.faults().silence(silent);
      Instant end = silence[0].truncatedTo(ChronoUnit.MINUTES).plus(Duration.ofMinutes(12));
      assertThat(silence[1]).isAfter(end);
      log.info("screenshot: publishing {} to {}; {} silent from {}", START, end, silent, silence[0]);
      rig.publishUntil(end, Speed.MAX);
      Instant newest = end.minus(Duration.ofMinutes(2));
      await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() ->
          assertThat(rig.newestFinal(rig.topics().siteKpi1m()).values()).hasSize(rig.sites().size())
              .allSatisfy(kpi -> assertThat(kpi.getWindowStart()).isEqualTo(newest)));

      ChromeDriver browser = HeadlessChromium.start(dir.resolve("profile"), 1400, 1000);
      try {
        browser.get(rig.url());
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() ->
            browser.findElements(By.cssSelector("article.site .tile[data-window='1m'][data-window-start='"
                + newest + "']")).size() == rig.sites().size());
        browser.findElement(By.cssSelector("article.site[data-site='" + rig.siteOf(silent) + "']")).click();
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() ->
            !browser.findElements(By.cssSelector("#machines tr[data-unknown='true']")).isEmpty());
        // Off the cards, so that no hover outline or chart cursor shows.
        browser.executeScript("document.activeElement.blur(); window.scrollTo(0, 0);");
        new org.openqa.selenium.interactions.Actions(browser).moveToLocation(5, 995).perform();
        await().pollDelay(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(5)).until(() -> true);
        Files.createDirectories(png.toAbsolutePath().getParent());
        Files.write(png, browser.getScreenshotAs(OutputType.BYTES));
        log.info("screenshot: wrote {}", png.toAbsolutePath().normalize());
      } finally {
        browser.quit();
      }
    }
  }

  /** The directory with the Maven wrapper, from the module directory Surefire runs in or above it. */
  private static Path repositoryRoot() {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.isRegularFile(dir.resolve("mvnw")) && Files.isDirectory(dir.resolve("app"))) {
        return dir;
      }
    }
    throw new IllegalStateException("not inside the plantstream repository: " + Path.of("").toAbsolutePath());
  }
}
