package io.distillery.devstack;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class MetricsCatalogueCheckTest {

  @Test
  void sampleNamesDropLabelsValuesAndComments() {
    String body =
        """
        # HELP distillery_dead_letters_total Records sent to a dead-letter topic
        # TYPE distillery_dead_letters_total counter
        distillery_dead_letters_total{topic="t"} 1.0
        process_uptime_seconds 12.5

        jvm_memory_used_bytes{area="heap",id="eden"} 3.0
        """;
    assertThat(MetricsCatalogueCheck.sampleNames(body))
        .containsExactly(
            "distillery_dead_letters_total", "jvm_memory_used_bytes", "process_uptime_seconds");
  }

  @Test
  void theRepositoryCatalogueParsesAndEveryServiceOwnsItsApplicationMetrics() throws Exception {
    List<MetricsCatalogueCheck.Entry> entries = MetricsCatalogueCheck.catalogue();
    for (String service :
        List.of("ingest-service", "teacher-service", "student-trainer", "inference-service")) {
      assertThat(entries)
          .filteredOn(e -> e.ownedBy(service))
          .extracting(MetricsCatalogueCheck.Entry::name)
          .contains("distillery_dead_letters_total", "jvm_memory_used_bytes");
    }
  }
}
