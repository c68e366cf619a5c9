package io.plantstream.app.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The provisioned Grafana dashboard ({@code deploy/grafana/dashboards/plantstream-sites.json}) and its queries. */
final class GrafanaDashboard {

  /** Where the dashboard lives in the repository. */
  static final String FILE = "deploy/grafana/dashboards/plantstream-sites.json";

  /** A metric name of the application in a PromQL expression: plantstream's own or an exported Kafka one. */
  private static final Pattern METRIC = Pattern.compile("\\b((?:plantstream|kafka)_[a-zA-Z0-9_:]+)");

  private final JsonNode json;

  private GrafanaDashboard(JsonNode json) {
    this.json = json;
  }

  /** The dashboard of the repository, parsed. */
  static GrafanaDashboard load() {
    try {
      return new GrafanaDashboard(new ObjectMapper().readTree(RepositoryFiles.text(FILE)));
    } catch (IOException e) {
      throw new UncheckedIOException(FILE + " is not JSON", e);
    }
  }

  /** The dashboard as JSON. */
  JsonNode json() {
    return json;
  }

  /** The panels that show data (rows left out), nested ones included. */
  List<JsonNode> panels() {
    List<JsonNode> panels = new ArrayList<>();
    collect(json.path("panels"), panels);
    return panels;
  }

  /** Every PromQL expression of every panel. */
  List<String> expressions() {
    List<String> expressions = new ArrayList<>();
    for (JsonNode panel : panels()) {
      panel.path("targets").forEach(target -> expressions.add(target.path("expr").asText()));
    }
    return expressions;
  }

  /** The application metric names that the queries read. */
  Set<String> metricNames() {
    Set<String> names = new TreeSet<>();
    expressions().forEach(expression -> names.addAll(metricNames(expression)));
    return names;
  }

  /** The application metric names in one PromQL expression. */
  static Set<String> metricNames(String expression) {
    Set<String> names = new TreeSet<>();
    Matcher matcher = METRIC.matcher(expression);
    while (matcher.find()) {
      names.add(matcher.group(1));
    }
    return names;
  }

  private static void collect(JsonNode nodes, List<JsonNode> into) {
    for (JsonNode panel : nodes) {
      if (panel.path("type").asText().equals("row")) {
        collect(panel.path("panels"), into);
      } else {
        into.add(panel);
      }
    }
  }
}
