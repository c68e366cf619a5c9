package io.plantstream.app;

import io.plantstream.producer.model.PlantModel;
import io.plantstream.producer.model.PlantModelException;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import picocli.CommandLine.Option;

/** Options choosing the plant: the model file and which of its sites run. */
final class PlantOptions {

  @Option(names = "--plant", paramLabel = "FILE",
      description = "Plant model (YAML) to simulate instead of the built-in five sites, e.g. samples/fab-scale.yaml "
          + "(the five sites at the size of real plants).")
  Path plantFile;

  @Option(names = "--sites", paramLabel = "SITE[,SITE...]", split = ",",
      description = "Only these sites (default: all), e.g. tsmc-phx,foxconn-hou.")
  List<String> sites;

  @Option(names = "--seed", paramLabel = "N", defaultValue = "42",
      description = "Random seed: the same seed, model and --start give the same events (default: ${DEFAULT-VALUE}).")
  long seed;

  /** The plant model, or a usage error listing everything wrong with the file. */
  PlantModel model() {
    try {
      return plantFile == null ? PlantModel.loadDefault() : PlantModel.load(plantFile);
    } catch (PlantModelException e) {
      throw new UsageException(e.getMessage());
    }
  }

  /** The chosen site ids, empty for all; unknown ones are a usage error. */
  Set<String> siteIds(PlantModel model) {
    if (sites == null) {
      return Set.of();
    }
    Set<String> chosen = new LinkedHashSet<>(sites);
    for (String site : chosen) {
      if (model.site(site).isEmpty()) {
        throw new UsageException("unknown site '" + site + "'; the model has " + String.join(", ", model.siteIds()));
      }
    }
    return chosen;
  }
}
