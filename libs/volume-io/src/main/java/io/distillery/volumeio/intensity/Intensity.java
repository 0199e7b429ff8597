package io.distillery.volumeio.intensity;

import io.distillery.volumeio.LabelVolume;
import io.distillery.volumeio.Volume;
import io.distillery.volumeio.Volumes;

/**
 * Intensity preprocessing. Every method returns a new volume and leaves its input untouched.
 *
 * <ul>
 *   <li>CT: {@link #window} clips to a Hounsfield window and scales it to [0, 1] (e.g. the
 *       abdominal window −125..275 HU used by the BTCV files).
 *   <li>MR: {@link #zScore(Volume)} over all voxels, or {@link #zScore(Volume, LabelVolume)} with
 *       statistics from the foreground mask only and 0 outside it, as nnU-Net does when {@code
 *       use_mask_for_norm} is set.
 *   <li>{@link #clipPercentiles} clips to percentiles of the volume (numpy's linear interpolation).
 * </ul>
 */
public final class Intensity {
  /** Floor of the standard deviation in z-scores, nnU-Net's value; guards constant volumes. */
  public static final double MIN_STD = 1e-8;

  private Intensity() {}

  /** Values clipped to {@code [lo, hi]}. NaN stays NaN. */
  public static Volume clip(Volume v, float lo, float hi) {
    checkRange(lo, hi);
    float[] in = v.data();
    float[] out = new float[in.length];
    for (int i = 0; i < in.length; i++) {
      out[i] = Math.min(hi, Math.max(lo, in[i]));
    }
    return v.withData(out);
  }

  /** Values clipped to {@code [lo, hi]} and mapped linearly to {@code [0, 1]}. */
  public static Volume window(Volume v, float lo, float hi) {
    return window(v, lo, hi, 0f, 1f);
  }

  /** Values clipped to {@code [lo, hi]} and mapped linearly to {@code [outLo, outHi]}. */
  public static Volume window(Volume v, float lo, float hi, float outLo, float outHi) {
    checkRange(lo, hi);
    float[] in = v.data();
    float[] out = new float[in.length];
    double scale = ((double) outHi - outLo) / ((double) hi - lo);
    for (int i = 0; i < in.length; i++) {
      float c = Math.min(hi, Math.max(lo, in[i]));
      out[i] = (float) (outLo + (c - (double) lo) * scale);
    }
    return v.withData(out);
  }

  /**
   * Values clipped to {@code [lo, hi]}, then {@code (c − mean) / std} in float arithmetic: the CT
   * normalisation of the trainer, the teacher-service and the segmentation pipeline alike (the
   * {@code ct-window} of a model card), so that a model sees the same values everywhere.
   */
  public static Volume clipAndStandardise(Volume v, float lo, float hi, float mean, float std) {
    checkRange(lo, hi);
    if (!(std > 0)) {
      throw new IllegalArgumentException("std must be > 0, was " + std);
    }
    float[] in = v.data();
    float[] out = new float[in.length];
    for (int i = 0; i < in.length; i++) {
      out[i] = (Math.min(Math.max(in[i], lo), hi) - mean) / std;
    }
    return v.withData(out);
  }

  /** {@code (v − mean) / max(std, 1e-8)} with population statistics over all non-NaN voxels. */
  public static Volume zScore(Volume v) {
    float[] in = v.data();
    double[] ms = meanStd(in, null);
    return v.withData(standardise(in, null, ms[0], ms[1]));
  }

  /**
   * z-score with mean and standard deviation from voxels where {@code mask} is non-zero; voxels
   * outside the mask become 0.
   *
   * @throws io.distillery.volumeio.GridMismatchException if the mask is on another grid
   * @throws IllegalArgumentException if the mask is empty
   */
  public static Volume zScore(Volume v, LabelVolume mask) {
    Volumes.sameGrid(v, mask);
    float[] in = v.data();
    short[] m = mask.data();
    double[] ms = meanStd(in, m);
    return v.withData(standardise(in, m, ms[0], ms[1]));
  }

  /**
   * Values clipped to the {@code low} and {@code high} percentiles (0..100) of the volume's non-NaN
   * voxels, e.g. 0.5 and 99.5.
   */
  public static Volume clipPercentiles(Volume v, double low, double high) {
    double[] p = Percentiles.of(v.data(), low, high);
    return clip(v, (float) p[0], (float) p[1]);
  }

  private static double[] meanStd(float[] in, short[] mask) {
    // Two passes in double: the one-pass formula loses precision on CT values around 1000.
    double sum = 0;
    long n = 0;
    for (int i = 0; i < in.length; i++) {
      if ((mask == null || mask[i] != 0) && !Float.isNaN(in[i])) {
        sum += in[i];
        n++;
      }
    }
    if (n == 0) {
      throw new IllegalArgumentException(
          mask == null ? "volume has no finite voxels" : "foreground mask is empty");
    }
    double mean = sum / n;
    double sq = 0;
    for (int i = 0; i < in.length; i++) {
      if ((mask == null || mask[i] != 0) && !Float.isNaN(in[i])) {
        double d = in[i] - mean;
        sq += d * d;
      }
    }
    return new double[] {mean, Math.max(Math.sqrt(sq / n), MIN_STD)};
  }

  private static float[] standardise(float[] in, short[] mask, double mean, double std) {
    float[] out = new float[in.length];
    for (int i = 0; i < in.length; i++) {
      out[i] = mask == null || mask[i] != 0 ? (float) ((in[i] - mean) / std) : 0f;
    }
    return out;
  }

  private static void checkRange(float lo, float hi) {
    if (!(lo < hi)) {
      throw new IllegalArgumentException("need lo < hi, got " + lo + ", " + hi);
    }
  }
}
