package io.plantstream.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.plantstream.avro.TelemetryEvent;
import io.plantstream.schemas.AvroSerde;
import io.plantstream.schemas.Topic;
import io.plantstream.schemas.Topics;
import io.plantstream.testing.KafkaFixture;
import io.plantstream.testing.SchemaRegistryFixture;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The commands in registry mode against a real broker and a real Apicurio Registry, as a user runs
 * them: {@code topics} registers every subject, writers write the Confluent wire format, readers
 * and {@code record}/{@code replay} take a topic that holds both encodings, and each way the
 * registry can fail is one line and exit code 1 with nothing published.
 */
class RegistryCommandLineIT {

  @RegisterExtension static final KafkaFixture kafka = new KafkaFixture();
  @RegisterExtension static final SchemaRegistryFixture registry = new SchemaRegistryFixture();

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final String SCHEMA_REGISTRY = "--schema-registry";

  @TempDir Path dir;

  @Test
  void topicsRegistersEverySubjectWithBackwardCompatibility() throws Exception {
    Topics topics = kafka.uniqueTopics("reg-topics");

    CliRun created = plant(topics, "topics", "--partitions", "2", SCHEMA_REGISTRY, registry.url());

    assertThat(created.exitCode()).as(created.err()).isZero();
    assertThat(created.out()).contains("registered the value schemas of 10 topics").contains(registry.url());
    for (String topic : List.of(topics.telemetry().name(), topics.machines().name(), topics.sites().name(),
        topics.machineKpi1m().name(), topics.machineKpiDay().name(), topics.siteKpi1m().name(),
        topics.siteKpi1h().name(), topics.siteKpiShift().name(), topics.siteKpiDay().name(), topics.late().name())) {
      JsonNode config = get("/config/" + Topics.subject(topic));
      assertThat(config.path("compatibilityLevel").asText()).as(topic).isEqualTo("BACKWARD");
      JsonNode latest = get("/subjects/" + Topics.subject(topic) + "/versions/latest");
      assertThat(latest.path("id").asInt()).as(topic).isPositive();
    }
  }

