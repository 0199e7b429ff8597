/**
 * The training data path and array resampling on plain Java arrays (no DJL, no volume library):
 * images are {@code float[]} {@code C×D×H×W} (a training case may hold some channels as fp16 bits,
 * {@link io.distillery.segml.transforms.ChannelBlock}) and label maps {@code short[]} {@code
 * D×H×W}, W fastest. Foreground-oversampled, class-balanced patch sampling with light augmentation,
 * a prefetching sampler, and trilinear/nearest resizing.
 */
package io.distillery.segml.transforms;
