package io.distillery.trainer.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.distillery.segml.distillation.LossTerms;
import io.distillery.segml.networks.SegmentationNetwork;
import io.distillery.segml.networks.UNet3d;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The mechanics of the training recipe on a tiny network: a wall-time budget planned from the
 * measured step time, the learning-rate warm-up, deep supervision and batch Dice in one step, and
 * the per-class diagnostics of the training patches.
 */
class RecipeMechanicsTest {
  private static final int[] SHAPE = {12, 12, 12};
  private static final int[] PATCH = {8, 8, 8};
  private static final List<String> CLASSES = List.of("background", "organ");

  @Test
  void aTimedRunPlansItsStepsFromTheMeasuredStepTime() {
    try (NDManager manager = NDManager.newBaseManager()) {
      Engine.getInstance().setRandomSeed(5);
      Objective objective = Objectives.supervised(net(manager, true), 1, 1, true, CLASSES);
      Trainer trainer = new Trainer(objective, manager, 1e-3f, 0.9, 0f, 3);
      Recorder recorder = new Recorder();
      long cap = 1_000_000;
      try (BatchSource source = new BatchSource(groups(), PATCH, 0.5, 0, 3, null, CLASSES)) {
        trainer.run(source, 0, cap, 10, 5, 1_000_000, 2.0, recorder);
      } finally {
        trainer.close();
      }
      assertThat(recorder.planned).isNotEmpty();
      long planned = recorder.planned.get(recorder.planned.size() - 1);
      assertThat(planned).isGreaterThanOrEqualTo(Trainer.CALIBRATION_STEPS).isLessThan(cap);
      // The run stopped at the plan and its last report is the planned step.
      assertThat(recorder.steps.get(recorder.steps.size() - 1)).isEqualTo(planned);
      assertThat(recorder.stepSeconds.get(0)).isPositive();
    }
  }

