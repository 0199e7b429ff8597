package io.distillery.segml.losses;

import ai.djl.ndarray.NDArray;
import io.distillery.segml.ops.ScalarOps;
import java.util.List;

/**
 * Feature-wise supervision of MS-KD (Feng et al., arXiv 2108.02559; methods.md §1): for each
 * teacher k, {@code ‖A_k(F_s) − F_k‖²} (squared L2 over channels) averaged over the voxels of
 * {@code O_k ∪ B}; then averaged over the K teachers [our choice].
 *
 * <p>Inputs: adapted student features {@code A_k(F_s)} and teacher features {@code F_k} (each
 * {@code N×C_k×d×h×w}, teachers detached) and the MS-KD regions {@code N×K×D×H×W}, downsampled here
 * by nearest neighbour to the feature resolution when it is coarser.
 */
public final class MsKdFeatureLoss {

  /** Loss over K adapted-student/teacher feature pairs. */
  public NDArray compute(
      List<NDArray> adaptedStudentFeatures, List<NDArray> teacherFeatures, NDArray regions) {
    int teachers = teacherFeatures.size();
    if (adaptedStudentFeatures.size() != teachers || regions.getShape().get(1) != teachers) {
      throw new LossInputException(
          "need one adapted student feature and one region per teacher: "
              + adaptedStudentFeatures.size()
              + " adapted, "
              + teachers
              + " teacher features, regions "
              + regions.getShape());
    }
    NDArray sum = null;
    for (int k = 0; k < teachers; k++) {
      NDArray student = adaptedStudentFeatures.get(k);
      NDArray teacher = teacherFeatures.get(k).stopGradient();
      Tensors.requireSameShape("MsKdFeatureLoss teacher " + (k + 1), student, teacher);
      NDArray region =
          MaskDownsampling.toResolutionOf(regions.get(":, " + k + ":" + (k + 1)), student);
      NDArray squared = student.sub(teacher).square().sum(new int[] {1}, true);
      NDArray term = Tensors.maskedMean(squared, region.broadcast(squared.getShape()));
      sum = sum == null ? term : sum.add(term);
    }
    return ScalarOps.div(sum, (float) teachers);
  }
}
