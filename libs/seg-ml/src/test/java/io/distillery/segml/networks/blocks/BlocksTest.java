package io.distillery.segml.networks.blocks;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import io.distillery.segml.engine.EngineThreads;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Blocks on tiny tensors against hand-computed values. */
class BlocksTest {

  private static NDManager manager;

  @BeforeAll
  static void engine() {
    EngineThreads.configure(2);
    manager = NDManager.newBaseManager("PyTorch");
  }

  @AfterAll
  static void close() {
    manager.close();
  }

  private static NDArray forward(SegBlock block, NDArray x) {
    return block
        .forward(new ParameterStore(manager, false), new NDList(x), false)
        .singletonOrThrow();
  }

  @Test
  void transposedConvScattersEachVoxelIntoItsTwoCubedBlock() {
    TransposedConvUp3d up = new TransposedConvUp3d(1, 1);
    up.initialize(manager, DataType.FLOAT32, new Shape(1, 1, 1, 1, 2));
    // W[0, 0, a, b, c] = 4a + 2b + c, bias 10.
    up.getParameters().get("weight").getArray().set(new float[] {0, 1, 2, 3, 4, 5, 6, 7});
    up.getParameters().get("bias").getArray().set(new float[] {10});
    NDArray x = manager.create(new float[] {1, 2}, new Shape(1, 1, 1, 1, 2));
    float[] out = forward(up, x).toFloatArray(); // shape (1, 1, 2, 2, 4)
    // out[a, b, 2w + c] = x[w] * (4a + 2b + c) + 10
    float[] expected = new float[16];
    for (int a = 0; a < 2; a++) {
      for (int b = 0; b < 2; b++) {
        for (int w = 0; w < 2; w++) {
          for (int c = 0; c < 2; c++) {
            expected[(a * 2 + b) * 4 + 2 * w + c] = (w + 1) * (4 * a + 2 * b + c) + 10;
          }
        }
      }
    }
    assertThat(out).containsExactly(expected);
  }

  @Test
  void trilinearUpsamplingUsesHalfPixelCentresAndClampsEdges() {
    NDArray x = manager.create(new float[] {0, 4, 8}, new Shape(1, 1, 1, 1, 3));
    float[] out = TrilinearUpsample3d.upsampleAxis(x, 4).toFloatArray();
    // even: 3/4 x[i] + 1/4 x[i-1]; odd: 3/4 x[i] + 1/4 x[i+1], clamped.
    assertThat(out).containsExactly(0f, 1f, 3f, 5f, 7f, 8f);
    float[] cube =
        forward(new TrilinearUpsample3d(), manager.ones(new Shape(1, 2, 1, 2, 1))).toFloatArray();
    assertThat(cube).hasSize(2 * 2 * 4 * 2).containsOnly(1f);
  }

  @Test
  void instanceNormNormalisesEachChannelAndAppliesTheChosenSet() {
    InstanceNorm3d norm = new InstanceNorm3d(2, 2);
    norm.initialize(manager, DataType.FLOAT32, new Shape(1, 2, 1, 1, 2));
    // set 0: identity affine; set 1: gamma (2, 3), beta (1, -1)
    norm.getParameters().get("gamma").getArray().set(new float[] {1, 1, 2, 3});
    norm.getParameters().get("beta").getArray().set(new float[] {0, 0, 1, -1});
    NDArray x = manager.create(new float[] {1, 3, 10, 30}, new Shape(1, 2, 1, 1, 2));
    float[] set0 = forward(norm, x).toFloatArray();
    // channel 0: mean 2, var 1 -> (-1, 1); channel 1: mean 20, var 100 -> (-1, 1) (eps 1e-5)
    assertThat(set0)
        .containsExactly(new float[] {-1, 1, -1, 1}, org.assertj.core.data.Offset.offset(1e-4f));
    ai.djl.util.PairList<String, Object> params = new ai.djl.util.PairList<>();
    params.add(InstanceNorm3d.NORM_SET_KEY, 1);
    float[] set1 =
        norm.forward(new ParameterStore(manager, false), new NDList(x), false, params)
            .singletonOrThrow()
            .toFloatArray();
    assertThat(set1)
        .containsExactly(new float[] {-1, 3, -4, 2}, org.assertj.core.data.Offset.offset(1e-4f));
  }

  @Test
  void depthwiseConvolutionKeepsChannelsApart() {
    ConvLayer3d depthwise = new ConvLayer3d(2, 2, 3, 1, 2, false);
    depthwise.initialize(manager, DataType.FLOAT32, new Shape(1, 2, 1, 1, 1));
    float[] weights = new float[2 * 27];
    weights[13] = 2; // centre tap of channel 0
    weights[27 + 13] = -1; // centre tap of channel 1
    depthwise.getParameters().get("weight").getArray().set(weights);
    NDArray x = manager.create(new float[] {3, 5}, new Shape(1, 2, 1, 1, 1));
    assertThat(forward(depthwise, x).toFloatArray()).containsExactly(6f, -5f);
    assertThat(depthwise.flopsPerOutputVoxel()).isEqualTo(2 * 27 * 1 * 2);
  }

  @Test
  void squeezeExcitationGatesChannelsBySigmoidOfPooledValues() {
    SqueezeExcitation3d se = new SqueezeExcitation3d(2, 2);
    se.initialize(manager, DataType.FLOAT32, new Shape(1, 2, 1, 1, 2));
    // zero weights and biases: gate = sigmoid(0) = 0.5 for every channel
    se.getParameters()
        .values()
        .forEach(p -> p.getArray().set(new float[(int) p.getShape().size()]));
    NDArray x = manager.create(new float[] {2, 4, 6, 8}, new Shape(1, 2, 1, 1, 2));
    assertThat(forward(se, x).toFloatArray()).containsExactly(1f, 2f, 3f, 4f);
  }
}
