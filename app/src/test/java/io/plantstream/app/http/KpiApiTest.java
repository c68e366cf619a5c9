package io.plantstream.app.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.plantstream.streams.KpiWindow;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.junit.jupiter.api.Test;

/** The KPI API's routes and parameters, over recorded queries instead of a running application. */
class KpiApiTest {

  private static final Instant T0 = Instant.parse("2026-11-28T10:00:00Z");

  /** One call of the queries. */
  private record Call(String what, String id, KpiWindow window, Instant from, Instant to, KpiQueries.Scope scope) {}

  private final List<Call> calls = new ArrayList<>();
  private final AtomicReference<KafkaStreams.State> state = new AtomicReference<>(KafkaStreams.State.RUNNING);
  private RuntimeException failure;
  /** What siteKpis answers, when not the one default record. */
  private List<Object> siteAnswer;

  private final KpiQueries queries = new KpiQueries() {
    @Override
    public List<Map<String, Object>> sites() {
      fail();
      return List.of(Map.of("siteId", "tsmc-phx"));
    }

    @Override
    public List<Object> siteKpis(String siteId, KpiWindow window, Instant from, Instant to, Scope scope) {
      fail();
      calls.add(new Call("site", siteId, window, from, to, scope));
      if (siteAnswer != null) {
        return siteAnswer;
      }
      Map<String, Object> kpi = new LinkedHashMap<>();
      kpi.put("siteId", siteId);
      kpi.put("windowStart", T0.toString());
      return List.of(kpi);
    }

    @Override
    public List<Object> machineKpis(String machineId, KpiWindow window, Instant from, Instant to, Scope scope) {
      fail();
      calls.add(new Call("machine", machineId, window, from, to, scope));
      return List.of();
    }

    @Override
    public List<Object> siteMachineKpis(String siteId, KpiWindow window, Instant from, Instant to, Scope scope) {
      fail();
      calls.add(new Call("site-machines", siteId, window, from, to, scope));
      return List.of();
    }

    private void fail() {
      if (failure != null) {
        throw failure;
      }
    }
  };

  private final Router router = KpiApi.router(queries, state::get, () -> "plantstream_up 1\n");

  @Test
  void healthIsReadyOnlyWhileRunning() {
    assertThat(router.route("GET", "/health", null)).satisfies(response -> {
      assertThat(response.status()).isEqualTo(200);
      assertThat(response.bodyText()).isEqualTo("{\"state\":\"RUNNING\"}\n");
    });
    for (KafkaStreams.State other : List.of(KafkaStreams.State.CREATED, KafkaStreams.State.REBALANCING,
        KafkaStreams.State.PENDING_SHUTDOWN, KafkaStreams.State.ERROR)) {
      state.set(other);
      assertThat(router.route("GET", "/health", null).status()).as("health in %s", other).isEqualTo(503);
    }
  }

  @Test
  void metricsAreServedAsPrometheusText() {
    ApiResponse response = router.route("GET", "/metrics", null);

    assertThat(response.status()).isEqualTo(200);
    assertThat(response.contentType()).isEqualTo("text/plain; version=0.0.4; charset=utf-8");
    assertThat(response.bodyText()).isEqualTo("plantstream_up 1\n");
  }

  @Test
  void siteKpisDefaultToMinutesOverEverythingKeptAcrossInstances() {
    ApiResponse response = router.route("GET", "/sites/tsmc-phx/kpis", null);

    assertThat(response.status()).isEqualTo(200);
    assertThat(response.bodyText()).isEqualTo("[{\"siteId\":\"tsmc-phx\",\"windowStart\":\"2026-11-28T10:00:00Z\"}]\n");
    assertThat(calls).containsExactly(new Call("site", "tsmc-phx", KpiWindow.MINUTE, null, null, KpiQueries.Scope.ALL));
  }

  @Test
  void siteAndMachineKpisTakeWindowRangeAndScope() {
    router.route("GET", "/sites/amkor-az/kpis", "window=1h&from=2026-11-28T10:00:00Z&to=2026-11-28T12:00:00Z");
    router.route("GET", "/machines/tsmc-phx-litho-euv-01/kpis", "from=2026-11-28T10:00:00Z&scope=local");
    router.route("GET", "/sites/amkor-az/kpis", "scope=local&partitions=3,0");
    router.route("GET", "/sites/spil-az/machines/kpis", "from=2026-11-28T10:00:00Z&scope=local&partitions=2");

    assertThat(calls).containsExactly(
        new Call("site", "amkor-az", KpiWindow.HOUR, T0, T0.plusSeconds(7200), KpiQueries.Scope.ALL),
        new Call("machine", "tsmc-phx-litho-euv-01", KpiWindow.MINUTE, T0, null, KpiQueries.Scope.local(Set.of())),
        new Call("site", "amkor-az", KpiWindow.MINUTE, null, null, KpiQueries.Scope.local(Set.of(0, 3))),
        new Call("site-machines", "spil-az", KpiWindow.MINUTE, T0, null, KpiQueries.Scope.local(Set.of(2))));
  }

