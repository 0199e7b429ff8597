package io.distillery.segml.engine;

import ai.djl.inference.Predictor;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.translate.TranslateException;
import io.distillery.segml.inferers.WindowPredictor;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Runs an exported {@code .onnx} network through a DJL engine that reads ONNX: ONNX Runtime
 * (dynamic shapes) or TensorRT (a fixed-shape export; a smaller batch is zero-padded to the fixed
 * batch). Input/output NCDHW float32 (see {@link WindowPredictor}).
 */
public final class OnnxModelWindowPredictor implements WindowPredictor {

  private final InferenceEngine engine;
  private final int inChannels;
  private final int outChannels;
  private final int fixedBatch;
  private final int[] fixedRoi;
  private final ZooModel<WindowBatch, float[]> model;
  private final Predictor<WindowBatch, float[]> predictor;

  private OnnxModelWindowPredictor(
      InferenceEngine engine,
      Path onnx,
      int inChannels,
      int outChannels,
      int threads,
      int fixedBatch,
      int[] fixedRoi) {
    if (!Files.isRegularFile(onnx)) {
      throw new EngineUnavailableException("no ONNX model at " + onnx);
    }
    this.engine = engine;
    this.inChannels = inChannels;
    this.outChannels = outChannels;
    this.fixedBatch = fixedBatch;
    this.fixedRoi = fixedRoi == null ? null : fixedRoi.clone();
    Criteria.Builder<WindowBatch, float[]> criteria =
        Criteria.builder()
            .setTypes(WindowBatch.class, float[].class)
            .optModelPath(onnx)
            .optEngine(engine.djlName())
            .optTranslator(new WindowTranslator());
    if (engine == InferenceEngine.ONNX_RUNTIME) {
      criteria
          .optOption("intraOpNumThreads", Integer.toString(threads))
          .optOption("interOpNumThreads", "1");
    }
    try {
      model = criteria.build().loadModel();
    } catch (Exception e) {
      throw new EngineUnavailableException(
          engine.djlName() + " cannot load " + onnx + ": " + e.getMessage(), e);
    }
    predictor = model.newPredictor();
  }

  /** An ONNX Runtime predictor on a dynamic-shape export. */
  public static OnnxModelWindowPredictor onnxRuntime(
      Path onnx, int inChannels, int outChannels, int threads) {
    return new OnnxModelWindowPredictor(
        InferenceEngine.ONNX_RUNTIME, onnx, inChannels, outChannels, threads, 0, null);
  }

  /** A TensorRT predictor on a fixed-shape export (batch {@code batch}, window {@code roiDHW}). */
  public static OnnxModelWindowPredictor tensorRt(
      Path fixedShapeOnnx, int inChannels, int outChannels, int batch, int[] roiDHW) {
    return new OnnxModelWindowPredictor(
        InferenceEngine.TENSORRT, fixedShapeOnnx, inChannels, outChannels, 1, batch, roiDHW);
  }

  /** The engine running this model. */
  public InferenceEngine engine() {
    return engine;
  }

  @Override
  public int inChannels() {
    return inChannels;
  }

  @Override
  public int outChannels() {
    return outChannels;
  }

  @Override
  public float[] predict(float[] windows, int batch, int[] roiDHW) {
    int voxels = roiDHW[0] * roiDHW[1] * roiDHW[2];
    float[] input = windows;
    int runBatch = batch;
    if (fixedRoi != null) {
      if (!java.util.Arrays.equals(fixedRoi, roiDHW) || batch > fixedBatch) {
        throw new IllegalArgumentException(
            "this TensorRT engine was built for batch ≤ "
                + fixedBatch
                + " of "
                + java.util.Arrays.toString(fixedRoi));
      }
      input = java.util.Arrays.copyOf(windows, fixedBatch * inChannels * voxels);
      runBatch = fixedBatch;
    }
    try {
      float[] logits = predictor.predict(WindowBatch.of(input, runBatch, inChannels, roiDHW));
      int expected = batch * outChannels * voxels;
      return logits.length == expected ? logits : java.util.Arrays.copyOf(logits, expected);
    } catch (TranslateException e) {
      throw new EngineUnavailableException(engine.djlName() + " inference failed", e);
    }
  }

  @Override
  public void close() {
    predictor.close();
    model.close();
  }
}
