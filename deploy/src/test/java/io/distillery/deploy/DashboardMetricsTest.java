package io.distillery.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every metric a Grafana dashboard queries (panel targets and template-variable queries) is in
 * deploy/metrics-catalogue.txt, i.e. exported by a service (checked live by the services' own
 * MetricsCatalogueTest) or marked pending; and the dashboards use the provisioned datasource.
 */
class DashboardMetricsTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern LABEL_VALUES = Pattern.compile("label_values\\((.*),\\s*\\w+\\)");

  @Test
  void everyQueriedMetricIsInTheCatalogue() throws Exception {
    MetricsCatalogue catalogue = MetricsCatalogue.load();
    Map<String, Set<String>> usedBy = new TreeMap<>();
    List<Path> dashboards = dashboards();
    assertThat(dashboards)
        .extracting(p -> p.getFileName().toString())
        .containsExactlyInAnyOrder("inference.json", "pipeline.json", "training.json");
    for (Path file : dashboards) {
      List<String> exprs = queries(JSON.readTree(file.toFile()));
      assertThat(exprs).as(file + " queries").isNotEmpty();
      for (String expr : exprs) {
        Set<String> names = PromQlMetricNames.of(expr);
        assertThat(names).as("metric in " + expr).isNotEmpty();
        names.forEach(
            n ->
                usedBy.computeIfAbsent(n, k -> new TreeSet<>()).add(file.getFileName().toString()));
      }
    }
    assertThat(catalogue.entries().keySet())
        .as("metrics queried by the dashboards but missing from metrics-catalogue.txt")
        .containsAll(usedBy.keySet());

    Set<String> pending = new TreeSet<>();
    usedBy.keySet().stream()
        .filter(n -> catalogue.entries().get(n).status().equals("pending"))
        .forEach(pending::add);
    // Reported, not failed: application metrics other modules are adding (see the catalogue).
    System.out.println("dashboard metrics pending in the services: " + pending);
    assertThat(usedBy.keySet())
        .as("each dashboard charts at least one metric exported today")
        .anyMatch(n -> catalogue.entries().get(n).status().equals("required"));
    for (Path file : dashboards) {
      String name = file.getFileName().toString();
      assertThat(usedBy.entrySet())
          .as(name + " uses a required metric")
          .anyMatch(
              e ->
                  e.getValue().contains(name)
                      && catalogue.entries().get(e.getKey()).status().equals("required"));
    }
  }

  @Test
  void dashboardsUseTheProvisionedDatasourceAndUniqueIds() throws Exception {
    String provisioned =
        Files.readString(
            RepositoryLayout.deploy().resolve("grafana/provisioning/datasources/prometheus.yml"));
    Set<String> uids = new TreeSet<>();
    for (Path file : dashboards()) {
      JsonNode dashboard = JSON.readTree(file.toFile());
      assertThat(uids.add(dashboard.get("uid").asText())).as("unique uid " + file).isTrue();
      Set<Integer> panelIds = new TreeSet<>();
      for (JsonNode panel : dashboard.get("panels")) {
        assertThat(panelIds.add(panel.get("id").asInt())).as("unique panel id in " + file).isTrue();
        String uid = panel.get("datasource").get("uid").asText();
        assertThat(provisioned).as(file + " datasource").contains("uid: " + uid);
      }
    }
  }

  @Test
  void extractsMetricNamesFromPromQl() {
    assertThat(
            PromQlMetricNames.of(
                "histogram_quantile(0.95, sum by (le, model) (rate(a_seconds_bucket{model=~\"x|y\"}[$__rate_interval])))"))
        .containsExactly("a_seconds_bucket");
    assertThat(
            PromQlMetricNames.of(
                "sum(rate(a_sum[5m])) / on (job) group_left (x) sum(b_count) * 60"))
        .containsExactly("a_sum", "b_count");
    assertThat(PromQlMetricNames.of("max by (topic) (c{topic=~\".*\\\\.dlq\"}) unless d offset 1h"))
        .containsExactly("c", "d");
    assertThat(PromQlMetricNames.of("up == 1 and 1e3 > bool 2")).containsExactly("up");
  }

  private static List<Path> dashboards() throws Exception {
    try (Stream<Path> files = Files.list(RepositoryLayout.deploy().resolve("grafana/dashboards"))) {
      return files.filter(p -> p.toString().endsWith(".json")).sorted().toList();
    }
  }

  /** Panel target expressions (rows included) and the metric part of template queries. */
  private static List<String> queries(JsonNode dashboard) {
    List<String> out = new ArrayList<>();
    for (JsonNode expr : dashboard.findValues("expr")) {
      out.add(expr.asText());
    }
    for (JsonNode variable : dashboard.path("templating").path("list")) {
      if ("query".equals(variable.path("type").asText())) {
        JsonNode query = variable.get("query");
        String text = query.isObject() ? query.path("query").asText() : query.asText();
        Matcher m = LABEL_VALUES.matcher(text);
        out.add(m.matches() ? m.group(1) : text);
      }
    }
    return out;
  }
}
