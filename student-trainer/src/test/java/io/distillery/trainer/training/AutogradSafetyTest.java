package io.distillery.trainer.training;

import static org.assertj.core.api.Assertions.assertThat;

import io.distillery.segml.ops.NumberOverloadScan;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The objectives build losses under autograd, so they must not use DJL's NDArray Number overloads
 * (see seg-ml's {@code ScalarOps}). {@link AdamOptimizer} is exempt: it runs after the gradient
 * collector has closed, where no tensor is kept for a backward pass.
 */
class AutogradSafetyTest {

  @Test
  void objectivesCallNoNumberOverloadOfNdArray() {
    assertThat(
            NumberOverloadScan.callsIn(Path.of("target/classes"), "io/distillery/trainer/training"))
        .filteredOn(call -> !call.startsWith("AdamOptimizer."))
        .isEmpty();
  }
}
