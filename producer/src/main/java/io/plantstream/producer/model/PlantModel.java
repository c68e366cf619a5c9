package io.plantstream.producer.model;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The plant model: machine kinds and the sites, lines and machines that use them, read from YAML
 * (the default is the classpath resource {@value #DEFAULT_RESOURCE}). Immutable and validated:
 * an instance always describes a usable plant.
 */
public final class PlantModel {

  /** Classpath location of the default model, the five US sites of the specification. */
  public static final String DEFAULT_RESOURCE = "io/plantstream/producer/plant.yaml";

  private final String source;
  private final Map<String, MachineKind> machineKinds;
  private final List<Site> sites;
  private final List<Machine> machines;

  PlantModel(String source, Map<String, MachineKind> machineKinds, List<Site> sites) {
    this.source = source;
    this.machineKinds = Collections.unmodifiableMap(new LinkedHashMap<>(machineKinds));
    this.sites = List.copyOf(sites);
    this.machines = expand(this.sites, this.machineKinds);
  }

  /** Loads the default model from the classpath. */
  public static PlantModel loadDefault() {
    String source = "classpath:" + DEFAULT_RESOURCE;
    try (InputStream in = PlantModel.class.getClassLoader().getResourceAsStream(DEFAULT_RESOURCE)) {
      if (in == null) {
        throw new PlantModelException(source, List.of(source + ": resource not found on the classpath"));
      }
      return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), source);
    } catch (IOException e) {
      throw new PlantModelException(source, List.of(source + ": cannot read: " + e));
    }
  }

  /** Loads the model in {@code file}; throws {@link PlantModelException} listing every problem. */
  public static PlantModel load(Path file) {
    String yaml;
    try {
      yaml = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new PlantModelException(file.toString(), List.of(file + ": cannot read the file: " + reason(e)));
    }
    return parse(yaml, file.toString());
  }

  /** Parses the model in {@code yaml}, naming it {@code source} in error messages. */
  public static PlantModel parse(String yaml, String source) {
    return PlantModelReader.read(yaml, source);
  }

  /** Where the model was read from. */
  public String source() {
    return source;
  }

  /** The machine kinds by id, in model order. */
  public Map<String, MachineKind> machineKinds() {
    return machineKinds;
  }

  /** The sites in model order. */
  public List<Site> sites() {
    return sites;
  }

  /** The site with {@code id}, if there is one. */
  public Optional<Site> site(String id) {
    return sites.stream().filter(site -> site.id().equals(id)).findFirst();
  }

  /** The ids of all sites, in model order. */
  public List<String> siteIds() {
    return sites.stream().map(Site::id).collect(Collectors.toUnmodifiableList());
  }

  /** Every machine, in model order: by site, line, machine group, then number. */
  public List<Machine> machines() {
    return machines;
  }

  /**
   * The machines of the given sites in model order, or all machines when {@code siteIds} is
   * empty; an unknown site id throws IllegalArgumentException naming it and the known ones.
   */
  public List<Machine> machines(Set<String> siteIds) {
    if (siteIds.isEmpty()) {
      return machines;
    }
    Set<String> unknown = new TreeSet<>(siteIds);
    unknown.removeAll(siteIds());
    if (!unknown.isEmpty()) {
      throw new IllegalArgumentException("unknown site id" + (unknown.size() > 1 ? "s " : " ")
          + String.join(", ", unknown) + "; known sites: " + String.join(", ", siteIds()));
    }
    return machines.stream()
        .filter(machine -> siteIds.contains(machine.siteId()))
        .collect(Collectors.toUnmodifiableList());
  }

  /**
   * A copy of this model in which every line of every site appears {@code times} times: copy 1
   * keeps the line's id, copy n is {@code <lineId>-r<nnn>} (e.g. {@code tsmc-phx-litho-r002}), so
   * machine ids stay unique; sites, kinds and calendars are unchanged. {@code times == 1} returns
   * this model. Benchmarks use it to grow the plant by a known factor.
   */
  public PlantModel withLinesRepeated(int times) {
    if (times < 1) {
      throw new IllegalArgumentException("times must be at least 1, was " + times);
    }
    if (times == 1) {
      return this;
    }
    List<Site> repeated = new ArrayList<>(sites.size());
    for (Site site : sites) {
      List<Line> lines = new ArrayList<>(site.lines().size() * times);
      for (int copy = 1; copy <= times; copy++) {
        for (Line line : site.lines()) {
          lines.add(copy == 1 ? line : new Line(String.format("%s-r%03d", line.id(), copy), line.machines()));
        }
      }
      repeated.add(new Site(site.id(), site.operator(), site.place(), site.timeZone(), site.kind(), lines,
          site.calendar()));
    }
    return new PlantModel(source + " (lines repeated " + times + " times)", machineKinds, repeated);
  }

  private static String reason(IOException e) {
    if (e instanceof NoSuchFileException) {
      return "no such file";
    }
    if (e instanceof AccessDeniedException) {
      return "permission denied";
    }
    if (e instanceof CharacterCodingException) {
      return "not UTF-8 text";
    }
    return e.toString();
  }

  private static List<Machine> expand(List<Site> sites, Map<String, MachineKind> kinds) {
    List<Machine> machines = new ArrayList<>();
    for (Site site : sites) {
      for (Line line : site.lines()) {
        for (MachineGroup group : line.machines()) {
          MachineKind kind = kinds.get(group.kind());
          for (int number = 1; number <= group.count(); number++) {
            machines.add(new Machine(Machine.machineId(line.id(), kind.id(), number, group.count()), site.id(),
                line.id(), kind));
          }
        }
      }
    }
    return List.copyOf(machines);
  }

  @Override
  public String toString() {
    return "PlantModel[" + source + ": " + sites.size() + " sites, " + machines.size() + " machines]";
  }
}
