/**
 * Segmentation and distillation losses on DJL {@code NDArray}s (methods.md §0–§4).
 *
 * <p>Layouts: logits and probabilities are {@code NCDHW} (any number of spatial axes works, at
 * least one); targets are one-hot or soft label maps of the same shape ({@link
 * io.distillery.segml.losses.OneHot#encode} turns an integer label map {@code NDHW} into one).
 * Every loss returns a scalar {@code NDArray} owned by its input's manager, in the input's data
 * type (float32 for training, float64 works for gradient checks).
 */
package io.distillery.segml.losses;
