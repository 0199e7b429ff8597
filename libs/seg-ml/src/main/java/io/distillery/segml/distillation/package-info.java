/**
 * Method-level loss combinations of methods.md §1–§4 (MS-KD, MSKD, unpaired CT/MR, cross teaching)
 * built from {@link io.distillery.segml.losses}, with the document's defaults, plus the ramp-up
 * schedule. Each returns {@link io.distillery.segml.distillation.LossTerms}: the total to
 * back-propagate and the weighted terms for logging. Layouts are {@code NCDHW}.
 */
package io.distillery.segml.distillation;
