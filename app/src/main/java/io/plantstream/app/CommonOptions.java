package io.plantstream.app;

import io.plantstream.schemas.SchemaRegistry;
import io.plantstream.schemas.Topics;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.utils.Utils;
import picocli.CommandLine.Option;

/**
 * Options every command that talks to Kafka shares: where the cluster is, how to reach it and the
 * topic prefix. Configuration layers, weakest first: plantstream's defaults, the
 * {@code --command-config} file, environment variables, flags.
 */
public final class CommonOptions {

  /** The user name in a JAAS configuration: {@code username="..."} (PLAIN, SCRAM) or {@code principal="..."} (Kerberos). */
  private static final Pattern JAAS_USER =
      Pattern.compile("\\b(?:username|principal)\\s*=\\s*(?:\"([^\"]*)\"|([^\\s;\"]+))");

  /** Set by {@code --verbose}: stack traces on errors. */
  static volatile boolean verbose;

  @Option(names = {"-b", "--bootstrap-servers"}, paramLabel = "HOST:PORT[,...]",
      defaultValue = "${env:PLANT_BOOTSTRAP_SERVERS:-localhost:9092}",
      description = "Kafka bootstrap servers (default: env PLANT_BOOTSTRAP_SERVERS, else ${DEFAULT-VALUE}).")
  String bootstrapServers;

  @Option(names = "--command-config", paramLabel = "FILE",
      description = "Kafka client properties (security, timeouts), as Kafka's own tools take them.")
  Path commandConfig;

  @Option(names = "--topic-prefix", paramLabel = "PREFIX",
      defaultValue = "${env:PLANT_TOPIC_PREFIX:-plant.}",
      description = "Prefix of every topic name (default: ${DEFAULT-VALUE}).")
  String topicPrefix;

  @Option(names = "--schema-registry", paramLabel = "URL",
      defaultValue = "${env:PLANT_SCHEMA_REGISTRY_URL}",
      description = {"Confluent-compatible schema registry API (e.g. http://localhost:8081/apis/ccompat/v7; "
          + "default: env PLANT_SCHEMA_REGISTRY_URL, else none).",
          "With it, Avro values are written in the Confluent wire format under subjects <topic>-value; "
              + "both encodings are read either way."})
  String schemaRegistry;

  private Topics topics;

  @Option(names = "--verbose", description = "Print stack traces with errors.")
  void setVerbose(boolean value) {
    verbose = value;
  }

  /**
   * The project's topics under the configured prefix, with the schema registry if one is
   * configured; the first call checks that the registry answers.
   */
  public Topics topics() {
    if (topics == null) {
      SchemaRegistry registry = null;
      if (schemaRegistry != null && !schemaRegistry.isBlank()) {
        registry = SchemaRegistry.at(schemaRegistry);
        registry.check();
      }
      topics = new Topics(topicPrefix, registry);
    }
    return topics;
  }

  /**
   * Who the cluster sees, for messages: {@code User:NAME} from the user name of
   * {@code sasl.jaas.config} (never anything else of it), {@code User:ANONYMOUS} without SASL or TLS.
   */
  public String principal() {
    Map<String, Object> config;
    try {
      config = clientConfig();
    } catch (UsageException unreadable) {
      return "this client";
    }
    String protocol = String.valueOf(config.getOrDefault("security.protocol", "PLAINTEXT")).toUpperCase(Locale.ROOT);
    Object jaas = config.get("sasl.jaas.config");
    if (protocol.startsWith("SASL") && jaas != null) {
      Matcher user = JAAS_USER.matcher(jaas.toString());
      if (user.find()) {
        return "User:" + (user.group(1) != null ? user.group(1) : user.group(2));
      }
    }
    return protocol.equals("PLAINTEXT") ? "User:ANONYMOUS" : "this client (" + protocol + ")";
  }

  /** Client properties: the command-config file, then the bootstrap servers. */
  public Map<String, Object> clientConfig() {
    Map<String, Object> config = new HashMap<>();
    if (commandConfig != null) {
      Properties file = new Properties();
      try (Reader reader = Files.newBufferedReader(commandConfig)) {
        file.load(reader);
      } catch (IOException | IllegalArgumentException e) {
        // IllegalArgumentException: a malformed unicode escape.
        throw new UsageException("cannot read --command-config " + commandConfig + ": " + e.getMessage());
      }
      file.forEach((key, value) -> config.put(key.toString(), value));
    }
    config.put("bootstrap.servers", checkedBootstrapServers());
    try {
      // Values the clients would refuse later, refused now with the file's name (without logging them).
      AdminClientConfig.configDef().parse(config);
    } catch (ConfigException e) {
      throw new UsageException((commandConfig == null ? "" : "--command-config " + commandConfig + ": ")
          + e.getMessage());
    }
    return config;
  }

  /** The bootstrap servers, each HOST:PORT; anything else is a usage error (resolving them is the connect's job). */
  private String checkedBootstrapServers() {
    if (bootstrapServers == null || bootstrapServers.isBlank()) {
      throw new UsageException("--bootstrap-servers is empty; give HOST:PORT[,HOST:PORT...]");
    }
    for (String server : bootstrapServers.split(",")) {
      String trimmed = server.trim();
      if (Utils.getHost(trimmed) == null || Utils.getPort(trimmed) == null) {
        throw new UsageException("--bootstrap-servers: '" + trimmed + "' is not HOST:PORT");
      }
    }
    return bootstrapServers;
  }
}
