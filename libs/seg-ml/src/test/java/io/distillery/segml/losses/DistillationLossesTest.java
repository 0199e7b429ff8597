package io.distillery.segml.losses;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Partial-label, MS-KD (regions, logit-wise, feature-wise, adaptor), MSKD (FFD, RGD), prototype KL
 * and hard-Dice consistency on tiny tensors with hand-computed values. Four voxels laid out 1×1×4.
 */
class DistillationLossesTest {
  private static NDManager manager;

  @BeforeAll
  static void open() {
    manager = NDManager.newBaseManager();
  }

  @AfterAll
  static void close() {
    manager.close();
  }

  /** N=1, C = rows, 4 voxels: shape 1×C×1×1×4. */
  private static NDArray voxels(double[][] byChannel) {
    int c = byChannel.length;
    double[] flat = new double[c * 4];
    for (int i = 0; i < c; i++) {
      System.arraycopy(byChannel[i], 0, flat, 4 * i, 4);
    }
    return manager.create(flat, new Shape(1, c, 1, 1, 4));
  }

  private static double[] softmax(double... z) {
    double sum = 0;
    double[] p = new double[z.length];
    for (int i = 0; i < z.length; i++) {
      p[i] = Math.exp(z[i]);
      sum += p[i];
    }
    for (int i = 0; i < z.length; i++) {
      p[i] /= sum;
    }
    return p;
  }

  // Student with 4 classes (bg, liver, spleen, kidney), logits per class at four voxels.
  private static final double[][] STUDENT4 = {
    {1.0, 0.2, -0.3, 0.5}, {0.1, 1.4, 0.3, -0.2}, {-0.4, 0.3, 1.2, 0.0}, {0.6, -0.1, 0.2, 0.9}
  };

  @Test
  void partialLabelMergesUnlabelledClassesIntoBackground() {
    // A spleen-only case: spleen is student class 2; its label map is spleen at voxels 2 and 3.
    double[][] target = {{1, 1, 0, 0}, {0, 0, 1, 1}};
    double ce = 0;
    double inter = 0;
    double sumP = 0;
    for (int v = 0; v < 4; v++) {
      double[] p = softmax(STUDENT4[0][v], STUDENT4[1][v], STUDENT4[2][v], STUDENT4[3][v]);
      double spleen = p[2];
      double rest = p[0] + p[1] + p[3];
      ce -= (target[1][v] == 1 ? Math.log(spleen) : Math.log(rest)) / 4;
      inter += spleen * target[1][v];
      sumP += spleen;
    }
    double dice = 1 - (2 * inter + 1e-5) / (sumP + 2 + 1e-5);
    PartialLabelLoss loss = new PartialLabelLoss(4, new int[] {2});
    assertThat(loss.fromLogits(voxels(STUDENT4), voxels(target)).getDouble())
        .isCloseTo(dice + ce, within(1e-12));
  }

  @Test
  void partialLabelRejectsInvalidClasses() {
    assertThatThrownBy(() -> new PartialLabelLoss(4, new int[] {0}))
        .isInstanceOf(LossInputException.class);
    assertThatThrownBy(() -> new PartialLabelLoss(4, new int[] {2, 2}))
        .isInstanceOf(LossInputException.class);
  }

  // Two binary teachers at four voxels: O_1 = {0, 2} (voxel 2 claimed by both, p_1 larger),
  // O_2 = {1}, B = {3}.
  private static final double[][] TEACHERS = {{0.9, 0.2, 0.7, 0.3}, {0.1, 0.8, 0.6, 0.2}};
  private static final double[][] STUDENT3 = {
    {0.5, -0.2, 0.1, 1.0}, {1.5, 0.0, 0.7, -0.5}, {-0.3, 1.1, 0.9, 0.2}
  };

  @Test
  void msKdRegionsFollowTheLargerTeacherAndAgreedBackground() {
    NDArray regions = MsKdRegions.of(voxels(TEACHERS));
    assertThat(regions.toDoubleArray()).containsExactly(1, 0, 1, 1, 0, 1, 0, 1);
  }

