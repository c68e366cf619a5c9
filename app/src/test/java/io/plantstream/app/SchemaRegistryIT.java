package io.plantstream.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.apicurio.registry.serde.Default4ByteIdHandler;
import io.apicurio.registry.serde.avro.AvroKafkaDeserializer;
import io.apicurio.registry.serde.avro.AvroSerdeConfig;
import io.apicurio.registry.serde.config.IdOption;
import io.apicurio.registry.serde.config.SerdeConfig;
import io.plantstream.avro.MachineInfo;
import io.plantstream.avro.MachineKpi;
import io.plantstream.avro.SiteInfo;
import io.plantstream.avro.SiteKpi;
import io.plantstream.avro.TelemetryEvent;
import io.plantstream.producer.RunLimit;
import io.plantstream.producer.SimulationRunner;
import io.plantstream.producer.SimulationSummary;
import io.plantstream.producer.Speed;
import io.plantstream.producer.fault.FaultCounts;
import io.plantstream.producer.fault.FaultInjector;
import io.plantstream.producer.fault.FaultRates;
import io.plantstream.producer.model.Machine;
import io.plantstream.producer.model.PlantModel;
import io.plantstream.producer.publish.MachinesPublisher;
import io.plantstream.producer.publish.SitesPublisher;
import io.plantstream.producer.publish.TelemetryPublisher;
import io.plantstream.producer.sim.PlantSimulator;
import io.plantstream.schemas.AvroSerde;
import io.plantstream.schemas.SchemaRegistryException;
import io.plantstream.schemas.Topic;
import io.plantstream.schemas.Topics;
import io.plantstream.streams.DeadLetters;
import io.plantstream.streams.KpiConfig;
import io.plantstream.streams.RejectedEventException;
import io.plantstream.testing.KafkaFixture;
import io.plantstream.testing.KpiOracle;
import io.plantstream.testing.SchemaRegistryFixture;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.data.TimeConversions;
import org.apache.avro.generic.GenericContainer;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.Encoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Registry mode on real parts: Apicurio Registry (its Maven Central distribution, run by
 * {@link SchemaRegistryFixture}) and a real broker. The simulator and the KPI application write the
 * Confluent wire format with schema ids the registry resolves to plantstream's schemas, under
 * subjects {@code <topic>-value} with compatibility BACKWARD; every KPI equals the batch oracle's
 * recomputation, under faults, and Apicurio's own Kafka deserializer reads every KPI record as
 * plantstream does. A topic that switches from single-object encoding to the registry is counted
 * whole, a schema id the registry does not know is dead-lettered as corrupt with the id named, and
 * a schema the subject's rule refuses stops the writer before it publishes anything.
 */
class SchemaRegistryIT {

  @RegisterExtension static final KafkaFixture kafka = new KafkaFixture();
  @RegisterExtension static final SchemaRegistryFixture registry = new SchemaRegistryFixture();

  private static final KpiConfig CONFIG = KpiConfig.defaults();
  private static final long SEED = 23L;
  /** The pipeline run: 30 simulated minutes across a full hour, so that a site hour becomes final too. */
  private static final Instant START = Instant.parse("2026-11-28T09:40:00Z");
  private static final Duration SIMULATED = Duration.ofMinutes(30);
  private static final int PARTITIONS = 4;
  /** A schema id far beyond what the registry has handed out. */
  private static final int UNKNOWN_ID = 999_999;
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @TempDir static Path sharedState;
  @TempDir Path stateDir;

  /** The pipeline run that the first two tests look at from different sides; run once, on first use. */
  private static Pipeline pipeline;

  private record Pipeline(Topics topics, FaultCounts injected, KpiComparison comparison) {}

