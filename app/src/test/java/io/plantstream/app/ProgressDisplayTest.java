package io.plantstream.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ProgressDisplayTest {

  private static final Duration TEN_SECONDS = Duration.ofSeconds(10);

  @Test
  void aTerminalGetsABarWithCountRateAndTimeLeft() {
    String text = ProgressDisplay.describe("replay", "records", 25_000, 100_000, TEN_SECONDS, true);

    assertThat(text).isEqualTo("replay: [########......................]  25.0 % 25,000 of 100,000 records, "
        + "2,500 records/s, ETA 0:30");
  }

  @Test
  void aPipeGetsTheSameWithoutTheBar() {
    String text = ProgressDisplay.describe("record", "records", 25_000, 100_000, TEN_SECONDS, false);

    assertThat(text).isEqualTo("record:  25.0 % 25,000 of 100,000 records, 2,500 records/s, ETA 0:30");
  }

  @Test
  void anUnknownTotalHasNoPercentageAndNoEta() {
    String text = ProgressDisplay.describe("record", "records", 25_000, -1, TEN_SECONDS, true);

    assertThat(text).isEqualTo("record: 25,000 records, 2,500 records/s");
  }

  @Test
  void hoursOfWorkLeftShowHours() {
    String text = ProgressDisplay.describe("replay", "records", 1_000, 1_000_000, TEN_SECONDS, false);

    assertThat(text).endsWith("ETA 2:46:30");
  }
}
