package io.plantstream.testing;

import io.plantstream.broker.LocalSchemaRegistry;
import io.plantstream.schemas.SchemaRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real schema registry for a test class: Apicurio Registry from its Maven Central distribution,
 * started on a free loopback port before the class and stopped after it. The build unpacks the
 * distribution before the integration tests (the app module's {@code fetch-apicurio} execution) and
 * names its directory in the system property {@value #HOME_PROPERTY}.
 *
 * <pre>
 * {@literal @}RegisterExtension static final SchemaRegistryFixture registry = new SchemaRegistryFixture();
 * </pre>
 *
 * <p>Subjects are named after topics, so tests sharing the registry keep apart by their unique
 * topic prefixes, as they do on the broker.
 */
public final class SchemaRegistryFixture implements BeforeAllCallback, AfterAllCallback {

  /** System property naming the unpacked Apicurio Registry distribution. */
  public static final String HOME_PROPERTY = "plantstream.apicurio.home";

  private LocalSchemaRegistry server;

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    String home = System.getProperty(HOME_PROPERTY);
    if (home == null || !LocalSchemaRegistry.isInstalled(Path.of(home))) {
      throw new IllegalStateException("no Apicurio Registry in " + home + " (system property " + HOME_PROPERTY
          + "); run the tests through Maven, whose fetch-apicurio execution unpacks it");
    }
    Path log = Files.createTempDirectory("apicurio-").resolve("registry.log");
    server = LocalSchemaRegistry.start(Path.of(home), 0, log);
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (server != null) {
      server.close();
    }
  }

  /** The Confluent-compatible API base, as {@code --schema-registry} takes it. */
  public String url() {
    return server.url();
  }

  /** The server's root URL, for clients of Apicurio's own API. */
  public String rootUrl() {
    return "http://127.0.0.1:" + server.port();
  }

  /** A new client of the registry. */
  public SchemaRegistry client() {
    return SchemaRegistry.at(url());
  }
}
