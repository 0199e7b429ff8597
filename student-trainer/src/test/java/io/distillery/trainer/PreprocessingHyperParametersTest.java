package io.distillery.trainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/**
 * Hyper-parameters of a job's preprocessing: the CT normalisation {@code (clip(v, ctWindowLow,
 * ctWindowHigh) − ctMean) / ctStd}, where an absent mean and std follow the window (its centre and
 * half width), and the flip probability of the patch augmentation.
 */
class PreprocessingHyperParametersTest {

  private static JobSpec teacher(String hyper) {
    return JobSpecParser.parse(
        """
        {"kind": "teacher", "classes": ["background", "liver"], "datasets": [{"id": "d"}],
         "hyperParameters": {%s}}
        """
            .formatted(hyper),
        false,
        "x");
  }

  @Test
  void meanAndStdFollowTheWindowUnlessGiven() {
    JobSpec defaults = teacher("");
    assertThat(defaults.hyper("ctMean")).isEqualTo(75.0);
    assertThat(defaults.hyper("ctStd")).isEqualTo(200.0);

    JobSpec window = teacher("\"ctWindowLow\": -50, \"ctWindowHigh\": 250");
    assertThat(window.hyper("ctMean")).isEqualTo(100.0);
    assertThat(window.hyper("ctStd")).isEqualTo(150.0);

    JobSpec given = teacher("\"ctMean\": 100, \"ctStd\": 50");
    assertThat(given.hyper("ctWindowLow")).isEqualTo(-125.0);
    assertThat(given.hyper("ctMean")).isEqualTo(100.0);
    assertThat(given.hyper("ctStd")).isEqualTo(50.0);
    // The resolved spec (stored with the job) carries the values used.
    assertThat(JobSpecParser.fromTree(given.resolved(), "x").hyper("ctStd")).isEqualTo(50.0);
  }

  @Test
  void flipsAreOffByDefaultAndMayBeTurnedOn() {
    assertThat(teacher("").hyper("flipProbability")).isEqualTo(0.0);
    assertThat(teacher("\"flipProbability\": 0.5").hyper("flipProbability")).isEqualTo(0.5);
    assertThatThrownBy(() -> teacher("\"flipProbability\": 1.5"))
        .isInstanceOf(InvalidJobSpecException.class)
        .hasMessageContaining("flipProbability must be in [0, 1]");
  }

  @Test
  void teacherJobsDefaultToTheRecipeAndTakeAWallTimeBudget() {
    JobSpec t = teacher("");
    assertThat(t.hyper("deepSupervision")).isEqualTo(1.0);
    assertThat(t.hyper("batchDice")).isEqualTo(1.0);
    assertThat(t.hyper("foregroundFraction")).isEqualTo(0.5);
    assertThat(t.budget().timed()).isFalse();
    JobSpec off = teacher("\"deepSupervision\": false, \"batchDice\": false");
    assertThat(off.hyper("deepSupervision")).isEqualTo(0.0);
    assertThat(off.hyper("batchDice")).isEqualTo(0.0);

    JobSpec timed =
        JobSpecParser.parse(
            "{\"kind\": \"teacher\", \"classes\": [\"background\", \"liver\"],"
                + " \"datasets\": [{\"id\": \"btcv-liver\"}], \"budget\": {\"minutes\": 2.5}}",
            false,
            "t");
    assertThat(timed.budget().timed()).isTrue();
    assertThat(timed.budget().minutes()).isEqualTo(2.5);
    assertThat(timed.budget().steps()).isEqualTo(100_000);
    assertThat(timed.resolved().path("budget").path("minutes").asDouble()).isEqualTo(2.5);
    assertThatThrownBy(
            () ->
                JobSpecParser.parse(
                    "{\"kind\": \"teacher\", \"classes\": [\"background\", \"liver\"],"
                        + " \"datasets\": [{\"id\": \"btcv-liver\"}],"
                        + " \"budget\": {\"minutes\": -1}}",
                    false,
                    "t"))
        .isInstanceOf(InvalidJobSpecException.class)
        .hasMessageContaining("budget.minutes must be a number of minutes in (0, 10080]");
  }

  @Test
  void anEmptyWindowOrANonPositiveStdIsRefused() {
    assertThatThrownBy(() -> teacher("\"ctStd\": 0"))
        .isInstanceOf(InvalidJobSpecException.class)
        .hasMessageContaining("ctStd must be > 0");
    assertThatThrownBy(() -> teacher("\"ctWindowLow\": 300"))
        .isInstanceOf(InvalidJobSpecException.class)
        .hasMessageContaining("ctWindowLow must be below ctWindowHigh");
  }

  @Test
  void networksNarrowerThanEightAreRefusedForTraining() {
    assertThatThrownBy(
            () ->
                JobSpecParser.parse(
                    """
                    {"kind": "teacher", "classes": ["background", "liver"], "datasets": [{"id": "d"}],
                     "network": {"name": "UNet3d", "baseWidth": 4, "depth": 3}}
                    """,
                    false,
                    "x"))
        .isInstanceOf(InvalidJobSpecException.class)
        .hasMessageContaining("network.baseWidth must be at least 8 for training, was 4");
  }
}
