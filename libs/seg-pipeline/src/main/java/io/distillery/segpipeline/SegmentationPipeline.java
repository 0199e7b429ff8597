package io.distillery.segpipeline;

import io.distillery.segml.checkpoint.IntensityNormalization;
import io.distillery.segml.checkpoint.ModelCard;
import io.distillery.segml.checkpoint.PreprocessingSpec;
import io.distillery.segml.inferers.CoarseToFineInferer;
import io.distillery.segml.inferers.LargestConnectedComponent;
import io.distillery.segml.inferers.SlidingWindowInferer;
import io.distillery.segml.inferers.WindowPredictor;
import io.distillery.volumeio.Grid;
import io.distillery.volumeio.LabelVolume;
import io.distillery.volumeio.Volume;
import io.distillery.volumeio.VolumeMetadata;
import io.distillery.volumeio.intensity.Intensity;
import io.distillery.volumeio.orientation.AxisTransform;
import io.distillery.volumeio.orientation.Orientation;
import io.distillery.volumeio.resample.Resampler;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Pre-processing, inference and post-processing of one volume, driven entirely by the model card so
 * that it repeats training (student-trainer's {@code CaseLoader}): reorient to the card's voxel
 * order (RAS) → resample to the card's spacing (trilinear) → normalise ({@code ct-window}: clip,
 * then (v − mean)/std; {@code zscore}: whole-volume z-score) → sliding window (Gaussian blending,
 * ROI and overlap from the card) or coarse-to-fine (Choi, FLARE 2022) → softmax / argmax → largest
 * connected component per class when the card asks for it → back onto the input's grid (nearest for
 * labels, trilinear for probabilities) and voxel order.
 *
 * <p>The network sees {@code C×D×H×W} with W fastest, i.e. D = z, H = y, W = x of the volume, and
 * the card's spacing is in (D, H, W) order.
 *
 * <p>The inference-service and {@code ./distillery eval} / {@code bench} both run this class, so a
 * score measured by the tools is the score of what the service serves.
 */
public final class SegmentationPipeline {

  /**
   * Hyper-parameter of the model card that switches on the per-class largest connected component
   * for sliding-window models [our choice: the card's free-form hyper-parameters carry it, default
   * off; coarse-to-fine always applies it, as the method does].
   */
  public static final String LARGEST_COMPONENT = "largestComponent";

  /**
   * The inference-service's default sliding windows per engine call (its {@code windowsPerBatch}).
   */
  public static final String DEFAULT_WINDOWS_PER_BATCH = "1";

  /** Coarse size used by coarse-to-fine models (methods.md §4), D, H, W. */
  private static final int[] COARSE_SIZE = {96, 96, 96};

  private final int windowsPerBatch;

  /**
   * @param windowsPerBatch sliding windows per engine call
   */
  public SegmentationPipeline(int windowsPerBatch) {
    if (windowsPerBatch < 1) {
      throw new IllegalArgumentException("windowsPerBatch must be >= 1: " + windowsPerBatch);
    }
    this.windowsPerBatch = windowsPerBatch;
  }

