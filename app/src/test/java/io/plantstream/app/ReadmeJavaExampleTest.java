package io.plantstream.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.plantstream.avro.SiteKpi;
import io.plantstream.schemas.Topics;
import java.io.File;
import java.io.StringWriter;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Java consumers of docs/consuming.md ("From Java", "Registry mode") compile: the first against
 * the schemas artifact and kafka-clients alone, so the example a reader copies is one that works.
 */
class ReadmeJavaExampleTest {

  @TempDir Path work;

  @Test
  void theJavaConsumerExampleCompiles() throws Exception {
    String example = codeBlock(Files.readString(consumingPage()), "## From Java", "java");
    assertThat(example).contains("class SiteKpiWatcher").contains("read_committed");
    Path source = work.resolve("SiteKpiWatcher.java");
    Files.writeString(source, example);
    String classpath = Stream.of(Topics.class, SiteKpi.class, KafkaConsumer.class, SpecificRecord.class)
        .map(ReadmeJavaExampleTest::location).distinct().collect(Collectors.joining(File.pathSeparator));

    JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
    StringWriter diagnostics = new StringWriter();
    boolean compiled = compiler.getTask(diagnostics, null, null,
        List.of("-classpath", classpath, "-d", work.toString(), "-Xlint:all", "-Werror"), null,
        compiler.getStandardFileManager(null, null, null).getJavaFileObjects(source)).call();

    assertThat(compiled).as("%s", diagnostics).isTrue();
    assertThat(work.resolve("SiteKpiWatcher.class")).exists();
  }

  /** The registry-mode reader compiles against Apicurio's serde (a test dependency) and kafka-clients. */
  @Test
  void theRegistryModeConsumerExampleCompiles() throws Exception {
    String example = codeBlock(Files.readString(consumingPage()),
        "## Registry mode: the Confluent wire format and a schema registry", "java");
    assertThat(example).contains("class RegistryKpiReader").contains("AvroKafkaDeserializer").contains("read_committed");
    Path source = work.resolve("RegistryKpiReader.java");
    Files.writeString(source, example);

    JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
    StringWriter diagnostics = new StringWriter();
    boolean compiled = compiler.getTask(diagnostics, null, null,
        List.of("-classpath", System.getProperty("java.class.path"), "-d", work.toString(), "-Xlint:all", "-Werror"),
        null, compiler.getStandardFileManager(null, null, null).getJavaFileObjects(source)).call();

    assertThat(compiled).as("%s", diagnostics).isTrue();
    assertThat(work.resolve("RegistryKpiReader.class")).exists();
  }

  /** docs/consuming.md of the repository the tests run in. */
  private static Path consumingPage() {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.exists(dir.resolve("README.md")) && Files.exists(dir.resolve("schemas"))) {
        return dir.resolve("docs/consuming.md");
      }
    }
    throw new IllegalStateException("no README.md above " + Path.of("").toAbsolutePath());
  }

  /** The first fenced block of {@code language} after {@code heading}. */
  private static String codeBlock(String markdown, String heading, String language) {
    int at = markdown.indexOf("\n" + heading + "\n");
    assertThat(at).as("docs/consuming.md has %s", heading).isNotNegative();
    int open = markdown.indexOf("```" + language + "\n", at);
    assertThat(open).as("a %s block after %s", language, heading).isNotNegative();
    int from = open + language.length() + 4;
    return markdown.substring(from, markdown.indexOf("\n```", from) + 1);
  }

  private static String location(Class<?> type) {
    try {
      return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }
}
