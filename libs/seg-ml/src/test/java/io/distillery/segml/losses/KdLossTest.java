package io.distillery.segml.losses;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Vanilla KD on 1×3×1×1×2 logits at T = 2. */
class KdLossTest {
  private static NDManager manager;
  private static final double[][] STUDENT = {{1.0, -0.5}, {0.2, 0.4}, {-1.0, 1.5}};
  private static final double[][] TEACHER = {{2.0, 0.0}, {0.5, -1.0}, {-0.5, 2.5}};

  @BeforeAll
  static void open() {
    manager = NDManager.newBaseManager();
  }

  @AfterAll
  static void close() {
    manager.close();
  }

  private static NDArray array(double[][] byClass) {
    double[] flat = new double[6];
    for (int c = 0; c < 3; c++) {
      flat[2 * c] = byClass[c][0];
      flat[2 * c + 1] = byClass[c][1];
    }
    return manager.create(flat, new Shape(1, 3, 1, 1, 2));
  }

  private static double[] softmax(double[][] z, int v, double t) {
    double[] p = new double[3];
    double sum = 0;
    for (int c = 0; c < 3; c++) {
      p[c] = Math.exp(z[c][v] / t);
      sum += p[c];
    }
    for (int c = 0; c < 3; c++) {
      p[c] /= sum;
    }
    return p;
  }

  private static double expected(double t) {
    double total = 0;
    for (int v = 0; v < 2; v++) {
      double[] pt = softmax(TEACHER, v, t);
      double[] ps = softmax(STUDENT, v, t);
      for (int c = 0; c < 3; c++) {
        total += pt[c] * (Math.log(pt[c]) - Math.log(ps[c]));
      }
    }
    return t * t * total / 2;
  }

  @Test
  void isTemperatureSquaredTimesMeanKl() {
    double loss = new KdLoss(2f).fromLogits(array(STUDENT), array(TEACHER)).getDouble();
    assertThat(loss).isCloseTo(expected(2), within(1e-12));
  }

  @Test
  void teacherProbabilitiesAtTemperatureGiveTheSameLoss() {
    NDArray teacherP = array(TEACHER).div(2f).softmax(1);
    double loss = new KdLoss(2f).fromTeacherProbabilities(array(STUDENT), teacherP).getDouble();
    assertThat(loss).isCloseTo(expected(2), within(1e-12));
  }

  @Test
  void isZeroWhenStudentEqualsTeacher() {
    assertThat(new KdLoss(4f).fromLogits(array(TEACHER), array(TEACHER)).getDouble())
        .isCloseTo(0, within(1e-14));
  }

  @Test
  void teacherIsDetached() {
    NDArray teacher = array(TEACHER);
    teacher.setRequiresGradient(true);
    NDArray student = array(STUDENT);
    student.setRequiresGradient(true);
    try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
      collector.backward(new KdLoss(2f).fromLogits(student, teacher));
    }
    assertThat(teacher.getGradient().abs().sum().toType(DataType.FLOAT64, false).getDouble())
        .isZero();
    assertThat(student.getGradient().abs().sum().getDouble()).isPositive();
  }

  @Test
  void gradientMatchesFiniteDifferences() {
    NDArray teacher = array(TEACHER);
    double[] student = array(STUDENT).toDoubleArray();
    GradientCheck.assertGradientMatches(
        manager,
        student,
        new Shape(1, 3, 1, 1, 2),
        s -> new KdLoss(2f).fromLogits(s, teacher),
        1e-7);
  }
}
