package io.distillery.trainer.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import io.distillery.segml.distillation.LossTerms;
import io.distillery.segml.distillation.MskdLoss;
import io.distillery.segml.losses.OneHot;
import io.distillery.segml.networks.NetworkOutput;
import io.distillery.segml.networks.SegmentationNetwork;
import java.util.List;
import java.util.Set;

/**
 * MSKD (Comput Biol Med 2023, methods.md §2): {@code L_sup + λ_kd·KD(T=4) + λ_ffd·FFD + λ_rgd·RGD}.
 * The teacher's logits and features are computed online from the stored teacher model (the teacher
 * service stores soft labels, not the features FFD/RGD need at the patch's crop). Both networks are
 * tapped at their last decoder stage, which is at full resolution for any depth, so no resampling
 * of masks is needed; the terms are channel-agnostic (no adaptor).
 */
final class MskdObjective implements Objective {
  private final SegmentationNetwork student;
  private final SegmentationNetwork teacher;
  private final MskdLoss loss;
  private final SupervisedTerms supervised;
  private final int batchSize;
  private final int groups;
  private final String studentTap;
  private final String teacherTap;

  MskdObjective(
      SegmentationNetwork student,
      SegmentationNetwork teacher,
      MskdLoss loss,
      int batchSize,
      int groups) {
    if (student.spec().depth() < 2 || teacher.spec().depth() < 2) {
      throw new TrainingException("MSKD needs networks of depth >= 2 (a decoder feature map)");
    }
    this.student = student;
    this.teacher = teacher;
    this.loss = loss;
    this.supervised = new SupervisedTerms(student.outChannels());
    this.batchSize = batchSize;
    this.groups = groups;
    this.studentTap = "decoder." + (student.spec().depth() - 2);
    this.teacherTap = "decoder." + (teacher.spec().depth() - 2);
  }

  @Override
  public List<SegmentationNetwork> networks() {
    return List.of(student);
  }

  @Override
  public LossTerms compute(NDManager manager, BatchSource source, long step, double epoch) {
    Batch batch =
        Batch.take(manager, source, Forward.roundRobin(step, batchSize, Forward.all(groups)));
    NetworkOutput t =
        teacher.forward(
            new ParameterStore(manager, false), batch.image(), false, 0, Set.of(teacherTap));
    NDArray teacherLogits = t.logits().stopGradient();
    NDArray teacherFeatures = t.feature(teacherTap).stopGradient();
    NetworkOutput s = Forward.output(manager, student, batch.image(), 0, Set.of(studentTap));
    if (supervised.fullyLabelled(batch, source)) {
      NDArray target =
          OneHot.encode(batch.labelArray(manager, 0, batch.count()), student.outChannels());
      return loss.compute(
          s.logits(), teacherLogits, s.feature(studentTap), teacherFeatures, target);
    }
    LossTerms terms =
        loss.compute(s.logits(), teacherLogits, s.feature(studentTap), teacherFeatures, null);
    NDArray partial = supervised.compute(manager, s.logits(), batch, source);
    return partial == null ? terms : terms.plus("partial", 1f, partial);
  }
}
