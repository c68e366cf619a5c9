package io.plantstream.app.http;

import static org.assertj.core.api.Assertions.assertThat;

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

    for (String path : List.of("/sites", "/sites/a/kpis", "/machines/m/kpis", "/sites/a/machines/kpis")) {
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
