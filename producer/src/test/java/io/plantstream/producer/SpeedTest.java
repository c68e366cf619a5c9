package io.plantstream.producer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SpeedTest {

  @Test
  void readsFactorsAndMax() {
    assertThat(Speed.parse("60")).isEqualTo(new Speed(60));
    assertThat(Speed.parse(" 0.5 ").factor()).isEqualTo(0.5);
    assertThat(Speed.parse("MAX")).isEqualTo(Speed.MAX);
    assertThat(Speed.MAX.isMax()).isTrue();
    assertThat(Speed.parse("60").isMax()).isFalse();
    assertThat(Speed.parse("60")).hasToString("60");
    assertThat(Speed.MAX).hasToString("max");
  }

  @ParameterizedTest
  @ValueSource(strings = {"0", "-1", "fast", "", "NaN", "Infinity"})
  void refusesWhatIsNotAPositiveFactor(String text) {
    assertThatThrownBy(() -> Speed.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("positive number or 'max'");
  }
}
