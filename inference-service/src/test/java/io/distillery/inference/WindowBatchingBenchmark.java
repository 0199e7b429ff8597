package io.distillery.inference;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.distillery.segml.engine.OnnxModelWindowPredictor;
import io.distillery.segml.export.OnnxExporter;
import io.distillery.segml.networks.LiteUNet3d;
import io.distillery.segml.networks.SegmentationNetwork;
import io.distillery.segml.networks.UNet3d;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Does batching windows help on CPU? Times ONNX Runtime (2 intra-op threads) on the same 16 windows
 * of 48³ sent as 16 calls of 1, 8 of 2, 4 of 4 and 2 of 8, for a dense base-8 UNet3d and the
 * default LiteUNet3d student (random weights: time does not depend on them). Cross-request batching
 * would only change the batch size per engine call, so this measures its possible gain.
 *
 * <pre>
 * ./mvnw -B -o -pl inference-service test -Dexcluded.test.groups= -Dgroups=benchmark -Dtest=WindowBatchingBenchmark
 * </pre>
 */
@Tag("benchmark")
class WindowBatchingBenchmark {

  static final int[] ROI = {48, 48, 48};
  static final int WINDOWS = 16;
  static final int REPS = 3;

  @Test
  void batchSizePerEngineCall() throws Exception {
    Engine.getEngine("PyTorch").setRandomSeed(1);
    Path dir = Files.createTempDirectory("batching-bench-");
    try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
      SegmentationNetwork dense = UNet3d.builder().setOutChannels(2).optBaseWidth(8).build();
      SegmentationNetwork lite = LiteUNet3d.builder().setOutChannels(2).build();
      for (SegmentationNetwork net : new SegmentationNetwork[] {dense, lite}) {
        net.initialize(manager, DataType.FLOAT32, new Shape(1, 1, 8, 8, 8));
        Path onnx = OnnxExporter.export(net, 0, dir.resolve(net.spec().type() + ".onnx"));
        try (OnnxModelWindowPredictor ort = OnnxModelWindowPredictor.onnxRuntime(onnx, 1, 2, 2)) {
          int voxels = ROI[0] * ROI[1] * ROI[2];
          float[] all = new float[WINDOWS * voxels];
          Random rnd = new Random(2);
          for (int i = 0; i < all.length; i++) {
            all[i] = (float) rnd.nextGaussian();
          }
          ort.predict(java.util.Arrays.copyOf(all, voxels), 1, ROI); // warm-up
          StringBuilder line =
              new StringBuilder(net.spec().type() + " base " + net.spec().baseWidth() + ":");
          double base = 0;
          for (int batch : new int[] {1, 2, 4, 8}) {
            double best = Double.MAX_VALUE;
            for (int r = 0; r < REPS; r++) {
              long t0 = System.nanoTime();
              for (int first = 0; first < WINDOWS; first += batch) {
                float[] in = new float[batch * voxels];
                System.arraycopy(all, first * voxels, in, 0, batch * voxels);
                float[] out = ort.predict(in, batch, ROI);
                assertThat(out).hasSize(batch * 2 * voxels);
              }
              best = Math.min(best, (System.nanoTime() - t0) / 1e6 / WINDOWS);
            }
            if (batch == 1) {
              base = best;
            }
            line.append(
                String.format(" batch %d %.1f ms/window (x%.2f)", batch, best, base / best));
          }
          System.out.println(
              "window batching, ONNX Runtime 2 threads, 48^3, best of " + REPS + ": " + line);
        }
      }
    }
  }
}
