package io.distillery.segml.training;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import io.distillery.segml.distillation.LossTerms;
import io.distillery.segml.distillation.MsKdLoss;
import io.distillery.segml.engine.EngineThreads;
import io.distillery.segml.losses.FeatureAdaptor;
import io.distillery.segml.losses.KdLoss;
import io.distillery.segml.networks.LiteUNet3d;
import io.distillery.segml.networks.NetworkOutput;
import io.distillery.segml.networks.SegmentationNetwork;
import io.distillery.segml.networks.UNet3d;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Overfit tests of the whole distillation path on the 32³ {@link OverfitVolume}: a small teacher
 * ({@link UNet3d}, base 8, depth 3) learns the volume with Dice + CE, then a small student ({@link
 * LiteUNet3d}, base 8, depth 3) learns it from the teachers alone — never from the labels — with
 * vanilla KD ({@link KdLoss}, Hinton 2015) or with MS-KD from two binary teachers ({@link
 * MsKdLoss}, Feng et al. 2021, logit and feature terms with trainable {@link FeatureAdaptor}s).
 * Every model must reach hard Dice &gt; 0.9 against the ground truth. Fixed seeds; training stops
 * early once a model is well past the bar.
 */
class DistillationOverfitTest {

  private static final int[] DHW = OverfitVolume.DHW;
  private static final Shape IMAGE = new Shape(1, 1, DHW[0], DHW[1], DHW[2]);
  private static final double BAR = 0.9;
  private static final double STOP = 0.95;
  private static final int EVERY = 10;
  private static final float TEACHER_LR = 1e-2f;
  private static final float STUDENT_LR = 3e-3f;
  private static final int TEACHER_STEPS = 100;
  private static final int STUDENT_STEPS = 200;
  private static final float KD_TEMPERATURE = 1f;

  /** The distilled feature map: half resolution, 2·base channels. */
  private static final String TAP = "decoder.0";

  private static final OverfitVolume VOLUME = new OverfitVolume(42);

  @BeforeAll
  static void engine() {
    EngineThreads.configure(2);
  }

