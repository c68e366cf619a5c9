package io.plantstream.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.plantstream.producer.model.Machine;
import io.plantstream.producer.model.PlantModel;
import io.plantstream.producer.model.Site;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The default plant model with every line repeated ({@link PlantModel#withLinesRepeated}) written
 * as a YAML file, for a simulator that runs in a JVM of its own and reads its plant with
 * {@code --plant}. The default model's YAML is copied as it is, except that each site's lines are
 * those of the grown model, each with the machine groups of the line it copies.
 */
final class RepeatedPlantFile {

  private static final YAMLMapper YAML = new YAMLMapper();

  private RepeatedPlantFile() {}

  /**
   * Writes the default plant with its lines repeated {@code times} times to {@code file}; checks
   * that the file reads back as the same machines as {@code withLinesRepeated(times)}.
   */
  static Path write(int times, Path file) throws IOException {
    PlantModel grown = PlantModel.loadDefault().withLinesRepeated(times);
    ObjectNode root;
    try (InputStream in = PlantModel.class.getClassLoader().getResourceAsStream(PlantModel.DEFAULT_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("no " + PlantModel.DEFAULT_RESOURCE + " on the class path");
      }
      root = (ObjectNode) YAML.readTree(in);
    }
    for (JsonNode node : root.get("sites")) {
      ObjectNode site = (ObjectNode) node;
      List<JsonNode> originals = new ArrayList<>();
      site.get("lines").forEach(originals::add);
      Site grownSite = grown.site(site.get("id").asText()).orElseThrow();
      ArrayNode lines = site.putArray("lines");
      // Line ids come from the model, so the naming rule lives in one place; copy k of line j is at k * lines + j.
      for (int i = 0; i < grownSite.lines().size(); i++) {
        ObjectNode line = originals.get(i % originals.size()).deepCopy();
        line.put("id", grownSite.lines().get(i).id());
        lines.add(line);
      }
    }
    YAML.writeValue(file.toFile(), root);
    List<String> written = PlantModel.load(file).machines().stream().map(Machine::machineId).toList();
    if (!written.equals(grown.machines().stream().map(Machine::machineId).toList())) {
      throw new IllegalStateException(file + " does not read back as the default plant with lines repeated " + times
          + " times");
    }
    return file;
  }
}
