package io.plantstream.producer.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DurationsTest {

  @Test
  void readsShortUnitsCombinationsDecimalsAndIso() {
    assertThat(Durations.parse("250ms")).isEqualTo(Duration.ofMillis(250));
    assertThat(Durations.parse("25s")).isEqualTo(Duration.ofSeconds(25));
    assertThat(Durations.parse("4m")).isEqualTo(Duration.ofMinutes(4));
    assertThat(Durations.parse("6h")).isEqualTo(Duration.ofHours(6));
    assertThat(Durations.parse("2d")).isEqualTo(Duration.ofDays(2));
    assertThat(Durations.parse("1h30m")).isEqualTo(Duration.ofMinutes(90));
    assertThat(Durations.parse("1.5h")).isEqualTo(Duration.ofMinutes(90));
    assertThat(Durations.parse("PT4M")).isEqualTo(Duration.ofMinutes(4));
  }

  @ParameterizedTest
  @ValueSource(strings = {"25", "", "4 m", "abc", "5x", "h", "P1X"})
  void rejectsWhatIsNotADurationSayingWhatIs(String text) {
    assertThatThrownBy(() -> Durations.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'" + text + "' is not a duration")
        .hasMessageContaining("25s");
  }

  @Test
  void printsWhatItReads() {
    assertThat(Durations.format(Duration.ofMinutes(90))).isEqualTo("1h30m");
    assertThat(Durations.format(Duration.ofMillis(2_500))).isEqualTo("2s500ms");
    assertThat(Durations.parse(Durations.format(Duration.ofSeconds(93_784)))).isEqualTo(Duration.ofSeconds(93_784));
  }
}