  @Test
  void pipelineInRegistryModeEqualsTheOracleAndWritesSchemaIdsTheRegistryResolves() throws Exception {
    Pipeline run = pipeline();
    run.comparison().assertMatches();

    Topics topics = run.topics();
    Map<Topic<String, ?>, Schema> written = new LinkedHashMap<>();
    written.put(topics.telemetry(), TelemetryEvent.getClassSchema());
    written.put(topics.machines(), MachineInfo.getClassSchema());
    written.put(topics.sites(), SiteInfo.getClassSchema());
    written.put(topics.machineKpi1m(), MachineKpi.getClassSchema());
    written.put(topics.machineKpiDay(), MachineKpi.getClassSchema());
    written.put(topics.siteKpi1m(), SiteKpi.getClassSchema());
    written.put(topics.siteKpi1h(), SiteKpi.getClassSchema());
    written.put(topics.siteKpiShift(), SiteKpi.getClassSchema());
    written.put(topics.siteKpiDay(), SiteKpi.getClassSchema());
    written.put(topics.late(), TelemetryEvent.getClassSchema());
    assertThat(written.keySet()).containsExactlyInAnyOrderElementsOf(topics.avroTopics());
    // Half an hour closes no shift or local day: those topics stay empty (RegistryCommandLineIT checks
    // that `plant topics` registers their subjects).
    Set<Topic<String, ?>> empty = Set.of(topics.machineKpiDay(), topics.siteKpiShift(), topics.siteKpiDay());

    JsonNode subjects = get("/subjects");
    for (Map.Entry<Topic<String, ?>, Schema> entry : written.entrySet()) {
      String topic = entry.getKey().name();
      List<ConsumerRecord<byte[], byte[]>> records = kafka.readAllRaw(topic);
      if (empty.contains(entry.getKey())) {
        assertThat(records).as("records on %s", topic).isEmpty();
        continue;
      }
      assertThat(records).as("records on %s", topic).isNotEmpty();
      Set<Integer> ids = new TreeSet<>();
      long notEvents = 0;
      for (ConsumerRecord<byte[], byte[]> record : records) {
        byte[] value = record.value();
        if (entry.getKey().equals(topics.telemetry()) && value[0] != AvroSerde.REGISTRY_MAGIC) {
          // The corrupt-record fault: random bytes in neither encoding.
          assertThat(value[0]).as("first byte of a corrupt record").isNotEqualTo((byte) 0xC3);
          notEvents++;
          continue;
        }
        assertThat(value.length).as("%s-%d@%d", topic, record.partition(), record.offset())
            .isGreaterThan(AvroSerde.REGISTRY_HEADER);
        assertThat(value[0]).as("magic byte of %s-%d@%d", topic, record.partition(), record.offset())
            .isEqualTo(AvroSerde.REGISTRY_MAGIC);
        ids.add(ByteBuffer.wrap(value, 1, 4).getInt());
      }
      if (entry.getKey().equals(topics.telemetry())) {
        assertThat(notEvents).as("corrupt records on the telemetry topic").isEqualTo(run.injected().corrupt());
      }
      assertThat(ids).as("schema ids on %s", topic).hasSize(1);
      int id = ids.iterator().next();

      // The registry resolves the id to the generated class's schema ...
      Schema resolved = new Schema.Parser().parse(get("/schemas/ids/" + id).get("schema").asText());
      assertThat(SchemaNormalization.parsingFingerprint64(resolved)).as("fingerprint of schema id %d on %s", id, topic)
          .isEqualTo(SchemaNormalization.parsingFingerprint64(entry.getValue()));
      // ... registered under <topic>-value, whose rule is BACKWARD.
      String subject = topic + "-value";
      assertThat(subjects).as("subjects").anyMatch(node -> node.asText().equals(subject));
      assertThat(get("/subjects/" + encode(subject) + "/versions/latest").get("id").asInt())
          .as("id of the latest version of %s", subject).isEqualTo(id);
      assertThat(get("/config/" + encode(subject)).get("compatibilityLevel").asText())
          .as("compatibility of %s", subject).isEqualTo("BACKWARD");
    }
  }

