package io.plantstream.app.deploy;

import static io.plantstream.app.deploy.RepositoryFiles.list;
import static io.plantstream.app.deploy.RepositoryFiles.map;
import static org.assertj.core.api.Assertions.assertThat;

import io.plantstream.app.PlantCommand;
import io.plantstream.broker.LocalSchemaRegistry;
import io.plantstream.testing.KafkaFixture;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParseResult;

/**
 * {@code docker-compose.yml} against the application, without Docker: every plant service's
 * command parses with the real command line (unknown commands, flags and malformed values fail),
 * every environment variable given to the plant image is one the application reads, and the wiring
 * (listeners, start order, replicas, ports, pinned images) holds together.
 */
class ComposeFileTest {

  private static final ComposeFile COMPOSE = ComposeFile.load();
  /** The schema registry every plant service writes with: Apicurio Registry, as {@code plant registry} runs it. */
  private static final String REGISTRY_IMAGE = "apicurio/apicurio-registry:3.0.9";
  private static final Pattern ENV_DEFAULT = Pattern.compile("\\$\\{env:([A-Za-z_][A-Za-z0-9_]*)");

  static Stream<String> plantServices() {
    return COMPOSE.plantServices().stream();
  }

  @Test
  void theStackHasTheBrokerTheOneShotTopicsTheSimulatorAndTheAggregator() {
    assertThat(COMPOSE.serviceNames()).contains("kafka", "registry", "topics", "simulator", "aggregator",
        "kafka-ui", "prometheus", "grafana");
    assertThat(COMPOSE.plantServices()).containsExactlyInAnyOrder("topics", "simulator", "aggregator");
    assertThat(COMPOSE.startOrder(COMPOSE.plantServices()))
        .as("what `docker compose up` starts, in order, without a profile")
        .containsExactly("kafka", "registry", "topics", "simulator", "aggregator");
    assertThat(COMPOSE.command("topics")).first().isEqualTo("topics");
    assertThat(COMPOSE.command("simulator")).first().isEqualTo("simulate");
    assertThat(COMPOSE.command("aggregator")).first().isEqualTo("aggregate");
    assertThat(COMPOSE.service("topics").get("restart")).isEqualTo("no");
  }

  /**
   * The command parses as the subcommand it names, and every {@code --option value} (or flag) of
   * it is matched by that subcommand with the value as given: nothing left unmatched, no
   * positional parameter, no option matched that the command does not give.
   */
  @ParameterizedTest
  @MethodSource("plantServices")
  void everyPlantServiceCommandParses(String service) {
    List<String> args = COMPOSE.command(service);
    ParseResult plant = parse(args);

    assertThat(plant.hasSubcommand()).as("service %s names a command", service).isTrue();
    ParseResult command = plant.subcommand();
    assertThat(command.commandSpec().name()).as("service %s", service).isEqualTo(args.get(0));
    assertThat(plant.matchedArgs()).as("options of plant itself").isEmpty();
    assertThat(command.unmatched()).as("unmatched words of service %s", service).isEmpty();
    assertThat(command.matchedPositionals()).as("positional parameters of service %s", service).isEmpty();
    assertThat(command.hasSubcommand()).isFalse();

    Map<OptionSpec, List<String>> given = new LinkedHashMap<>();
    for (int i = 1; i < args.size(); i++) {
      OptionSpec option = command.commandSpec().findOption(args.get(i));
      assertThat(option).as("'%s' of service %s is an option of 'plant %s'", args.get(i), service, args.get(0)).isNotNull();
      // The plant commands' options are flags or take one value each (arity 0 or 1).
      List<String> values = option.arity().max() == 0 ? List.of() : List.of(args.get(++i));
      given.merge(option, values, (a, b) -> Stream.concat(a.stream(), b.stream()).toList());
    }
    assertThat(command.matchedOptions()).as("options matched for service %s", service)
        .containsExactlyInAnyOrderElementsOf(given.keySet());
    given.forEach((option, values) -> {
      if (!values.isEmpty()) {
        assertThat(command.matchedOption(option.longestName()).originalStringValues())
            .as("%s of service %s", option.longestName(), service).containsExactlyElementsOf(values);
      }
    });
  }

  /**
   * Compose gives environment variables, not flags: each one must be the default of an option of
   * the service's command (and its value must parse there), or a variable the logging reads.
   */
  @ParameterizedTest
  @MethodSource("plantServices")
  void everyEnvironmentVariableOfAPlantServiceIsReadAndItsValueParses(String service) {
    List<String> args = COMPOSE.command(service);
    CommandSpec command = parse(args).subcommand().commandSpec();
    Set<String> logging = RepositoryFiles.loggingVariables();

    Map<String, String> environment = COMPOSE.environment(service);
    assertThat(environment).as("service %s", service).isNotEmpty();
    environment.forEach((name, value) -> {
      OptionSpec option = optionDefaultingTo(command, name);
      if (option == null) {
        assertThat(logging).as("variable %s of service %s: no option of 'plant %s' defaults to it and the "
            + "logging does not read it", name, service, command.name()).contains(name);
        return;
      }
      List<String> withFlag = new ArrayList<>(args);
      withFlag.add(option.longestName());
      withFlag.add(value);
      ParseResult parsed = parse(withFlag).subcommand();
      Object parsedValue = parsed.matchedOptionValue(option.longestName(), null);
      assertThat(String.valueOf(parsedValue))
          .as("%s=%s as %s", name, value, option.longestName()).isEqualTo(value);
    });
  }

