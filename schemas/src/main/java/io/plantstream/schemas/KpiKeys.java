package io.plantstream.schemas;

import java.time.Instant;
import java.time.LocalDate;

/**
 * Keys of the KPI topics: {@code <machine or site id>@<window start, ISO-8601 UTC>}, e.g.
 * {@code tsmc-phx@2026-11-28T10:01:00Z}, and of the day windows {@code <id>@<local date>}, e.g.
 * {@code foxconn-hou@2027-03-14}. Readable in any language, and compaction keeps the latest
 * record of each entity and window.
 */
public final class KpiKeys {

  private KpiKeys() {}

  /** The key of {@code id}'s KPI record for the window starting at {@code windowStart}. */
  public static String of(String id, long windowStart) {
    return id + '@' + Instant.ofEpochMilli(windowStart);
  }

  /** The key of {@code id}'s KPI record for the local day {@code localDate} of its site: {@code id@2027-03-14}. */
  public static String ofDate(String id, LocalDate localDate) {
    return id + '@' + localDate;
  }

  /** The id part of a KPI key. */
  public static String idOf(String key) {
    int at = key.lastIndexOf('@');
    return at < 0 ? key : key.substring(0, at);
  }
}
