package io.distillery.segml.inferers;

import io.distillery.segml.transforms.TrilinearResize;
import java.util.Arrays;

/**
 * Coarse-to-fine ROI inference of Choi, FLARE 2022 (arXiv 2211.05942; methods.md §4): the whole
 * volume resampled to the coarse size (default 96³) → coarse mask → foreground bounding box
 * enlarged 1.1× about its centre, and at least a minimum physical size (default 60 mm per axis [our
 * choice]) → the crop resampled to the fine size (default 96×64×96) → fine logits resampled back to
 * the crop (trilinear) → argmax → largest connected component per class. Each stage is one window
 * of its predictor. An empty coarse mask gives an all-background result.
 *
 * <p>Image {@code C×D×H×W} with spacing (mm, D,H,W); result labels {@code D×H×W}.
 */
public final class CoarseToFineInferer {
  private final int[] coarseSize;
  private final int[] fineSize;
  private final double enlargement;
  private final double[] minimumSizeMm;
  private final boolean largestComponent;

  /** With explicit sizes, enlargement factor, minimum box size in mm and LCC switch. */
  public CoarseToFineInferer(
      int[] coarseSize,
      int[] fineSize,
      double enlargement,
      double[] minimumSizeMm,
      boolean largestComponent) {
    this.coarseSize = coarseSize.clone();
    this.fineSize = fineSize.clone();
    this.enlargement = enlargement;
    this.minimumSizeMm = minimumSizeMm.clone();
    this.largestComponent = largestComponent;
  }

  /** The methods.md defaults: 96³ coarse, 96×64×96 fine, 1.1×, 60 mm minimum, LCC on. */
  public static CoarseToFineInferer create() {
    return new CoarseToFineInferer(
        new int[] {96, 96, 96}, new int[] {96, 64, 96}, 1.1, new double[] {60, 60, 60}, true);
  }

  /** Segments {@code image}; returns labels {@code D×H×W}. */
  public int[] segment(
      float[] image,
      int[] shape,
      double[] spacingMm,
      WindowPredictor coarse,
      WindowPredictor fine) {
    int channels = coarse.inChannels();
    float[] small = TrilinearResize.resize(image, channels, shape, coarseSize);
    int[] coarseLabels =
        argmax(coarse.predict(small, 1, coarseSize.clone()), coarse.outChannels(), coarseSize);
    int[][] box = boundingBox(coarseLabels, coarseSize);
    int[] result = new int[shape[0] * shape[1] * shape[2]];
    if (box == null) {
      return result;
    }
    int[] lo = new int[3];
    int[] size = new int[3];
    for (int a = 0; a < 3; a++) {
      double scale = (double) shape[a] / coarseSize[a];
      double start = box[0][a] * scale;
      double end = (box[1][a] + 1) * scale;
      double extent = Math.max((end - start) * enlargement, minimumSizeMm[a] / spacingMm[a]);
      extent = Math.min(extent, shape[a]);
      double centre = (start + end) / 2;
      int s = (int) Math.floor(centre - extent / 2);
      int e = (int) Math.ceil(centre + extent / 2);
      s = Math.max(0, Math.min(s, shape[a] - 1));
      e = Math.min(shape[a], Math.max(e, s + 1));
      lo[a] = s;
      size[a] = e - s;
    }
    float[] crop = crop(image, channels, shape, lo, size);
    float[] fineInput = TrilinearResize.resize(crop, channels, size, fineSize);
    float[] fineLogits = fine.predict(fineInput, 1, fineSize.clone());
    float[] back = TrilinearResize.resize(fineLogits, fine.outChannels(), fineSize, size);
    int[] cropLabels = argmax(back, fine.outChannels(), size);
    for (int z = 0, i = 0; z < size[0]; z++) {
      for (int y = 0; y < size[1]; y++) {
        int dst = ((z + lo[0]) * shape[1] + y + lo[1]) * shape[2] + lo[2];
        System.arraycopy(cropLabels, i, result, dst, size[2]);
        i += size[2];
      }
    }
    return largestComponent
        ? LargestConnectedComponent.apply(result, shape[0], shape[1], shape[2])
        : result;
  }

  static int[] argmax(float[] logits, int classes, int[] shape) {
    int n = shape[0] * shape[1] * shape[2];
    if (logits.length != classes * n) {
      throw new IllegalStateException(
          "predictor returned "
              + logits.length
              + " values for "
              + classes
              + "×"
              + Arrays.toString(shape));
    }
    int[] out = new int[n];
    for (int i = 0; i < n; i++) {
      float best = logits[i];
      for (int k = 1; k < classes; k++) {
        if (logits[k * n + i] > best) {
          best = logits[k * n + i];
          out[i] = k;
        }
      }
    }
    return out;
  }

  private static int[][] boundingBox(int[] labels, int[] shape) {
    int[] lo = {Integer.MAX_VALUE, Integer.MAX_VALUE, Integer.MAX_VALUE};
    int[] hi = {-1, -1, -1};
    for (int z = 0, i = 0; z < shape[0]; z++) {
      for (int y = 0; y < shape[1]; y++) {
        for (int x = 0; x < shape[2]; x++, i++) {
          if (labels[i] != 0) {
            lo[0] = Math.min(lo[0], z);
            lo[1] = Math.min(lo[1], y);
            lo[2] = Math.min(lo[2], x);
            hi[0] = Math.max(hi[0], z);
            hi[1] = Math.max(hi[1], y);
            hi[2] = Math.max(hi[2], x);
          }
        }
      }
    }
    return hi[0] < 0 ? null : new int[][] {lo, hi};
  }

  private static float[] crop(float[] image, int channels, int[] shape, int[] lo, int[] size) {
    int in = shape[0] * shape[1] * shape[2];
    int out = size[0] * size[1] * size[2];
    float[] result = new float[channels * out];
    for (int c = 0; c < channels; c++) {
      for (int z = 0; z < size[0]; z++) {
        for (int y = 0; y < size[1]; y++) {
          System.arraycopy(
              image,
              c * in + ((z + lo[0]) * shape[1] + y + lo[1]) * shape[2] + lo[2],
              result,
              c * out + (z * size[1] + y) * size[2],
              size[2]);
        }
      }
    }
    return result;
  }
}
