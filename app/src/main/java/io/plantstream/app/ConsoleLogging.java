package io.plantstream.app;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import org.slf4j.LoggerFactory;

/** Silences plantstream's console log lines while a live table owns the terminal; the log file keeps them. */
final class ConsoleLogging {

  private static final String CONSOLE = "CONSOLE";

  private ConsoleLogging() {}

  /** Only errors reach the console from now on. */
  static void quiet() {
    console(Level.ERROR);
  }

  /** Back to INFO on the console. */
  static void restore() {
    console(Level.INFO);
  }

  private static void console(Level level) {
    if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
      return;
    }
    Logger plant = context.getLogger("io.plantstream");
    var appender = plant.getAppender(CONSOLE);
    if (appender == null) {
      return;
    }
    appender.clearAllFilters();
    ch.qos.logback.classic.filter.ThresholdFilter filter = new ch.qos.logback.classic.filter.ThresholdFilter();
    filter.setLevel(level.toString());
    filter.start();
    appender.addFilter(filter);
  }
}
