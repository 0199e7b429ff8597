package io.distillery.segml.distillation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.distillery.segml.losses.CrossEntropyLoss;
import io.distillery.segml.losses.DiceCeLoss;
import io.distillery.segml.losses.DiceLoss;
import io.distillery.segml.losses.FfdLoss;
import io.distillery.segml.losses.FocalLoss;
import io.distillery.segml.losses.HardDiceConsistencyLoss;
import io.distillery.segml.losses.KdLoss;
import io.distillery.segml.losses.MsKdFeatureLoss;
import io.distillery.segml.losses.MsKdLogitLoss;
import io.distillery.segml.losses.MsKdRegions;
import io.distillery.segml.losses.OneHot;
import io.distillery.segml.losses.PartialLabelLoss;
import io.distillery.segml.losses.PrototypeKlLoss;
import io.distillery.segml.losses.RgdLoss;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The method-level objectives combine their parts with the methods.md weights. */
class DistillationObjectivesTest {
  private static NDManager manager;

  @BeforeAll
  static void open() {
    manager = NDManager.newBaseManager();
    manager.getEngine().setRandomSeed(7);
  }

  @AfterAll
  static void close() {
    manager.close();
  }

  private static NDArray random(long... shape) {
    return manager.randomNormal(new Shape(shape)).toType(DataType.FLOAT64, false);
  }

  private static NDArray labels(int classes, long... spatial) {
    long[] shape = new long[spatial.length + 1];
    shape[0] = 2;
    System.arraycopy(spatial, 0, shape, 1, spatial.length);
    NDArray l = manager.randomInteger(0, classes, new Shape(shape), DataType.INT32);
    return OneHot.encode(l, classes, DataType.FLOAT64);
  }

  private static double d(NDArray a) {
    return a.getDouble();
  }

  @Test
  void rampUpFollowsTheFormula() {
    RampUp ramp = new RampUp(40);
    assertThat(ramp.weight(0)).isCloseTo((float) Math.exp(-5), within(1e-7f));
    assertThat(ramp.weight(20)).isCloseTo((float) Math.exp(-1.25), within(1e-7f));
    assertThat(ramp.weight(40)).isEqualTo(1f);
    assertThat(ramp.weight(100)).isEqualTo(1f);
    assertThat(new RampUp(0).weight(3)).isEqualTo(1f);
  }

  @Test
  void msKdTotalIsLogitPlusTenthOfFeature() {
    NDArray student = random(2, 3, 2, 4, 4);
    NDArray teachers = random(2, 2, 2, 4, 4).mul(2f).getNDArrayInternal().sigmoid();
    List<NDArray> adapted = List.of(random(2, 4, 1, 2, 2), random(2, 2, 1, 2, 2));
    List<NDArray> teacherF = List.of(random(2, 4, 1, 2, 2), random(2, 2, 1, 2, 2));
    LossTerms terms = MsKdLoss.create().compute(student, teachers, adapted, teacherF);
    NDArray regions = MsKdRegions.of(teachers);
    double logit = d(MsKdLogitLoss.create().compute(student, teachers));
    double feature = d(new MsKdFeatureLoss().compute(adapted, teacherF, regions));
    assertThat(d(terms.total())).isCloseTo(logit + 0.1 * feature, within(1e-6));

    NDArray target = labels(2, 2, 4, 4);
    PartialLabelLoss partial = new PartialLabelLoss(3, new int[] {1});
    LossTerms withLabels = MsKdLoss.withPartialLabels(terms, student, partial, target);
    assertThat(withLabels.values().keySet()).containsExactly("logit", "feature", "partial");
    assertThat(d(withLabels.total()))
        .isCloseTo(logit + 0.1 * feature + d(partial.fromLogits(student, target)), within(1e-6));
  }

