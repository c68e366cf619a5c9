package io.plantstream.streams;

/** When the KPI topology emits a window's records. */
public enum EmitMode {
  /** Once per machine and window, when the window closes: one final record. */
  FINAL,
  /**
   * Also early, about every {@link KpiConfig#updateInterval()} of wall-clock time while a window is
   * open: provisional records ({@code final = false}) with growing revisions, then the final one.
   */
  UPDATES
}
