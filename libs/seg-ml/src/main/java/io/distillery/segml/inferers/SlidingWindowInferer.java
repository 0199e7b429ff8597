package io.distillery.segml.inferers;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Sliding-window inference with importance blending, as in nnU-Net (Isensee et al. 2021) and
 * MONAI's {@code SlidingWindowInferer}: windows of the ROI size step by {@code ROI·(1−overlap)}
 * (the last window flush with the far edge), several windows per predictor call, and each window's
 * logits weighted by a Gaussian centred on the window (σ = ROI/8 per axis, normalised to max 1,
 * zeros raised to the smallest positive weight) before dividing by the summed weights. A volume
 * smaller than the ROI is zero-padded symmetrically and the result cropped back.
 *
 * <p>Input {@code C×D×H×W}, output {@code K×D×H×W} logits.
 */
public final class SlidingWindowInferer {
  private final int[] roi;
  private final double overlap;
  private final int windowsPerBatch;
  private final double sigmaScale;
  private final boolean gaussian;
  private final float[] importance;

  private SlidingWindowInferer(Builder b) {
    this.roi = b.roi.clone();
    this.overlap = b.overlap;
    this.windowsPerBatch = b.windowsPerBatch;
    this.sigmaScale = b.sigmaScale;
    this.gaussian = b.gaussian;
    this.importance = gaussian ? gaussianImportance(roi, sigmaScale) : constantImportance(roi);
  }

  /** Starts a builder; {@link Builder#setRoiSize} is required. */
  public static Builder builder() {
    return new Builder();
  }

  /** The importance map {@code D×H×W} of one window. */
  public float[] importanceMap() {
    return importance.clone();
  }

  /** Window start positions along one axis of size {@code size} (≥ roi). */
  static int[] starts(int size, int roiSize, double overlap) {
    if (size <= roiSize) {
      return new int[] {0};
    }
    int step = Math.max(1, (int) Math.floor(roiSize * (1 - overlap)));
    int count = (int) Math.ceil((double) (size - roiSize) / step) + 1;
    int[] out = new int[count];
    for (int i = 0; i < count; i++) {
      out[i] = Math.min(i * step, size - roiSize);
    }
    return out;
  }

  /** Logits {@code K×D×H×W} of an image {@code C×D×H×W}. */
  public float[] infer(float[] image, int[] shapeDhw, WindowPredictor predictor) {
    int channels = predictor.inChannels();
    int classes = predictor.outChannels();
    long voxels = (long) shapeDhw[0] * shapeDhw[1] * shapeDhw[2];
    if (image.length != channels * voxels) {
      throw new IllegalArgumentException(
          "image has "
              + image.length
              + " values, expected "
              + channels
              + "×"
              + Arrays.toString(shapeDhw));
    }
    int[] padded = new int[3];
    int[] before = new int[3];
    for (int a = 0; a < 3; a++) {
      padded[a] = Math.max(shapeDhw[a], roi[a]);
      before[a] = (padded[a] - shapeDhw[a]) / 2;
    }
    float[] source = pad(image, channels, shapeDhw, padded, before);
    int pd = padded[0];
    int ph = padded[1];
    int pw = padded[2];
    int plane = ph * pw;
    int paddedVoxels = pd * plane;
    float[] sum = new float[classes * paddedVoxels];
    float[] weight = new float[paddedVoxels];

    List<int[]> windows = new ArrayList<>();
    for (int z : starts(pd, roi[0], overlap)) {
      for (int y : starts(ph, roi[1], overlap)) {
        for (int x : starts(pw, roi[2], overlap)) {
          windows.add(new int[] {z, y, x});
        }
      }
    }
    int roiVoxels = roi[0] * roi[1] * roi[2];
    for (int first = 0; first < windows.size(); first += windowsPerBatch) {
      int batch = Math.min(windowsPerBatch, windows.size() - first);
      float[] input = new float[batch * channels * roiVoxels];
      for (int b = 0; b < batch; b++) {
        int[] o = windows.get(first + b);
        for (int c = 0; c < channels; c++) {
          copyWindow(source, c * paddedVoxels, padded, o, input, (b * channels + c) * roiVoxels);
        }
      }
      float[] logits = predictor.predict(input, batch, roi.clone());
      if (logits.length != batch * classes * roiVoxels) {
        throw new IllegalStateException(
            "predictor returned "
                + logits.length
                + " values, expected "
                + batch * classes * roiVoxels);
      }
      for (int b = 0; b < batch; b++) {
        int[] o = windows.get(first + b);
        for (int z = 0; z < roi[0]; z++) {
          for (int y = 0; y < roi[1]; y++) {
            int dst = (o[0] + z) * plane + (o[1] + y) * pw + o[2];
            int src = (z * roi[1] + y) * roi[2];
            for (int x = 0; x < roi[2]; x++) {
              float w = importance[src + x];
              weight[dst + x] += w;
              for (int k = 0; k < classes; k++) {
                sum[k * paddedVoxels + dst + x] +=
                    w * logits[((b * classes + k) * roiVoxels) + src + x];
              }
            }
          }
        }
      }
    }
    for (int k = 0; k < classes; k++) {
      for (int i = 0; i < paddedVoxels; i++) {
        sum[k * paddedVoxels + i] /= weight[i];
      }
    }
    return crop(sum, classes, padded, before, shapeDhw);
  }

