package io.distillery.segml.checkpoint;

/**
 * How voxel intensities are mapped before the network.
 *
 * @param method {@code "ct-window"} (clip to [clipLow, clipHigh], then (v − mean)/std) or {@code
 *     "zscore"} (per-volume (v − mean)/std over the body; mean/std ignored, clip bounds unused)
 * @param clipLow lower clip bound (e.g. HU), used by ct-window
 * @param clipHigh upper clip bound, used by ct-window
 * @param mean subtracted after clipping (ct-window)
 * @param std divisor after centring (ct-window), positive
 */
public record IntensityNormalization(
    String method, double clipLow, double clipHigh, double mean, double std) {

  /** Validates the method and parameters. */
  public IntensityNormalization {
    if (!"ct-window".equals(method) && !"zscore".equals(method)) {
      throw new IllegalArgumentException("unknown intensity normalisation: " + method);
    }
    if ("ct-window".equals(method) && (clipLow >= clipHigh || std <= 0)) {
      throw new IllegalArgumentException("ct-window needs clipLow < clipHigh and std > 0");
    }
  }
}
