package io.distillery.segml.networks;

/** How a U-Net decoder doubles resolution. */
public enum UpsamplingMode {
  /** Transposed convolution, kernel 2, stride 2 (cross-teaching teacher T1). */
  TRANSPOSED_CONV,
  /** 1³ convolution then trilinear ×2 interpolation (cross-teaching teacher T2). */
  TRILINEAR
}
