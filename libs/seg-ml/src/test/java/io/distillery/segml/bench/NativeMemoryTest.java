package io.distillery.segml.bench;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.distillery.segml.engine.DjlWindowPredictor;
import io.distillery.segml.engine.EngineThreads;
import io.distillery.segml.networks.UNet3d;
import io.distillery.segml.training.TrainingStep;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * 20 training steps and 20 inferences after warm-up must not grow resident memory past a bound. A
 * leak of one step's activations (≈ 30 maps of 2·8·32³ floats ≈ 2 MB each) would add ≈ 1.2 GB.
 */
class NativeMemoryTest {

  private static final long BOUND_MB = 150;

  @Test
  void trainingAndInferenceDoNotGrowNativeMemory() throws Exception {
    Assumptions.assumeTrue(
        Files.isReadable(Path.of("/proc/self/status")), "needs /proc/self/status (Linux)");
    EngineThreads.configure(2);
    int size = 32;
    int[] dhw = {size, size, size};
    Random random = new Random(5);
    float[] image = new float[2 * size * size * size];
    int[] labels = new int[image.length];
    for (int i = 0; i < image.length; i++) {
      image[i] = (float) random.nextGaussian();
      labels[i] = image[i] > 0 ? 1 : 0;
    }
    try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
      UNet3d net = UNet3d.builder().setOutChannels(2).optBaseWidth(8).build();
      net.initialize(manager, DataType.FLOAT32, new Shape(2, 1, size, size, size));
      TrainingStep trainer = new TrainingStep(net, manager, 1e-3f);
      try (DjlWindowPredictor predictor = new DjlWindowPredictor(net, 0)) {
        for (int i = 0; i < 3; i++) { // warm-up: optimiser state, allocator pools
          trainer.supervised(image, labels, 2, dhw);
          predictor.predict(image, 2, dhw);
        }
        System.gc();
        long before = NetworkBenchmark.procStatusKb("VmRSS:") / 1024;
        for (int i = 0; i < 20; i++) {
          trainer.supervised(image, labels, 2, dhw);
        }
        long afterTraining = NetworkBenchmark.procStatusKb("VmRSS:") / 1024;
        for (int i = 0; i < 20; i++) {
          predictor.predict(image, 2, dhw);
        }
        System.gc();
        long after = NetworkBenchmark.procStatusKb("VmRSS:") / 1024;
        System.out.printf(
            "native memory: RSS after warm-up %d MB, after 20 steps %d MB, after 20 inferences %d MB%n",
            before, afterTraining, after);
        assertThat(afterTraining - before).isLessThan(BOUND_MB);
        assertThat(after - before).isLessThan(BOUND_MB);
      }
    }
  }
}