  /**
   * A plan made while the steps were slow (here: the first steps sleep, as when another process
   * holds the CPU during the calibration) is corrected once they are fast: the total grows at the
   * re-plans and the run ends at the last plan.
   */
  @Test
  void aPlanMadeDuringSlowStepsGrowsWhenTheStepsGetFaster() {
    try (NDManager manager = NDManager.newBaseManager()) {
      Engine.getInstance().setRandomSeed(5);
      Objective fast = Objectives.supervised(net(manager, false), 1, 1, true, CLASSES);
      Objective slowStart =
          new Objective() {
            @Override
            public List<SegmentationNetwork> networks() {
              return fast.networks();
            }

            @Override
            public LossTerms compute(NDManager m, BatchSource source, long step, double epoch) {
              if (step < Trainer.CALIBRATION_STEPS) {
                try {
                  Thread.sleep(150);
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              }
              return fast.compute(m, source, step, epoch);
            }
          };
      Trainer trainer = new Trainer(slowStart, manager, 1e-3f, 0.9, 0f, 3);
      Recorder recorder = new Recorder();
      try (BatchSource source = new BatchSource(groups(), PATCH, 0.5, 0, 3, null, CLASSES)) {
        trainer.run(source, 0, 1_000_000, 10, 5, 1_000_000, 6.0, recorder);
      } finally {
        trainer.close();
      }
      assertThat(recorder.planned).hasSizeGreaterThan(1);
      long first = recorder.planned.get(0);
      long last = recorder.planned.get(recorder.planned.size() - 1);
      assertThat(last).isGreaterThan(first);
      assertThat(recorder.steps.get(recorder.steps.size() - 1)).isEqualTo(last);
    }
  }

  @Test
  void theLearningRateWarmsUpLinearlyThenDecays() {
    try (NDManager manager = NDManager.newBaseManager()) {
      Objective objective = Objectives.supervised(net(manager, false), 1, 1, false, CLASSES);
      Trainer trainer = new Trainer(objective, manager, 1e-2f, 1.0, 0f, 4);
      assertThat(trainer.learningRate(0, 100)).isCloseTo(1e-2f * 0.25f, within(1e-7f));
      assertThat(trainer.learningRate(3, 100)).isCloseTo(1e-2f * 0.97f, within(1e-7f));
      assertThat(trainer.learningRate(50, 100)).isCloseTo(1e-2f * 0.5f, within(1e-7f));
      Trainer none = new Trainer(objective, manager, 1e-2f, 1.0, 0f, 0);
      assertThat(none.learningRate(0, 100)).isCloseTo(1e-2f, within(1e-7f));
      trainer.close();
      none.close();
    }
  }

  @Test
  void deepSupervisionAndBatchDiceTrainAndTheDiagnosticsDescribeThePatches() {
    try (NDManager manager = NDManager.newBaseManager()) {
      Engine.getInstance().setRandomSeed(5);
      Objective objective = Objectives.supervised(net(manager, true), 2, 1, true, CLASSES);
      Trainer trainer = new Trainer(objective, manager, 1e-2f, 0.9, 0f, 0);
      Recorder recorder = new Recorder();
      try (BatchSource source = new BatchSource(groups(), PATCH, 1.0, 0, 3, null, CLASSES)) {
        trainer.run(source, 0, 6, 3, 3, 100, recorder);
      } finally {
        trainer.close();
      }
      Map<String, Double> last = recorder.losses.get(recorder.losses.size() - 1);
      assertThat(last.get("supervised")).isFinite().isPositive();
      assertThat(last.get("train.voxels.organ")).isBetween(0.0, 1.0);
      assertThat(last).containsKeys("train.dice.organ", "train.softmax.organ");
      assertThat(last.get("train.softmax.organ")).isBetween(0.0, 1.0);
    }
  }

  /** One case: the organ is the cube [3, 9)³ of a 12³ volume, brighter than the rest. */
  private static List<SampleGroup> groups() {
    int n = SHAPE[0] * SHAPE[1] * SHAPE[2];
    float[] image = new float[n];
    short[] labels = new short[n];
    for (int z = 0; z < 12; z++) {
      for (int y = 0; y < 12; y++) {
        for (int x = 0; x < 12; x++) {
          boolean inside = z >= 3 && z < 9 && y >= 3 && y < 9 && x >= 3 && x < 9;
          int i = (z * 12 + y) * 12 + x;
          image[i] = inside ? 1f : -1f;
          labels[i] = (short) (inside ? 1 : 0);
        }
      }
    }
    PreparedCase c =
        new PreparedCase(
            "cube", "CT", image, labels, new int[] {1}, null, 0, SHAPE, new double[] {1, 1, 1});
    return List.of(new SampleGroup("g", List.of(c), new int[] {1}, 0));
  }

  private static SegmentationNetwork net(NDManager manager, boolean deepSupervision) {
    SegmentationNetwork net =
        UNet3d.builder()
            .setOutChannels(2)
            .optBaseWidth(8)
            .optDepth(3)
            .optDeepSupervision(deepSupervision)
            .build();
    net.initialize(manager, DataType.FLOAT32, new Shape(1, 1, 4, 4, 4));
    return net;
  }

  private static final class Recorder implements TrainingListener {
    final List<Long> planned = new ArrayList<>();
    final List<Double> stepSeconds = new ArrayList<>();
    final List<Long> steps = new ArrayList<>();
    final List<Map<String, Double>> losses = new ArrayList<>();

    @Override
    public void planned(long totalSteps, double seconds) {
      planned.add(totalSteps);
      stepSeconds.add(seconds);
    }

    @Override
    public void progress(
        long step, int epoch, Map<String, Double> meanLosses, double seconds, double wait) {
      steps.add(step);
      losses.add(meanLosses);
    }

    @Override
    public void checkpoint(TrainingSnapshot snapshot) {}

    @Override
    public boolean cancelled() {
      return false;
    }
  }
}