  @Test
  void mskdTotalUsesEmkdWeightsAndGroundTruthMasks() {
    NDArray student = random(2, 3, 4, 4, 4);
    NDArray teacher = random(2, 3, 4, 4, 4);
    NDArray fs = random(2, 4, 2, 2, 2);
    NDArray ft = random(2, 8, 2, 2, 2);
    NDArray target = labels(3, 4, 4, 4);
    LossTerms terms = MskdLoss.create().compute(student, teacher, fs, ft, target);
    double expected =
        d(DiceCeLoss.create().fromLogits(student, target))
            + 0.1 * d(new KdLoss(4f).fromLogits(student, teacher))
            + 0.9 * d(new FfdLoss().compute(fs, ft, target))
            + 0.9 * d(new RgdLoss().compute(fs, ft, target));
    assertThat(d(terms.total())).isCloseTo(expected, within(1e-6));
    LossTerms unlabelled = MskdLoss.create().compute(student, teacher, fs, ft, null);
    assertThat(unlabelled.values().keySet()).containsExactly("kd", "ffd", "rgd");
    double fromTeacherMasks = d(new RgdLoss().compute(fs, ft, OneHot.ofArgmax(teacher)));
    assertThat(unlabelled.values().get("rgd")).isCloseTo(0.9 * fromTeacherMasks, within(1e-6));
  }

  @Test
  void unpairedTotalIsDiceWceBothModalitiesPlusHalfKd() {
    NDArray zCt = random(2, 3, 2, 4, 4);
    NDArray zMr = random(1, 3, 4, 4, 2);
    NDArray yCt = labels(3, 2, 4, 4);
    NDArray yMr = labels(3, 4, 4, 2).get("0:1");
    LossTerms terms = UnpairedCtMrLoss.create().compute(zCt, yCt, zMr, yMr);
    DiceLoss dice = DiceLoss.create();
    CrossEntropyLoss wce = CrossEntropyLoss.fractionWeighted();
    double expected =
        d(dice.fromLogits(zCt, yCt))
            + d(wce.fromLogits(zCt, yCt))
            + d(dice.fromLogits(zMr, yMr))
            + d(wce.fromLogits(zMr, yMr))
            + 0.5 * d(PrototypeKlLoss.create().compute(zCt, yCt, zMr, yMr));
    assertThat(d(terms.total())).isCloseTo(expected, within(1e-6));
  }

  @Test
  void crossTeachingTermsAreRampedAsPublished() {
    NDArray s = random(2, 3, 2, 4, 4);
    NDArray t1 = random(2, 3, 2, 4, 4);
    NDArray t2 = random(2, 3, 2, 4, 4);
    NDArray target = labels(3, 2, 4, 4);
    double epoch = 10;
    double r = Math.exp(-5 * 0.75 * 0.75);
    CrossTeachingLoss loss = CrossTeachingLoss.create(40);
    NDArray meanP = t1.softmax(1).add(t2.softmax(1)).mul(0.5f);
    double kd = d(new KdLoss(1f).fromTeacherProbabilities(s, meanP));
    DiceLoss dice = DiceLoss.create();
    FocalLoss focal = FocalLoss.create();
    double sup = 0;
    for (NDArray z : List.of(s, t1, t2)) {
      sup += d(dice.fromLogits(z, target)) + d(focal.fromLogits(z, target));
    }
    assertThat(d(loss.labelled(s, t1, t2, target, epoch).total()))
        .isCloseTo(sup + 10 * r * kd, within(1e-6));

    HardDiceConsistencyLoss hd = HardDiceConsistencyLoss.create();
    double cross = d(hd.compute(t1, t2)) + d(hd.compute(t2, t1)) + d(hd.compute(s, meanP));
    Map<String, Double> values = loss.unlabelled(s, t1, t2, epoch).values();
    assertThat(values.keySet()).containsExactly("crossT1", "crossT2", "crossS", "kd");
    double total = values.values().stream().mapToDouble(Double::doubleValue).sum();
    assertThat(total).isCloseTo(0.1 * r * cross + 10 * r * r * kd, within(1e-6));

    double offline = d(loss.unlabelledFromSoftLabels(s, meanP, epoch).total());
    assertThat(offline)
        .isCloseTo(0.1 * r * d(hd.compute(s, meanP)) + 10 * r * r * kd, within(1e-6));
  }
}
