package io.plantstream.producer.replay;

import static io.plantstream.testing.TestMachine.T0;
import static io.plantstream.testing.TestMachine.at;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class SteadyTimeTest {

  private static final long START = T0.toEpochMilli();
  private static final long TEN_SECONDS_LATER = at(T0, "10s").toEpochMilli();
  private static final long FOUR_MINUTES_LATER = at(T0, "4m").toEpochMilli();
  private static final long TEN_MINUTES_LATER = at(T0, "10m").toEpochMilli();
  private static final long A_DAY_LATER = at(T0, "24h").toEpochMilli();

  private final SteadyTime steady = SteadyTime.defaults();

  @Test
  void followsTimestampsForwardAndStaysForLateOnes() {
    assertThat(steady.advance(START, SteadyTime.Lookahead.NONE)).isEqualTo(START);
    assertThat(steady.advance(TEN_SECONDS_LATER, SteadyTime.Lookahead.NONE)).isEqualTo(TEN_SECONDS_LATER);
    assertThat(steady.advance(START, SteadyTime.Lookahead.NONE)).as("a late record").isEqualTo(TEN_SECONDS_LATER);
    assertThat(steady.advance(FOUR_MINUTES_LATER, SteadyTime.Lookahead.NONE)).isEqualTo(FOUR_MINUTES_LATER);
  }

  @Test
  void aRecordFromAClockADayFastIsAnOutlier() {
    steady.advance(START, SteadyTime.Lookahead.NONE);

    long at = steady.advance(A_DAY_LATER, following(TEN_SECONDS_LATER, A_DAY_LATER + 1, TEN_SECONDS_LATER));

    assertThat(at).isEqualTo(START);
  }

  @Test
  void aJumpIsBelievedWhenTheFollowingRecordsConfirmIt() {
    steady.advance(START, SteadyTime.Lookahead.NONE);
    long[] quietPlantResumes = new long[SteadyTime.DEFAULT_CONFIRMATIONS];
    Arrays.fill(quietPlantResumes, TEN_MINUTES_LATER + 500);
    quietPlantResumes[3] = TEN_MINUTES_LATER - 1_000;

    long at = steady.advance(TEN_MINUTES_LATER, following(quietPlantResumes));

    assertThat(at).isEqualTo(TEN_MINUTES_LATER - 1_000);
  }

  @Test
  void tooFewFollowingRecordsAreNoEvidence() {
    steady.advance(START, SteadyTime.Lookahead.NONE);

    assertThat(steady.at(TEN_MINUTES_LATER, following(TEN_MINUTES_LATER + 1))).isEqualTo(START);
    assertThat(steady.at(A_DAY_LATER, SteadyTime.Lookahead.NONE)).as("the last record of a recording").isEqualTo(START);
  }

  private static SteadyTime.Lookahead following(long... timestamps) {
    return new SteadyTime.Lookahead() {
      @Override
      public int size() {
        return timestamps.length;
      }

      @Override
      public long timestamp(int index) {
        return timestamps[index];
      }

    };
  }
}
