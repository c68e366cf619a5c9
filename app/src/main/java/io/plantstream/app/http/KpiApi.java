package io.plantstream.app.http;

import io.plantstream.streams.KpiWindow;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.errors.InvalidStateStoreException;

/**
 * The HTTP API of a KPI application instance: its routes, their parameters and how they fail.
 *
 * <pre>
 * GET /health                                        200 when RUNNING, else 503; {"state": ...}
 * GET /metrics                                       Prometheus text
 * GET /sites                                         [{"siteId", "lines", "machines", "timeZone", "shifts"}]
 * GET /sites/{site}/kpis?window=W&amp;from=ISO&amp;to=ISO      [SiteKpi], latest per window, by window start
 * GET /machines/{machine}/kpis?window=W&amp;from=&amp;to=      [MachineKpi], latest per window, by window start
 * GET /sites/{site}/machines/kpis?window=W&amp;from=&amp;to=   [MachineKpi] of every machine of the site, by window
 *                                                    start and machine
 * GET /sites/{site}/losses?window=1h|shift|day        the newest final window's losses by state and reason
 *     &amp;from=&amp;to=                                      and its defects ({@link LossPareto})
 * GET /, /dashboard/{file}, /assets/uplot/{file}      the live dashboard ({@link DashboardRoutes})
 * </pre>
 *
 * {@code window} (W) is {@code 1m} (the default), {@code 1h}, {@code shift} or {@code day}; the
 * shifts and days of a site are those of its calendar on {@code plant.sites}, in its time zone.
 * {@code from} (inclusive) and {@code to} (exclusive) bound the window start and default to
 * everything the stores keep. {@code scope=local} answers from this
 * instance's stores only, {@code &partitions=0,3} from exactly those partitions of them (how
 * instances ask each other). While the stores are not queryable (starting, rebalancing) KPI routes
 * answer 503 with {@code Retry-After}.
 */
public final class KpiApi {

  /** Query parameter limiting an answer to one instance's stores. */
  public static final String SCOPE = "scope";
  /** The value of {@value #SCOPE} for "this instance's stores only". */
  public static final String LOCAL = "local";
  /** Query parameter naming, with {@value #SCOPE}={@value #LOCAL}, the site store partitions to read. */
  public static final String PARTITIONS = "partitions";
  /** The windows whose losses {@code /sites/{site}/losses} answers. */
  static final Set<KpiWindow> LOSS_WINDOWS = Set.of(KpiWindow.HOUR, KpiWindow.SHIFT, KpiWindow.DAY);

  private KpiApi() {}

  /**
   * The routes.
   *
   * @param queries answers about sites, machines and KPIs
   * @param state the Kafka Streams state of this instance
   * @param metrics the Prometheus text of this instance's metrics
   */
  public static Router router(KpiQueries queries, Supplier<KafkaStreams.State> state, Supplier<String> metrics) {
    Router api = new Router()
        .get("/health", request -> health(state.get()))
        .get("/metrics", request -> ApiResponse.text(200, CommandMetrics.CONTENT_TYPE, metrics.get()))
        .get("/sites", queryable(request -> ApiResponse.json(200, queries.sites())))
        .get("/sites/{site}/kpis", queryable(request -> {
          Range range = Range.of(request);
          return ApiResponse.json(200, queries.siteKpis(request.pathParam("site"), range.window(), range.from(),
              range.to(), range.scope()));
        }))
        .get("/sites/{site}/machines/kpis", queryable(request -> {
          Range range = Range.of(request);
          return ApiResponse.json(200, queries.siteMachineKpis(request.pathParam("site"), range.window(),
              range.from(), range.to(), range.scope()));
        }))
        .get("/machines/{machine}/kpis", queryable(request -> {
          Range range = Range.of(request);
          return ApiResponse.json(200, queries.machineKpis(request.pathParam("machine"), range.window(),
              range.from(), range.to(), range.scope()));
        }))
        .get("/sites/{site}/losses", queryable(request -> {
          Range range = Range.of(request, KpiWindow.HOUR);
          if (!LOSS_WINDOWS.contains(range.window())) {
            throw new ApiException(400, "losses are answered for window 1h, shift or day, was '"
                + range.window().label() + "'");
          }
          String site = request.pathParam("site");
          return ApiResponse.json(200, LossPareto.newestFinal(site, range.window(),
              queries.siteKpis(site, range.window(), range.from(), range.to(), range.scope())));
        }));
    return DashboardRoutes.addTo(api);
  }