  @Test
  void apicuriosOwnDeserializerReadsEveryKpiRecordAsPlantstreamDoes() throws Exception {
    Topics topics = pipeline().topics();
    // The ids on the wire are what the Confluent-compatible API answers: Apicurio's content ids,
    // which is what the deserializer is told to look up. One schema under two subjects (site
    // minutes and hours, telemetry and late) is one content, so one id on both topics, while each
    // subject's version has a global id of its own.
    Map<String, Integer> ids = new HashMap<>();
    for (Topic<String, ?> topic : List.of(topics.machineKpi1m(), topics.siteKpi1m(), topics.siteKpi1h(), topics.late(),
        topics.telemetry())) {
      byte[] first = kafka.readAllRaw(topic.name()).stream().map(ConsumerRecord::value)
          .filter(value -> value[0] == AvroSerde.REGISTRY_MAGIC).findFirst().orElseThrow();
      int id = ByteBuffer.wrap(first, 1, 4).getInt();
      String subject = encode(Topics.subject(topic.name()));
      JsonNode version = getJson(registry.rootUrl() + "/apis/registry/v3/groups/default/artifacts/" + subject
          + "/versions/" + get("/subjects/" + subject + "/versions/latest").get("version").asInt());
      assertThat(version.get("contentId").asInt()).as("content id of %s", topic.name()).isEqualTo(id);
      ids.put(topic.name(), id);
    }
    assertThat(ids.get(topics.siteKpi1h().name())).isEqualTo(ids.get(topics.siteKpi1m().name()));
    assertThat(ids.get(topics.late().name())).isEqualTo(ids.get(topics.telemetry().name()));
    assertDecodedAlikeByApicurio(topics.machineKpi1m());
    assertDecodedAlikeByApicurio(topics.siteKpi1m());
    assertDecodedAlikeByApicurio(topics.siteKpi1h());
    assertDecodedAlikeByApicurio(topics.late());
  }

  @Test
  void singleObjectTelemetryFollowedByRegistryEncodedTelemetryIsAllCounted() throws Exception {
    Topics plain = kafka.uniqueTopics("registry-mixed");
    Topics topics = new Topics(plain.prefix(), registry.client());
    kafka.createTopics(topics, 3);
    Instant start = Instant.parse("2026-11-28T14:00:00Z");
    Instant switchAt = start.plus(Duration.ofMinutes(6));
    Instant end = start.plus(Duration.ofMinutes(12));
    Map<String, Object> client = kafka.clientConfig();
    PlantSimulator simulator = new PlantSimulator(PlantModel.loadDefault(), SEED, start, Set.of("tsmc-phx"));
    // The machines too were published before the plant switched to the registry.
    MachinesPublisher.publish(client, plain.machines(), simulator.machineInfos(), start);
    TelemetryEvent event = simulator.next();
    try (TelemetryPublisher before = new TelemetryPublisher(client, plain.telemetry())) {
      for (; event.getEventTime().isBefore(switchAt); event = simulator.next()) {
        before.accept(event);
      }
    }
    try (TelemetryPublisher after = new TelemetryPublisher(client, topics.telemetry())) {
      for (; event.getEventTime().isBefore(end); event = simulator.next()) {
        after.accept(event);
      }
    }

    // Every partition holds both encodings: single-object first, then the Confluent wire format.
    Map<Integer, StringBuilder> encodings = new TreeMap<>();
    for (ConsumerRecord<byte[], byte[]> record : kafka.readAllRaw(topics.telemetry().name())) {
      byte first = record.value()[0];
      assertThat(first).isIn((byte) 0xC3, AvroSerde.REGISTRY_MAGIC);
      encodings.computeIfAbsent(record.partition(), p -> new StringBuilder()).append(first == 0 ? 'R' : 'S');
    }
    assertThat(encodings).hasSize(3);
    encodings.forEach((partition, sequence) ->
        assertThat(sequence.toString()).as("encodings in partition %d", partition).matches("S+R+"));

    KpiComparison comparison = comparison(topics, simulator.machineInfos());
    assertThat(comparison.expected().deadLetters()).as("records the oracle cannot count").isEmpty();
    assertThat(comparison.expected().machineMinutes()).hasSizeGreaterThan(simulator.machines().size() * 10);
    // Minutes on both sides of the switch are compared.
    assertThat(comparison.expected().machineMinutes().values())
        .anyMatch(window -> window.windowEnd() <= switchAt.toEpochMilli())
        .anyMatch(window -> window.windowStart() >= switchAt.toEpochMilli());
    comparison.aggregateAndMatch("registry-mixed-it-" + System.nanoTime(), stateDir, CONFIG, 0);
  }

