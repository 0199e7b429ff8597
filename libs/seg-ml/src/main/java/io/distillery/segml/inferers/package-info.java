/**
 * Whole-volume inference on plain arrays through the {@link
 * io.distillery.segml.inferers.WindowPredictor} seam: Gaussian-blended sliding windows,
 * coarse-to-fine ROI inference and largest-connected-component post-processing. Images are {@code
 * float[]} {@code C×D×H×W}, logits {@code K×D×H×W}, label maps {@code int[]} {@code D×H×W}.
 */
package io.distillery.segml.inferers;
