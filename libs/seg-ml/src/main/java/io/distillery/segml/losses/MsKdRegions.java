package io.distillery.segml.losses;

import ai.djl.ndarray.NDArray;
import io.distillery.segml.ops.ScalarOps;

/**
 * The supervision regions of MS-KD (Feng et al., arXiv 2108.02559; methods.md §1): for teacher k,
 * {@code O_k ∪ B} where {@code O_k = {x : p_k(x) > 0.5}} (a voxel claimed by several teachers goes
 * to the one with the largest p; exact ties go to all of them) and {@code B = ∩_k {p_k ≤ 0.5}}.
 *
 * <p>Input: teacher foreground probabilities {@code N×K×D×H×W}. Output: 0/1 masks of the same shape
 * and type, detached.
 */
public final class MsKdRegions {
  private MsKdRegions() {}

  /** Computes the K region masks {@code O_k ∪ B}. */
  public static NDArray of(NDArray teacherProbabilities) {
    Tensors.requireChannelsFirst("MsKdRegions teacher probabilities", teacherProbabilities);
    NDArray p = teacherProbabilities.stopGradient();
    NDArray max = p.max(new int[] {1}, true);
    NDArray organ = ScalarOps.gt(p, 0.5f).logicalAnd(p.gte(max));
    NDArray background = ScalarOps.lte(max, 0.5f);
    return organ.logicalOr(background).toType(p.getDataType(), false);
  }
}
