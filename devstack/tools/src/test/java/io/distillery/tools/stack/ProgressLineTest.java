package io.distillery.tools.stack;

import static org.assertj.core.api.Assertions.assertThat;

import io.distillery.contracts.events.TrainingProgressed;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The progress line of demo and eval --protocol, from hand-made events. */
class ProgressLineTest {

  private static TrainingProgressed event(Map<String, Double> losses, Double eta) {
    return new TrainingProgressed(
        "job-1", "RUNNING", 0, 40, 200, losses, null, null, eta, null, Instant.EPOCH);
  }

  @Test
  void totalLossAndEtaFollowTheStep() {
    Map<String, Double> losses = new LinkedHashMap<>();
    losses.put("kd", 0.25);
    losses.put("total", 0.123456);
    assertThat(ProgressLine.format("liver-teacher:", event(losses, 61.6)))
        .isEqualTo("liver-teacher: RUNNING step 40/200 loss 0.1235 eta 62 s");
  }

  @Test
  void thePrefixIsUsedAsGiven() {
    assertThat(ProgressLine.format("[kd]", event(Map.of("total", 1.0), null)))
        .isEqualTo("[kd] RUNNING step 40/200 loss 1.0000");
  }

  @Test
  void withoutATotalTheFirstLossIsShown() {
    Map<String, Double> losses = new LinkedHashMap<>();
    losses.put("dice", 0.5);
    losses.put("ce", 0.75);
    assertThat(ProgressLine.format("s", event(losses, null)))
        .isEqualTo("s RUNNING step 40/200 loss 0.5000");
  }

  @Test
  void noLossesAndNoEtaLeaveOnlyTheStep() {
    assertThat(ProgressLine.format("s:", event(null, null))).isEqualTo("s: RUNNING step 40/200");
    assertThat(ProgressLine.format("s:", event(Map.of(), null)))
        .isEqualTo("s: RUNNING step 40/200");
  }
}
