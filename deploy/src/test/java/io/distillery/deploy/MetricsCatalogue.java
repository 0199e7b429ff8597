package io.distillery.deploy;

import java.io.IOException;
import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * deploy/metrics-catalogue.txt: {@code <name> <services> <status>} per line, {@code #} comments.
 * Each service's own MetricsCatalogueTest checks its {@code required} lines against a live scrape.
 */
record MetricsCatalogue(Map<String, Entry> entries) {

  static final List<String> STATUSES = List.of("required", "pending", "scrape");

  /** One catalogue line. */
  record Entry(String name, List<String> services, String status) {}

  static MetricsCatalogue load() throws IOException {
    Map<String, Entry> entries = new LinkedHashMap<>();
    int lineNo = 0;
    for (String raw :
        Files.readAllLines(RepositoryLayout.deploy().resolve("metrics-catalogue.txt"))) {
      lineNo++;
      String line = raw.replaceFirst("#.*", "").trim();
      if (line.isEmpty()) {
        continue;
      }
      String[] f = line.split("\\s+");
      if (f.length != 3 || !STATUSES.contains(f[2])) {
        throw new IllegalStateException(
            "metrics-catalogue.txt:" + lineNo + ": expected <name> <services> <status>: " + raw);
      }
      if (entries.put(f[0], new Entry(f[0], List.of(f[1].split(",")), f[2])) != null) {
        throw new IllegalStateException("metrics-catalogue.txt:" + lineNo + ": duplicate " + f[0]);
      }
    }
    return new MetricsCatalogue(entries);
  }
}