  @Test
  void aRecordWithASchemaIdTheRegistryDoesNotKnowIsDeadLetteredAndTheRestIsCounted() throws Exception {
    Topics topics = registryTopics("registry-unknown-id");
    kafka.createTopics(topics, 3);
    Instant start = Instant.parse("2026-11-28T16:00:00Z");
    PlantSimulator simulator = new PlantSimulator(PlantModel.loadDefault(), SEED, start, Set.of("tsmc-phx"));
    MachinesPublisher.publish(kafka.clientConfig(), topics.machines(), simulator.machineInfos(), start);
    List<TelemetryEvent> valid = new ArrayList<>();
    for (TelemetryEvent event = simulator.next(); event.getEventTime().isBefore(start.plus(Duration.ofMinutes(8)));
        event = simulator.next()) {
      valid.add(event);
    }
    assertThat(getStatus("/schemas/ids/" + UNKNOWN_ID)).as("the registry knows no schema id %d", UNKNOWN_ID)
        .isEqualTo(404);

    AvroSerde<TelemetryEvent> serde = topics.telemetrySerde();
    Topic<byte[], byte[]> raw = new Topic<>(topics.telemetry().name(), Serdes.ByteArray(), Serdes.ByteArray());
    List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
    Set<String> injected = new TreeSet<>();
    for (int i = 0; i < valid.size(); i++) {
      TelemetryEvent event = valid.get(i);
      if (i == valid.size() / 4 || i == valid.size() / 2) {
        // A well-formed body of the current schema under another event id, framed with an unknown id.
        byte[] bad = serde.encode(TelemetryEvent.newBuilder(event).setEventId("unknown-id-" + i).build());
        ByteBuffer.wrap(bad, 1, 4).putInt(UNKNOWN_ID);
        injected.add(HexFormat.of().formatHex(bad));
        records.add(new ProducerRecord<>(raw.name(), bytes(event.getMachineId()), bad));
      }
      records.add(new ProducerRecord<>(raw.name(), bytes(event.getMachineId()), serde.encode(event)));
    }
    kafka.send(raw, records);

    Map<String, String> injectedAt = new TreeMap<>();
    for (ConsumerRecord<byte[], byte[]> record : kafka.readAllRaw(raw.name())) {
      if (injected.contains(HexFormat.of().formatHex(record.value()))) {
        injectedAt.put(record.partition() + "@" + record.offset(), HexFormat.of().formatHex(record.value()));
      }
    }
    assertThat(injectedAt).hasSize(2);

    KpiComparison comparison = comparison(topics, simulator.machineInfos());
    assertThat(comparison.expected().deadLetters()).isEqualTo(Map.of(DeadLetters.CORRUPT, 2L));
    assertThat(comparison.expected().held()).isZero();
    assertThat(comparison.expected().machineMinutes()).isNotEmpty();
    comparison.aggregateAndMatch("registry-unknown-id-it-" + System.nanoTime(), stateDir, CONFIG, 2);

    Map<String, String> deadAt = new TreeMap<>();
    for (ConsumerRecord<byte[], byte[]> record : kafka.readAllRaw(topics.dlq().name())) {
      String source = header(record, "__streams.errors.partition") + "@" + header(record, "__streams.errors.offset");
      assertThat(header(record, DeadLetters.REASON_HEADER)).as("reason of %s", source).isEqualTo(DeadLetters.CORRUPT);
      assertThat(header(record, "__streams.errors.message")).as("message of %s", source)
          .contains("schema id " + UNKNOWN_ID + " is not known to the schema registry at " + registry.url());
      assertThat(header(record, "__streams.errors.exception")).isEqualTo(RejectedEventException.class.getName());
      assertThat(header(record, "__streams.errors.topic")).isEqualTo(raw.name());
      deadAt.put(source, HexFormat.of().formatHex(record.value()));
    }
    assertThat(deadAt).as("dead letters by source, as received").isEqualTo(injectedAt);
  }