  /**
   * Heavy and flaky: passed once here (student Dice 0.9218 at step 200) and turned NaN at step 30
   * in an identical second run (same seeds; CPU reductions are not bit-reproducible), see the
   * README.
   */
  @Test
  @Tag("heavy")
  void teacherAndVanillaKdStudentReachDiceAboveNinetyPercent() {
    try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
      Engine.getEngine("PyTorch").setRandomSeed(3);
      UNet3d teacher = UNet3d.builder().setOutChannels(3).optBaseWidth(8).optDepth(3).build();
      teacher.initialize(manager, DataType.FLOAT32, IMAGE);
      trainTeacher(manager, teacher, VOLUME.labels, "teacher");
      float[] teacherLogits = infer(manager, teacher, Set.of()).logits;

      LiteUNet3d student = student(manager, 3);
      TrainingStep trainer = new TrainingStep(student, manager, STUDENT_LR);
      KdLoss kd = new KdLoss(KD_TEMPERATURE);
      double dice =
          train(
              manager,
              student,
              trainer,
              step -> {
                NDArray s = trainer.forward(image(step), 0, Set.of()).logits();
                NDArray t = step.create(teacherLogits, s.getShape());
                return LossTerms.of("kd", kd.fromLogits(s, t));
              },
              logits -> OverfitVolume.meanForegroundDice(logits, VOLUME.labels, 3),
              "KD student");
      assertThat(dice).isGreaterThan(BAR);
    }
  }

  @Test
  @Tag("heavy")
  void msKdStudentFromTwoBinaryTeachersReachesDiceAboveNinetyPercentOnBothStructures() {
    try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
      Engine.getEngine("PyTorch").setRandomSeed(3);
      TeacherOutputs[] teachers = new TeacherOutputs[2];
      for (int k = 0; k < 2; k++) {
        UNet3d teacher = UNet3d.builder().setOutChannels(2).optBaseWidth(8).optDepth(3).build();
        teacher.initialize(manager, DataType.FLOAT32, IMAGE);
        trainTeacher(manager, teacher, VOLUME.binary(k + 1), "binary teacher " + (k + 1));
        teachers[k] = infer(manager, teacher, Set.of(TAP));
      }
      float[] probabilities = foregroundProbabilities(teachers);

      LiteUNet3d student = student(manager, 3);
      int studentChannels = channelsOf(student, TAP);
      FeatureAdaptor[] adaptors = new FeatureAdaptor[2];
      for (int k = 0; k < 2; k++) {
        adaptors[k] = new FeatureAdaptor(studentChannels, (int) teachers[k].featureShape.get(1));
        adaptors[k].initialize(manager, DataType.FLOAT32, adaptors[k].exampleInputShape());
      }
      TrainingStep trainer = new TrainingStep(student, manager, STUDENT_LR, adaptors);
      MsKdLoss msKd = MsKdLoss.create();
      double[] perStructure = new double[2];
      train(
          manager,
          student,
          trainer,
          step -> {
            NetworkOutput out = trainer.forward(image(step), 0, Set.of(TAP));
            NDArray studentFeature = out.feature(TAP);
            List<NDArray> adapted =
                List.of(
                    adapt(adaptors[0], trainer, studentFeature),
                    adapt(adaptors[1], trainer, studentFeature));
            List<NDArray> teacherFeatures =
                List.of(
                    step.create(teachers[0].feature, teachers[0].featureShape),
                    step.create(teachers[1].feature, teachers[1].featureShape));
            NDArray p = step.create(probabilities, new Shape(1, 2, DHW[0], DHW[1], DHW[2]));
            return msKd.compute(out.logits(), p, adapted, teacherFeatures);
          },
          logits -> {
            int[] predicted = OverfitVolume.argmax(logits, 3);
            perStructure[0] = OverfitVolume.dice(predicted, VOLUME.labels, 1);
            perStructure[1] = OverfitVolume.dice(predicted, VOLUME.labels, 2);
            return Math.min(perStructure[0], perStructure[1]);
          },
          "MS-KD student");
      System.out.printf(
          "MS-KD student: Dice structure 1 %.4f, structure 2 %.4f%n",
          perStructure[0], perStructure[1]);
      assertThat(perStructure[0]).isGreaterThan(BAR);
      assertThat(perStructure[1]).isGreaterThan(BAR);
    }
  }

  private static LiteUNet3d student(NDManager manager, int classes) {
    LiteUNet3d student =
        LiteUNet3d.builder().setOutChannels(classes).optBaseWidth(8).optDepth(3).build();
    student.initialize(manager, DataType.FLOAT32, IMAGE);
    return student;
  }

  private static NDArray image(NDManager step) {
    return step.create(VOLUME.image, IMAGE);
  }

  private static NDArray adapt(FeatureAdaptor adaptor, TrainingStep trainer, NDArray feature) {
    return adaptor.forward(trainer.parameterStore(), new NDList(feature), true).singletonOrThrow();
  }

  /** Dice + CE on {@code labels} until the teacher is past {@link #STOP}; asserts the bar. */
  private static void trainTeacher(
      NDManager manager, SegmentationNetwork teacher, int[] labels, String name) {
    TrainingStep trainer = new TrainingStep(teacher, manager, TEACHER_LR);
    int classes = teacher.outChannels();
    double dice = 0;
    float first = Float.NaN;
    float last = Float.NaN;
    for (int step = 1; step <= TEACHER_STEPS && dice <= STOP; step++) {
      last = trainer.supervised(VOLUME.image, labels, 1, DHW);
      first = step == 1 ? last : first;
      if (step % EVERY == 0) {
        dice =
            OverfitVolume.meanForegroundDice(
                infer(manager, teacher, Set.of()).logits, labels, classes);
        System.out.printf("%s step %d: loss %.4f, Dice %.4f%n", name, step, last, dice);
      }
    }
    assertThat(last).isLessThan(first);
    assertThat(dice).as(name + " Dice").isGreaterThan(BAR);
  }

  /** Runs the objective until {@code score} of the student's logits is past {@link #STOP}. */
  private static double train(
      NDManager manager,
      SegmentationNetwork student,
      TrainingStep trainer,
      TrainingStep.Objective objective,
      Function<float[], Double> score,
      String name) {
    double value = 0;
    double firstLoss = Double.NaN;
    double lastLoss = Double.NaN;
    for (int step = 1; step <= STUDENT_STEPS && value <= STOP; step++) {
      lastLoss = trainer.run(objective).values().stream().mapToDouble(Double::doubleValue).sum();
      firstLoss = step == 1 ? lastLoss : firstLoss;
      if (step % EVERY == 0) {
        value = score.apply(infer(manager, student, Set.of()).logits);
        System.out.printf("%s step %d: loss %.4f, Dice %.4f%n", name, step, lastLoss, value);
      }
    }
    assertThat(lastLoss).isLessThan(firstLoss);
    return value;
  }

  private record TeacherOutputs(float[] logits, float[] feature, Shape featureShape) {}

  /** Inference-mode forward of the volume; logits C×D×H×W and the requested tap, if any. */
  private static TeacherOutputs infer(
      NDManager manager, SegmentationNetwork net, Set<String> taps) {
    try (NDManager step = manager.newSubManager()) {
      NetworkOutput out = net.forward(new ParameterStore(step, false), image(step), false, 0, taps);
      if (taps.isEmpty()) {
        return new TeacherOutputs(out.logits().toFloatArray(), null, null);
      }
      NDArray feature = out.feature(taps.iterator().next());
      return new TeacherOutputs(
          out.logits().toFloatArray(), feature.toFloatArray(), feature.getShape());
    }
  }

  /** Channel 1 of each binary teacher's softmax, stacked as 1×K×D×H×W. */
  private static float[] foregroundProbabilities(TeacherOutputs[] teachers) {
    int voxels = DHW[0] * DHW[1] * DHW[2];
    float[] out = new float[teachers.length * voxels];
    for (int k = 0; k < teachers.length; k++) {
      float[] z = teachers[k].logits;
      for (int v = 0; v < voxels; v++) {
        // softmax over (background, foreground) = sigmoid of the logit difference
        out[k * voxels + v] = (float) (1 / (1 + Math.exp(z[v] - z[voxels + v])));
      }
    }
    return out;
  }

  private static int channelsOf(SegmentationNetwork net, String tap) {
    return net.featureTaps().stream()
        .filter(t -> t.name().equals(tap))
        .findFirst()
        .orElseThrow()
        .channels();
  }
}