  @Test
  void theShiftsAndDaysOfTheSiteCalendarAreWindowsLikeTheOthers() {
    router.route("GET", "/sites/amkor-az/kpis", "window=shift");
    router.route("GET", "/sites/amkor-az/kpis", "window=day&from=2026-11-27T00:00:00Z&to=2026-11-29T00:00:00Z");
    router.route("GET", "/machines/amkor-az-test-01/kpis", "window=DAY");
    router.route("GET", "/sites/amkor-az/machines/kpis", "window=shift&scope=local&partitions=1");

    assertThat(calls).containsExactly(
        new Call("site", "amkor-az", KpiWindow.SHIFT, null, null, KpiQueries.Scope.ALL),
        new Call("site", "amkor-az", KpiWindow.DAY, Instant.parse("2026-11-27T00:00:00Z"),
            Instant.parse("2026-11-29T00:00:00Z"), KpiQueries.Scope.ALL),
        new Call("machine", "amkor-az-test-01", KpiWindow.DAY, null, null, KpiQueries.Scope.ALL),
        new Call("site-machines", "amkor-az", KpiWindow.SHIFT, null, null, KpiQueries.Scope.local(Set.of(1))));
  }

  @Test
  void lossesAreThoseOfTheNewestFinalWindowLargestFirstWithTheirShareOfTheCountedTime() throws Exception {
    siteAnswer = List.of(
        site("2026-11-27T10:00:00Z", "2026-11-28T10:00:00Z", "2026-11-27", true,
            Map.of("PRODUCTIVE/UNSPECIFIED", 90_000L, "UNSCHEDULED_DOWN/FAILURE", 30_000L), Map.of()),
        // The newest final one: its losses, not the older window's; the one after it is not final.
        site("2026-11-28T10:00:00Z", "2026-11-29T10:00:00Z", "2026-11-28", true, Map.of(
            "PRODUCTIVE/UNSPECIFIED", 600_000L, "STANDBY/NO_MATERIAL", 100_000L, "UNSCHEDULED_DOWN/FAILURE", 200_000L,
            "SCHEDULED_DOWN/PM", 50_000L, "UNKNOWN/UNSPECIFIED", 50_000L), Map.of("D07", 2L, "D01", 5L)),
        site("2026-11-29T10:00:00Z", "2026-11-30T10:00:00Z", "2026-11-29", false,
            Map.of("ENGINEERING/QUAL", 999_000L), Map.of()));

    ApiResponse response = router.route("GET", "/sites/amkor-az/losses", "window=day");

    assertThat(response.status()).as(response.bodyText()).isEqualTo(200);
    assertThat(calls).containsExactly(new Call("site", "amkor-az", KpiWindow.DAY, null, null, KpiQueries.Scope.ALL));
    JsonNode answer = new ObjectMapper().readTree(response.bodyText());
    assertThat(answer.get("key").asText()).isEqualTo("amkor-az@2026-11-28");
    assertThat(answer.get("window").asText()).isEqualTo("day");
    assertThat(answer.get("windowStart").asText()).isEqualTo("2026-11-28T10:00:00Z");
    assertThat(answer.get("windowEnd").asText()).isEqualTo("2026-11-29T10:00:00Z");
    assertThat(answer.get("localDate").asText()).isEqualTo("2026-11-28");
    assertThat(answer.get("countedMillis").asLong()).isEqualTo(1_000_000L);
    assertThat(answer.get("lossMillis").asLong()).isEqualTo(400_000L);
    List<String> losses = new ArrayList<>();
    answer.get("losses").forEach(loss -> losses.add(loss.get("state").asText() + "/" + loss.get("reason").asText()
        + " " + loss.get("millis").asLong() + " " + loss.get("share").asDouble()));
    // Ties (50 s each) by key; PRODUCTIVE is no loss.
    assertThat(losses).containsExactly("UNSCHEDULED_DOWN/FAILURE 200000 0.2", "STANDBY/NO_MATERIAL 100000 0.1",
        "SCHEDULED_DOWN/PM 50000 0.05", "UNKNOWN/UNSPECIFIED 50000 0.05");
    List<String> defects = new ArrayList<>();
    answer.get("defects").forEach(defect -> defects.add(defect.get("code").asText() + " " + defect.get("units").asLong()));
    assertThat(defects).containsExactly("D01 5", "D07 2");
  }