  @Test
  void aTopicHoldingBothEncodingsIsConsumedRecordedAndReplayedInEither() throws Exception {
    Topics topics = kafka.uniqueTopics("reg-mixed");
    kafka.createTopics(topics, 2);
    CliRun plain = plant(topics, "simulate", "--sites", "wistron-dal", "--start", "2026-11-28T10:00:00Z",
        "--speed", "max", "--duration", "2m", "--seed", "5");
    CliRun framed = plant(topics, "simulate", "--sites", "wistron-dal", "--start", "2026-11-28T10:02:00Z",
        "--speed", "max", "--duration", "2m", "--seed", "6", SCHEMA_REGISTRY, registry.url());
    assertThat(plain.exitCode()).as(plain.err()).isZero();
    assertThat(framed.exitCode()).as(framed.err()).isZero();
    List<ConsumerRecord<byte[], byte[]>> written = kafka.readAllRaw(topics.telemetry().name());
    Map<Byte, Long> byFirstByte = firstBytes(written);
    assertThat(byFirstByte).as("records by first byte").containsOnlyKeys((byte) 0xC3, (byte) 0x00);

    CliRun consumed = plant(topics, "consume", topics.telemetry().name(), "--from-beginning", "--format", "json",
        "--max", String.valueOf(written.size()), SCHEMA_REGISTRY, registry.url());
    assertThat(consumed.exitCode()).as(consumed.err()).isZero();
    assertThat(consumed.outLines()).hasSize(written.size())
        .allSatisfy(line -> assertThat(JSON.readTree(line).at("/value/siteId").asText()).isEqualTo("wistron-dal"));

    CliRun withoutRegistry = plant(topics, "consume", topics.telemetry().name(), "--from-beginning", "--format",
        "json", "--max", String.valueOf(written.size()));
    long undecodable = withoutRegistry.outLines().stream().filter(line -> line.contains("\"undecodable\"")).count();
    assertThat(undecodable).as("records a reader without the registry cannot decode")
        .isEqualTo(byFirstByte.get((byte) 0x00));
    assertThat(withoutRegistry.out()).contains("no schema registry is configured").contains(SCHEMA_REGISTRY);

    Path recording = dir.resolve("mixed.avro");
    CliRun recorded = plant(topics, "record", "--out", recording.toString(), "--from-beginning", "--to-end",
        SCHEMA_REGISTRY, registry.url());
    assertThat(recorded.exitCode()).as(recorded.err()).isZero();

    Topics framedCopy = kafka.uniqueTopics("reg-replayed");
    Topics plainCopy = kafka.uniqueTopics("plain-replayed");
    kafka.createTopics(framedCopy, 2);
    kafka.createTopics(plainCopy, 2);
    CliRun replayedFramed = plant(framedCopy, "replay", recording.toString(), "--speed", "max",
        SCHEMA_REGISTRY, registry.url());
    CliRun replayedPlain = plant(plainCopy, "replay", recording.toString(), "--speed", "max");
    assertThat(replayedFramed.exitCode()).as(replayedFramed.err()).isZero();
    assertThat(replayedPlain.exitCode()).as(replayedPlain.err()).isZero();

    List<ConsumerRecord<byte[], byte[]>> framedRecords = kafka.readAllRaw(framedCopy.telemetry().name());
    List<ConsumerRecord<byte[], byte[]>> plainRecords = kafka.readAllRaw(plainCopy.telemetry().name());
    assertThat(firstBytes(framedRecords)).containsOnlyKeys((byte) 0x00);
    assertThat(firstBytes(plainRecords)).containsOnlyKeys((byte) 0xC3);
    AvroSerde<TelemetryEvent> reader = new Topics("any.", registry.client()).telemetrySerde();
    List<String> original = events(written, reader);
    assertThat(events(framedRecords, reader)).as("replayed in registry mode").containsExactlyInAnyOrderElementsOf(original);
    assertThat(events(plainRecords, reader)).as("replayed in single-object encoding")
        .containsExactlyInAnyOrderElementsOf(original);
  }

  @Test
  void anUnreachableRegistryIsOneLineAndNothingIsPublished() {
    Topics topics = kafka.uniqueTopics("reg-unreachable");
    kafka.createTopics(topics, 1);

    CliRun run = plant(topics, "simulate", "--events", "10", SCHEMA_REGISTRY, "http://127.0.0.1:1/apis/ccompat/v7");

    assertOneLineFailure(run, "simulate", "the schema registry at http://127.0.0.1:1/apis/ccompat/v7 is unreachable");
    assertThat(kafka.readAllRaw(topics.telemetry().name())).isEmpty();
    assertThat(kafka.readAllRaw(topics.machines().name())).isEmpty();
  }

  @Test
  void aUrlThatIsNotARegistryIsOneLineSayingWhatToGive() {
    Topics topics = kafka.uniqueTopics("reg-wrong-url");
    kafka.createTopics(topics, 1);

    CliRun notHttp = plant(topics, "simulate", "--events", "10", SCHEMA_REGISTRY, "registry:8081");
    CliRun serverRoot = plant(topics, "aggregate", SCHEMA_REGISTRY, registry.rootUrl());

    assertOneLineFailure(notHttp, "simulate", "schema registry URL 'registry:8081' is not an http:// or https:// URL");
    assertOneLineFailure(serverRoot, "aggregate", registry.rootUrl()
        + " does not answer as a Confluent-compatible schema registry");
    assertThat(serverRoot.err()).contains("/apis/ccompat/v7");
    assertThat(kafka.readAllRaw(topics.telemetry().name())).isEmpty();
  }

