package io.distillery.segml.networks;

/**
 * A named intermediate feature map that a network can return alongside its logits, for feature-wise
 * distillation.
 *
 * @param name tap name: {@code encoder.i} (i = 0 full resolution … depth−1 the bottleneck) or
 *     {@code decoder.j} (j = 0 the deepest decoder stage, at level depth−2 … depth−2 the last, at
 *     full resolution)
 * @param channels channel count of the map
 * @param stride down-sampling factor of the map relative to the input in each spatial axis
 */
public record FeatureTap(String name, int channels, int stride) {}
