package io.plantstream.producer.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import io.plantstream.avro.MachineInfo;
import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class PlantModelTest {

  private static final PlantModel MODEL = PlantModel.loadDefault();

  @Test
  void defaultModelHasTheFiveSitesOfTheSpecification() {
    assertThat(MODEL.sites())
        .extracting(Site::id, Site::operator, Site::place, Site::timeZone, Site::kind)
        .containsExactly(
            tuple("tsmc-phx", "TSMC", "Phoenix, AZ", ZoneId.of("America/Phoenix"), "wafer fab (front end)"),
            tuple("amkor-az", "Amkor", "Peoria, AZ", ZoneId.of("America/Phoenix"), "advanced packaging and test"),
            tuple("spil-az", "SPIL", "Arizona", ZoneId.of("America/Phoenix"), "packaging and test"),
            tuple("foxconn-hou", "Foxconn", "Houston, TX", ZoneId.of("America/Chicago"), "supercomputer system assembly"),
            tuple("wistron-dal", "Wistron", "Dallas, TX", ZoneId.of("America/Chicago"), "supercomputer system assembly"));
  }

  @Test
  void defaultModelHasAModestNumberOfUniquelyNamedMachines() {
    List<Machine> machines = MODEL.machines();

    assertThat(machines).hasSizeBetween(50, 70);
    assertThat(machines.stream().map(Machine::machineId).distinct()).hasSameSizeAs(machines);
    for (Machine machine : machines) {
      assertThat(machine.lineId()).startsWith(machine.siteId() + "-");
      assertThat(machine.machineId()).matches(machine.lineId() + "-" + machine.kind().id() + "-\\d\\d");
    }
  }

  @Test
  void machinesAreExpandedInModelOrderWithTwoDigitNumbersFromOne() {
    assertThat(MODEL.machines(Set.of("tsmc-phx")).subList(0, 5))
        .extracting(Machine::machineId)
        .containsExactly(
            "tsmc-phx-litho-euv-scanner-01",
            "tsmc-phx-litho-euv-scanner-02",
            "tsmc-phx-litho-euv-scanner-03",
            "tsmc-phx-litho-euv-scanner-04",
            "tsmc-phx-etch-dry-etch-01");
  }

  @Test
  void machineNumbersTakeTheDigitsOfTheirGroupSizeAndAtLeastTwo() {
    assertThat(Machine.machineId("fab-etch", "dry-etch", 7, 1)).isEqualTo("fab-etch-dry-etch-07");
    assertThat(Machine.machineId("fab-etch", "dry-etch", 99, 99)).isEqualTo("fab-etch-dry-etch-99");
    assertThat(Machine.machineId("fab-etch", "dry-etch", 7, 100)).isEqualTo("fab-etch-dry-etch-007");
    assertThat(Machine.machineId("fab-etch", "dry-etch", 120, 120)).isEqualTo("fab-etch-dry-etch-120");
    assertThat(Machine.machineId("fab-etch", "dry-etch", 42, 1000)).isEqualTo("fab-etch-dry-etch-0042");
  }

  @Test
  void aLineWithMoreThan99MachinesOfAKindNumbersThemWithThreeDigits() {
    String yaml = """
        machineKinds:
          etch: {unitName: wafer, idealCycle: 2m, mtbf: 100h, mttr: 4h, yield: 1}
          cmp: {unitName: wafer, idealCycle: 90s, mtbf: 80h, mttr: 3h, yield: 1}
          metrology: {unitName: wafer, idealCycle: 1m, mtbf: 200h, mttr: 3h, yield: 1}
        sites:
          - id: fab
            operator: Fab Co
            place: Phoenix, AZ
            timeZone: America/Phoenix
            kind: wafer fab
            lines:
              - id: fab-line
                machines:
                  - {kind: etch, count: 120}
                  - {kind: cmp, count: 99}
                  - {kind: metrology, count: 100}
        """;

    List<Machine> machines = PlantModel.parse(yaml, "big-line.yaml").machines();

    assertThat(machines).hasSize(319);
    assertThat(machines.stream().map(Machine::machineId).distinct()).hasSameSizeAs(machines);
    Map<String, List<String>> idsByKind = machines.stream().collect(Collectors.groupingBy(
        machine -> machine.kind().id(), Collectors.mapping(Machine::machineId, Collectors.toList())));
    assertThat(idsByKind.get("etch")).hasSize(120)
        .startsWith("fab-line-etch-001", "fab-line-etch-002")
        .contains("fab-line-etch-099", "fab-line-etch-100")
        .endsWith("fab-line-etch-120")
        .allMatch(id -> id.matches("fab-line-etch-\\d{3}"))
        .isSorted();
    assertThat(idsByKind.get("cmp")).hasSize(99)
        .startsWith("fab-line-cmp-01")
        .endsWith("fab-line-cmp-99")
        .allMatch(id -> id.matches("fab-line-cmp-\\d{2}"));
    assertThat(idsByKind.get("metrology")).hasSize(100)
        .startsWith("fab-line-metrology-001")
        .endsWith("fab-line-metrology-100");
  }

  @Test
  void defaultFiguresHaveRealisticOrdersOfMagnitude() {
    MachineKind scanner = MODEL.machineKinds().get("euv-scanner");
    MachineKind rackBurnIn = MODEL.machineKinds().get("rack-burn-in");

    assertThat(scanner.idealCycle()).isBetween(Duration.ofSeconds(15), Duration.ofSeconds(30));
    assertThat(scanner.unitName()).isEqualTo("wafer");
    assertThat(rackBurnIn.idealCycle()).isBetween(Duration.ofHours(24), Duration.ofHours(48));
    assertThat(rackBurnIn.unitName()).isEqualTo("rack");
    assertThat(MODEL.machineKinds().values()).allSatisfy(kind -> {
      assertThat(kind.yield()).isBetween(0.85, 1.0);
      assertThat(kind.mttr()).isLessThan(kind.mtbf());
      assertThat(kind.sensors()).isNotEmpty();
    });
  }

  @Test
  void defaultModelReadsEverySensorEveryFiveSeconds() {
    assertThat(MODEL.machineKinds().values())
        .flatMap(MachineKind::sensors)
        .extracting(SensorSpec::every)
        .containsOnly(Duration.ofSeconds(5));
  }

  @Test
  void siteFilterKeepsModelOrder() {
    List<Machine> amkor = MODEL.machines(Set.of("amkor-az"));
    List<Machine> expected = MODEL.machines().stream()
        .filter(machine -> machine.siteId().equals("amkor-az"))
        .collect(Collectors.toList());

    assertThat(amkor).isEqualTo(expected).isNotEmpty();
    assertThat(MODEL.machines(Set.of())).isEqualTo(MODEL.machines());
  }

  @Test
  void unknownSiteIdIsNamedWithTheKnownOnes() {
    assertThatThrownBy(() -> MODEL.machines(Set.of("amkor-az", "intel-oh")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("intel-oh")
        .hasMessageContaining("tsmc-phx, amkor-az, spil-az, foxconn-hou, wistron-dal");
  }

  @Test
  void machineInfoCarriesWhatTheStreamsAppJoins() {
    Machine scanner = MODEL.machines().get(0);

    MachineInfo info = scanner.toMachineInfo();

    assertThat(info).isEqualTo(new MachineInfo("tsmc-phx-litho-euv-scanner-01", "tsmc-phx", "tsmc-phx-litho",
        "euv-scanner", "wafer", scanner.kind().idealCycle().toMillis()));
  }
}
