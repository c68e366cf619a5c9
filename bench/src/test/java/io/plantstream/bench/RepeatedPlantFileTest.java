package io.plantstream.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.plantstream.producer.model.Machine;
import io.plantstream.producer.model.PlantModel;
import io.plantstream.producer.model.ShiftCalendar;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RepeatedPlantFileTest {

  @Test
  void theFileReadsBackAsTheDefaultPlantWithItsLinesRepeated(@TempDir Path dir) throws Exception {
    PlantModel written = PlantModel.load(RepeatedPlantFile.write(3, dir.resolve("plant.yaml")));
    PlantModel expected = PlantModel.loadDefault().withLinesRepeated(3);

    assertThat(written.machines()).extracting(Machine::machineId)
        .isEqualTo(expected.machines().stream().map(Machine::machineId).toList());
    assertThat(written.machines()).hasSize(3 * PlantModel.loadDefault().machines().size());
    for (String site : expected.siteIds()) {
      ShiftCalendar calendar = expected.site(site).orElseThrow().calendar();
      ShiftCalendar read = written.site(site).orElseThrow().calendar();
      assertThat(List.of(read.zone(), read.shifts(), read.holidays()))
          .isEqualTo(List.of(calendar.zone(), calendar.shifts(), calendar.holidays()));
    }
    assertThat(written.machineKinds()).isEqualTo(expected.machineKinds());
  }
}
