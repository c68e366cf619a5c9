package io.plantstream.streams;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The windows of the site KPIs, with the site store that holds each: two tumbling sizes aligned to
 * UTC, and the shifts and local days of each site's calendar (docs/kpi-rules.md).
 */
public enum KpiWindow {
  /** Tumbling 1-minute windows; site store {@value KpiTopology#SITE_1M_STORE}, kept 2 h after they are final. */
  MINUTE("1m", KpiConfig.MINUTE, KpiTopology.SITE_1M_STORE, java.time.Duration.ofHours(2)),
  /** Tumbling 1-hour windows; site store {@value KpiTopology#SITE_1H_STORE}, kept 2 days after they are final. */
  HOUR("1h", KpiConfig.HOUR, KpiTopology.SITE_1H_STORE, java.time.Duration.ofDays(2)),
  /**
   * The shifts of each site's calendar, keyed {@code siteId@shiftStart}; site store
   * {@value KpiTopology#SITE_SHIFT_STORE}, kept 3 days after they are final. Their length varies.
   */
  SHIFT("shift", 0, KpiTopology.SITE_SHIFT_STORE, java.time.Duration.ofDays(3)),
  /**
   * The local days of each site, keyed {@code siteId@localDate}; site store
   * {@value KpiTopology#SITE_DAY_STORE}, kept 8 days after they are final. 23, 24 or 25 hours long.
   */
  DAY("day", 0, KpiTopology.SITE_DAY_STORE, java.time.Duration.ofDays(8));

  private final String label;
  private final long millis;
  private final String siteStore;
  private final java.time.Duration retention;

  KpiWindow(String label, long millis, String siteStore, java.time.Duration retention) {
    this.label = label;
    this.millis = millis;
    this.siteStore = siteStore;
    this.retention = retention;
  }

  /**
   * How long, in event time, a site window stays in its stores once the site boundary has passed
   * its end (docs/kpi-rules.md, "When a site window is forgotten").
   */
  public java.time.Duration retention() {
    return retention;
  }

  /** The window for its label ({@link #label()}); IllegalArgumentException naming every label otherwise. */
  public static KpiWindow parse(String label) {
    for (KpiWindow window : values()) {
      if (window.label.equals(label.trim().toLowerCase(Locale.ROOT))) {
        return window;
      }
    }
    throw new IllegalArgumentException("window must be one of "
        + Arrays.stream(values()).map(KpiWindow::label).collect(Collectors.joining(", ")) + ", was '" + label + "'");
  }

  /** The label used in URLs and topic names: {@code 1m}, {@code 1h}, {@code shift} or {@code day}. */
  public String label() {
    return label;
  }

  /** The window length in milliseconds; 0 for the calendar windows (shift, day), whose length varies. */
  public long millis() {
    return millis;
  }

  /** True for the windows of a site's calendar (shift, day), false for the tumbling ones. */
  public boolean calendar() {
    return millis == 0;
  }

  /** The store of site KPIs of this window size, keyed {@code siteId@windowStart}. */
  public String siteStore() {
    return siteStore;
  }

  /**
   * The store of each machine's latest KPI per site window, keyed {@code siteId@windowStart|machineId};
   * kept as long as {@link #siteStore()}.
   */
  public String machinePartsStore() {
    return siteStore + SiteKpiProcessor.PARTS_SUFFIX;
  }
}
