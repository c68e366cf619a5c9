package io.plantstream.producer.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class FaultRatesTest {

  @Test
  void readsEveryFaultAndLeavesOutTheOnesNotGiven() {
    assertThat(FaultRates.parse("late=0.001,out-of-order=0.01,duplicate=0.005,corrupt=0.0005,skew=0.01,silence=0.02"))
        .isEqualTo(new FaultRates(0.001, 0.01, 0.005, 0.0005, 0.01, 0.02));
    assertThat(FaultRates.parse(" duplicate = 0.5 ")).isEqualTo(new FaultRates(0, 0, 0.5, 0, 0, 0));
    assertThat(FaultRates.parse("clock-skew=0.1,ooo=0.2")).isEqualTo(new FaultRates(0, 0.2, 0, 0, 0.1, 0));
    assertThat(FaultRates.parse("")).isEqualTo(FaultRates.NONE);
    assertThat(FaultRates.parse("none").isNone()).isTrue();
  }

  @Test
  void printsWhatItParses() {
    FaultRates rates = new FaultRates(0.001, 0.01, 0.005, 0.0005, 0.01, 0.02);

    assertThat(FaultRates.parse(rates.toString())).isEqualTo(rates);
  }

  @Test
  void everyMistakeIsNamedAtOnce() {
    assertThatThrownBy(() -> FaultRates.parse("late=2,dupes=0.1,corrupt=abc,silence=0.1,silence=0.2"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("late must be a ratio between 0 and 1, got 2; "
            + "'dupes=0.1' is not a fault; use name=ratio with late, out-of-order, duplicate, corrupt, skew, silence, "
            + "e.g. late=0.001,duplicate=0.005; "
            + "corrupt must be a ratio between 0 and 1, got 'abc'; silence is given twice");
  }

  @Test
  void perEventRatiosCannotExceedOne() {
    assertThatThrownBy(() -> FaultRates.parse("late=0.5,duplicate=0.6"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("must not exceed 1");
  }
}