  @Test
  void thePlantServicesReachTheBrokerOnItsInternalListener() {
    Map<String, String> kafka = COMPOSE.environment("kafka");
    List<String> advertised = List.of(kafka.get("KAFKA_ADVERTISED_LISTENERS").split(","));
    String internal = kafka.get("KAFKA_INTER_BROKER_LISTENER_NAME");

    assertThat(advertised).contains(internal + "://kafka:19092").anyMatch(listener -> listener.endsWith("://localhost:9092"));
    assertThat(kafka.get("KAFKA_PROCESS_ROLES")).isEqualTo("broker,controller");
    assertThat(list(COMPOSE.service("kafka"), "ports")).contains("9092:9092");
    assertThat(map(COMPOSE.service("kafka"), "healthcheck")).containsKey("test");
    for (String service : COMPOSE.plantServices()) {
      assertThat(COMPOSE.environment(service)).as("service %s", service)
          .containsEntry("PLANT_BOOTSTRAP_SERVERS", "kafka:19092");
    }
    assertThat(COMPOSE.environment("kafka-ui")).containsEntry("KAFKA_CLUSTERS_0_BOOTSTRAPSERVERS", "kafka:19092");
  }

  @Test
  void servicesStartWhenWhatTheyNeedIsHealthyOrDone() {
    Map<String, String> brokerAndRegistryHealthy = Map.of("kafka", "service_healthy", "registry", "service_healthy");
    assertThat(dependsOn("topics")).containsExactlyInAnyOrderEntriesOf(brokerAndRegistryHealthy);
    assertThat(dependsOn("simulator")).containsExactlyEntriesOf(Map.of("topics", "service_completed_successfully"));
    assertThat(dependsOn("aggregator")).containsExactlyEntriesOf(Map.of("topics", "service_completed_successfully"));
    assertThat(dependsOn("kafka-ui")).containsExactlyInAnyOrderEntriesOf(brokerAndRegistryHealthy);
    for (String service : COMPOSE.serviceNames()) {
      dependsOn(service).forEach((dependency, condition) -> {
        assertThat(COMPOSE.serviceNames()).as("%s depends on %s", service, dependency).contains(dependency);
        assertThat(condition).as("%s depends on %s", service, dependency)
            .isIn("service_started", "service_healthy", "service_completed_successfully");
        if (condition.equals("service_healthy")) {
          // Compose refuses service_healthy on a service without a healthcheck.
          assertThat(COMPOSE.healthcheck(dependency)).as("healthcheck of %s, which %s waits for", dependency, service)
              .containsKey("test");
        }
        if (condition.equals("service_completed_successfully")) {
          assertThat(COMPOSE.service(dependency).get("restart")).as("restart policy of the one-shot %s", dependency)
              .isEqualTo("no");
        }
      });
    }
  }

  @Test
  void theSchemaRegistryIsTheApicurioReleaseTheProjectRunsWithAHealthcheck() {
    Map<String, Object> registry = COMPOSE.service("registry");

    assertThat(registry.get("image")).isEqualTo(REGISTRY_IMAGE)
        .isEqualTo("apicurio/apicurio-registry:" + LocalSchemaRegistry.VERSION);
    assertThat(COMPOSE.healthcheck("registry")).containsKey("test");
    assertThat(String.valueOf(COMPOSE.healthcheck("registry").get("test")))
        .as("the healthcheck asks the registry's own port inside its container")
        .contains(String.valueOf(COMPOSE.containerPorts("registry").get(0)));
    assertThat(COMPOSE.containerPorts("registry")).containsExactly(8080);
    assertThat(list(registry, "ports")).singleElement().asString().as("one host port for the registry's API")
        .matches("\\d+:8080");
  }

  /** No two services publish the same host port (a range, such as the aggregators' 8080-8084, counts whole). */
  @Test
  void noTwoServicesPublishTheSameHostPort() {
    Map<Integer, String> owners = new TreeMap<>();
    for (String service : COMPOSE.serviceNames()) {
      for (Object mapping : list(COMPOSE.service(service), "ports")) {
        String[] parts = String.valueOf(mapping).replaceFirst("/.*$", "").split(":");
        assertThat(parts.length).as("port mapping %s of %s: HOST:CONTAINER", mapping, service).isGreaterThanOrEqualTo(2);
        String[] range = parts[parts.length - 2].split("-");
        int first = Integer.parseInt(range[0]);
        int last = range.length > 1 ? Integer.parseInt(range[1]) : first;
        for (int port = first; port <= last; port++) {
          String previous = owners.put(port, service + " (" + mapping + ")");
          assertThat(previous).as("host port %d of %s (%s)", port, service, mapping).isNull();
        }
      }
    }
  }

