package io.plantstream.producer.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PlantModelValidationTest {

  private static final String VALID = """
      machineKinds:
        etch:
          unitName: wafer
          idealCycle: 2m
          mtbf: 100h
          mttr: 4h
          yield: 0.99
          defectCodes: [PARTICLES]
          sensors:
            - {name: power, unit: kW, min: 40, max: 60, noise: 0.5, standby: 15, down: 0.5}
      sites:
        - id: fab
          operator: Fab Co
          place: Phoenix, AZ
          timeZone: America/Phoenix
          kind: wafer fab
          lines:
            - id: fab-etch
              machines:
                - {kind: etch, count: 2}
      """;

  private static final String BROKEN = """
      machineKinds:
        etch:
          unitName: wafer
          idealCycle: 2m
          mtbf: 100h
          mttr: 0s
          yield: 1.5
          defectCodes: [PARTICLES]
        scanner:
          idealCycle: 25
          mtbf: 70h
          mttr: 6h
          yield: 0.99
          defectCodes: [OVERLAY]
          mtfb: 80h
      sites:
        - id: fab
          place: Phoenix, AZ
          timeZone: America/Phoenix
          kind: wafer fab
          lines:
            - id: fab-etch
              machines:
                - {kind: etch, count: 2}
        - id: fab
          operator: Fab Co
          place: Chandler, AZ
          timeZone: America/Tempe
          kind: wafer fab
          lines:
            - id: fab-litho
              machines:
                - {kind: scanner, count: 1}
                - {kind: etch2, count: 1}
      """;

  @TempDir
  Path dir;

  @Test
  void validModelLoadsFromAFile() throws IOException {
    Path file = write("plant.yaml", VALID);

    PlantModel model = PlantModel.load(file);

    assertThat(model.source()).isEqualTo(file.toString());
    assertThat(model.machines()).extracting(Machine::machineId).containsExactly("fab-etch-etch-01", "fab-etch-etch-02");
    MachineKind etch = model.machineKinds().get("etch");
    assertThat(etch.idealCycle()).isEqualTo(Duration.ofMinutes(2));
    assertThat(etch.performanceLoss()).isZero();
    assertThat(etch.starvation()).isNull();
    assertThat(etch.sensors()).containsExactly(new SensorSpec("power", "kW", 40, 60, 0.5, 15.0, 0.5));
  }

  @Test
  void everyErrorIsReportedAtOnceWithFileLineAndPath() throws IOException {
    Path file = write("broken.yaml", BROKEN);

    PlantModelException e = catchThrowableOfType(PlantModelException.class, () -> PlantModel.load(file));

    String f = file.toString();
    assertThat(e.errors()).containsExactlyInAnyOrder(
        f + ":6: machineKinds.etch.mttr: must be positive, got 0s",
        f + ":7: machineKinds.etch.yield: must be between 0 and 1, got 1.5",
        f + ":15: machineKinds.scanner.mtfb: unknown field; expected one of: unitName, idealCycle, mtbf, mttr, "
            + "yield, performanceLoss, defectCodes, sensors, starvation",
        f + ":9: machineKinds.scanner.unitName: missing",
        f + ":10: machineKinds.scanner.idealCycle: must be a duration with a unit such as 25s, 4m or 6h, got '25'",
        f + ":17: sites[0].operator: missing",
        f + ":28: sites[1].timeZone: unknown time zone 'America/Tempe'; use a region id such as America/Phoenix",
        f + ":34: sites[1].lines[0].machines[1].kind: unknown machine kind 'etch2'; declared kinds: etch, scanner",
        f + ":25: sites[1].id: duplicate site id 'fab' (first at sites[0])");
    assertThat(e.source()).isEqualTo(f);
    assertThat(e.getMessage())
        .startsWith("invalid plant model " + f + " (9 errors):")
        .contains(e.errors());
  }

  @Test
  void unparseableYamlIsReportedWithItsLine() throws IOException {
    Path file = write("bad.yaml", "machineKinds:\n  etch:\n    unitName: [wafer\nsites: []\n");

    assertThatThrownBy(() -> PlantModel.load(file))
        .isInstanceOf(PlantModelException.class)
        .hasMessageStartingWith("invalid plant model: " + file + ":4:")
        .hasMessageContaining("not valid YAML");
  }

  @Test
  void duplicateKeysAreNotSilentlyMerged() {
    assertThatThrownBy(() -> PlantModel.parse(VALID.replace("    mtbf: 100h\n", "    mtbf: 100h\n    mtbf: 50h\n"), "dup.yaml"))
        .isInstanceOf(PlantModelException.class)
        .hasMessageContaining("dup.yaml:6:")
        .hasMessageContaining("mtbf");
  }

  @Test
  void machineIdsMustNotCollideAndLinesMustNameTheirSite() {
    String yaml = """
        machineKinds:
          etch: {unitName: wafer, idealCycle: 2m, mtbf: 100h, mttr: 4h, yield: 1}
          x-etch: {unitName: wafer, idealCycle: 2m, mtbf: 100h, mttr: 4h, yield: 1}
        sites:
          - id: fab
            operator: Fab Co
            place: Phoenix, AZ
            timeZone: America/Phoenix
            kind: wafer fab
            lines:
              - id: fab-line
                machines:
                  - {kind: x-etch, count: 2}
                  - {kind: x-etch, count: 1}
              - id: etch-line
                machines:
                  - {kind: etch, count: 100}
              - id: fab-line-x
                machines:
                  - {kind: etch, count: 1}
        """;

    PlantModelException e = catchThrowableOfType(PlantModelException.class, () -> PlantModel.parse(yaml, "ids.yaml"));

    assertThat(e.errors()).containsExactly(
        "ids.yaml:14: sites[0].lines[0].machines[1].kind: kind 'x-etch' appears twice on this line; add up the counts instead",
        "ids.yaml:15: sites[0].lines[1].id: must start with its site id, e.g. 'fab-etch-line'",
        "ids.yaml:17: sites[0].lines[1].machines[0].count: must be between 1 and 99, got 100",
        "ids.yaml:20: sites[0].lines[2].machines[0]: duplicate machine id 'fab-line-x-etch-01' "
            + "(also made by sites[0].lines[0].machines[0])");
  }

  @Test
  void emptyAndMisshapenDocumentsSayWhatIsExpected() {
    assertThatThrownBy(() -> PlantModel.parse("", "empty.yaml"))
        .hasMessageContaining("empty.yaml: (document): the document is empty; expected machineKinds and sites");
    assertThatThrownBy(() -> PlantModel.parse("sites: {}\n", "shape.yaml"))
        .isInstanceOf(PlantModelException.class)
        .hasMessageContaining("shape.yaml:1: sites: must be a list")
        .hasMessageContaining("shape.yaml:1: machineKinds: missing");
  }

  @Test
  void unreadableFileIsOneClearError() {
    Path missing = dir.resolve("nope.yaml");

    assertThatThrownBy(() -> PlantModel.load(missing))
        .isInstanceOf(PlantModelException.class)
        .hasMessage("invalid plant model: " + missing + ": cannot read the file: no such file");
  }

  private Path write(String name, String content) throws IOException {
    return Files.writeString(dir.resolve(name), content);
  }
}