  /** Copies one channel's window at {@code origin} out of a volume. */
  private void copyWindow(
      float[] volume,
      int volumeOffset,
      int[] shape,
      int[] origin,
      float[] window,
      int windowOffset) {
    for (int z = 0; z < roi[0]; z++) {
      for (int y = 0; y < roi[1]; y++) {
        int v = volumeOffset + ((origin[0] + z) * shape[1] + origin[1] + y) * shape[2] + origin[2];
        System.arraycopy(volume, v, window, windowOffset + (z * roi[1] + y) * roi[2], roi[2]);
      }
    }
  }

  private static float[] pad(float[] image, int channels, int[] shape, int[] padded, int[] before) {
    if (Arrays.equals(shape, padded)) {
      return image;
    }
    int in = shape[0] * shape[1] * shape[2];
    int out = padded[0] * padded[1] * padded[2];
    float[] result = new float[channels * out];
    for (int c = 0; c < channels; c++) {
      for (int z = 0; z < shape[0]; z++) {
        for (int y = 0; y < shape[1]; y++) {
          System.arraycopy(
              image,
              c * in + (z * shape[1] + y) * shape[2],
              result,
              c * out + ((z + before[0]) * padded[1] + y + before[1]) * padded[2] + before[2],
              shape[2]);
        }
      }
    }
    return result;
  }

  private static float[] crop(
      float[] volume, int channels, int[] padded, int[] before, int[] shape) {
    if (Arrays.equals(shape, padded)) {
      return volume;
    }
    return pad2crop(volume, channels, padded, before, shape);
  }

  private static float[] pad2crop(
      float[] volume, int channels, int[] padded, int[] before, int[] shape) {
    int in = padded[0] * padded[1] * padded[2];
    int out = shape[0] * shape[1] * shape[2];
    float[] result = new float[channels * out];
    for (int c = 0; c < channels; c++) {
      for (int z = 0; z < shape[0]; z++) {
        for (int y = 0; y < shape[1]; y++) {
          System.arraycopy(
              volume,
              c * in + ((z + before[0]) * padded[1] + y + before[1]) * padded[2] + before[2],
              result,
              c * out + (z * shape[1] + y) * shape[2],
              shape[2]);
        }
      }
    }
    return result;
  }

  static float[] gaussianImportance(int[] roi, double sigmaScale) {
    double[][] g = new double[3][];
    for (int a = 0; a < 3; a++) {
      g[a] = new double[roi[a]];
      double centre = roi[a] / 2; // integer centre roi//2, as nnU-Net and MONAI
      double sigma = roi[a] * sigmaScale;
      for (int i = 0; i < roi[a]; i++) {
        double t = (i - centre) / sigma;
        g[a][i] = Math.exp(-0.5 * t * t);
      }
    }
    float[] map = new float[roi[0] * roi[1] * roi[2]];
    double max = 0;
    for (int z = 0, i = 0; z < roi[0]; z++) {
      for (int y = 0; y < roi[1]; y++) {
        for (int x = 0; x < roi[2]; x++, i++) {
          double v = g[0][z] * g[1][y] * g[2][x];
          map[i] = (float) v;
          max = Math.max(max, v);
        }
      }
    }
    float minPositive = Float.MAX_VALUE;
    for (int i = 0; i < map.length; i++) {
      map[i] = (float) (map[i] / max);
      if (map[i] > 0) {
        minPositive = Math.min(minPositive, map[i]);
      }
    }
    for (int i = 0; i < map.length; i++) {
      if (map[i] == 0) {
        map[i] = minPositive;
      }
    }
    return map;
  }

  private static float[] constantImportance(int[] roi) {
    float[] map = new float[roi[0] * roi[1] * roi[2]];
    Arrays.fill(map, 1f);
    return map;
  }

  /** Builder: {@code set*} required, {@code opt*} optional. */
  public static final class Builder {
    private int[] roi;
    private double overlap = 0.5;
    private int windowsPerBatch = 1;
    private double sigmaScale = 0.125;
    private boolean gaussian = true;

    private Builder() {}

    /** Window size D, H, W (required). */
    public Builder setRoiSize(int... roiDhw) {
      this.roi = roiDhw.clone();
      return this;
    }

    /** Fraction of overlap between neighbouring windows, in [0, 1) (default 0.5). */
    public Builder optOverlap(double overlap) {
      this.overlap = overlap;
      return this;
    }

    /** Windows per predictor call (default 1). */
    public Builder optWindowsPerBatch(int windowsPerBatch) {
      this.windowsPerBatch = windowsPerBatch;
      return this;
    }

    /** σ as a fraction of the ROI (default 1/8). */
    public Builder optSigmaScale(double sigmaScale) {
      this.sigmaScale = sigmaScale;
      return this;
    }

    /** Gaussian (default) or constant blending. */
    public Builder optGaussian(boolean gaussian) {
      this.gaussian = gaussian;
      return this;
    }

    /** Builds the inferer. */
    public SlidingWindowInferer build() {
      if (roi == null || roi.length != 3 || Arrays.stream(roi).anyMatch(r -> r < 1)) {
        throw new IllegalArgumentException(
            "ROI must be 3 positive sizes, got " + Arrays.toString(roi));
      }
      if (!(overlap >= 0 && overlap < 1)) {
        throw new IllegalArgumentException("overlap must be in [0, 1), got " + overlap);
      }
      if (windowsPerBatch < 1 || !(sigmaScale > 0)) {
        throw new IllegalArgumentException("windowsPerBatch must be >= 1 and sigmaScale > 0");
      }
      return new SlidingWindowInferer(this);
    }
  }
}
