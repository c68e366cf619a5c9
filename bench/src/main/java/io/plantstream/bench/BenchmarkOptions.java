package io.plantstream.bench;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** The {@code --name value} options of a benchmark's {@code main}, checked against the names it takes. */
final class BenchmarkOptions {

  private BenchmarkOptions() {}

  /**
   * {@code args} as name-value pairs; prints {@code usage} and exits with 2 when they do not pair
   * up or name an option outside {@code allowed}.
   */
  static Map<String, String> parse(String[] args, Set<String> allowed, String usage) {
    Map<String, String> options = new TreeMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      options.put(args[i], args[i + 1]);
    }
    if (args.length % 2 != 0 || !allowed.containsAll(options.keySet())) {
      System.err.println("usage: " + usage);
      System.exit(2);
    }
    return options;
  }
}