  private static double binaryKl(double p, double q) {
    return p * Math.log(p / q) + (1 - p) * Math.log((1 - p) / (1 - q));
  }

  @Test
  void msKdLogitLossAveragesBinaryKlOverEachRegion() {
    int[][] region = {{0, 2, 3}, {1, 3}};
    double expected = 0;
    for (int k = 0; k < 2; k++) {
      double sum = 0;
      for (int v : region[k]) {
        double[] q = softmax(STUDENT3[0][v], STUDENT3[1][v], STUDENT3[2][v]);
        sum += binaryKl(TEACHERS[k][v], q[k + 1]);
      }
      expected += sum / region[k].length / 2;
    }
    double loss = MsKdLogitLoss.create().compute(voxels(STUDENT3), voxels(TEACHERS)).getDouble();
    assertThat(loss).isCloseTo(expected, within(1e-9));
  }

  @Test
  void msKdLogitLossSoftensBothSidesAtTemperature() {
    double tau = 2;
    int[][] region = {{0, 2, 3}, {1, 3}};
    double expected = 0;
    for (int k = 0; k < 2; k++) {
      double sum = 0;
      for (int v : region[k]) {
        double[] q = softmax(STUDENT3[0][v] / tau, STUDENT3[1][v] / tau, STUDENT3[2][v] / tau);
        double p = TEACHERS[k][v];
        double soft = 1 / (1 + Math.exp(-Math.log(p / (1 - p)) / tau));
        sum += binaryKl(soft, q[k + 1]);
      }
      expected += sum / region[k].length / 2;
    }
    double loss = new MsKdLogitLoss(2f).compute(voxels(STUDENT3), voxels(TEACHERS)).getDouble();
    assertThat(loss).isCloseTo(tau * tau * expected, within(1e-9));
  }

  @Test
  void msKdLogitGradientMatchesFiniteDifferences() {
    NDArray teachers = voxels(TEACHERS);
    GradientCheck.assertGradientMatches(
        manager,
        voxels(STUDENT3).toDoubleArray(),
        new Shape(1, 3, 1, 1, 4),
        z -> MsKdLogitLoss.create().compute(z, teachers),
        1e-7);
  }

  @Test
  void msKdFeatureLossIsSquaredDistanceOverRegions() {
    NDArray regions = MsKdRegions.of(voxels(TEACHERS));
    // Teacher 1 has 2 channels, teacher 2 has 1; adapted student features given directly.
    NDArray s1 = voxels(new double[][] {{1, 2, 3, 4}, {0, 0, 1, 1}});
    NDArray t1 = voxels(new double[][] {{1, 0, 3, 2}, {1, 0, 0, 1}});
    NDArray s2 = voxels(new double[][] {{1, 1, 1, 1}});
    NDArray t2 = voxels(new double[][] {{0, 3, 5, 1}});
    // teacher 1 over voxels {0,2,3}: (0+1) + (0+1) + (4+0) = 6 → 2; teacher 2 over {1,3}: 4+0 → 2.
    double loss =
        new MsKdFeatureLoss().compute(List.of(s1, s2), List.of(t1, t2), regions).getDouble();
    assertThat(loss).isCloseTo((2 + 2) / 2.0, within(1e-12));
  }

