package io.distillery.trainer.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import io.distillery.segml.distillation.LossTerms;
import io.distillery.segml.networks.NetworkOutput;
import io.distillery.segml.networks.SegmentationNetwork;
import io.distillery.segml.networks.UNet3d;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The multi-organ student's objective (MS-KD from stored teacher outputs) on a small known case:
 * deep supervision on its partial-label term, its per-class diagnostics, the optional soft Dice to
 * the teachers, and partial labels completed by the teachers (pseudo-labels).
 */
class StudentObjectiveTest {
  private static final int[] SHAPE = {16, 16, 16};
  private static final int[] PATCH = {16, 16, 16};
  private static final List<String> CLASSES = List.of("background", "liver", "spleen");

  /**
   * A case whose dataset labels the liver only (a cube at 4..9), with two teachers' foreground
   * maps: the liver teacher 0.9 on exactly the labelled cube, the spleen teacher 0.9 on a second
   * cube at 11..14, both 0.05 elsewhere.
   */
  private static PreparedCase liverCase() {
    int n = SHAPE[0] * SHAPE[1] * SHAPE[2];
    float[] image = new float[n];
    short[] labels = new short[n];
    float[] soft = new float[2 * n];
    for (int z = 0, i = 0; z < SHAPE[0]; z++) {
      for (int y = 0; y < SHAPE[1]; y++) {
        for (int x = 0; x < SHAPE[2]; x++, i++) {
          boolean liver = inCube(z, y, x, 4, 10);
          boolean spleen = inCube(z, y, x, 11, 15);
          image[i] = liver ? 1f : spleen ? 0.5f : -1f;
          labels[i] = (short) (liver ? 1 : 0);
          soft[i] = liver ? 0.9f : 0.05f;
          soft[n + i] = spleen ? 0.9f : 0.05f;
        }
      }
    }
    return new PreparedCase(
        "liver-case", "CT", image, labels, new int[] {1}, soft, 2, SHAPE.clone(), new double[3]);
  }

  private static boolean inCube(int z, int y, int x, int from, int to) {
    return z >= from && z < to && y >= from && y < to && x >= from && x < to;
  }

  private static SegmentationNetwork student(NDManager manager, boolean deepSupervision) {
    SegmentationNetwork net =
        UNet3d.builder()
            .setOutChannels(3)
            .optBaseWidth(8)
            .optDepth(3)
            .optDeepSupervision(deepSupervision)
            .build();
    net.initialize(manager, DataType.FLOAT32, new Shape(1, 1, 4, 4, 4));
    return net;
  }

  private static Map<String, Double> hyper(double teacherDiceWeight) {
    return hyper(teacherDiceWeight, false);
  }

  private static Map<String, Double> hyper(double teacherDiceWeight, boolean pseudoLabels) {
    return Map.of(
        "pseudoLabels",
        pseudoLabels ? 1.0 : 0.0,
        "temperature",
        1.0,
        "featureWeight",
        0.1,
        "partialLabelWeight",
        1.0,
        "teacherDiceWeight",
        teacherDiceWeight);
  }

  private static BatchSource source() {
    List<SampleGroup> groups =
        List.of(new SampleGroup("btcv-liver", List.of(liverCase()), new int[] {1}, 0));
    return new BatchSource(groups, PATCH, 1.0, 0, 3, null);
  }

  @Test
  void thePartialLabelTermWeighsEachDeepSupervisionHeadByHalfPerHalving() {
    try (NDManager manager = NDManager.newBaseManager();
        BatchSource source = source()) {
      Engine.getInstance().setRandomSeed(3);
      SegmentationNetwork net = student(manager, true);
      Batch batch = Batch.take(manager, source, new int[] {0});
      NetworkOutput out =
          net.forward(new ParameterStore(manager, false), batch.image(), true, 0, Set.of());
      assertThat(out.deepSupervision()).hasSize(1);
      SupervisedTerms terms = new SupervisedTerms(3);

      float full = terms.compute(manager, out.logits(), batch, source).getFloat();
      float half =
          terms.compute(manager, out.deepSupervision().get(0), batch, source, 2).getFloat();
      float combined = terms.withDeepSupervision(manager, out, batch, source).getFloat();

      assertThat(half).as("the head at 1/2 is scored on its own").isNotEqualTo(full);
      assertThat(combined).isCloseTo((full + 0.5f * half) / 1.5f, within(1e-5f));
    }
  }

