/**
 * The optimisation step shared by supervised training, distillation, the overfit tests and the
 * benchmark: {@link io.distillery.segml.training.TrainingStep} runs an objective built from {@link
 * io.distillery.segml.losses} / {@link io.distillery.segml.distillation} (forward, backward, Adam)
 * with per-step native memory. Layouts are {@code NCDHW}.
 */
package io.distillery.segml.training;
