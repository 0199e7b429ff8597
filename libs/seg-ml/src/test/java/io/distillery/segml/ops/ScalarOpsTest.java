package io.distillery.segml.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ScalarOpsTest {

  private static final Path CLASSES = Path.of("target/classes");

  @Test
  void differentiablePackagesCallNoNumberOverloadOfNdArray() {
    for (String pkg :
        List.of(
            "io/distillery/segml/losses",
            "io/distillery/segml/distillation",
            "io/distillery/segml/networks",
            "io/distillery/segml/training")) {
      assertThat(NumberOverloadScan.callsIn(CLASSES, pkg))
          .as("NDArray Number overloads in %s (use ScalarOps)", pkg)
          .isEmpty();
    }
  }

  @Test
  void theScanFindsNumberOverloadCalls() {
    // The scan's own sanity check: this test class calls x.mul(Number) below.
    assertThat(
            NumberOverloadScan.callsIn(Path.of("target/test-classes"), "io/distillery/segml/ops"))
        .contains("ScalarOpsTest.mul");
  }

  @Test
  void gradientsThroughEngineOwnedConstantsSurviveGarbageCollection() {
    try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
      float[] values = {0.5f, 1f, 2f, 4f};
      NDArray x = manager.create(values, new Shape(4));
      x.setRequiresGradient(true);
      try (GradientCollector collector = Engine.getEngine("PyTorch").newGradientCollector()) {
        // y = 3·x^(-1/2) / 2 + max(x, 1): every constant is one whose tensor backward keeps.
        NDArray y =
            ScalarOps.div(ScalarOps.mul(ScalarOps.pow(x, -0.5f), 3f), 2f)
                .add(ScalarOps.maximum(x, 1f));
        churnFreedNativeMemory();
        collector.backward(y.sum());
      }
      float[] grad = x.getGradient().toFloatArray();
      for (int i = 0; i < values.length; i++) {
        double v = values[i];
        double expected = -0.75 * Math.pow(v, -1.5) + (v > 1 ? 1 : v < 1 ? 0 : 0.5);
        assertThat((double) grad[i]).as("d/dx at %s", v).isCloseTo(expected, within(1e-5));
      }
    }
  }

  /**
   * Canary of the engine defect {@link ScalarOps} works around: with DJL's own {@code pow(Number)}
   * and {@code mul(Number)} the backward reads constants whose memory the GC has already freed (20
   * of 20 runs wrong here). If this starts failing, DJL keeps those constants alive itself.
   */
  @Test
  void djlNumberOverloadsLoseTheirConstantsBeforeTheBackwardPass() {
    int wrong = 0;
    for (int run = 0; run < 20; run++) {
      try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
        NDArray x = manager.create(new float[] {0.5f, 1f, 2f, 4f}, new Shape(4));
        x.setRequiresGradient(true);
        try (GradientCollector collector = Engine.getEngine("PyTorch").newGradientCollector()) {
          NDArray y = x.pow(-0.5f).mul(3f);
          churnFreedNativeMemory();
          collector.backward(y.sum());
        }
        double expected = -1.5 * Math.pow(0.5, -1.5);
        if (Math.abs(x.getGradient().toFloatArray()[0] - expected) > 1e-4) {
          wrong++;
        }
      }
    }
    assertThat(wrong).isPositive();
  }

  @Test
  void scalarHelpersComputeTheirValues() {
    try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
      NDArray x = manager.create(new float[] {-2f, 0.5f, 3f});
      assertThat(ScalarOps.add(x, 1f).toFloatArray()).containsExactly(-1f, 1.5f, 4f);
      assertThat(ScalarOps.sub(x, 1f).toFloatArray()).containsExactly(-3f, -0.5f, 2f);
      assertThat(ScalarOps.rsub(1f, x).toFloatArray()).containsExactly(3f, 0.5f, -2f);
      assertThat(ScalarOps.minimum(x, 1f).toFloatArray()).containsExactly(-2f, 0.5f, 1f);
      assertThat(ScalarOps.gt(x, 0f).toBooleanArray()).containsExactly(false, true, true);
      assertThat(ScalarOps.lte(x, 0.5f).toBooleanArray()).containsExactly(true, true, false);
    }
  }

  /** Lets the GC free unreferenced direct buffers and refills the freed memory with NaN. */
  private static void churnFreedNativeMemory() {
    List<ByteBuffer> filler = new ArrayList<>();
    for (int round = 0; round < 3; round++) {
      System.gc();
      try {
        // The cleaner thread frees unreachable direct buffers after the collection.
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      for (int i = 0; i < 256; i++) {
        ByteBuffer b = ByteBuffer.allocateDirect(4);
        b.putFloat(0, Float.NaN);
        filler.add(b);
      }
    }
    assertThat(filler).hasSize(768);
  }

  /** Referenced by {@link #theScanFindsNumberOverloadCalls}. */
  static NDArray mul(NDArray x) {
    return x.mul(2f);
  }
}
