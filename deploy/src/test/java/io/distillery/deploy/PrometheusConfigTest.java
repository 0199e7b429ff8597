package io.distillery.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.Reader;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/** deploy/prometheus/prometheus.yml scrapes every compose service at its port and /q/metrics. */
class PrometheusConfigTest {

  @Test
  @SuppressWarnings("unchecked")
  void scrapesEveryServiceAtQMetrics() throws Exception {
    Map<String, Object> config;
    try (Reader in =
        Files.newBufferedReader(RepositoryLayout.deploy().resolve("prometheus/prometheus.yml"))) {
      config = new Yaml().load(in);
    }
    List<String> targets = new ArrayList<>();
    for (Map<String, Object> job : (List<Map<String, Object>>) config.get("scrape_configs")) {
      if (!"/q/metrics".equals(job.get("metrics_path"))) {
        continue;
      }
      for (Map<String, Object> sc : (List<Map<String, Object>>) job.get("static_configs")) {
        targets.addAll((List<String>) sc.get("targets"));
      }
    }
    for (String service : RepositoryLayout.SERVICES) {
      assertThat(targets).contains(service + ":" + ServiceProperties.httpPort(service));
    }
  }
}
