/**
 * Segmentation metrics in plain Java on integer label maps (no DJL): Dice, HD95 and normalised
 * surface Dice in millimetres with anisotropic spacing, per class and as a mean over foreground
 * classes (methods.md "Metrics"). Label maps are {@code int[]} in {@code D×H×W} order (W fastest)
 * described by a {@link io.distillery.segml.metrics.VoxelGrid}.
 */
package io.distillery.segml.metrics;