  @Test
  void theStudentReportsItsClassesAndWhatItsTeachersSayOnTheLabelledPatch() {
    try (NDManager manager = NDManager.newBaseManager();
        BatchSource source = source()) {
      Engine.getInstance().setRandomSeed(3);
      Objective objective =
          Objectives.msKd(
              student(manager, true), 1, 1, hyper(0)::get, manager, new int[0], CLASSES);

      LossTerms terms = objective.compute(manager, source, 0, 0);

      assertThat(terms.values()).containsKeys("logit", "partial").doesNotContainKey("teacherDice");
      Map<String, Double> d = terms.diagnostics();
      // The dataset labels the liver only: no spleen Dice from the labels, but the spleen
      // teacher's map is reported.
      assertThat(d).containsKeys("train.dice.liver", "train.softmax.liver", "train.voxels.liver");
      assertThat(d).doesNotContainKeys("train.dice.spleen", "train.softmax.spleen");
      assertThat(d.get("train.teacher.dice.liver")).isEqualTo(1.0);
      assertThat(d).doesNotContainKey("train.teacher.dice.spleen");
      assertThat(d.get("train.teacher.voxels.spleen")).isGreaterThan(0.0).isLessThan(0.1);
    }
  }

  @Test
  void theSoftDiceToTheTeachersIsATermOfItsOwnWhenWeighted() {
    try (NDManager manager = NDManager.newBaseManager();
        BatchSource source = source()) {
      Engine.getInstance().setRandomSeed(3);
      Objective objective =
          Objectives.msKd(
              student(manager, false), 1, 1, hyper(1)::get, manager, new int[0], CLASSES);

      LossTerms terms = objective.compute(manager, source, 0, 0);

      double teacherDice = terms.values().get("teacherDice");
      assertThat(teacherDice).isGreaterThan(0).isLessThan(1);
      double sum = terms.values().get("logit") + terms.values().get("partial") + teacherDice;
      NDArray total = terms.total();
      assertThat((double) total.getFloat()).isCloseTo(sum, within(1e-4));
    }
  }

  @Test
  void pseudoLabelsKeepTheDatasetsOwnLabelsAndTakeTheOtherOrgansFromTheirTeachers() {
    try (NDManager manager = NDManager.newBaseManager();
        BatchSource source = source()) {
      Batch batch = Batch.take(manager, source, new int[] {0});

      int[] completed = PseudoLabels.complete(manager, batch, source, 3).toIntArray();

      // Labelled liver voxels stay liver, the spleen teacher's voxels (0.9 > 0.5) become spleen,
      // everything else (both teachers at 0.05) background. The patch is centred on an organ
      // voxel, so it may cut a cube: compare voxel by voxel with what the batch carries.
      short[] truth = batch.labels().get(0);
      float[] spleenTeacher = batch.softLabels().get("0, 1").toFloatArray();
      int[] counts = new int[3];
      for (int i = 0; i < completed.length; i++) {
        int expected = truth[i] == 1 ? 1 : spleenTeacher[i] > 0.5f ? 2 : 0;
        assertThat(completed[i]).as("voxel %d", i).isEqualTo(expected);
        counts[completed[i]]++;
      }
      assertThat(counts[1]).as("liver voxels in the patch").isPositive();
      assertThat(counts[2]).as("spleen voxels taken from the teacher").isPositive();
    }
  }

  @Test
  void withPseudoLabelsTheStudentIsScoredOnCompletedLabelsInsteadOfTheMarginalLoss() {
    try (NDManager manager = NDManager.newBaseManager();
        BatchSource source = source()) {
      Engine.getInstance().setRandomSeed(3);
      Objective objective =
          Objectives.msKd(
              student(manager, true), 1, 1, hyper(0, true)::get, manager, new int[0], CLASSES);

      LossTerms terms = objective.compute(manager, source, 0, 0);

      assertThat(terms.values()).containsKeys("logit", "pseudo").doesNotContainKey("partial");
      double sum = terms.values().get("logit") + terms.values().get("pseudo");
      assertThat((double) terms.total().getFloat()).isCloseTo(sum, within(1e-4));
      assertThat(terms.diagnostics()).containsKey("train.dice.liver");
    }
  }

  @Test
  void aPseudoLabelJobCentresPatchesOnTheOrgansItsTeachersSeeToo() {
    short[] sampling = PseudoLabels.ofCase(liverCase(), 3);

    int[] counts = new int[3];
    for (short label : sampling) {
      counts[label]++;
    }
    // The liver cube 6³ from the labels, the spleen cube 4³ from the spleen teacher.
    assertThat(counts).containsExactly(16 * 16 * 16 - 216 - 64, 216, 64);
  }
}
