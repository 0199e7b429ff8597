package io.distillery.segml.losses;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.function.Function;

/** Compares DJL autograd gradients with central finite differences in float64. */
final class GradientCheck {
  private static final double STEP = 1e-6;

  private GradientCheck() {}

  /** Asserts d loss / d x from autograd equals the central difference at every element of x. */
  static void assertGradientMatches(
      NDManager manager, double[] x, Shape shape, Function<NDArray, NDArray> loss, double tol) {
    double[] autograd;
    try (NDManager sub = manager.newSubManager()) {
      NDArray input = sub.create(x, shape);
      input.setRequiresGradient(true);
      try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
        collector.backward(loss.apply(input));
      }
      autograd = input.getGradient().toDoubleArray();
    }
    int checked = 0;
    for (int i = 0; i < x.length; i++) {
      double[] plus = x.clone();
      double[] minus = x.clone();
      plus[i] += STEP;
      minus[i] -= STEP;
      double numeric =
          (evaluate(manager, plus, shape, loss) - evaluate(manager, minus, shape, loss))
              / (2 * STEP);
      assertThat(autograd[i]).as("d loss / d x[%d]", i).isCloseTo(numeric, within(tol));
      checked += numeric != 0 ? 1 : 0;
    }
    assertThat(checked).as("non-zero gradient entries").isGreaterThan(x.length / 2);
  }

  private static double evaluate(
      NDManager manager, double[] x, Shape shape, Function<NDArray, NDArray> loss) {
    try (NDManager sub = manager.newSubManager()) {
      return loss.apply(sub.create(x, shape)).getDouble();
    }
  }
}