  /**
   * A job's adaptors live in the job's manager and run once per step in a step manager: nothing a
   * step computes may stay in the job's manager (it did, about 40 MB of native memory per step on
   * BTCV, until the machine ran out).
   */
  @Test
  void featureAdaptorLeavesNothingInTheParametersManager() {
    try (NDManager job = manager.newSubManager()) {
      FeatureAdaptor adaptor = new FeatureAdaptor(2, 3);
      adaptor.initialize(job, DataType.FLOAT32, adaptor.exampleInputShape());
      int before = job.getManagedArrays().size();
      for (int step = 0; step < 3; step++) {
        try (NDManager stepManager = job.newSubManager();
            GradientCollector collector = Engine.getInstance().newGradientCollector()) {
          NDArray in = stepManager.randomNormal(new Shape(2, 2, 4, 4, 4));
          NDArray out =
              adaptor
                  .forward(new ParameterStore(stepManager, false), new NDList(in), true)
                  .singletonOrThrow();
          assertThat(out.getShape()).isEqualTo(new Shape(2, 3, 4, 4, 4));
          collector.backward(out.sum());
        }
      }
      assertThat(job.getManagedArrays()).hasSize(before);
    }
  }

  @Test
  void featureAdaptorIsATrainableOneByOneConvolution() {
    try (NDManager sub = manager.newSubManager()) {
      FeatureAdaptor adaptor = new FeatureAdaptor(2, 1);
      adaptor.initialize(sub, DataType.FLOAT32, adaptor.exampleInputShape());
      adaptor.getParameters().get("weight").getArray().set(new float[] {2f, -1f});
      adaptor.getParameters().get("bias").getArray().set(new float[] {0.5f});
      NDArray features = sub.create(new float[] {1, 2, 3, 4, 1, 1, 1, 1}, new Shape(1, 2, 1, 2, 2));
      NDArray out;
      try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
        out = adaptor.forward(new ParameterStore(sub, false), new NDList(features), true).head();
        collector.backward(out.sum());
      }
      assertThat(out.getShape()).isEqualTo(new Shape(1, 1, 1, 2, 2));
      // The input keeps its shape (one student map feeds one adaptor per MS-KD teacher).
      assertThat(features.getShape()).isEqualTo(new Shape(1, 2, 1, 2, 2));
      assertThat(out.toFloatArray()).containsExactly(1.5f, 3.5f, 5.5f, 7.5f);
      // d Σ out / d w = Σ over voxels of each input channel; d / d b = voxel count.
      assertThat(adaptor.getParameters().get("weight").getArray().getGradient().toFloatArray())
          .containsExactly(10f, 4f);
      assertThat(adaptor.getParameters().get("bias").getArray().getGradient().toFloatArray())
          .containsExactly(4f);
    }
  }

  // Two classes by masks: class 0 = voxels {0,1}, class 1 = voxels {2,3}; class 2 absent.
  private static final double[][] MASKS = {{1, 1, 0, 0}, {0, 0, 1, 1}, {0, 0, 0, 0}};

  @Test
  void ffdComparesNormalisedAttentionPerRegion() {
    // Student attention mean_c F²: channels equal → {1,4,0,1}; teacher {4,1,1,0}.
    NDArray student = voxels(new double[][] {{1, 2, 0, 1}, {1, -2, 0, 1}});
    NDArray teacher = voxels(new double[][] {{2, 1, 1, 0}});
    // region 0: (1,4)/√17 vs (4,1)/√17 → 18/17; region 1: (0,1) vs (1,0) → 2; region 2 empty.
    double loss = new FfdLoss().compute(student, teacher, voxels(MASKS)).getDouble();
    assertThat(loss).isCloseTo(18.0 / 17 + 2, within(1e-9));
  }

  @Test
  void rgdComparesCosineGraphsOfPresentClasses() {
    // Student prototypes (1,0) and (0,1): orthogonal. Teacher (1,0) and (1,1): cos = 1/√2.
    NDArray student = voxels(new double[][] {{1, 1, 0, 0}, {0, 0, 1, 1}});
    NDArray teacher = voxels(new double[][] {{1, 1, 1, 1}, {0, 0, 1, 1}});
    double loss = new RgdLoss().compute(student, teacher, voxels(MASKS)).getDouble();
    // Present entries: 2×2; the two off-diagonal ones differ by 1/√2 → (0.5 + 0.5) / 4.
    assertThat(loss).isCloseTo(0.25, within(1e-9));
  }

  @Test
  void rgdGradientMatchesFiniteDifferences() {
    NDArray teacher = voxels(new double[][] {{1, 0.5, 1, 2}, {0, 0.3, 1, 1}, {0.2, 1, -1, 0}});
    double[] student = {0.4, 1.2, -0.3, 0.8, 1.0, 0.1, 0.6, -0.5};
    NDArray masks = voxels(new double[][] {{1, 1, 0, 0}, {0, 0, 1, 0}, {0, 0, 0, 1}});
    GradientCheck.assertGradientMatches(
        manager,
        student,
        new Shape(1, 2, 1, 1, 4),
        s -> new RgdLoss().compute(s, teacher, masks),
        1e-7);
  }

  @Test
  void prototypeKlIsSymmetricKlOfSoftenedClassMeans() {
    // CT: class 0 at voxels {0,1}, class 1 at {2,3}; MR: class 0 at {0}, class 1 at {1,2,3}.
    double[][] zCt = {{2, 0, -1, 1}, {0, 1, 3, 1}};
    double[][] zMr = {{1, 0, 0, 2}, {-1, 2, 1, 0}};
    double[][] yCt = {{1, 1, 0, 0}, {0, 0, 1, 1}};
    double[][] yMr = {{1, 0, 0, 0}, {0, 1, 1, 1}};
    double eps = 1e-6;
    double[][] protoCt = {{2 / (2 + eps), 1 / (2 + eps)}, {0 / (2 + eps), 4 / (2 + eps)}};
    double[][] protoMr = {{1 / (1 + eps), -1 / (1 + eps)}, {2 / (3 + eps), 3 / (3 + eps)}};
    double expected = 0;
    for (int c = 0; c < 2; c++) {
      double[] p = softmax(protoCt[c][0] / 2, protoCt[c][1] / 2);
      double[] q = softmax(protoMr[c][0] / 2, protoMr[c][1] / 2);
      double kl1 = p[0] * Math.log(p[0] / q[0]) + p[1] * Math.log(p[1] / q[1]);
      double kl2 = q[0] * Math.log(q[0] / p[0]) + q[1] * Math.log(q[1] / p[1]);
      expected += 0.5 * (kl1 + kl2) / 2;
    }
    double loss =
        PrototypeKlLoss.create()
            .compute(voxels(zCt), voxels(yCt), voxels(zMr), voxels(yMr))
            .getDouble();
    assertThat(loss).isCloseTo(expected, within(1e-12));
  }

  @Test
  void hardDiceUsesTheArgmaxOfTheOtherNetwork() {
    double[][] za = {{1, 0, 0.5, -1}, {0, 2, 0.5, 1}};
    double[][] zb = {{3, 0, -1, 0.2}, {0, 1, 2, 0.1}}; // argmax: 0, 1, 1, 0
    double inter = 0;
    double sumP = 0;
    int[] pseudo = {0, 1, 1, 0};
    for (int v = 0; v < 4; v++) {
      double p1 = softmax(za[0][v], za[1][v])[1];
      inter += p1 * pseudo[v];
      sumP += p1;
    }
    double expected = 1 - (2 * inter + 1e-5) / (sumP + 2 + 1e-5);
    double loss = HardDiceConsistencyLoss.create().compute(voxels(za), voxels(zb)).getDouble();
    assertThat(loss).isCloseTo(expected, within(1e-12));
  }

  @Test
  void maskDownsamplingKeepsEveryFactorthVoxel() {
    NDArray mask = manager.arange(16f).reshape(1, 1, 1, 4, 4);
    NDArray reference = manager.zeros(new Shape(1, 3, 1, 2, 2));
    assertThat(MaskDownsampling.toResolutionOf(mask, reference).toFloatArray())
        .containsExactly(0f, 2f, 8f, 10f);
    assertThatThrownBy(
            () -> MaskDownsampling.toResolutionOf(mask, manager.zeros(new Shape(1, 1, 1, 3, 3))))
        .isInstanceOf(LossInputException.class);
  }
}
