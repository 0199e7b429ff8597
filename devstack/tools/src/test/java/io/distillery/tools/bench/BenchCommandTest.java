package io.distillery.tools.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.distillery.tools.UsageException;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The quick sections of {@code bench} for real: event latency on a real broker, and the stack
 * section skipped with a clear line when no local stack runs. (The model and data sections run in
 * {@code ./distillery bench}; their figures are in docs/results.md.)
 */
class BenchCommandTest {

  @TempDir Path root;

  @Test
  void eventLatencyOnRealKafkaAndAClearSkipWithoutAStack() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Path dir = root.resolve("out");
    new BenchCommand(root)
        .run(
            new String[] {"--only", "events,stack", "--events", "20", "--out", dir.toString()},
            new PrintStream(out, true, StandardCharsets.UTF_8));
    assertThat(out.toString(StandardCharsets.UTF_8))
        .contains("p50 (ms)")
        .contains("skipped: no local stack");
    JsonNode json = new ObjectMapper().readTree(dir.resolve("bench.json").toFile());
    JsonNode events = json.path("sections").elements().next();
    assertThat(events.path("events").asInt()).isEqualTo(20);
    assertThat(events.path("p99Ms").asDouble())
        .isGreaterThanOrEqualTo(events.path("p50Ms").asDouble());
    assertThat(dir.resolve("bench.md")).content().contains("## bench");
  }

  @Test
  void unknownSectionsAreUsageErrors() {
    Assertions.assertThatThrownBy(
            () ->
                new BenchCommand(root)
                    .run(
                        new String[] {"--only", "gpu"},
                        new PrintStream(new ByteArrayOutputStream())))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("models, codec, nifti, events, stack");
  }
}
