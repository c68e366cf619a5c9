package io.plantstream.app.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.plantstream.avro.SiteInfo;
import io.plantstream.schemas.Topics;
import io.plantstream.streams.KpiApplication;
import io.plantstream.streams.KpiStoreQueries;
import io.plantstream.streams.SiteDirectory;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP server of a KPI application instance ({@code plant aggregate --http-port}), on the JDK's
 * {@code com.sun.net.httpserver}: {@link KpiApi}'s routes over the instance's state stores.
 *
 * <p>It listens from {@link #start} on, so its port is known before the application is built (the
 * port goes into {@code application.server}); until {@link #serve} hands it the application the
 * dashboard's static files ({@link DashboardRoutes}) are served already and every other request
 * answers 503. An answer with an {@code ETag} that the request's {@code If-None-Match} names is
 * sent as {@code 304 Not Modified}, without a body.
 */
public final class KpiHttpServer implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(KpiHttpServer.class);
  private static final Duration FORWARD_TIMEOUT = Duration.ofSeconds(15);
  /** What is served before {@link #serve}: the dashboard's files, which need no application. */
  private static final Router BEFORE_SERVE = DashboardRoutes.router();

  private final HttpServer server;
  private final ExecutorService executor;
  private volatile Router router;
  private volatile CommandMetrics metrics;

  private KpiHttpServer(HttpServer server, ExecutorService executor) {
    this.server = server;
    this.executor = executor;
  }

  /** Listens on {@code host:port} (port 0: any free port), answering 503 until {@link #serve}. */
  public static KpiHttpServer start(String host, int port) throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress(host, port), 64);
    // Requests wait on other instances, which may at that moment wait on this one: no fixed small pool.
    AtomicInteger threads = new AtomicInteger();
    ExecutorService executor = new ThreadPoolExecutor(0, 64, 60, TimeUnit.SECONDS, new SynchronousQueue<>(),
        task -> {
          Thread thread = new Thread(task, "kpi-http-" + threads.incrementAndGet());
          thread.setDaemon(true);
          return thread;
        }, new ThreadPoolExecutor.CallerRunsPolicy());
    server.setExecutor(executor);
    KpiHttpServer http = new KpiHttpServer(server, executor);
    server.createContext("/", http::handle);
    server.start();
    log.info("HTTP server listening on {}:{}", http.address().getHostString(), http.port());
    return http;
  }

  /**
   * Serves the KPI API of {@code app}, a KPI topology over {@code topics}; its {@code /metrics} are
   * plantstream's meters ({@link KpiMetrics}) and Kafka Streams' metrics in one registry, until
   * {@link #close}.
   */
  public void serve(KpiApplication app, Topics topics) {
    KpiStoreQueries stores = new KpiStoreQueries(app, topics);
    KpiQueries queries = new InteractiveKpiQueries(stores, app.applicationServer().orElse(null),
        new HttpForwarder(FORWARD_TIMEOUT), site -> app.streams().store(StoreQueryParameters.fromNameAndType(
            SiteDirectory.STORE, QueryableStoreTypes.<String, SiteInfo>keyValueStore())).get(site));
    CommandMetrics registry = new CommandMetrics();
    new KpiMetrics(app, stores, topics, registry);
    registry.bind(app.streams());
    CommandMetrics before = metrics;
    metrics = registry;
    if (before != null) {
      before.close();
    }
    serve(KpiApi.router(queries, app::state, registry::scrape));
  }

  /** Serves {@code routes}. */
  public void serve(Router routes) {
    this.router = routes;
  }

  /** The address it listens on, with the actual port. */
  public InetSocketAddress address() {
    return server.getAddress();
  }

  /** The port it listens on. */
  public int port() {
    return server.getAddress().getPort();
  }

  /** Stops listening and drops open exchanges. */
  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
    CommandMetrics registry = metrics;
    if (registry != null) {
      registry.close();
    }
  }

  /** Whether an {@code If-None-Match} header (null when absent) names {@code etag}. */
  private static boolean names(String ifNoneMatch, String etag) {
    if (ifNoneMatch == null) {
      return false;
    }
    for (String tag : ifNoneMatch.split(",")) {
      String trimmed = tag.trim();
      if (trimmed.equals("*") || trimmed.equals(etag) || trimmed.equals("W/" + etag)) {
        return true;
      }
    }
    return false;
  }

  private void handle(HttpExchange exchange) {
    try (exchange) {
      String method = exchange.getRequestMethod();
      boolean head = method.equals("HEAD");
      Router routes = router;
      String path = exchange.getRequestURI().getRawPath();
      String query = exchange.getRequestURI().getRawQuery();
      ApiResponse response = routes != null ? routes.route(head ? "GET" : method, path, query)
          : BEFORE_SERVE.route(head ? "GET" : method, path, query);
      if (routes == null && response.status() == 404) {
        response = ApiResponse.error(503, "the KPI application is starting").withHeader("Retry-After", "1");
      }
      int status = response.status();
      String etag = response.headers().get("ETag");
      if (status == 200 && etag != null && names(exchange.getRequestHeaders().getFirst("If-None-Match"), etag)) {
        status = 304;
      }
      log.debug("{} {} -> {}", method, exchange.getRequestURI(), status);
      exchange.getResponseHeaders().set("Content-Type", response.contentType());
      response.headers().forEach((name, value) -> exchange.getResponseHeaders().set(name, value));
      byte[] body = head || status == 304 ? new byte[0] : response.body();
      exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
      if (body.length > 0) {
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(body);
        }
      }
    } catch (IOException | RuntimeException e) {
      log.debug("could not answer {} {}: {}", exchange.getRequestMethod(), exchange.getRequestURI(), e.toString());
    }
  }
}