  @Test
  void aSchemaTheSubjectsRuleRefusesStopsTheWriterBeforeItPublishes() throws Exception {
    Topics topics = registryTopics("registry-incompatible");
    kafka.createTopics(topics, 1);
    String subject = Topics.subject(topics.telemetry().name());
    // Someone else's TelemetryEvent whose sequence is a string: plantstream's, with a long, cannot read it.
    Schema theirs = withFieldType(TelemetryEvent.getClassSchema(), "sequence", Schema.create(Schema.Type.STRING));
    HttpResponse<String> first = post("/subjects/" + encode(subject) + "/versions", theirs);
    assertThat(first.statusCode()).as("first registration under %s: %s", subject, first.body()).isEqualTo(200);
    int theirId = JSON.readTree(first.body()).get("id").asInt();

    SchemaRegistryException refused = catchThrowableOfType(SchemaRegistryException.class,
        () -> topics.registerSchemas(List.of(topics.telemetry(), topics.machines())));
    assertThat(refused).as("registering plantstream's schemas").isNotNull();
    assertThat(refused.getMessage()).as("one line").doesNotContain("\n").doesNotContain("\r")
        .contains("incompatible").contains(registry.url()).contains(subject);
    // The writer of the topic itself refuses to start, and so publishes nothing.
    try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(kafka.clientConfig(), new StringSerializer(),
        new ByteArraySerializer())) {
      assertThatThrownBy(() -> new TelemetryPublisher(producer, topics.telemetry()))
          .isInstanceOf(SchemaRegistryException.class)
          .hasMessageContaining("incompatible").hasMessageContaining(registry.url());
    }
    assertThat(kafka.readAllRaw(topics.telemetry().name())).as("records on the telemetry topic").isEmpty();
    assertThat(get("/subjects/" + encode(subject) + "/versions")).as("versions of %s", subject).hasSize(1);
    assertThat(get("/subjects/" + encode(subject) + "/versions/latest").get("id").asInt()).isEqualTo(theirId);

