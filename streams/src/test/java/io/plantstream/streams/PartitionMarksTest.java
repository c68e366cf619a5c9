package io.plantstream.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The site boundary from the partitions' marks (docs/kpi-rules.md, "When a site window is final"). */
class PartitionMarksTest {

  private static final long MINUTE = 60_000;

  private final PartitionMarks marks = new PartitionMarks(3);

  @Test
  void thereIsNoSiteBoundaryUntilEveryPartitionWasHeardOf() {
    marks.update(0, 5 * MINUTE, false);
    marks.update(1, 7 * MINUTE, false);

    assertThat(marks.siteBoundary()).isNull();

    marks.update(2, 6 * MINUTE, false);
    assertThat(marks.siteBoundary()).isEqualTo(5 * MINUTE);
  }

  @Test
  void theLowestActivePartitionSetsTheBoundaryAndAnIdleOneHoldsNothingBack() {
    marks.update(0, 5 * MINUTE, false);
    marks.update(1, 9 * MINUTE, false);
    marks.update(2, 2 * MINUTE, true);

    assertThat(marks.siteBoundary()).isEqualTo(5 * MINUTE);

    marks.update(2, 2 * MINUTE, false);
    assertThat(marks.siteBoundary()).as("active again, behind the others").isEqualTo(2 * MINUTE);
  }

  @Test
  void whenEveryPartitionIsIdleTheHighestBoundaryCounts() {
    marks.update(0, 5 * MINUTE, true);
    marks.update(1, 9 * MINUTE, true);
    marks.update(2, null, true);

    assertThat(marks.siteBoundary()).isEqualTo(9 * MINUTE);
  }

  @Test
  void aPartitionThatNeverHadAnEventCountsOnlyOnceIdle() {
    marks.update(0, 5 * MINUTE, false);
    marks.update(1, 9 * MINUTE, false);
    marks.update(2, null, false);
    assertThat(marks.siteBoundary()).isNull();

    marks.update(2, null, true);
    assertThat(marks.siteBoundary()).isEqualTo(5 * MINUTE);
  }

  @Test
  void aPartitionsBoundaryOnlyGrows() {
    marks.update(0, 5 * MINUTE, false);
    marks.update(0, 3 * MINUTE, false);

    assertThat(marks.closedUntil(0)).isEqualTo(5 * MINUTE);
  }

  @Test
  void aPartitionOutsideTheCountIsRefused() {
    assertThatThrownBy(() -> marks.update(3, MINUTE, false)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("partition 3 is not one of the 3");
  }
}
