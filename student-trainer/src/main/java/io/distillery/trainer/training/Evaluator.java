package io.distillery.trainer.training;

import io.distillery.segml.checkpoint.PostprocessingSpec;
import io.distillery.segml.engine.DjlWindowPredictor;
import io.distillery.segml.inferers.LargestConnectedComponent;
import io.distillery.segml.inferers.SlidingWindowInferer;
import io.distillery.segml.metrics.ClassScores;
import io.distillery.segml.metrics.DiceMetric;
import io.distillery.segml.metrics.HausdorffDistance95Metric;
import io.distillery.segml.metrics.VoxelGrid;
import io.distillery.segml.networks.SegmentationNetwork;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Validation at the end of a job: Gaussian-blended sliding-window inference (window = the training
 * patch) on each validation volume, argmax, the largest connected component per class that the
 * published model card records ({@link PostprocessingSpec#forOrgans}: two for a paired organ such
 * as "kidney"), then Dice and HD95 (mm) per class, averaged over the volumes that label that class
 * (methods.md metric conventions; HD95 NaNs are left out of the mean and counted). So a job's
 * validation scores the post-processing the inference-service applies, on the training grid.
 */
public final class Evaluator {
  private Evaluator() {}

  /**
   * Metrics {@code dice/<class>}, {@code hd95/<class>} and {@code dice/mean}; {@code prefix} is
   * prepended to every name (e.g. {@code "MR/"}).
   */
  public static Map<String, Double> evaluate(
      SegmentationNetwork network,
      int normSet,
      List<PreparedCase> cases,
      int[] roi,
      double overlap,
      List<String> classes,
      String prefix) {
    int k = classes.size();
    double[] diceSum = new double[k];
    int[] diceCount = new int[k];
    double[] hdSum = new double[k];
    int[] hdCount = new int[k];
    int[] componentsToKeep = componentsToKeep(classes);
    SlidingWindowInferer inferer =
        SlidingWindowInferer.builder().setRoiSize(roi).optOverlap(overlap).build();
    try (DjlWindowPredictor predictor = new DjlWindowPredictor(network, normSet)) {
      for (PreparedCase c : cases) {
        if (c.labelledClasses().length == 0) {
          continue;
        }
        float[] logits = inferer.infer(c.image(), c.shape(), predictor);
        int voxels = c.voxels();
        int[] prediction = new int[voxels];
        for (int i = 0; i < voxels; i++) {
          int best = 0;
          for (int ch = 1; ch < k; ch++) {
            if (logits[ch * voxels + i] > logits[best * voxels + i]) {
              best = ch;
            }
          }
          prediction[i] = best;
        }
        if (componentsToKeep != null) {
          int[] s = c.shape();
          prediction =
              LargestConnectedComponent.apply(prediction, s[0], s[1], s[2], componentsToKeep);
        }
        int[] reference = new int[voxels];
        for (int i = 0; i < voxels; i++) {
          reference[i] = c.labels()[i];
        }
        VoxelGrid grid = new VoxelGrid(c.shape()[0], c.shape()[1], c.shape()[2], c.spacingDhwMm());
        ClassScores dice = DiceMetric.compute(prediction, reference, k);
        ClassScores hd = HausdorffDistance95Metric.compute(prediction, reference, k, grid);
        for (int cls : c.labelledClasses()) {
          diceSum[cls] += dice.of(cls);
          diceCount[cls]++;
          if (!Double.isNaN(hd.of(cls))) {
            hdSum[cls] += hd.of(cls);
            hdCount[cls]++;
          }
        }
      }
    }
    Map<String, Double> metrics = new LinkedHashMap<>();
    double meanSum = 0;
    int meanCount = 0;
    for (int cls = 1; cls < k; cls++) {
      if (diceCount[cls] > 0) {
        double d = diceSum[cls] / diceCount[cls];
        metrics.put(prefix + "dice/" + classes.get(cls), d);
        meanSum += d;
        meanCount++;
      }
      if (hdCount[cls] > 0) {
        metrics.put(prefix + "hd95/" + classes.get(cls), hdSum[cls] / hdCount[cls]);
      }
    }
    if (meanCount > 0) {
      metrics.put(prefix + "dice/mean", meanSum / meanCount);
    }
    return metrics;
  }

  /** Components to keep per class index, as the card's post-processing records (null: none). */
  static int[] componentsToKeep(List<String> classes) {
    PostprocessingSpec post = PostprocessingSpec.forOrgans(classes);
    return post.largestComponent() ? post.componentsToKeep(classes) : null;
  }
}
