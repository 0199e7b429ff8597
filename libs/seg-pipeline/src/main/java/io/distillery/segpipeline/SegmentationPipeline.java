package io.distillery.segpipeline;

import io.distillery.segml.checkpoint.IntensityNormalization;
import io.distillery.segml.checkpoint.ModelCard;
import io.distillery.segml.checkpoint.PostprocessingSpec;
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
 * ROI and overlap from the card) or coarse-to-fine (Choi, FLARE 2022) → post-processing as the
 * card's {@link PostprocessingSpec} says (or none, per request) → the input's own grid and voxel
 * order.
 *
 * <p>Post-processing of sliding-window models:
 *
 * <ul>
 *   <li>{@code resampleProbabilities}: softmax on the model grid, then class by class each
 *       probability channel is resampled trilinearly onto the (reoriented) input grid and a running
 *       maximum and argmax are kept there, so at input resolution only the running maximum, the
 *       labels and one channel are held, never all C channels. Without it the argmax is taken on
 *       the model grid and the label map is mapped back by nearest neighbour (coarse, blocky
 *       boundaries at the model's spacing).
 *   <li>{@code largestComponent}: per class the largest 26-connected component, the two largest for
 *       {@code bilateralClasses}, on the final labels: on the input grid when probabilities were
 *       resampled (so the filter sees exactly the labels it returns; the reoriented grid differs
 *       from the input's only by an axis permutation/flip, which maps 26-neighbourhoods onto
 *       themselves), on the model grid otherwise (as before the card field existed).
 * </ul>
 *
 * Coarse-to-fine models keep their own inferer's single largest component on the model grid (off
 * with {@link PostprocessMode#NONE}) and nearest-neighbour mapping.
 *
 * <p>The network sees {@code C×D×H×W} with W fastest, i.e. D = z, H = y, W = x of the volume, and
 * the card's spacing is in (D, H, W) order.
 *
 * <p>The inference-service and {@code ./distillery eval} / {@code bench} both run this class, so a
 * score measured by the tools is the score of what the service serves.
 */
public final class SegmentationPipeline {

  /**
   * The inference-service's default sliding windows per engine call (its {@code windowsPerBatch}).
   */
  public static final String DEFAULT_WINDOWS_PER_BATCH = "1";

  /** Coarse size used by coarse-to-fine models (methods.md §4), D, H, W. */
  private static final int[] COARSE_SIZE = {96, 96, 96};

  private final int windowsPerBatch;
  private final Double overlap;

  /**
   * @param windowsPerBatch sliding windows per engine call
   */
  public SegmentationPipeline(int windowsPerBatch) {
    this(windowsPerBatch, null);
  }

  /**
   * @param windowsPerBatch sliding windows per engine call
   * @param overlap sliding-window overlap in [0, 1) instead of the card's, or null for the card's
   *     (the overlap trades time for accuracy: the windows per volume grow as {@code 1/(1 −
   *     overlap)³})
   */
  public SegmentationPipeline(int windowsPerBatch, Double overlap) {
    if (windowsPerBatch < 1) {
      throw new IllegalArgumentException("windowsPerBatch must be >= 1: " + windowsPerBatch);
    }
    if (overlap != null && !(overlap >= 0 && overlap < 1)) {
      throw new IllegalArgumentException("overlap must be in [0, 1): " + overlap);
    }
    this.windowsPerBatch = windowsPerBatch;
    this.overlap = overlap;
  }

  /**
   * Segments {@code input} with {@code model} and the card's post-processing.
   *
   * @param modality norm set to use; null for the model's first
   * @param withProbabilities also return per-class probabilities (sliding-window models only)
   */
  public SegmentationResult run(
      Volume input, SegmentationModel model, String modality, boolean withProbabilities) {
    return run(input, model, modality, withProbabilities, PostprocessMode.DEFAULT);
  }

  /**
   * Segments {@code input} with {@code model}.
   *
   * @param modality norm set to use; null for the model's first
   * @param withProbabilities also return per-class probabilities (sliding-window models only)
   * @param mode the card's post-processing or none
   */
  public SegmentationResult run(
      Volume input,
      SegmentationModel model,
      String modality,
      boolean withProbabilities,
      PostprocessMode mode) {
    ModelCard card = model.card();
    PreprocessingSpec pre = card.preprocessing();
    PostprocessingSpec post =
        mode == PostprocessMode.NONE ? PostprocessingSpec.NONE : card.effectivePostprocessing();
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

    Map<Integer, String> names = new LinkedHashMap<>();
    for (int c = 0; c < card.labelNames().size(); c++) {
      names.put(c, card.labelNames().get(c));
    }
    int[] componentsToKeep = post.componentsToKeep(card.labelNames());
    LabelVolume onOriented;
    List<Volume> probabilityVolumes = null;
    long t2;
    if (coarseToFine) {
      CoarseToFineInferer inferer =
          new CoarseToFineInferer(
              COARSE_SIZE,
              pre.roiSize(),
              1.1,
              new double[] {60, 60, 60},
              mode != PostprocessMode.NONE);
      int[] labels = inferer.segment(image, shape, dhw, predictor, predictor);
      t2 = System.nanoTime();
      onOriented = Resampler.toGrid(labelVolume(g, labels, names), oriented.grid());
    } else {
      float[] logits =
          SlidingWindowInferer.builder()
              .setRoiSize(pre.roiSize())
              .optOverlap(overlap != null ? overlap : pre.overlap())
              .optWindowsPerBatch(windowsPerBatch)
              .build()
              .infer(image, shape, predictor);
      t2 = System.nanoTime();
      int classes = predictor.outChannels();
      if (post.resampleProbabilities()) {
        softmaxInPlace(logits, classes, g.size());
        ProbabilityArgmax argmax =
            resampledArgmax(logits, classes, g, oriented.grid(), withProbabilities);
        onOriented = new LabelVolume(oriented.grid(), argmax.labels, names, VolumeMetadata.MEMORY);
        probabilityVolumes = argmax.probabilities;
        if (post.largestComponent()) {
          keepLargest(onOriented, componentsToKeep);
        }
      } else {
        LabelVolume onModelGrid = labelVolume(g, argmax(logits, classes, g.size()), names);
        if (post.largestComponent()) {
          keepLargest(onModelGrid, componentsToKeep);
        }
        onOriented = Resampler.toGrid(onModelGrid, oriented.grid());
        if (withProbabilities) {
          softmaxInPlace(logits, classes, g.size());
          probabilityVolumes =
              resampledArgmax(logits, classes, g, oriented.grid(), true).probabilities;
        }
      }
    }
    timings.put("inference", ms(t1, t2));

    AxisTransform back = toModel.inverse();
    LabelVolume onInput = back.apply(onOriented);
    // The axis transform keeps the affine exactly; take the input's grid object itself.
    LabelVolume result = onInput.withGridAndData(input.grid(), onInput.data());
    if (probabilityVolumes != null) {
      List<Volume> onInputGrid = new ArrayList<>(probabilityVolumes.size());
      for (Volume p : probabilityVolumes) {
        Volume v = back.apply(p);
        onInputGrid.add(v.withGridAndData(input.grid(), v.data()));
      }
      probabilityVolumes = onInputGrid;
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

  /** Labels on the target grid and, when asked, every class's probability volume there. */
  private record ProbabilityArgmax(short[] labels, List<Volume> probabilities) {}

  /**
   * Resamples the probabilities {@code C×voxels(model)} class by class onto {@code target}
   * (trilinear) keeping a running maximum and argmax there (ties: the lower class, as an argmax on
   * the model grid). Holds one resampled channel at a time unless {@code keep}.
   */
  private static ProbabilityArgmax resampledArgmax(
      float[] probabilities, int classes, Grid model, Grid target, boolean keep) {
    int voxels = model.size();
    float[] best = null;
    short[] labels = new short[target.size()];
    List<Volume> kept = keep ? new ArrayList<>(classes) : null;
    for (int c = 0; c < classes; c++) {
      float[] channel = new float[voxels];
      System.arraycopy(probabilities, c * voxels, channel, 0, voxels);
      Volume onTarget = Resampler.toGrid(Volume.of(model, channel), target);
      float[] p = onTarget.data();
      if (best == null) {
        best = keep ? p.clone() : p;
      } else {
        for (int i = 0; i < p.length; i++) {
          if (p[i] > best[i]) {
            best[i] = p[i];
            labels[i] = (short) c;
          }
        }
      }
      if (keep) {
        kept.add(onTarget);
      }
    }
    return new ProbabilityArgmax(labels, kept);
  }

  private static void keepLargest(LabelVolume labels, int[] componentsToKeep) {
    Grid g = labels.grid();
    LargestConnectedComponent.keepLargest(labels.data(), g.nz(), g.ny(), g.nx(), componentsToKeep);
  }

  private static LabelVolume labelVolume(Grid g, int[] labels, Map<Integer, String> names) {
    short[] packed = new short[labels.length];
    for (int i = 0; i < labels.length; i++) {
      packed[i] = (short) labels[i];
    }
    return new LabelVolume(g, packed, names, VolumeMetadata.MEMORY);
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

  /** Softmax over the classes of {@code C×voxels} logits, in place. */
  private static void softmaxInPlace(float[] logits, int classes, int voxels) {
    for (int i = 0; i < voxels; i++) {
      float max = Float.NEGATIVE_INFINITY;
      for (int k = 0; k < classes; k++) {
        max = Math.max(max, logits[k * voxels + i]);
      }
      double sum = 0;
      for (int k = 0; k < classes; k++) {
        double e = Math.exp(logits[k * voxels + i] - max);
        logits[k * voxels + i] = (float) e;
        sum += e;
      }
      for (int k = 0; k < classes; k++) {
        logits[k * voxels + i] = (float) (logits[k * voxels + i] / sum);
      }
    }
  }

  private static double ms(long from, long to) {
    return (to - from) / 1e6;
  }
}
