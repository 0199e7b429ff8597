package io.distillery.segml.networks;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.distillery.segml.engine.DjlWindowPredictor;
import io.distillery.segml.engine.EngineThreads;
import io.distillery.segml.training.OverfitVolume;
import io.distillery.segml.training.TrainingStep;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The default teacher overfits the small synthetic volume of {@link OverfitVolume} with the real
 * Dice + CE loss. The small-teacher and student variants run in the default suite in {@code
 * training.DistillationOverfitTest}.
 */
class TeacherOverfitTest {

  /** The default teacher (1.4 M parameters, ~3 s per step here): heavy. */
  @Test
  @Tag("heavy")
  void defaultTeacherReachesDiceAboveNinetyPercent() {
    EngineThreads.configure(2);
    OverfitVolume volume = new OverfitVolume(42);
    int[] dhw = OverfitVolume.DHW;
    UNet3d teacher = UNet3d.builder().setOutChannels(3).build();
    try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
      ai.djl.engine.Engine.getEngine("PyTorch").setRandomSeed(3);
      teacher.initialize(manager, DataType.FLOAT32, new Shape(1, 1, dhw[0], dhw[1], dhw[2]));
      TrainingStep trainer = new TrainingStep(teacher, manager, 3e-3f);
      float first = trainer.supervised(volume.image, volume.labels, 1, dhw);
      float last = first;
      double dice = 0;
      try (DjlWindowPredictor predictor = new DjlWindowPredictor(teacher, 0)) {
        for (int step = 1; step <= 80 && dice <= 0.95; step++) {
          last = trainer.supervised(volume.image, volume.labels, 1, dhw);
          if (step % 10 == 0) {
            dice =
                OverfitVolume.meanForegroundDice(
                    predictor.predict(volume.image, 1, dhw), volume.labels, 3);
            System.out.printf("overfit step %d: loss %.4f, mean Dice %.4f%n", step, last, dice);
          }
        }
      }
      assertThat(last).isLessThan(first);
      assertThat(dice).isGreaterThan(0.9);
    }
  }
}
