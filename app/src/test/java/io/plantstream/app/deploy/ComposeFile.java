package io.plantstream.app.deploy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The services of {@code docker-compose.yml} as Compose sees them with no variable set in the
 * environment: {@code ${NAME:-default}} and {@code ${NAME-default}} become the default,
 * {@code ${NAME}} the empty string, {@code $$} a dollar sign.
 */
final class ComposeFile {

  /** The image that the plant services run, built from the Dockerfile. */
  static final String PLANT_IMAGE = "plantstream:dev";

  private static final Pattern VARIABLE = Pattern.compile("\\$\\$|\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?-)([^}]*))?}");

  private final Map<String, Object> services;

  private ComposeFile(Map<String, Object> services) {
    this.services = services;
  }

  /** The repository's {@code docker-compose.yml}. */
  static ComposeFile load() {
    return new ComposeFile(RepositoryFiles.map(RepositoryFiles.yaml("docker-compose.yml"), "services"));
  }

  /** Every service name, in file order. */
  List<String> serviceNames() {
    return List.copyOf(services.keySet());
  }

  /** The definition of one service (merge keys resolved), or an AssertionError naming it. */
  Map<String, Object> service(String name) {
    Object service = services.get(name);
    if (service == null) {
      throw new AssertionError("docker-compose.yml has no service '" + name + "' (it has " + services.keySet() + ")");
    }
    return RepositoryFiles.map(services, name);
  }

  /** The services that run the plant command line. */
  List<String> plantServices() {
    return services.keySet().stream().filter(name -> PLANT_IMAGE.equals(service(name).get("image"))).toList();
  }

  /** The command of a service as Compose passes it to the entrypoint, variables substituted. */
  List<String> command(String name) {
    Object command = service(name).get("command");
    if (!(command instanceof List<?> words)) {
      throw new AssertionError("service '" + name + "': the command must be a list of words (exec form), was " + command);
    }
    List<String> args = new ArrayList<>();
    words.forEach(word -> args.add(interpolate(String.valueOf(word))));
    return args;
  }

  /** The environment of a service, variables substituted (map or list form). */
  Map<String, String> environment(String name) {
    Object environment = service(name).get("environment");
    Map<String, String> variables = new LinkedHashMap<>();
    if (environment instanceof Map<?, ?> map) {
      map.forEach((key, value) -> variables.put(String.valueOf(key), value == null ? "" : interpolate(String.valueOf(value))));
    } else if (environment instanceof List<?> list) {
      list.forEach(entry -> {
        String[] parts = String.valueOf(entry).split("=", 2);
        variables.put(parts[0], parts.length > 1 ? interpolate(parts[1]) : "");
      });
    }
    return variables;
  }

  /** {@code text} with Compose's variable syntax replaced as in an empty environment. */
  static String interpolate(String text) {
    Matcher matcher = VARIABLE.matcher(text);
    StringBuilder out = new StringBuilder();
    while (matcher.find()) {
      String replacement = matcher.group().equals("$$") ? "$" : matcher.group(3) == null ? "" : matcher.group(3);
      matcher.appendReplacement(out, Matcher.quoteReplacement(replacement));
    }
    matcher.appendTail(out);
    return out.toString();
  }
}
