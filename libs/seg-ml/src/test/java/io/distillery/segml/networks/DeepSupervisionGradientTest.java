package io.distillery.segml.networks;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import io.distillery.segml.losses.DiceCeLoss;
import io.distillery.segml.losses.OneHot;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Deep supervision's auxiliary heads take part in backward: with a loss on the main and both
 * auxiliary outputs (labels taken at each output's stride), every parameter, the heads' included,
 * gets a finite, non-zero gradient.
 */
class DeepSupervisionGradientTest {
  @Test
  void everyParameterGetsAFiniteGradient() {
    UNet3d net =
        UNet3d.builder()
            .setOutChannels(3)
            .optBaseWidth(8)
            .optDepth(4)
            .optDeepSupervision(true)
            .build();
    try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
      Engine.getEngine("PyTorch").setRandomSeed(3);
      net.initialize(manager, DataType.FLOAT32, new Shape(1, 1, 16, 16, 16));
      for (Parameter p : net.getParameters().values()) {
        p.getArray().setRequiresGradient(true);
        System.out.println(
            p.getName() + " " + p.getArray().getShape() + " finite=" + finite(p.getArray()));
      }
      NDArray x = manager.randomNormal(new Shape(2, 1, 32, 32, 32));
      NDArray labels = manager.randomInteger(0, 3, new Shape(2, 32, 32, 32), DataType.INT32);
      try (GradientCollector c = Engine.getEngine("PyTorch").newGradientCollector()) {
        NetworkOutput out = net.forward(new ParameterStore(manager, false), x, true, 0, Set.of());
        NDArray loss = DiceCeLoss.create().fromLogits(out.logits(), OneHot.encode(labels, 3));
        for (int j = 0; j < out.deepSupervision().size(); j++) {
          int s = 1 << (out.deepSupervision().size() - j);
          NDArray l = labels.get(new NDIndex(String.format(":, ::%d, ::%d, ::%d", s, s, s)));
          System.out.println(
              "deep "
                  + j
                  + " "
                  + out.deepSupervision().get(j).getShape()
                  + " labels "
                  + l.getShape());
          loss =
              loss.add(
                  DiceCeLoss.create()
                      .fromLogits(out.deepSupervision().get(j), OneHot.encode(l, 3)));
        }
        assertThat(out.deepSupervision()).hasSize(2);
        c.backward(loss);
      }
      for (Parameter p : net.getParameters().values()) {
        NDArray g = p.getArray().getGradient();
        assertThat(finite(g)).as(p.getName()).isTrue();
        assertThat(g.abs().sum().getFloat()).as(p.getName()).isPositive();
      }
    }
  }

  private static boolean finite(NDArray a) {
    for (float v : a.toFloatArray()) {
      if (!Float.isFinite(v)) {
        return false;
      }
    }
    return true;
  }
}
