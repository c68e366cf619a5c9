package io.plantstream.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PercentileTest {

  @Test
  void nearestRank() {
    long[] sorted = {10, 20, 30, 40, 50, 60, 70, 80, 90, 100};

    assertThat(Percentile.of(sorted, 0.5)).isEqualTo(50);
    assertThat(Percentile.of(sorted, 0.99)).isEqualTo(100);
    assertThat(Percentile.of(sorted, 1.0)).isEqualTo(100);
    assertThat(Percentile.of(sorted, 0.0)).isEqualTo(10);
    assertThat(Percentile.of(new long[0], 0.5)).isNaN();
  }
}
