package io.plantstream.app.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * Files at the root of the repository (docker-compose.yml, Dockerfile, deploy/) as tests read them.
 * YAML goes through SnakeYAML, which resolves anchors and merge keys ({@code <<: *plant}) as
 * Compose does; it is on the classpath through jackson-dataformat-yaml.
 */
final class RepositoryFiles {

  private RepositoryFiles() {}

  /** The repository root: the nearest directory, from the working directory up, with the Maven wrapper. */
  static Path root() {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.isRegularFile(dir.resolve("mvnw")) && Files.isRegularFile(dir.resolve("pom.xml"))) {
        return dir;
      }
    }
    throw new IllegalStateException("no repository root (a directory with mvnw) above " + Path.of("").toAbsolutePath());
  }

  /** {@code relative} resolved against the repository root. */
  static Path path(String relative) {
    return root().resolve(relative);
  }

  /** The text of a repository file. */
  static String text(String relative) {
    try {
      return Files.readString(path(relative));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + relative, e);
    }
  }

  /** A YAML document of the repository as maps, lists and scalars. */
  static Map<String, Object> yaml(String relative) {
    return new Yaml(new LoaderOptions()).load(text(relative));
  }

  /** A YAML node as a map. */
  @SuppressWarnings("unchecked")
  static Map<String, Object> node(Object node) {
    return (Map<String, Object>) node;
  }

  /** {@code node.get(key)} as a map; an empty map when absent. */
  @SuppressWarnings("unchecked")
  static Map<String, Object> map(Object node, String key) {
    Object value = ((Map<String, Object>) node).get(key);
    return value == null ? Map.of() : (Map<String, Object>) value;
  }

  /** {@code node.get(key)} as a list; an empty list when absent. */
  @SuppressWarnings("unchecked")
  static List<Object> list(Object node, String key) {
    Object value = ((Map<String, Object>) node).get(key);
    return value == null ? List.of() : (List<Object>) value;
  }

  /** The environment variables the logging configuration reads, e.g. PLANT_LOG_DIR. */
  static Set<String> loggingVariables() {
    Set<String> names = new LinkedHashSet<>();
    Matcher matcher = Pattern.compile("\\$\\{([A-Z][A-Z0-9_]*)").matcher(
        text("app/src/main/resources/logback.xml"));
    while (matcher.find()) {
      names.add(matcher.group(1));
    }
    return names;
  }
}