  private static ApiResponse health(KafkaStreams.State state) {
    Map<String, Object> health = new LinkedHashMap<>();
    health.put("state", state.name());
    return ApiResponse.json(state == KafkaStreams.State.RUNNING ? 200 : 503, health);
  }

  /** A handler whose store reads may find the stores not queryable: 503, retry in a second. */
  private static Router.Handler queryable(Router.Handler handler) {
    return request -> {
      try {
        return handler.handle(request);
      } catch (InvalidStateStoreException notNow) {
        return ApiResponse.error(503, "the state stores are not queryable right now (starting or rebalancing): "
            + notNow.getMessage()).withHeader("Retry-After", "1");
      }
    };
  }

  /**
   * The parameters of a KPI query.
   *
   * @param window the window size
   * @param from the earliest window start, inclusive, or null
   * @param to the window start to stop before, or null
   * @param scope whose stores answer
   */
  record Range(KpiWindow window, Instant from, Instant to, KpiQueries.Scope scope) {

    /** The parameters of {@code request}, window {@code 1m} unless it says; ApiException 400 saying what is wrong. */
    static Range of(ApiRequest request) {
      return of(request, KpiWindow.MINUTE);
    }

    /** The parameters of {@code request}, window {@code defaultWindow} unless it says. */
    static Range of(ApiRequest request, KpiWindow defaultWindow) {
      KpiWindow window;
      try {
        window = KpiWindow.parse(request.query("window").orElse(defaultWindow.label()));
      } catch (IllegalArgumentException e) {
        throw new ApiException(400, e.getMessage());
      }
      Instant from = instant(request, "from");
      Instant to = instant(request, "to");
      if (from != null && to != null && !from.isBefore(to)) {
        throw new ApiException(400, "from must be before to, was from=" + from + " to=" + to);
      }
      String scope = request.query(SCOPE).orElse("");
      if (!scope.isEmpty() && !scope.equals(LOCAL)) {
        throw new ApiException(400, SCOPE + " must be '" + LOCAL + "' or absent, was '" + scope + "'");
      }
      Set<Integer> partitions = partitions(request.query(PARTITIONS).orElse(""));
      if (!partitions.isEmpty() && scope.isEmpty()) {
        throw new ApiException(400, PARTITIONS + " needs " + SCOPE + "=" + LOCAL);
      }
      return new Range(window, from, to, scope.isEmpty() ? KpiQueries.Scope.ALL : KpiQueries.Scope.local(partitions));
    }

    private static Set<Integer> partitions(String list) {
      Set<Integer> partitions = new TreeSet<>();
      for (String item : list.split(",")) {
        if (item.isBlank()) {
          continue;
        }
        try {
          int partition = Integer.parseInt(item.trim());
          if (partition < 0) {
            throw new NumberFormatException("negative");
          }
          partitions.add(partition);
        } catch (NumberFormatException e) {
          throw new ApiException(400, PARTITIONS + " must be partition numbers separated by commas, was '" + list + "'");
        }
      }
      return partitions;
    }

    private static Instant instant(ApiRequest request, String name) {
      String text = request.query(name).orElse(null);
      if (text == null) {
        return null;
      }
      try {
        return Instant.parse(text);
      } catch (DateTimeParseException e) {
        throw new ApiException(400, name + " must be an ISO-8601 instant such as 2026-11-28T10:00:00Z, was '"
            + text + "'");
      }
    }
  }
}
