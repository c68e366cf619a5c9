package io.plantstream.producer.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class PlantModelLinesRepeatedTest {

  private static final PlantModel MODEL = PlantModel.loadDefault();

  @Test
  void onceIsTheSameModel() {
    assertThat(MODEL.withLinesRepeated(1)).isSameAs(MODEL);
  }

  @Test
  void thirtyTimesHasThirtyTimesTheMachinesWithUniqueIds() {
    PlantModel repeated = MODEL.withLinesRepeated(30);

    assertThat(repeated.machines()).hasSize(30 * MODEL.machines().size());
    assertThat(repeated.machines().stream().map(Machine::machineId).distinct()).hasSameSizeAs(repeated.machines());
    for (Machine machine : repeated.machines()) {
      assertThat(machine.lineId()).startsWith(machine.siteId() + "-");
      assertThat(machine.machineId()).startsWith(machine.lineId() + "-" + machine.kind().id() + "-");
    }
  }

  @Test
  void sitesKindsAndMachinesPerSiteAndKindScaleAndNothingElseChanges() {
    int times = 3;
    PlantModel repeated = MODEL.withLinesRepeated(times);

    assertThat(repeated.machineKinds()).isEqualTo(MODEL.machineKinds());
    assertThat(repeated.siteIds()).isEqualTo(MODEL.siteIds());
    for (Site site : MODEL.sites()) {
      Site copy = repeated.site(site.id()).orElseThrow();
      assertThat(List.of(copy.operator(), copy.place(), copy.timeZone(), copy.kind(), copy.calendar()))
          .isEqualTo(List.of(site.operator(), site.place(), site.timeZone(), site.kind(), site.calendar()));
      assertThat(copy.lines()).hasSize(times * site.lines().size());
    }
    Map<String, Long> perSiteAndKind = countBySiteAndKind(MODEL.machines());
    perSiteAndKind.replaceAll((siteAndKind, count) -> count * times);
    assertThat(countBySiteAndKind(repeated.machines())).isEqualTo(perSiteAndKind);
  }

  @Test
  void theFirstCopyKeepsTheIdsAndLaterCopiesAreNumbered() {
    PlantModel repeated = MODEL.withLinesRepeated(3);
    List<String> lineIds = repeated.site("tsmc-phx").orElseThrow().lines().stream().map(Line::id).toList();

    assertThat(lineIds).startsWith("tsmc-phx-litho", "tsmc-phx-etch", "tsmc-phx-films", "tsmc-phx-inspect",
        "tsmc-phx-litho-r002");
    assertThat(lineIds).endsWith("tsmc-phx-inspect-r003");
    assertThat(repeated.machines().subList(0, MODEL.machines(Set.of("tsmc-phx")).size()))
        .isEqualTo(MODEL.machines(Set.of("tsmc-phx")));
    assertThat(repeated.machines()).extracting(Machine::machineId).contains("tsmc-phx-litho-r002-euv-scanner-01");
  }

  @Test
  void lessThanOnceIsRefused() {
    assertThatThrownBy(() -> MODEL.withLinesRepeated(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("times must be at least 1, was 0");
  }

  private static Map<String, Long> countBySiteAndKind(List<Machine> machines) {
    return machines.stream().collect(Collectors.groupingBy(machine -> machine.siteId() + "/" + machine.kind().id(),
        Collectors.counting()));
  }
}
