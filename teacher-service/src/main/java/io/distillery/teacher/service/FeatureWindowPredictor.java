package io.distillery.teacher.service;

import ai.djl.MalformedModelException;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ModelNotFoundException;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.translate.TranslateException;
import io.distillery.segml.engine.EngineUnavailableException;
import io.distillery.segml.export.OnnxExporter;
import io.distillery.segml.inferers.WindowPredictor;
import io.distillery.teacher.InvalidManifestException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs a teacher's ONNX model on ONNX Runtime and returns, per window, its logits followed by the
 * channels of its declared feature output, so that the sliding-window inferer blends both with the
 * same Gaussian weights: output channels = classes + feature channels, NCDHW.
 *
 * <p>Only full-resolution feature outputs (the window's own D×H×W, e.g. seg-ml's last decoder stage
 * {@code feature.decoder.<depth-2>}) can be stitched this way; a coarser output is refused with an
 * {@link InvalidManifestException} when the model is opened. The feature channel count is read from
 * one probe window at that time.
 */
public final class FeatureWindowPredictor implements WindowPredictor {

  private final ZooModel<NDList, NDList> model;
  private final Predictor<NDList, NDList> predictor;
  private final NDManager manager;
  private final int classes;
  private final String featureOutput;
  private final int featureChannels;

  /**
   * Opens {@code onnx} and probes one window of {@code probeRoiDhw} to learn the feature channels.
   *
   * @param classes logit channels of the model
   * @param featureOutput name of the declared feature output
   * @param threads intra-op threads
   * @param probeRoiDhw a valid window size (the manifest's)
   * @throws InvalidManifestException when the output is missing or not full resolution
   */
  public FeatureWindowPredictor(
      Path onnx, int classes, String featureOutput, int threads, int[] probeRoiDhw) {
    this.classes = classes;
    this.featureOutput = featureOutput;
    Criteria<NDList, NDList> criteria =
        Criteria.builder()
            .setTypes(NDList.class, NDList.class)
            .optModelPath(onnx)
            .optEngine("OnnxRuntime")
            .optOption("intraOpNumThreads", Integer.toString(threads))
            .optOption("interOpNumThreads", "1")
            .build();
    try {
      model = criteria.loadModel();
    } catch (IOException | ModelNotFoundException | MalformedModelException e) {
      throw new EngineUnavailableException(
          "ONNX Runtime cannot load " + onnx + ": " + e.getMessage(), e);
    }
    predictor = model.newPredictor();
    manager = NDManager.newBaseManager("OnnxRuntime");
    int probed;
    try (NDManager sub = manager.newSubManager()) {
      NDList out = run(sub, new float[voxels(probeRoiDhw)], 1, probeRoiDhw);
      NDArray feature = feature(out);
      Shape s = feature.getShape();
      if (s.dimension() != 5
          || s.get(2) != probeRoiDhw[0]
          || s.get(3) != probeRoiDhw[1]
          || s.get(4) != probeRoiDhw[2]) {
        throw new InvalidManifestException(
            "featureTap '"
                + featureOutput
                + "' has shape "
                + s
                + " for a window of "
                + java.util.Arrays.toString(probeRoiDhw)
                + "; only full-resolution feature maps (N, C, D, H, W of the window) are stored");
      }
      probed = (int) s.get(1);
    } catch (RuntimeException e) {
      close();
      throw e;
    }
    featureChannels = probed;
  }

  /** Channel count of the declared feature output. */
  public int featureChannels() {
    return featureChannels;
  }

  @Override
  public int inChannels() {
    return 1;
  }

  @Override
  public int outChannels() {
    return classes + featureChannels;
  }

  @Override
  public float[] predict(float[] windows, int batch, int[] roiDHW) {
    int voxels = voxels(roiDHW);
    try (NDManager sub = manager.newSubManager()) {
      NDList out = run(sub, windows, batch, roiDHW);
      float[] logits = logits(out).toFloatArray();
      float[] features = feature(out).toFloatArray();
      if (logits.length != batch * classes * voxels
          || features.length != batch * featureChannels * voxels) {
        throw new EngineUnavailableException(
            "teacher outputs do not match "
                + classes
                + " classes + "
                + featureChannels
                + " feature channels of "
                + batch
                + " windows");
      }
      float[] result = new float[batch * (classes + featureChannels) * voxels];
      int perLogits = classes * voxels;
      int perFeatures = featureChannels * voxels;
      for (int b = 0; b < batch; b++) {
        int base = b * (perLogits + perFeatures);
        System.arraycopy(logits, b * perLogits, result, base, perLogits);
        System.arraycopy(features, b * perFeatures, result, base + perLogits, perFeatures);
      }
      return result;
    }
  }

  private NDList run(NDManager sub, float[] windows, int batch, int[] roiDHW) {
    NDArray input = sub.create(windows, new Shape(batch, 1, roiDHW[0], roiDHW[1], roiDHW[2]));
    try {
      NDList out = predictor.predict(new NDList(input));
      out.attach(sub);
      return out;
    } catch (TranslateException e) {
      throw new EngineUnavailableException("ONNX Runtime inference failed", e);
    }
  }

  private NDArray logits(NDList out) {
    NDArray named = byName(out, OnnxExporter.OUTPUT);
    return named != null ? named : out.get(0);
  }

  private NDArray feature(NDList out) {
    NDArray named = byName(out, featureOutput);
    if (named == null) {
      List<String> names = new ArrayList<>();
      out.forEach(a -> names.add(a.getName()));
      throw new InvalidManifestException(
          "the teacher's ONNX model has no output '" + featureOutput + "'; outputs: " + names);
    }
    return named;
  }

  private static NDArray byName(NDList out, String name) {
    for (NDArray a : out) {
      if (name.equals(a.getName())) {
        return a;
      }
    }
    return null;
  }

  private static int voxels(int[] roiDhw) {
    return roiDhw[0] * roiDhw[1] * roiDhw[2];
  }

  @Override
  public void close() {
    predictor.close();
    model.close();
    manager.close();
  }
}
