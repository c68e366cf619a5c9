package io.plantstream.testing;

import io.plantstream.broker.EmbeddedKafkaBroker;
import io.plantstream.schemas.Topics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AccessControlEntryFilter;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourcePatternFilter;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.utils.Utils;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A secured Kafka broker for one test class: clients authenticate over SASL_SSL with SCRAM-SHA-512
 * and the broker enforces ACLs (nothing is allowed without one). The TLS key and the truststore
 * are made with the JDK's {@code keytool} into a temporary directory (SAN {@code IP:127.0.0.1});
 * every password is random. The super user {@link #ADMIN} sets up topics, users and ACLs over the
 * same SASL_SSL listener the commands use.
 *
 * <p>Always the embedded KRaft broker ({@link EmbeddedKafkaBroker#builder()} with {@code saslSsl}
 * and {@code acls}): users are created when its data directory is formatted, which a container
 * image does not offer; {@link KafkaFixture} stays the broker of every other test.
 *
 * <pre>
 * {@literal @}RegisterExtension static final SecureKafkaFixture kafka = new SecureKafkaFixture();
 * </pre>
 */
public final class SecureKafkaFixture implements BeforeAllCallback, AfterAllCallback {

  /** The super user's name. */
  public static final String ADMIN = "admin";
  /** The only SASL mechanism the broker enables. */
  public static final String MECHANISM = "SCRAM-SHA-512";

  private static final Logger log = LoggerFactory.getLogger(SecureKafkaFixture.class);
  private static final SecureRandom RANDOM = new SecureRandom();

  private final Map<String, String> passwords = new LinkedHashMap<>();
  private Path dir;
  private String keystorePassword;
  private String truststorePassword;
  private EmbeddedKafkaBroker broker;

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    long started = System.nanoTime();
    dir = Files.createTempDirectory("plantstream-secure-");
    keystorePassword = secret();
    truststorePassword = secret();
    passwords.put(ADMIN, secret());
    Path keystore = dir.resolve("broker.p12");
    keytool("-genkeypair", "-alias", "broker", "-keyalg", "EC", "-groupname", "secp256r1",
        "-dname", "CN=127.0.0.1", "-ext", "SAN=IP:127.0.0.1,DNS:localhost", "-validity", "2",
        "-storetype", "PKCS12", "-keystore", keystore.toString(),
        "-storepass", keystorePassword, "-keypass", keystorePassword);
    keytool("-exportcert", "-rfc", "-alias", "broker", "-keystore", keystore.toString(),
        "-storepass", keystorePassword, "-file", dir.resolve("broker.pem").toString());
    keytool("-importcert", "-noprompt", "-alias", "broker", "-file", dir.resolve("broker.pem").toString(),
        "-storetype", "PKCS12", "-keystore", truststore().toString(), "-storepass", truststorePassword);
    broker = EmbeddedKafkaBroker.builder()
        .saslSsl(keystore, keystorePassword)
        .scramUser(ADMIN, passwords.get(ADMIN))
        .acls("User:" + ADMIN)
        .build().start();
    log.info("secured Kafka for tests: SASL_SSL ({}) with ACLs at {} in {} ms", MECHANISM,
        bootstrapServers(), Duration.ofNanos(System.nanoTime() - started).toMillis());
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (broker != null) {
      broker.close();
      broker = null;
    }
    if (dir != null) {
      try {
        Utils.delete(dir.toFile());
      } catch (IOException e) {
        log.warn("could not delete {}: {}", dir, e.toString());
      }
    }
  }

  /** {@code bootstrap.servers} of the SASL_SSL listener. */
  public String bootstrapServers() {
    return broker.saslSslBootstrapServers();
  }

  /** The password of {@code user}, as created by {@link #addUser}. */
  public String password(String user) {
    String password = passwords.get(user);
    if (password == null) {
      throw new IllegalArgumentException("no user " + user + "; add it with addUser");
    }
    return password;
  }

  /** Every secret of this broker and its users: none may ever appear in an output or a log. */
  public List<String> secrets() {
    List<String> secrets = new ArrayList<>(passwords.values());
    secrets.add(keystorePassword);
    secrets.add(truststorePassword);
    return secrets;
  }

  /** Creates the SCRAM-SHA-512 user {@code name} with a random password, once it can log in. */
  public String addUser(String name) {
    String password = secret();
    try (Admin admin = Admin.create(adminConfig())) {
      admin.alterUserScramCredentials(List.of(new UserScramCredentialUpsertion(name,
          new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 4096), password))).all().get(30, TimeUnit.SECONDS);
    } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException("cannot create user " + name, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    passwords.put(name, password);
    Map<String, Object> login = clientConfig(name);
    login.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
    login.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5_000);
    // The broker learns of the credential from the metadata log a moment after the controller commits it.
    Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250))
        .ignoreExceptionsInstanceOf(ExecutionException.class).until(() -> {
      try (Admin user = Admin.create(login)) {
        return user.describeCluster().clusterId().get() != null;
      }
    });
    return password;
  }

  /** Client properties of {@code user}: SASL_SSL, SCRAM-SHA-512 with its password, this broker's truststore. */
  public Map<String, Object> clientConfig(String user) {
    return clientConfig(user, password(user));
  }

  /** Client properties of {@code user} logging in with {@code password} (right or wrong). */
  public Map<String, Object> clientConfig(String user, String password) {
    Map<String, Object> config = new LinkedHashMap<>();
    config.put("bootstrap.servers", bootstrapServers());
    config.put("security.protocol", "SASL_SSL");
    config.put("sasl.mechanism", MECHANISM);
    config.put("sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required username=\""
        + user + "\" password=\"" + password + "\";");
    config.put("ssl.truststore.type", "PKCS12");
    config.put("ssl.truststore.location", truststore().toString());
    config.put("ssl.truststore.password", truststorePassword);
    return config;
  }

  /**
   * Writes what {@code --command-config} takes for {@code user} logging in with {@code password}
   * into {@code file} (without bootstrap.servers, which the commands take as a flag) and returns it.
   */
  public Path writeClientProperties(Path file, String user, String password) {
    Map<String, Object> config = clientConfig(user, password);
    config.remove("bootstrap.servers");
    StringBuilder text = new StringBuilder();
    config.forEach((key, value) -> text.append(key).append('=').append(value).append('\n'));
    try {
      return Files.writeString(file, text.toString(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Allows {@code user} the {@code operations} on a resource, and waits until the broker enforces them. */
  public void allow(String user, ResourceType type, String name, PatternType pattern, AclOperation... operations) {
    List<AclBinding> bindings = new ArrayList<>();
    for (AclOperation operation : operations) {
      bindings.add(new AclBinding(new ResourcePattern(type, name, pattern),
          new AccessControlEntry("User:" + user, "*", operation, AclPermissionType.ALLOW)));
    }
    try (Admin admin = Admin.create(adminConfig())) {
      admin.createAcls(bindings).all().get(30, TimeUnit.SECONDS);
      AclBindingFilter mine = new AclBindingFilter(new ResourcePatternFilter(type, name, pattern),
          new AccessControlEntryFilter("User:" + user, null, AclOperation.ANY, AclPermissionType.ALLOW));
      // The broker's authorizer applies ACLs from the metadata log, a moment after the controller.
      Awaitility.await().atMost(Duration.ofSeconds(30)).until(() ->
          admin.describeAcls(mine).values().get().containsAll(bindings));
    } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException("cannot create ACLs " + bindings, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Allows {@code user} the {@code operations} on the topic named {@code topic}. */
  public void allowTopic(String user, String topic, AclOperation... operations) {
    allow(user, ResourceType.TOPIC, topic, PatternType.LITERAL, operations);
  }

  /** Creates every topic of {@code topics} as the super user, the telemetry topic with {@code partitions}. */
  public void createTopics(Topics topics, int partitions) {
    KafkaFixture.createTopics(adminConfig(), topics, partitions, (short) 1);
  }

  /** Client properties of the super user {@link #ADMIN}. */
  public Map<String, Object> adminConfig() {
    return new HashMap<>(clientConfig(ADMIN));
  }

  private Path truststore() {
    return dir.resolve("truststore.p12");
  }

  private static String secret() {
    StringBuilder secret = new StringBuilder("s3cr3t-");
    String alphabet = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    for (int i = 0; i < 20; i++) {
      secret.append(alphabet.charAt(RANDOM.nextInt(alphabet.length())));
    }
    return secret.toString();
  }

  private static void keytool(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    try {
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
        throw new IllegalStateException("keytool " + args[0] + " failed: " + output.trim());
      }
    } finally {
      process.destroyForcibly();
    }
  }
}
