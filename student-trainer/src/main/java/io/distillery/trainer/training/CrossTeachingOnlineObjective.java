package io.distillery.trainer.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.distillery.segml.distillation.CrossTeachingLoss;
import io.distillery.segml.distillation.LossTerms;
import io.distillery.segml.losses.OneHot;
import io.distillery.segml.networks.SegmentationNetwork;
import java.util.List;
import java.util.Map;

/**
 * KD from cross-teaching teachers, online (Choi, FLARE 2022, methods.md §4): teacher T1
 * (transposed-convolution up-sampling), teacher T2 (interpolation up-sampling) and the student
 * train together; each step pairs a labelled batch (groups 0..L−1, fully labelled) with an
 * unlabelled batch of the same size (the last group). The published network is the student.
 */
final class CrossTeachingOnlineObjective implements Objective {
  private final SegmentationNetwork student;
  private final SegmentationNetwork teacher1;
  private final SegmentationNetwork teacher2;
  private final CrossTeachingLoss loss;
  private final int batchSize;
  private final int labelledGroups;

  CrossTeachingOnlineObjective(
      SegmentationNetwork student,
      SegmentationNetwork teacher1,
      SegmentationNetwork teacher2,
      CrossTeachingLoss loss,
      int batchSize,
      int labelledGroups) {
    this.student = student;
    this.teacher1 = teacher1;
    this.teacher2 = teacher2;
    this.loss = loss;
    this.batchSize = batchSize;
    this.labelledGroups = labelledGroups;
  }

  @Override
  public List<SegmentationNetwork> networks() {
    return List.of(student, teacher1, teacher2);
  }

  @Override
  public LossTerms compute(NDManager manager, BatchSource source, long step, double epoch) {
    int classes = student.outChannels();
    Batch labelled =
        Batch.take(
            manager, source, Forward.roundRobin(step, batchSize, Forward.all(labelledGroups)));
    int[] unlabelledGroup = new int[batchSize];
    java.util.Arrays.fill(unlabelledGroup, labelledGroups);
    Batch unlabelled = Batch.take(manager, source, unlabelledGroup);
    NDArray target = OneHot.encode(labelled.labelArray(manager, 0, batchSize), classes);
    LossTerms terms =
        loss.labelled(
            Forward.logits(manager, student, labelled.image(), 0),
            Forward.logits(manager, teacher1, labelled.image(), 0),
            Forward.logits(manager, teacher2, labelled.image(), 0),
            target,
            epoch);
    LossTerms u =
        loss.unlabelled(
            Forward.logits(manager, student, unlabelled.image(), 0),
            Forward.logits(manager, teacher1, unlabelled.image(), 0),
            Forward.logits(manager, teacher2, unlabelled.image(), 0),
            epoch);
    for (Map.Entry<String, NDArray> e : u.terms().entrySet()) {
      terms = terms.plus("unlabelled." + e.getKey(), 1f, e.getValue());
    }
    return terms;
  }
}
