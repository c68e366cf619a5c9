package io.plantstream.bench;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** The {@code --name value} options and {@code --flag}s of a benchmark's {@code main}, checked against the names it takes. */
final class BenchmarkOptions {

  private BenchmarkOptions() {}

  /**
   * {@code args} as name-value pairs; prints {@code usage} and exits with 2 when they do not pair
   * up or name an option outside {@code allowed}.
   */
  static Map<String, String> parse(String[] args, Set<String> allowed, String usage) {
    return parse(args, allowed, Set.of(), usage);
  }

  /**
   * {@code args} as name-value pairs of the names in {@code valued} and single names in
   * {@code flags} (mapped to {@code "true"}, e.g. {@code --quick}); prints {@code usage} and exits
   * with 2 on any other name or a value missing at the end.
   */
  static Map<String, String> parse(String[] args, Set<String> valued, Set<String> flags, String usage) {
    Map<String, String> options = new TreeMap<>();
    for (int i = 0; i < args.length; i++) {
      if (flags.contains(args[i])) {
        options.put(args[i], "true");
      } else if (valued.contains(args[i]) && i + 1 < args.length) {
        options.put(args[i], args[++i]);
      } else {
        System.err.println("usage: " + usage);
        System.exit(2);
      }
    }
    return options;
  }
}
