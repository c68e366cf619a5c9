package io.plantstream.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The cells of {@code plant consume}'s shift, day, machine-day and site tables that are not plain
 * numbers: the largest loss, MTBF and MTTR, and the days a shift starts on. (The tables themselves,
 * on a real pipeline: ConsumeCommandIT.)
 */
class KpiTableTest {

  @Test
  void theTopLossIsTheLargestStateAndReasonOtherThanProductiveWithItsShareOfAllTheTimeCounted() {
    assertThat(KpiTable.topLoss(Map.of("PRODUCTIVE/UNSPECIFIED", 700L, "STANDBY/NO_MATERIAL", 100L,
        "UNSCHEDULED_DOWN/FAILURE", 150L, "UNKNOWN/UNSPECIFIED", 50L))).isEqualTo("UNSCHEDULED_DOWN/FAILURE 15.0%");
    // A tie goes to the first by name, so that a table does not change between runs.
    assertThat(KpiTable.topLoss(Map.of("STANDBY/NO_OPERATOR", 10L, "STANDBY/NO_MATERIAL", 10L)))
        .isEqualTo("STANDBY/NO_MATERIAL 50.0%");
    assertThat(KpiTable.topLoss(Map.of("PRODUCTIVE/UNSPECIFIED", 60_000L))).isEqualTo("-");
    assertThat(KpiTable.topLoss(Map.of())).isEqualTo("-");
  }

  @Test
  void durationsReadInTheirLargestUnit() {
    assertThat(KpiTable.duration(null)).isEqualTo("-");
    assertThat(KpiTable.duration(850L)).isEqualTo("850ms");
    assertThat(KpiTable.duration(30_000L)).isEqualTo("30s");
    assertThat(KpiTable.duration(90_999L)).isEqualTo("1m30s");
    assertThat(KpiTable.duration(3_599_000L)).isEqualTo("59m59s");
    assertThat(KpiTable.duration(12_000_000L)).isEqualTo("3h20m");
  }

  @Test
  void theDaysOfAShiftAreRangesWhereTheyRun() {
    assertThat(TopicTable.days(List.of("MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY"))).isEqualTo("Mon-Fri");
    assertThat(TopicTable.days(List.of("SUNDAY", "SATURDAY", "MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY")))
        .isEqualTo("daily");
    assertThat(TopicTable.days(List.of("SATURDAY", "SUNDAY"))).isEqualTo("Sat,Sun");
    assertThat(TopicTable.days(List.of("MONDAY", "WEDNESDAY", "THURSDAY", "FRIDAY"))).isEqualTo("Mon,Wed-Fri");
    assertThat(TopicTable.days(List.of("MONDAY", "FUNDAY"))).isEqualTo("MONDAY,FUNDAY");
  }
}