    // Conversely, once plantstream has registered, the rule it set refuses an incompatible schema.
    topics.registerSchemas(List.of(topics.machineKpi1m()));
    String kpiSubject = Topics.subject(topics.machineKpi1m().name());
    assertThat(get("/config/" + encode(kpiSubject)).get("compatibilityLevel").asText()).isEqualTo("BACKWARD");
    HttpResponse<String> change = post("/subjects/" + encode(kpiSubject) + "/versions",
        withFieldType(MachineKpi.getClassSchema(), "unitsTotal", Schema.create(Schema.Type.STRING)));
    assertThat(change.statusCode()).as("registering an incompatible MachineKpi: %s", change.body()).isEqualTo(409);
    assertThat(get("/subjects/" + encode(kpiSubject) + "/versions")).hasSize(1);
  }

  // --- the shared pipeline run ---

  private static synchronized Pipeline pipeline() throws Exception {
    if (pipeline == null) {
      pipeline = runPipeline();
    }
    return pipeline;
  }

  /**
   * Two sites for 30 simulated minutes with every kind of fault, published in registry mode as
   * {@code plant simulate --schema-registry} does, aggregated by the KPI application in registry
   * mode until every KPI the oracle expects is out, and compared.
   */
  private static Pipeline runPipeline() throws Exception {
    Topics topics = registryTopics("registry-pipeline");
    kafka.createTopics(topics, PARTITIONS);
    Map<String, Object> client = kafka.clientConfig();
    PlantSimulator simulator = new PlantSimulator(PlantModel.loadDefault(), SEED, START, Set.of("tsmc-phx", "foxconn-hou"));
    topics.registerSchemas(List.of(topics.telemetry(), topics.machines(), topics.sites()));
    MachinesPublisher.publish(client, topics.machines(), simulator.machineInfos(), START);
    SitesPublisher.publish(client, topics.sites(), simulator.siteInfos(), START);
    FaultInjector faults = new FaultInjector(
        FaultRates.parse("late=0.004,out-of-order=0.01,duplicate=0.005,corrupt=0.002,skew=0.03,silence=0.05"),
        SEED, simulator.machines().stream().map(Machine::machineId).toList(), START, PARTITIONS);
    SimulationSummary summary;
    try (TelemetryPublisher publisher = new TelemetryPublisher(client, topics.telemetry())) {
      summary = SimulationRunner.builder(simulator, publisher).speed(Speed.MAX).limit(RunLimit.of(SIMULATED))
          .faults(faults).build().run();
    }
    FaultCounts injected = summary.faults();
    assertThat(injected.late()).isPositive();
    assertThat(injected.outOfOrder()).isPositive();
    assertThat(injected.duplicates()).isPositive();
    assertThat(injected.corrupt()).isPositive();
    assertThat(injected.skewedEvents()).isPositive();

    KpiComparison comparison = comparison(topics, simulator.machineInfos());
    KpiOracle.Result expected = comparison.expected();
    assertThat(expected.siteHours()).isNotEmpty();
    assertThat(expected.machineMinutes()).hasSizeGreaterThan(simulator.machines().size() * 20);
    long deadLetters = expected.deadLetters().values().stream().mapToLong(Long::longValue).sum();
    assertThat(expected.deadLetters().get(DeadLetters.CORRUPT)).as("corrupt records the oracle finds")
        .isEqualTo(injected.corrupt());
    assertThat(deadLetters + expected.held()).as("DLQ records and events still held the oracle finds")
        .isEqualTo(injected.dlqRecords());
    assertThat(expected.late()).as("late events the oracle finds").hasSize((int) injected.lateRecords());
    assertThat(expected.duplicates()).as("duplicates the oracle finds").isEqualTo(injected.duplicates());

    comparison.aggregateAndMatch("registry-pipeline-it-" + System.nanoTime(), sharedState, CONFIG, deadLetters);
    return new Pipeline(topics, injected, comparison);
  }

  private static Topics registryTopics(String testName) {
    return new Topics(kafka.uniqueTopics(testName).prefix(), registry.client());
  }

  private static KpiComparison comparison(Topics topics, Collection<MachineInfo> machines) {
    return KpiComparison.recompute(kafka, topics, machines, CONFIG);
  }

  // --- Apicurio's deserializer ---

  /**
   * Reads {@code topic} once with plantstream's serde and once with Apicurio's
   * {@link AvroKafkaDeserializer} (generic records, the schema fetched by the id in the record from
   * Apicurio's own API), and checks that both read the same records with the same values.
   */
  private static <V extends SpecificRecord> void assertDecodedAlikeByApicurio(Topic<String, V> topic)
      throws IOException {
    List<ConsumerRecord<String, V>> ours = kafka.readAll(topic);
    List<ConsumerRecord<String, Object>> theirs = kafka.readAll(new Topic<>(topic.name(), Serdes.String(),
        Serdes.serdeFrom((name, value) -> {
          throw new UnsupportedOperationException("read only");
        }, apicurioDeserializer())));
    assertThat(ours).as("records on %s", topic.name()).isNotEmpty();
    assertThat(theirs).as("records Apicurio's deserializer reads on %s", topic.name()).hasSameSizeAs(ours);
    GenericData generic = new GenericData();
    generic.addLogicalTypeConversion(new TimeConversions.TimestampMillisConversion());
    for (int i = 0; i < ours.size(); i++) {
      ConsumerRecord<String, V> our = ours.get(i);
      ConsumerRecord<String, Object> their = theirs.get(i);
      String where = topic.name() + "-" + our.partition() + "@" + our.offset();
      assertThat(their.partition() + "@" + their.offset()).isEqualTo(our.partition() + "@" + our.offset());
      assertThat(their.key()).isEqualTo(our.key());
      assertThat(their.value()).as(where).isInstanceOf(GenericRecord.class).isNotInstanceOf(SpecificRecord.class);
      GenericRecord decoded = (GenericRecord) their.value();
      assertThat(SchemaNormalization.parsingFingerprint64(decoded.getSchema())).as("writer schema of %s", where)
          .isEqualTo(SchemaNormalization.parsingFingerprint64(our.value().getSchema()));
      assertThat(json(decoded, generic)).as(where)
          .isEqualTo(json(our.value(), SpecificData.getForClass(our.value().getClass())));
    }
  }

  /**
   * Apicurio's Avro deserializer for the Confluent wire format as Apicurio's Confluent-compatible
   * API assigns ids: a 4-byte id that is a content id, looked up in the registry's v3 API. (Apicurio
   * 3.0.9 gives the first version of a new content a global id equal to its content id, so
   * {@code use-id=globalId} happens to read these records too; content ids are what they are.)
   */
  private static Deserializer<Object> apicurioDeserializer() {
    AvroKafkaDeserializer<Object> deserializer = new AvroKafkaDeserializer<>();
    deserializer.configure(Map.of(
        SerdeConfig.REGISTRY_URL, registry.rootUrl() + "/apis/registry/v3",
        SerdeConfig.ID_HANDLER, Default4ByteIdHandler.class.getName(),
        SerdeConfig.USE_ID, IdOption.contentId.name(),
        AvroSerdeConfig.USE_SPECIFIC_AVRO_READER, false), false);
    return deserializer;
  }

  /** Avro's JSON encoding of {@code datum}: a field-by-field rendering with union branches named. */
  @SuppressWarnings("unchecked")
  private static String json(GenericContainer datum, GenericData model) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Encoder encoder = EncoderFactory.get().jsonEncoder(datum.getSchema(), out);
    ((DatumWriter<Object>) model.createDatumWriter(datum.getSchema())).write(datum, encoder);
    encoder.flush();
    return out.toString(StandardCharsets.UTF_8);
  }

  // --- helpers ---

  /** {@code record} with the field {@code field} of another type. */
  private static Schema withFieldType(Schema record, String field, Schema type) {
    List<Schema.Field> fields = record.getFields().stream()
        .map(f -> new Schema.Field(f, f.name().equals(field) ? type : f.schema()))
        .toList();
    return Schema.createRecord(record.getName(), record.getDoc(), record.getNamespace(), false, fields);
  }

  /** GET on the registry's Confluent-compatible API, which must answer 200. */
  private static JsonNode get(String path) throws IOException, InterruptedException {
    return getJson(registry.url() + path);
  }

  private static JsonNode getJson(String url) throws IOException, InterruptedException {
    HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(url))
        .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as("GET %s: %s", url, response.body()).isEqualTo(200);
    return JSON.readTree(response.body());
  }

  private static int getStatus(String path) throws IOException, InterruptedException {
    return HTTP.send(HttpRequest.newBuilder(URI.create(registry.url() + path)).timeout(Duration.ofSeconds(10))
        .GET().build(), HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  /** Registers {@code schema} at {@code path} of the Confluent-compatible API. */
  private static HttpResponse<String> post(String path, Schema schema) throws IOException, InterruptedException {
    String body = JSON.createObjectNode().put("schema", schema.toString()).toString();
    return HTTP.send(HttpRequest.newBuilder(URI.create(registry.url() + path)).timeout(Duration.ofSeconds(10))
        .header("Content-Type", "application/vnd.schemaregistry.v1+json")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static String encode(String segment) {
    return URLEncoder.encode(segment, StandardCharsets.UTF_8);
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
    Header header = record.headers().lastHeader(name);
    return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
  }
}
