package io.plantstream.producer.sim;

import io.plantstream.avro.MachineInfo;
import io.plantstream.avro.SiteInfo;
import io.plantstream.avro.TelemetryEvent;
import io.plantstream.producer.TelemetrySource;
import io.plantstream.producer.model.Machine;
import io.plantstream.producer.model.MachineKind;
import io.plantstream.producer.model.PlantModel;
import io.plantstream.producer.model.Site;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Deterministic discrete-event simulation of a plant: an endless stream of telemetry events of
 * all selected machines, merged in non-decreasing event-time order (ties go to the machine that
 * comes first in the model). Same model, seed, start and sites give the same stream; each machine
 * draws from its own generator seeded by (seed, machine id), so selecting more or fewer sites
 * does not change the events of the others. No wall clock is involved. Not thread-safe: one
 * thread pulls the events.
 */
public final class PlantSimulator implements TelemetrySource {

  /** Simulated time between two heartbeats of a machine; sensors are read as often as the model says. */
  public static final Duration HEARTBEAT_INTERVAL = Duration.ofSeconds(10);

  private final long seed;
  private final Instant start;
  private final List<Machine> machines;
  private final List<Site> sites;
  private final MachineQueue queue;

  /** A simulator of the machines of {@code siteIds} (all sites when empty) from {@code start} on. */
  public PlantSimulator(PlantModel model, long seed, Instant start, Set<String> siteIds) {
    this.seed = seed;
    this.start = start.truncatedTo(ChronoUnit.MILLIS);
    this.machines = model.machines(siteIds);
    this.sites = model.sites().stream().filter(site -> siteIds.isEmpty() || siteIds.contains(site.id())).toList();
    long startMillis = this.start.toEpochMilli();
    Map<String, Long> phases = maintenancePhases(model);
    List<MachineSimulator> simulators = new ArrayList<>(machines.size());
    for (int order = 0; order < machines.size(); order++) {
      Machine machine = machines.get(order);
      MachineCalendar calendar = new MachineCalendar(model.site(machine.siteId()).orElseThrow().calendar(),
          machine.kind(), phases.get(machine.machineId()));
      simulators.add(new MachineSimulator(machine, order, seed, startMillis, HEARTBEAT_INTERVAL.toMillis(), calendar));
    }
    this.queue = new MachineQueue(simulators);
  }

  /**
   * Where each machine's maintenance plan starts (epoch millis, modulo the period): the machines
   * of one kind on one line take turns, evenly spread over the period, from an offset that depends
   * on the line and kind only. A plan, not a draw: the seed does not change it.
   */
  static Map<String, Long> maintenancePhases(PlantModel model) {
    Map<String, List<Machine>> groups = new LinkedHashMap<>();
    for (Machine machine : model.machines()) {
      groups.computeIfAbsent(machine.lineId() + "/" + machine.kind().id(), group -> new ArrayList<>()).add(machine);
    }
    Map<String, Long> phases = new HashMap<>();
    groups.forEach((group, members) -> {
      MachineKind.Maintenance maintenance = members.get(0).kind().maintenance();
      long every = maintenance == null ? 1 : maintenance.every().toMillis();
      long minute = Duration.ofMinutes(1).toMillis();
      long offset = Math.floorMod(SimRandom.hash(group), every);
      for (int i = 0; i < members.size(); i++) {
        long phase = (offset + i * every / members.size()) / minute * minute;
        phases.put(members.get(i).machineId(), phase);
      }
    });
    return phases;
  }

  /** The seed of this run. */
  public long seed() {
    return seed;
  }

  /** Simulated time of the first events (every machine announces its state then). */
  @Override
  public Instant start() {
    return start;
  }

  /** The simulated machines, in model order. */
  public List<Machine> machines() {
    return machines;
  }

  /** Metadata of the simulated machines, for {@code plant.machines}, in model order. */
  public List<MachineInfo> machineInfos() {
    return machines.stream().map(Machine::toMachineInfo).collect(Collectors.toUnmodifiableList());
  }

  /** The simulated sites, in model order. */
  public List<Site> sites() {
    return sites;
  }

  /** Metadata and shift calendars of the simulated sites, for {@code plant.sites}, in model order. */
  public List<SiteInfo> siteInfos() {
    return sites.stream().map(Site::toSiteInfo).toList();
  }

  /** The next event; never null unless no machine is selected. */
  @Override
  public TelemetryEvent next() {
    if (queue.isEmpty()) {
      return null;
    }
    TelemetryEvent event = queue.first().next();
    queue.firstMoved();
    return event;
  }
}
