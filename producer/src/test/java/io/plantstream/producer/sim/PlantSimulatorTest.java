package io.plantstream.producer.sim;

import static io.plantstream.testing.TestMachine.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.plantstream.avro.EquipmentState;
import io.plantstream.avro.Heartbeat;
import io.plantstream.avro.MachineInfo;
import io.plantstream.avro.SensorReading;
import io.plantstream.avro.SiteInfo;
import io.plantstream.avro.StateChange;
import io.plantstream.avro.TelemetryEvent;
import io.plantstream.avro.UnitCompleted;
import io.plantstream.producer.model.Machine;
import io.plantstream.producer.model.PlantModel;
import io.plantstream.producer.model.SensorSpec;
import io.plantstream.schemas.Topics;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class PlantSimulatorTest {

  private static final PlantModel MODEL = PlantModel.loadDefault();
  private static final long SEED = 42;
  private static final int EVENTS = 20_000;

  @Test
  void sameModelSeedAndStartGiveAByteIdenticalStream() {
    byte[] first = encode(take(new PlantSimulator(MODEL, SEED, T0, Set.of()), EVENTS));
    byte[] second = encode(take(new PlantSimulator(PlantModel.loadDefault(), SEED, T0, Set.of()), EVENTS));

    assertThat(second).isEqualTo(first);
  }

  @Test
  void anotherSeedGivesAnotherStream() {
    List<TelemetryEvent> seed42 = take(new PlantSimulator(MODEL, SEED, T0, Set.of()), EVENTS);
    List<TelemetryEvent> seed43 = take(new PlantSimulator(MODEL, SEED + 1, T0, Set.of()), EVENTS);

    assertThat(encode(seed43)).isNotEqualTo(encode(seed42));
    Set<String> ids42 = seed42.stream().map(TelemetryEvent::getEventId).collect(Collectors.toSet());
    assertThat(seed43).noneMatch(event -> ids42.contains(event.getEventId()));
  }

  @Test
  void eventsComeInTimeOrderWithTiesInModelOrder() {
    Map<String, Integer> order = modelOrder(MODEL.machines());
    TelemetryEvent previous = null;
    for (TelemetryEvent event : take(new PlantSimulator(MODEL, SEED, T0, Set.of()), EVENTS)) {
      if (previous != null) {
        assertThat(event.getEventTime()).isAfterOrEqualTo(previous.getEventTime());
        if (event.getEventTime().equals(previous.getEventTime())) {
          assertThat(order.get(event.getMachineId())).isGreaterThanOrEqualTo(order.get(previous.getMachineId()));
        }
      }
      previous = event;
    }
  }

  @Test
  void everyMachineFirstAnnouncesItsStateAtTheStart() {
    List<TelemetryEvent> events = take(new PlantSimulator(MODEL, SEED, T0, Set.of()), EVENTS);
    Map<String, TelemetryEvent> firstByMachine = new HashMap<>();
    events.forEach(event -> firstByMachine.putIfAbsent(event.getMachineId(), event));

    assertThat(firstByMachine.keySet()).hasSameSizeAs(MODEL.machines());
    assertThat(firstByMachine.values()).allSatisfy(first -> {
      assertThat(first.getEventTime()).isEqualTo(T0);
      assertThat(first.getSequence()).isZero();
      assertThat(first.getPayload()).isInstanceOf(StateChange.class);
    });
    long productive = firstByMachine.values().stream()
        .filter(first -> ((StateChange) first.getPayload()).getState() == EquipmentState.PRODUCTIVE)
        .count();
    assertThat(productive).isGreaterThan(MODEL.machines().size() * 3L / 4);
  }

  @Test
  void sequencesArePerMachineConsecutiveFromZeroAndEventIdsAreUnique() {
    Map<String, Long> nextSequence = new HashMap<>();
    Set<String> eventIds = new HashSet<>();
    for (TelemetryEvent event : take(new PlantSimulator(MODEL, SEED, T0, Set.of()), EVENTS)) {
      long expected = nextSequence.getOrDefault(event.getMachineId(), 0L);
      assertThat(event.getSequence()).as("sequence of %s", event.getMachineId()).isEqualTo(expected);
      nextSequence.put(event.getMachineId(), expected + 1);
      assertThat(eventIds.add(event.getEventId())).as("unique event id %s", event.getEventId()).isTrue();
    }
  }

  @Test
  void eventsCarryTheMachinesSiteAndLine() {
    Map<String, Machine> machines = MODEL.machines().stream().collect(Collectors.toMap(Machine::machineId, Function.identity()));
    for (TelemetryEvent event : take(new PlantSimulator(MODEL, SEED, T0, Set.of()), EVENTS)) {
      Machine machine = machines.get(event.getMachineId());
      assertThat(event.getSiteId()).isEqualTo(machine.siteId());
      assertThat(event.getLineId()).isEqualTo(machine.lineId());
    }
  }

  @Test
  void heartbeatsEveryTenSecondsAndEachSensorAtItsModelInterval() {
    Map<String, Machine> machines = MODEL.machines().stream().collect(Collectors.toMap(Machine::machineId, Function.identity()));
    Map<String, Instant> lastHeartbeat = new HashMap<>();
    Map<String, Instant> lastReading = new HashMap<>();
    Map<String, EquipmentState> state = new HashMap<>();
    int heartbeats = 0;
    for (TelemetryEvent event : take(new PlantSimulator(MODEL, SEED, T0, Set.of()), EVENTS)) {
      String machine = event.getMachineId();
      Object payload = event.getPayload();
      if (payload instanceof StateChange) {
        state.put(machine, ((StateChange) payload).getState());
      } else if (payload instanceof Heartbeat) {
        heartbeats++;
        assertThat(((Heartbeat) payload).getState()).isEqualTo(state.get(machine));
        Instant previous = lastHeartbeat.put(machine, event.getEventTime());
        if (previous != null) {
          assertThat(Duration.between(previous, event.getEventTime())).isEqualTo(PlantSimulator.HEARTBEAT_INTERVAL);
        }
      } else if (payload instanceof SensorReading) {
        String sensor = ((SensorReading) payload).getSensor();
        Instant previous = lastReading.put(machine + "/" + sensor, event.getEventTime());
        if (previous != null) {
          assertThat(Duration.between(previous, event.getEventTime()))
              .isEqualTo(sensorSpec(machines.get(machine), sensor).every());
        }
      }
    }
    assertThat(heartbeats).isGreaterThan(EVENTS / 20);
    assertThat(lastHeartbeat.keySet()).hasSameSizeAs(MODEL.machines());
    assertThat(lastReading).isNotEmpty();
  }

  @Test
  void eachSensorReadsAtItsOwnIntervalFromAPhaseWithinIt() {
    PlantModel model = PlantModel.parse("""
        machineKinds:
          etch:
            unitName: wafer
            idealCycle: 2m
            mtbf: 100h
            mttr: 4h
            yield: 1
            sensorEvery: 1s
            sensors:
              - {name: rf-power, unit: W, min: 1800, max: 2200, noise: 10}
              - {name: chamber-pressure, unit: mTorr, min: 15, max: 25, noise: 0.3, every: 5s}
              - {name: power, unit: kW, min: 40, max: 60, noise: 0.8, every: 2m30s}
          cmp:
            unitName: wafer
            idealCycle: 90s
            mtbf: 80h
            mttr: 3h
            yield: 1
            sensors:
              - {name: slurry-flow, unit: ml/min, min: 150, max: 250, noise: 3}
        sites:
          - id: fab
            operator: Fab Co
            place: Phoenix, AZ
            timeZone: America/Phoenix
            kind: wafer fab
            lines:
              - id: fab-line
                machines:
                  - {kind: etch, count: 2}
                  - {kind: cmp, count: 1}
        """, "intervals.yaml");
    Instant end = T0.plus(Duration.ofHours(1));
    Map<String, List<Instant>> readings = new HashMap<>();
    PlantSimulator simulator = new PlantSimulator(model, SEED, T0, Set.of());
    for (TelemetryEvent event = simulator.next(); event.getEventTime().isBefore(end); event = simulator.next()) {
      if (event.getPayload() instanceof SensorReading reading) {
        readings.computeIfAbsent(event.getMachineId() + "/" + reading.getSensor(), key -> new ArrayList<>())
            .add(event.getEventTime());
      }
    }

    Map<String, Duration> expected = Map.of(
        "fab-line-etch-01/rf-power", Duration.ofSeconds(1),
        "fab-line-etch-02/rf-power", Duration.ofSeconds(1),
        "fab-line-etch-01/chamber-pressure", Duration.ofSeconds(5),
        "fab-line-etch-02/chamber-pressure", Duration.ofSeconds(5),
        "fab-line-etch-01/power", Duration.ofSeconds(150),
        "fab-line-etch-02/power", Duration.ofSeconds(150),
        "fab-line-cmp-01/slurry-flow", Duration.ofSeconds(5));
    assertThat(readings.keySet()).containsExactlyInAnyOrderElementsOf(expected.keySet());
    expected.forEach((sensor, every) -> {
      List<Instant> times = readings.get(sensor);
      // One reading per interval of the hour: the first within one interval of the start, then exactly spaced.
      assertThat(times).as(sensor).hasSize((int) (Duration.ofHours(1).toMillis() / every.toMillis()));
      assertThat(times.get(0)).as(sensor).isBetween(T0, T0.plus(every).minusMillis(1));
      for (int i = 1; i < times.size(); i++) {
        assertThat(Duration.between(times.get(i - 1), times.get(i))).as(sensor).isEqualTo(every);
      }
    });
  }

  @Test
  void unitIdsAreTheMachineIdWithACounter() {
    Map<String, Long> counter = new HashMap<>();
    int units = 0;
    for (TelemetryEvent event : take(new PlantSimulator(MODEL, SEED, T0, Set.of()), EVENTS)) {
      if (event.getPayload() instanceof UnitCompleted) {
        units++;
        long n = counter.merge(event.getMachineId(), 1L, Long::sum);
        assertThat(((UnitCompleted) event.getPayload()).getUnitId()).isEqualTo(event.getMachineId() + "-u" + n);
      }
    }
    assertThat(units).isPositive();
  }

  @Test
  void selectingSitesLeavesTheirEventsExactlyAsInTheFullRun() {
    List<TelemetryEvent> all = take(new PlantSimulator(MODEL, SEED, T0, Set.of()), EVENTS);
    Instant cutoff = all.get(all.size() - 1).getEventTime();
    Set<String> sites = Set.of("amkor-az", "wistron-dal");
    List<TelemetryEvent> expected = all.stream()
        .filter(event -> sites.contains(event.getSiteId()) && event.getEventTime().isBefore(cutoff))
        .collect(Collectors.toList());

    PlantSimulator selected = new PlantSimulator(MODEL, SEED, T0, sites);
    List<TelemetryEvent> actual = new ArrayList<>();
    for (TelemetryEvent event = selected.next(); event.getEventTime().isBefore(cutoff); event = selected.next()) {
      actual.add(event);
    }

    assertThat(encode(actual)).isEqualTo(encode(expected));
    assertThat(selected.machines()).extracting(Machine::siteId).containsOnly("amkor-az", "wistron-dal");
  }

  @Test
  void unknownSiteIsRefused() {
    assertThatThrownBy(() -> new PlantSimulator(MODEL, SEED, T0, Set.of("tsmc-az")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("tsmc-az")
        .hasMessageContaining("known sites: tsmc-phx");
  }

  @Test
  void machineInfosDescribeTheSimulatedMachines() {
    PlantSimulator simulator = new PlantSimulator(MODEL, SEED, T0, Set.of("foxconn-hou"));

    List<MachineInfo> infos = simulator.machineInfos();

    assertThat(infos).hasSize(MODEL.machines(Set.of("foxconn-hou")).size());
    assertThat(infos.get(0)).isEqualTo(new MachineInfo("foxconn-hou-trays-tray-assembly-01", "foxconn-hou",
        "foxconn-hou-trays", "tray-assembly", "tray", Duration.ofMinutes(40).toMillis()));
  }

  @Test
  void siteInfosDescribeTheSimulatedSitesOnly() {
    PlantSimulator some = new PlantSimulator(MODEL, SEED, T0, Set.of("wistron-dal", "tsmc-phx"));
    PlantSimulator all = new PlantSimulator(MODEL, SEED, T0, Set.of());

    // In model order, whatever the order of the selection.
    assertThat(some.siteInfos()).extracting(SiteInfo::getSiteId).containsExactly("tsmc-phx", "wistron-dal");
    assertThat(some.siteInfos()).containsExactly(MODEL.site("tsmc-phx").orElseThrow().toSiteInfo(),
        MODEL.site("wistron-dal").orElseThrow().toSiteInfo());
    assertThat(all.siteInfos()).extracting(SiteInfo::getSiteId).isEqualTo(MODEL.siteIds());
    // The sites of the machines published, no more.
    assertThat(some.machineInfos().stream().map(MachineInfo::getSiteId).distinct())
        .containsExactly("tsmc-phx", "wistron-dal");
  }

  @Test
  void startIsKeptToTheMillisecond() {
    PlantSimulator simulator = new PlantSimulator(MODEL, SEED, T0.plusNanos(1_500_000), Set.of());

    assertThat(simulator.start()).isEqualTo(T0.plusMillis(1));
    assertThat(simulator.next().getEventTime()).isEqualTo(T0.plusMillis(1));
  }

  static List<TelemetryEvent> take(PlantSimulator simulator, int count) {
    List<TelemetryEvent> events = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      events.add(simulator.next());
    }
    return events;
  }

  private static byte[] encode(List<TelemetryEvent> events) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (TelemetryEvent event : events) {
      out.writeBytes(Topics.TELEMETRY_SERDE.encode(event));
    }
    return out.toByteArray();
  }

  private static SensorSpec sensorSpec(Machine machine, String name) {
    return machine.kind().sensors().stream().filter(spec -> spec.name().equals(name)).findFirst().orElseThrow();
  }

  private static Map<String, Integer> modelOrder(List<Machine> machines) {
    Map<String, Integer> order = new HashMap<>();
    for (int i = 0; i < machines.size(); i++) {
      order.put(machines.get(i).machineId(), i);
    }
    return order;
  }
}
