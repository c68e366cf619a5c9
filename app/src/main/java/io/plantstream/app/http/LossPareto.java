package io.plantstream.app.http;

import io.plantstream.schemas.KpiKeys;
import io.plantstream.streams.KpiWindow;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where the time of a KPI window went, largest loss first: the entries of its
 * {@code stateReasonMillis} ({@code STATE/REASON} to milliseconds) that are not {@code PRODUCTIVE},
 * and its failed units by defect code (docs/kpi-rules.md, "Losses by reason"). What the HTTP API's
 * {@code /sites/{site}/losses}, the {@code plantstream_site_loss_seconds} gauges and
 * {@code plant consume}'s TOP LOSS column show.
 *
 * <p>A loss's {@code share} is its milliseconds over the window's counted time, the sum of every
 * entry, {@code PRODUCTIVE} and {@code UNKNOWN} included: for a site window, the time of all its
 * machines that the window counted.
 */
public final class LossPareto {

  /** The state whose time is not a loss. */
  public static final String PRODUCTIVE = "PRODUCTIVE";

  private LossPareto() {}

  /**
   * Time lost in one state for one reason.
   *
   * @param state the E10 state, or {@code UNKNOWN}
   * @param reason the reason code, {@code UNSPECIFIED} when the event gave none
   * @param millis milliseconds of the window in that state for that reason
   * @param share {@code millis} over the window's counted time, 0 to 1
   */
  public record Loss(String state, String reason, long millis, double share) {

    /** {@code STATE/REASON}, as the KPI records key it. */
    public String key() {
      return reason.isEmpty() ? state : state + '/' + reason;
    }
  }

  /**
   * Failed units of one defect code.
   *
   * @param code the defect code, {@code UNSPECIFIED} when the event gave none
   * @param units failed units with that code
   */
  public record Defect(String code, long units) {}

  /**
   * The losses of a window from its {@code stateReasonMillis} (keys {@code STATE/REASON}, values
   * numbers; Avro's or JSON's), largest first, ties by key.
   */
  public static List<Loss> losses(Map<?, ?> stateReasonMillis) {
    long counted = countedMillis(stateReasonMillis);
    List<Loss> losses = new ArrayList<>();
    stateReasonMillis.forEach((key, value) -> {
      String text = String.valueOf(key);
      int slash = text.indexOf('/');
      String state = slash < 0 ? text : text.substring(0, slash);
      String reason = slash < 0 ? "" : text.substring(slash + 1);
      long millis = millis(value);
      if (!state.equals(PRODUCTIVE) && millis > 0) {
        losses.add(new Loss(state, reason, millis, counted == 0 ? 0 : (double) millis / counted));
      }
    });
    losses.sort(Comparator.comparingLong(Loss::millis).reversed().thenComparing(Loss::key));
    return losses;
  }

  /** The window's counted time: every entry of {@code stateReasonMillis} summed. */
  public static long countedMillis(Map<?, ?> stateReasonMillis) {
    return stateReasonMillis.values().stream().mapToLong(LossPareto::millis).sum();
  }

  /** Failed units by defect code from a window's {@code defectUnits}, most first, ties by code. */
  public static List<Defect> defects(Map<?, ?> defectUnits) {
    List<Defect> defects = new ArrayList<>();
    defectUnits.forEach((code, units) -> {
      if (millis(units) > 0) {
        defects.add(new Defect(String.valueOf(code), millis(units)));
      }
    });
    defects.sort(Comparator.comparingLong(Defect::units).reversed().thenComparing(Defect::code));
    return defects;
  }

  /**
   * The answer of {@code GET /sites/{site}/losses}: the newest final window among {@code windows}
   * (site KPI records as JSON-ready maps, as {@link KpiQueries#siteKpis} returns them) with its
   * losses and defects; when none is final, the same fields null or empty.
   */
  @SuppressWarnings("unchecked")
  public static Map<String, Object> newestFinal(String siteId, KpiWindow window, List<Object> windows) {
    Map<String, Object> newest = null;
    for (Object candidate : windows) {
      Map<String, Object> record = (Map<String, Object>) candidate;
      if (Boolean.TRUE.equals(record.get("final")) && (newest == null
          || Instant.parse(String.valueOf(record.get("windowStart")))
              .isAfter(Instant.parse(String.valueOf(newest.get("windowStart")))))) {
        newest = record;
      }
    }
    Map<String, Object> answer = new LinkedHashMap<>();
    answer.put("siteId", siteId);
    answer.put("window", window.label());
    Map<?, ?> reasons = newest == null ? Map.of() : map(newest.get("stateReasonMillis"));
    answer.put("key", newest == null ? null : key(siteId, window, newest));
    for (String field : List.of("windowStart", "windowEnd", "localDate", "shift", "revision", "machinesReporting",
        "failures", "unitsTotal", "unitsGood")) {
      answer.put(field, newest == null ? null : newest.get(field));
    }
    List<Loss> losses = losses(reasons);
    answer.put("countedMillis", newest == null ? null : countedMillis(reasons));
    answer.put("lossMillis", newest == null ? null : losses.stream().mapToLong(Loss::millis).sum());
    List<Map<String, Object>> lossList = new ArrayList<>();
    for (Loss loss : losses) {
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put("state", loss.state());
      entry.put("reason", loss.reason());
      entry.put("millis", loss.millis());
      entry.put("share", loss.share());
      lossList.add(entry);
    }
    answer.put("losses", lossList);
    List<Map<String, Object>> defectList = new ArrayList<>();
    for (Defect defect : defects(newest == null ? Map.of() : map(newest.get("defectUnits")))) {
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put("code", defect.code());
      entry.put("units", defect.units());
      defectList.add(entry);
    }
    answer.put("defects", defectList);
    return answer;
  }

  /** The record's key on its topic: {@code siteId@windowStart}, or {@code siteId@localDate} for a day. */
  private static String key(String siteId, KpiWindow window, Map<String, Object> record) {
    Object localDate = record.get("localDate");
    if (window == KpiWindow.DAY && localDate != null) {
      return KpiKeys.ofDate(siteId, LocalDate.parse(String.valueOf(localDate)));
    }
    return KpiKeys.of(siteId, Instant.parse(String.valueOf(record.get("windowStart"))).toEpochMilli());
  }

  private static Map<?, ?> map(Object value) {
    return value instanceof Map<?, ?> map ? map : Map.of();
  }

  private static long millis(Object value) {
    return value instanceof Number number ? number.longValue() : 0;
  }
}