  /**
   * Segments {@code input} with {@code model}.
   *
   * @param modality norm set to use; null for the model's first
   * @param withProbabilities also return per-class probabilities (sliding-window models only)
   */
  public SegmentationResult run(
      Volume input, SegmentationModel model, String modality, boolean withProbabilities) {
    ModelCard card = model.card();
    PreprocessingSpec pre = card.preprocessing();
    WindowPredictor predictor = model.predictor(modality);
    String usedModality =
        modality == null || modality.isBlank() ? model.modalities().get(0) : modality;
    boolean coarseToFine = "coarse-to-fine".equals(pre.inferenceMode());
    if (withProbabilities && coarseToFine) {
      throw new SegmentationFailedException(
          "probabilities are not available from coarse-to-fine model " + model);
    }
    if (predictor.inChannels() != 1) {
      throw new SegmentationFailedException(
          "model " + model + " takes " + predictor.inChannels() + " channels; one image given");
    }
    Map<String, Double> timings = new LinkedHashMap<>();
    long t0 = System.nanoTime();

    AxisTransform toModel = Orientation.transformTo(input.grid(), pre.orientation());
    Volume oriented = toModel.apply(input);
    double[] dhw = pre.targetSpacingMm();
    Volume resampled = Resampler.toSpacing(oriented, dhw[2], dhw[1], dhw[0]);
    float[] image = normalise(resampled, pre.intensity()).data();
    Grid g = resampled.grid();
    int[] shape = {g.nz(), g.ny(), g.nx()};
    long t1 = System.nanoTime();
    timings.put("preprocess", ms(t0, t1));

    int classes = predictor.outChannels();
    int voxels = g.size();
    int[] labels;
    float[] probabilities = null;
    if (coarseToFine) {
      CoarseToFineInferer inferer =
          new CoarseToFineInferer(COARSE_SIZE, pre.roiSize(), 1.1, new double[] {60, 60, 60}, true);
      labels = inferer.segment(image, shape, dhw, predictor, predictor);
    } else {
      SlidingWindowInferer inferer =
          SlidingWindowInferer.builder()
              .setRoiSize(pre.roiSize())
              .optOverlap(pre.overlap())
              .optWindowsPerBatch(windowsPerBatch)
              .build();
      float[] logits = inferer.infer(image, shape, predictor);
      labels = argmax(logits, classes, voxels);
      if (withProbabilities) {
        probabilities = softmax(logits, classes, voxels);
      }
      if (Boolean.parseBoolean(String.valueOf(card.hyperParameters().get(LARGEST_COMPONENT)))) {
        labels = LargestConnectedComponent.apply(labels, shape[0], shape[1], shape[2]);
      }
    }
    long t2 = System.nanoTime();
    timings.put("inference", ms(t1, t2));

    AxisTransform back = toModel.inverse();
    short[] packed = new short[voxels];
    for (int i = 0; i < voxels; i++) {
      packed[i] = (short) labels[i];
    }
    Map<Integer, String> names = new LinkedHashMap<>();
    for (int c = 0; c < card.labelNames().size(); c++) {
      names.put(c, card.labelNames().get(c));
    }
    LabelVolume onModelGrid = new LabelVolume(g, packed, names, VolumeMetadata.MEMORY);
    LabelVolume onInput = back.apply(Resampler.toGrid(onModelGrid, oriented.grid()));
    // The axis transform keeps the affine exactly; take the input's grid object itself.
    LabelVolume result = onInput.withGridAndData(input.grid(), onInput.data());

    List<Volume> probabilityVolumes = null;
    if (probabilities != null) {
      probabilityVolumes = new ArrayList<>(classes);
      for (int c = 0; c < classes; c++) {
        float[] channel = new float[voxels];
        System.arraycopy(probabilities, c * voxels, channel, 0, voxels);
        Volume v = back.apply(Resampler.toGrid(Volume.of(g, channel), oriented.grid()));
        probabilityVolumes.add(v.withGridAndData(input.grid(), v.data()));
      }
    }
    Map<String, Double> volumes = volumesMl(result, card);
    timings.put("postprocess", ms(t2, System.nanoTime()));
    return new SegmentationResult(
        result,
        probabilityVolumes,
        volumes,
        timings,
        model.name(),
        model.version(),
        model.engine().djlName(),
        usedModality);
  }

  /** Intensity normalisation exactly as the trainer applies it (see class javadoc). */
  public static Volume normalise(Volume v, IntensityNormalization n) {
    if ("zscore".equals(n.method())) {
      return Intensity.zScore(v);
    }
    return Intensity.clipAndStandardise(
        v, (float) n.clipLow(), (float) n.clipHigh(), (float) n.mean(), (float) n.std());
  }

  /** Volume of each foreground class in ml: voxel count × voxel volume of the label's grid. */
  public static Map<String, Double> volumesMl(LabelVolume labels, ModelCard card) {
    double[] s = labels.grid().spacing();
    double voxelMl = Math.abs(labels.grid().affine().determinant3()) / 1000.0;
    if (!(voxelMl > 0)) {
      voxelMl = s[0] * s[1] * s[2] / 1000.0;
    }
    long[] counts = new long[card.labelNames().size()];
    short[] data = labels.data();
    for (short value : data) {
      int c = Short.toUnsignedInt(value);
      if (c < counts.length) {
        counts[c]++;
      }
    }
    Map<String, Double> out = new LinkedHashMap<>();
    for (int c = 1; c < counts.length; c++) {
      out.put(card.labelNames().get(c), counts[c] * voxelMl);
    }
    return out;
  }

  private static int[] argmax(float[] logits, int classes, int voxels) {
    int[] out = new int[voxels];
    for (int i = 0; i < voxels; i++) {
      float best = logits[i];
      for (int k = 1; k < classes; k++) {
        float v = logits[k * voxels + i];
        if (v > best) {
          best = v;
          out[i] = k;
        }
      }
    }
    return out;
  }

  private static float[] softmax(float[] logits, int classes, int voxels) {
    float[] out = new float[logits.length];
    for (int i = 0; i < voxels; i++) {
      float max = Float.NEGATIVE_INFINITY;
      for (int k = 0; k < classes; k++) {
        max = Math.max(max, logits[k * voxels + i]);
      }
      double sum = 0;
      for (int k = 0; k < classes; k++) {
        double e = Math.exp(logits[k * voxels + i] - max);
        out[k * voxels + i] = (float) e;
        sum += e;
      }
      for (int k = 0; k < classes; k++) {
        out[k * voxels + i] = (float) (out[k * voxels + i] / sum);
      }
    }
    return out;
  }

  private static double ms(long from, long to) {
    return (to - from) / 1e6;
  }
}
