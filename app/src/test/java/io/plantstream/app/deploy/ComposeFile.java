package io.plantstream.app.deploy;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
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

  /**
   * The services {@code name} depends on, in file order, each with its condition
   * ({@code service_started}, {@code service_healthy}, {@code service_completed_successfully});
   * the short syntax (a list of names) means {@code service_started}.
   */
  Map<String, String> dependsOn(String name) {
    Object dependsOn = service(name).get("depends_on");
    Map<String, String> conditions = new LinkedHashMap<>();
    if (dependsOn instanceof List<?> names) {
      names.forEach(dependency -> conditions.put(String.valueOf(dependency), "service_started"));
    } else if (dependsOn instanceof Map<?, ?> map) {
      map.forEach((dependency, spec) -> {
        Object condition = spec instanceof Map<?, ?> fields ? fields.get("condition") : null;
        conditions.put(String.valueOf(dependency), condition == null ? "service_started" : String.valueOf(condition));
      });
    } else if (dependsOn != null) {
      throw new AssertionError("service '" + name + "': depends_on must be a list or a map, was " + dependsOn);
    }
    return conditions;
  }

  /**
   * {@code services} and everything they depend on, transitively, each after what it depends on
   * (otherwise in the order given, then file order): the order {@code docker compose up services...}
   * starts them in. A dependency cycle or an unknown service is an AssertionError.
   */
  List<String> startOrder(Collection<String> services) {
    Set<String> ordered = new LinkedHashSet<>();
    for (String service : services) {
      visit(service, ordered, new LinkedHashSet<>());
    }
    return List.copyOf(ordered);
  }

  private void visit(String name, Set<String> ordered, Set<String> path) {
    if (ordered.contains(name)) {
      return;
    }
    if (!path.add(name)) {
      throw new AssertionError("docker-compose.yml: dependency cycle " + String.join(" -> ", path) + " -> " + name);
    }
    for (String dependency : dependsOn(name).keySet()) {
      service(dependency);
      visit(dependency, ordered, path);
    }
    path.remove(name);
    ordered.add(name);
  }

  /** How many containers of the service run: {@code deploy.replicas}, 1 without it. */
  int replicas(String name) {
    Object replicas = RepositoryFiles.map(service(name), "deploy").get("replicas");
    return replicas == null ? 1 : ((Number) replicas).intValue();
  }

  /** The service's healthcheck; empty without one. */
  Map<String, Object> healthcheck(String name) {
    return RepositoryFiles.map(service(name), "healthcheck");
  }

  /** The profiles the service is in; empty for a core service, which {@code docker compose up} always starts. */
  List<String> profiles(String name) {
    return RepositoryFiles.list(service(name), "profiles").stream().map(String::valueOf).toList();
  }

  /**
   * The container-side ports of the service's {@code ports} mappings ({@code "8081:8080"} gives
   * 8080, {@code "8080-8084:8080"} 8080): where other containers reach it under its service name.
   */
  List<Integer> containerPorts(String name) {
    List<Integer> ports = new ArrayList<>();
    for (Object mapping : RepositoryFiles.list(service(name), "ports")) {
      String text = String.valueOf(mapping);
      String container = text.substring(text.lastIndexOf(':') + 1).replaceFirst("/.*$", "");
      ports.add(Integer.parseInt(container));
    }
    return ports;
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