  @Test
  void lossesOfAShiftAreKeyedByItsStartAndDefaultToTheHour() throws Exception {
    siteAnswer = List.of(site("2026-11-28T02:00:00Z", "2026-11-28T10:00:00Z", "2026-11-27", true,
        Map.of("STANDBY/UNSPECIFIED", 1_000L), Map.of()));

    JsonNode shift = new ObjectMapper().readTree(router.route("GET", "/sites/amkor-az/losses", "window=shift")
        .bodyText());
    router.route("GET", "/sites/amkor-az/losses", "from=2026-11-28T00:00:00Z&scope=local");

    assertThat(shift.get("key").asText()).isEqualTo("amkor-az@2026-11-28T02:00:00Z");
    assertThat(shift.get("losses").get(0).get("share").asDouble()).isEqualTo(1.0);
    assertThat(calls).containsExactly(new Call("site", "amkor-az", KpiWindow.SHIFT, null, null, KpiQueries.Scope.ALL),
        new Call("site", "amkor-az", KpiWindow.HOUR, T0.minusSeconds(36_000), null, KpiQueries.Scope.local(Set.of())));
  }

  @Test
  void withoutAFinalWindowTheLossesAreEmpty() {
    siteAnswer = List.of(site("2026-11-28T10:00:00Z", "2026-11-28T11:00:00Z", null, false,
        Map.of("STANDBY/UNSPECIFIED", 1_000L), Map.of()));

    ApiResponse response = router.route("GET", "/sites/amkor-az/losses", null);

    assertThat(response.status()).isEqualTo(200);
    assertThat(response.bodyText()).isEqualTo("{\"siteId\":\"amkor-az\",\"window\":\"1h\",\"key\":null,"
        + "\"windowStart\":null,\"windowEnd\":null,\"localDate\":null,\"shift\":null,\"revision\":null,"
        + "\"machinesReporting\":null,\"failures\":null,\"unitsTotal\":null,\"unitsGood\":null,"
        + "\"countedMillis\":null,\"lossMillis\":null,\"losses\":[],\"defects\":[]}\n");
  }

  @Test
  void lossesOfAMinuteAreNotAnswered() {
    ApiResponse response = router.route("GET", "/sites/amkor-az/losses", "window=1m");

    assertThat(response.status()).isEqualTo(400);
    assertThat(response.bodyText()).contains("1h, shift or day").contains("'1m'");
    assertThat(router.route("GET", "/sites/amkor-az/losses", "window=week").status()).isEqualTo(400);
    assertThat(calls).isEmpty();
  }

  private static Map<String, Object> site(String start, String end, String localDate, boolean isFinal,
      Map<String, Long> stateReasonMillis, Map<String, Long> defectUnits) {
    Map<String, Object> kpi = new LinkedHashMap<>();
    kpi.put("siteId", "amkor-az");
    kpi.put("windowStart", start);
    kpi.put("windowEnd", end);
    kpi.put("stateReasonMillis", stateReasonMillis);
    kpi.put("defectUnits", defectUnits);
    kpi.put("localDate", localDate);
    kpi.put("revision", 1);
    kpi.put("final", isFinal);
    return kpi;
  }

  @Test
  void badParametersAnswer400SayingWhatIsWrong() {
    assertThat(router.route("GET", "/sites/a/kpis", "window=5m").bodyText()).contains("1m, 1h").contains("5m");
    assertThat(router.route("GET", "/sites/a/kpis", "from=yesterday").bodyText()).contains("ISO-8601");
    assertThat(router.route("GET", "/sites/a/kpis", "from=2026-11-28T10:00:00Z&to=2026-11-28T10:00:00Z")
        .bodyText()).contains("from must be before to");
    assertThat(router.route("GET", "/machines/m/kpis", "scope=everywhere").bodyText()).contains("scope");
    assertThat(router.route("GET", "/sites/a/kpis", "partitions=1").bodyText()).contains("partitions needs scope=local");
    assertThat(router.route("GET", "/sites/a/kpis", "scope=local&partitions=1,x").bodyText())
        .contains("partition numbers");
    for (String query : List.of("window=5m", "from=yesterday", "to=10:00", "scope=all", "partitions=1",
        "scope=local&partitions=-1")) {
      assertThat(router.route("GET", "/sites/a/kpis", query).status()).as(query).isEqualTo(400);
    }
    assertThat(calls).isEmpty();
  }

  @Test
  void storesThatAreNotQueryableAnswer503WithRetryAfter() {
    failure = new InvalidStateStoreException("store site-kpi-1m-store is migrating");

    for (String path : List.of("/sites", "/sites/a/kpis", "/machines/m/kpis", "/sites/a/machines/kpis",
        "/sites/a/losses")) {
      ApiResponse response = router.route("GET", path, null);
      assertThat(response.status()).as(path).isEqualTo(503);
      assertThat(response.headers()).containsEntry("Retry-After", "1");
      assertThat(response.bodyText()).contains("migrating");
    }
  }

  @Test
  void unknownSitesAnswerTheQueriesOwnStatus() {
    failure = new ApiException(404, "unknown site 'nowhere'");

    ApiResponse response = router.route("GET", "/sites/nowhere/kpis", null);

    assertThat(response.status()).isEqualTo(404);
    assertThat(response.bodyText()).isEqualTo("{\"status\":404,\"error\":\"unknown site 'nowhere'\"}\n");
  }
}