  /**
   * Every plant service writes its Avro values in the Confluent wire format with the registry
   * service, reached by its service name on its container port, at the Confluent-compatible API;
   * kafka-ui decodes them with the same registry.
   */
  @Test
  void everyPlantServiceAndTheUiUseTheRegistryServicesConfluentCompatibleApi() {
    int containerPort = COMPOSE.containerPorts("registry").get(0);
    String expected = "http://registry:" + containerPort + LocalSchemaRegistry.CCOMPAT_PATH;

    for (String service : COMPOSE.plantServices()) {
      String url = COMPOSE.environment(service).get("PLANT_SCHEMA_REGISTRY_URL");
      assertThat(url).as("PLANT_SCHEMA_REGISTRY_URL of service %s", service).isEqualTo(expected);
      URI uri = URI.create(url);
      assertThat(uri.getScheme()).isEqualTo("http");
      assertThat(uri.getHost()).as("a service name").isIn(COMPOSE.serviceNames()).isEqualTo("registry");
      assertThat(uri.getPort()).as("the registry's container port").isEqualTo(containerPort);
      assertThat(uri.getPath()).isEqualTo(LocalSchemaRegistry.CCOMPAT_PATH).isEqualTo("/apis/ccompat/v7");
    }
    assertThat(COMPOSE.environment("kafka-ui")).containsEntry("KAFKA_CLUSTERS_0_SCHEMAREGISTRY", expected);
  }

  @Test
  void aggregatorReplicasShareTheApplicationIdAndServeHttpOnEveryInterface() {
    Map<String, Object> aggregator = COMPOSE.service("aggregator");
    ParseResult aggregate = parse(COMPOSE.command("aggregator")).subcommand();
    Object httpPort = aggregate.matchedOptionValue("--http-port", null);
    String port = String.valueOf(httpPort);

    assertThat(((Number) map(aggregator, "deploy").get("replicas")).intValue()).isGreaterThanOrEqualTo(2);
    assertThat(aggregate.hasMatchedOption("--application-id")).isTrue();
    assertThat((String) aggregate.matchedOptionValue("--http-host", null)).isEqualTo("0.0.0.0");
    assertThat(list(aggregator, "ports")).singleElement().asString()
        .as("a host port range, one port per replica").matches("\\d+-\\d+:" + port);
  }

  @Test
  void optionalServicesAreInTheirProfiles() {
    assertThat(list(COMPOSE.service("kafka-ui"), "profiles")).containsExactly("ui");
    assertThat(list(COMPOSE.service("prometheus"), "profiles")).containsExactly("monitoring");
    assertThat(list(COMPOSE.service("grafana"), "profiles")).containsExactly("monitoring");
    for (String core : List.of("kafka", "registry", "topics", "simulator", "aggregator")) {
      assertThat(COMPOSE.service(core)).as(core).doesNotContainKey("profiles");
      assertThat(COMPOSE.profiles(core)).as(core).isEmpty();
    }
  }

  @Test
  void everyImageIsPinnedToAVersion() {
    for (String service : COMPOSE.serviceNames()) {
      String image = String.valueOf(COMPOSE.service(service).get("image"));
      if (image.equals(ComposeFile.PLANT_IMAGE)) {
        assertThat(COMPOSE.service(service)).as("service %s builds the plant image", service).containsKey("build");
        continue;
      }
      assertThat(image).as("image of service %s", service).matches("[a-z0-9./_-]+:v?\\d+(\\.\\d+)+[A-Za-z0-9._-]*");
    }
    assertThat(COMPOSE.service("kafka").get("image")).isEqualTo(KafkaFixture.KAFKA_IMAGE);
  }

  private static CommandLine.ParseResult parse(List<String> args) {
    return PlantCommand.commandLine().parseArgs(args.toArray(String[]::new));
  }

  private static Map<String, String> dependsOn(String service) {
    return COMPOSE.dependsOn(service);
  }

  /** The option of {@code command} whose default names environment variable {@code name}, or null. */
  private static OptionSpec optionDefaultingTo(CommandSpec command, String name) {
    for (OptionSpec option : command.options()) {
      String original = option.defaultValueString(false);
      if (original == null) {
        continue;
      }
      Matcher matcher = ENV_DEFAULT.matcher(original);
      while (matcher.find()) {
        if (matcher.group(1).equals(name)) {
          return option;
        }
      }
    }
    return null;
  }
}