  @Test
  void aSchemaTheSubjectRefusesAsIncompatibleFailsTheWriterBeforeItPublishes() throws Exception {
    Topics topics = kafka.uniqueTopics("reg-incompatible");
    kafka.createTopics(topics, 1);
    String subject = Topics.subject(topics.telemetry().name());
    // Someone else's TelemetryEvent owns the subject: a string field that plantstream's record lacks.
    String theirs = "{\"type\":\"record\",\"name\":\"TelemetryEvent\",\"namespace\":\"io.plantstream.avro\","
        + "\"fields\":[{\"name\":\"gatewayId\",\"type\":\"string\"}]}";
    put("/config/" + subject, "{\"compatibility\":\"BACKWARD\"}");
    post("/subjects/" + subject + "/versions", JSON.createObjectNode().put("schema", theirs).toString());

    CliRun run = plant(topics, "simulate", "--events", "10", SCHEMA_REGISTRY, registry.url());

    assertOneLineFailure(run, "simulate", "refused to register io.plantstream.avro.TelemetryEvent under subject "
        + subject + " as incompatible");
    assertThat(run.err()).contains(registry.url());
    assertThat(kafka.readAllRaw(topics.telemetry().name())).isEmpty();
    assertThat(kafka.readAllRaw(topics.machines().name())).isEmpty();
  }

  @Test
  void anIdTheRegistryDoesNotKnowIsShownAsUndecodableWithTheId() throws Exception {
    Topics topics = kafka.uniqueTopics("reg-unknown-id");
    kafka.createTopics(topics, 1);
    byte[] unknown = {0x00, 0x00, 0x0F, 0x42, 0x3F, 0x02};
    Topic<String, byte[]> raw = new Topic<>(topics.siteKpi1m().name(), Serdes.String(), Serdes.ByteArray());
    kafka.send(raw, List.of(new ProducerRecord<>(raw.name(), "tsmc-phx@2026-11-28T10:00:00Z", unknown)));

    CliRun run = plant(topics, "consume", topics.siteKpi1m().name(), "--from-beginning", "--format", "json",
        "--max", "1", SCHEMA_REGISTRY, registry.url());

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.outLines()).singleElement().satisfies(line ->
        assertThat(JSON.readTree(line).at("/value/undecodable").asText())
            .contains("schema id 999999 is not known to the schema registry at " + registry.url()));
  }

  private static void assertOneLineFailure(CliRun run, String command, String message) {
    assertThat(run.exitCode()).as("exit code; stderr: %s", run.err()).isEqualTo(PlantCommand.FAILURE);
    assertThat(run.errLines()).as("stderr").singleElement().asString()
        .startsWith("plant " + command + ": ").contains(message).doesNotContain("Exception");
  }

  private static CliRun plant(Topics topics, String... args) {
    List<String> argv = new ArrayList<>(List.of(args));
    argv.addAll(List.of("--bootstrap-servers", kafka.bootstrapServers(), "--topic-prefix", topics.prefix()));
    return CliRun.plant(argv.toArray(String[]::new));
  }

  private static Map<Byte, Long> firstBytes(List<ConsumerRecord<byte[], byte[]>> records) {
    Map<Byte, Long> counts = new TreeMap<>();
    records.forEach(record -> counts.merge(record.value()[0], 1L, Long::sum));
    return counts;
  }

  private static List<String> events(List<ConsumerRecord<byte[], byte[]>> records, AvroSerde<TelemetryEvent> reader) {
    return records.stream().map(record -> reader.decode(record.value()).toString()).toList();
  }

  private static JsonNode get(String path) throws Exception {
    HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(registry.url() + path)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as("GET %s: %s", path, response.body()).isEqualTo(200);
    return JSON.readTree(response.body());
  }

  private static void put(String path, String body) throws Exception {
    send("PUT", path, body);
  }

  private static void post(String path, String body) throws Exception {
    send("POST", path, body);
  }

  private static void send(String method, String path, String body) throws Exception {
    HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(registry.url() + path))
        .header("Content-Type", "application/vnd.schemaregistry.v1+json")
        .method(method, HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as("%s %s: %s", method, path, response.body()).isEqualTo(200);
  }
}
