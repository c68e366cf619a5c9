package io.plantstream.producer.sim;

import static io.plantstream.testing.TestMachine.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.plantstream.avro.Heartbeat;
import io.plantstream.avro.SensorReading;
import io.plantstream.avro.StateChange;
import io.plantstream.avro.TelemetryEvent;
import io.plantstream.avro.UnitCompleted;
import io.plantstream.producer.model.Machine;
import io.plantstream.producer.model.MachineKind;
import io.plantstream.producer.model.PlantModel;
import io.plantstream.producer.model.SensorSpec;
import io.plantstream.producer.model.Site;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The shipped fab-scale model, {@code samples/fab-scale.yaml}: the five sites at the size of real
 * plants, every sensor at 1 Hz, and a simulated minute that carries the event rate its model makes.
 */
class FabScaleModelTest {

  private static final Path FILE = Path.of("..", "samples", "fab-scale.yaml");
  private static final PlantModel MODEL = PlantModel.load(FILE);
  private static final Duration MINUTE = Duration.ofMinutes(1);

  @Test
  void hasTheFiveSitesOfTheDefaultModelAtPlantScale() {
    assertThat(MODEL.sites())
        .extracting(Site::id, Site::operator, Site::place, Site::timeZone, Site::kind)
        .containsExactlyElementsOf(PlantModel.loadDefault().sites().stream()
            .map(site -> tuple(site.id(), site.operator(), site.place(), site.timeZone(), site.kind()))
            .toList());
    Map<String, Long> machinesPerSite = MODEL.machines().stream()
        .collect(Collectors.groupingBy(Machine::siteId, Collectors.counting()));

    assertThat(MODEL.machines()).hasSizeGreaterThanOrEqualTo(2_000);
    assertThat(machinesPerSite.get("tsmc-phx")).as("wafer fab tools").isBetween(800L, 1_500L);
    for (String site : List.of("amkor-az", "spil-az", "foxconn-hou", "wistron-dal")) {
      assertThat(machinesPerSite.get(site)).as("machines at %s", site).isBetween(200L, 600L);
    }
  }

  @Test
  void everyMachineHasFiveToTenSensorsReadOnceASecond() {
    Set<MachineKind> kinds = MODEL.machines().stream().map(Machine::kind).collect(Collectors.toSet());

    assertThat(kinds).allSatisfy(kind -> {
      assertThat(kind.sensors()).as(kind.id()).hasSizeBetween(5, 10);
      assertThat(kind.sensors()).as(kind.id()).extracting(SensorSpec::every).containsOnly(Duration.ofSeconds(1));
    });
  }

  @Test
  void aSimulatedMinuteCarriesTheEventRateOfTheModel() {
    List<Machine> machines = MODEL.machines();
    // Readings and heartbeats are periodic, each from a phase within its interval: a minute holds
    // exactly one per interval of each sensor and each machine's heartbeat.
    long readings = machines.stream().flatMap(machine -> machine.kind().sensors().stream())
        .mapToLong(sensor -> MINUTE.toMillis() / sensor.every().toMillis()).sum();
    long heartbeats = machines.size() * (MINUTE.toMillis() / PlantSimulator.HEARTBEAT_INTERVAL.toMillis());
    // Cycles are never shorter than ideal: at most the unit in progress at the start, then one per ideal cycle.
    long unitsAtMost = machines.stream()
        .mapToLong(machine -> 1 + MINUTE.toMillis() / machine.kind().idealCycle().toMillis()).sum();
    // Each machine announces its state at the start; at the model's rates (a wait for material every
    // few hours, a failure every few days) a minute holds a few more in the whole plant, well under
    // one more per machine.
    long stateChangesAtMost = 2L * machines.size();
    double periodicRate = (readings + heartbeats) / (double) MINUTE.toSeconds();
    double tolerance = (unitsAtMost + stateChangesAtMost) / (double) MINUTE.toSeconds();

    Map<Class<?>, Long> counted = countByPayload(new PlantSimulator(MODEL, 42, T0, Set.of()), T0.plus(MINUTE));
    long total = counted.values().stream().mapToLong(Long::longValue).sum();
    double rate = total / (double) MINUTE.toSeconds();

    assertThat(periodicRate).as("events/s in real time").isBetween(10_000.0, 20_000.0);
    assertThat(counted.get(SensorReading.class)).isEqualTo(readings);
    assertThat(counted.get(Heartbeat.class)).isEqualTo(heartbeats);
    assertThat(counted.get(UnitCompleted.class)).isPositive().isLessThanOrEqualTo(unitsAtMost);
    assertThat(counted.get(StateChange.class)).isBetween((long) machines.size(), stateChangesAtMost);
    assertThat(rate).isBetween(periodicRate, periodicRate + tolerance);
  }

  private static Map<Class<?>, Long> countByPayload(PlantSimulator simulator, Instant end) {
    Map<Class<?>, Long> counted = new HashMap<>();
    for (TelemetryEvent event = simulator.next(); event.getEventTime().isBefore(end); event = simulator.next()) {
      counted.merge(event.getPayload().getClass(), 1L, Long::sum);
    }
    return counted;
  }
}
