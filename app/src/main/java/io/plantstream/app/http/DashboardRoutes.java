package io.plantstream.app.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The live KPI dashboard's static files, read from the classpath: the page at {@code /}, its own
 * script and style sheet under {@code /dashboard/}, and uPlot from its WebJar under
 * {@code /assets/uplot/}. They need no state store, so they are served while the KPI application
 * is still starting (the page then shows that the API answers 503 and keeps polling).
 *
 * <pre>
 * GET /                          index.html                      no-cache (revalidated by ETag)
 * GET /dashboard/{file}          dashboard.js, dashboard.css     no-cache (revalidated by ETag)
 * GET /assets/uplot/{file}       uPlot.iife.min.js, uPlot.min.css  one day
 * </pre>
 *
 * Every answer carries a strong {@code ETag} (the content's SHA-256), so a browser revalidating
 * gets {@code 304 Not Modified} from {@link KpiHttpServer}. Only the files named here are served:
 * no directory listing, no path outside the two folders.
 */
public final class DashboardRoutes {

  /** The uPlot release of the WebJar on the classpath (app/pom.xml). */
  public static final String UPLOT_VERSION = "1.6.30";

  /** Where the page, its script and its style sheet live on the classpath. */
  static final String OWN_FILES = "/io/plantstream/app/dashboard/";
  /** Where the WebJar keeps uPlot's built files. */
  static final String UPLOT_FILES = "/META-INF/resources/webjars/uplot/" + UPLOT_VERSION + "/dist/";

  /** Our own files change with each build: a browser asks again each time (a 304 when unchanged). */
  static final String REVALIDATE = "no-cache";
  /** uPlot changes only with the WebJar's version. */
  static final String ONE_DAY = "public, max-age=86400";

  /** The only files of the WebJar served. */
  private static final Set<String> UPLOT_SERVED = Set.of("uPlot.iife.min.js", "uPlot.min.css");
  private static final Pattern FILE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");
  private static final Map<String, String> TYPES = Map.of(
      "html", "text/html; charset=utf-8",
      "js", "text/javascript; charset=utf-8",
      "css", "text/css; charset=utf-8",
      "svg", "image/svg+xml",
      "png", "image/png");
  /** Files found, by path; a name not found is not remembered, so that made-up names cannot fill it. */
  private static final Map<String, ApiResponse> CACHE = new ConcurrentHashMap<>();

  private DashboardRoutes() {}

  /** Adds the dashboard's routes to {@code router}. */
  public static Router addTo(Router router) {
    return router
        .get("/", request -> file(OWN_FILES, "index.html", REVALIDATE))
        .get("/dashboard/{file}", request -> file(OWN_FILES, request.pathParam("file"), REVALIDATE))
        .get("/assets/uplot/{file}", request -> {
          String name = request.pathParam("file");
          if (!UPLOT_SERVED.contains(name)) {
            throw new ApiException(404, "no such file: " + name + "; uPlot's files here are " + UPLOT_SERVED);
          }
          return file(UPLOT_FILES, name, ONE_DAY);
        });
  }

  /** A router with the dashboard's routes only. */
  public static Router router() {
    return addTo(new Router());
  }

  private static ApiResponse file(String folder, String name, String cacheControl) {
    ApiResponse cached = CACHE.get(folder + name);
    if (cached != null) {
      return cached;
    }
    ApiResponse loaded = load(folder, name, cacheControl)
        .orElseThrow(() -> new ApiException(404, "no such file: " + name));
    CACHE.put(folder + name, loaded);
    return loaded;
  }

  private static Optional<ApiResponse> load(String folder, String name, String cacheControl) {
    String type = type(name);
    if (!FILE_NAME.matcher(name).matches() || type == null) {
      return Optional.empty();
    }
    try (InputStream in = DashboardRoutes.class.getResourceAsStream(folder + name)) {
      if (in == null) {
        return Optional.empty();
      }
      byte[] body = in.readAllBytes();
      return Optional.of(new ApiResponse(200, type, body, Map.of(
          "Cache-Control", cacheControl,
          "ETag", "\"" + sha256(body) + "\"",
          "X-Content-Type-Options", "nosniff")));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + folder + name + " from the classpath", e);
    }
  }

  private static String type(String name) {
    int dot = name.lastIndexOf('.');
    return dot < 0 ? null : TYPES.get(name.substring(dot + 1));
  }

  private static String sha256(byte[] body) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body), 0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
