package io.distillery.trainer.training;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.util.Pair;
import io.distillery.segml.distillation.LossTerms;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The training loop shared by every method: per step a sub-manager for the batch and activations
 * (closed after the step, so native memory stays bounded over long jobs), forward and backward
 * inside a gradient collector, Adam with poly learning-rate decay {@code lr0·(1 − t/T)^p}, progress
 * every {@code progressEvery} steps and a {@link TrainingSnapshot} every {@code checkpointEvery}
 * steps. A resumed run restores weights, Adam moments and sampler positions, so it continues on the
 * same trajectory.
 */
public final class Trainer {
  private final Objective objective;
  private final AdamOptimizer optimizer;
  private final NDManager manager;
  private final float learningRate;
  private final double polyPower;

  /**
   * @param objective the method's loss (its networks initialised in {@code manager})
   * @param manager the job's manager
   * @param learningRate initial learning rate
   * @param polyPower poly decay exponent
   * @param weightDecay L2 weight decay
   */
  public Trainer(
      Objective objective,
      NDManager manager,
      float learningRate,
      double polyPower,
      float weightDecay) {
    this.objective = objective;
    this.manager = manager;
    this.learningRate = learningRate;
    this.polyPower = polyPower;
    this.optimizer = new AdamOptimizer(parameters(trainedBlocks(objective)), manager, weightDecay);
  }

  /** The networks, then the auxiliary blocks: what is optimised and checkpointed, in order. */
  private static List<Block> trainedBlocks(Objective objective) {
    List<Block> out = new ArrayList<>(objective.networks());
    out.addAll(objective.auxiliaryBlocks());
    return out;
  }

  private static List<Parameter> parameters(List<Block> blocks) {
    List<Parameter> out = new ArrayList<>();
    for (Block net : blocks) {
      for (Pair<String, Parameter> p : net.getParameters()) {
        if (p.getValue().requiresGradient()) {
          out.add(p.getValue());
        }
      }
    }
    return out;
  }

  /** Restores weights and optimiser state from a snapshot. */
  public void restore(TrainingSnapshot snapshot) {
    List<Block> networks = trainedBlocks(objective);
    if (snapshot.networkParams().size() != networks.size()) {
      throw new TrainingException(
          "checkpoint holds "
              + snapshot.networkParams().size()
              + " networks/adaptors, the job trains "
              + networks.size());
    }
    for (int i = 0; i < networks.size(); i++) {
      try (DataInputStream in =
          new DataInputStream(new ByteArrayInputStream(snapshot.networkParams().get(i)))) {
        networks.get(i).loadParameters(manager, in);
      } catch (IOException | ai.djl.MalformedModelException e) {
        throw new TrainingException("checkpointed weights do not fit network " + i, e);
      }
    }
    // Loaded arrays are new tensors: gradients must be attached again.
    for (Block net : networks) {
      for (Pair<String, Parameter> p : net.getParameters()) {
        if (p.getValue().requiresGradient()) {
          p.getValue().getArray().setRequiresGradient(true);
        }
      }
    }
    optimizer.restoreState(snapshot.optimizerState());
  }

  /** The current snapshot. */
  public TrainingSnapshot snapshot(long step, long[] consumed) {
    List<byte[]> params = new ArrayList<>();
    for (Block net : trainedBlocks(objective)) {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      try (DataOutputStream out = new DataOutputStream(bytes)) {
        net.saveParameters(out);
      } catch (IOException e) {
        throw new TrainingException("cannot serialise weights", e);
      }
      params.add(bytes.toByteArray());
    }
    return new TrainingSnapshot(step, consumed, params, optimizer.encodeState());
  }

  /**
   * Runs steps {@code startStep .. totalSteps−1}.
   *
   * @param source patch streams (positioned at {@code startStep})
   * @param startStep first step to run (0, or the checkpoint's step)
   * @param totalSteps the budget
   * @param stepsPerEpoch steps per epoch
   * @param progressEvery steps between progress reports
   * @param checkpointEvery steps between checkpoints
   * @param listener progress, checkpoints, cancellation
   */
  public void run(
      BatchSource source,
      long startStep,
      long totalSteps,
      int stepsPerEpoch,
      int progressEvery,
      int checkpointEvery,
      TrainingListener listener) {
    Map<String, Double> lossSums = new LinkedHashMap<>();
    int stepsSinceReport = 0;
    long nanosSinceReport = 0;
    long waitAtReport = source.waitNanos();
    for (long step = startStep; step < totalSteps; step++) {
      if (listener.cancelled()) {
        throw new TrainingCancelledException(step);
      }
      double epoch = step / (double) stepsPerEpoch;
      float lr = (float) (learningRate * Math.pow(1 - step / (double) totalSteps, polyPower));
      long start = System.nanoTime();
      Map<String, Double> values;
      try (NDManager stepManager = manager.newSubManager()) {
        LossTerms terms;
        try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
          terms = objective.compute(stepManager, source, step, epoch);
          collector.backward(terms.total());
        }
        values = terms.values();
        double total =
            terms.total().toType(ai.djl.ndarray.types.DataType.FLOAT64, false).getDouble();
        if (!Double.isFinite(total)) {
          throw new TrainingException("loss is " + total + " at step " + step + ": " + values);
        }
        values.put("total", total);
        optimizer.step(lr);
      }
      nanosSinceReport += System.nanoTime() - start;
      stepsSinceReport++;
      values.forEach((k, v) -> lossSums.merge(k, v, Double::sum));
      long done = step + 1;
      if (done % progressEvery == 0 || done == totalSteps) {
        Map<String, Double> means = new LinkedHashMap<>();
        int n = stepsSinceReport;
        lossSums.forEach((k, v) -> means.put(k, v / n));
        long waited = source.waitNanos() - waitAtReport;
        listener.progress(
            done,
            (int) (done / stepsPerEpoch),
            means,
            nanosSinceReport / 1e9 / n,
            nanosSinceReport == 0 ? 0 : Math.min(1.0, waited / (double) nanosSinceReport));
        lossSums.clear();
        stepsSinceReport = 0;
        nanosSinceReport = 0;
        waitAtReport = source.waitNanos();
      }
      if (done % checkpointEvery == 0 && done < totalSteps) {
        listener.checkpoint(snapshot(done, source.consumed()));
      }
    }
  }

  /** Frees the optimiser state. */
  public void close() {
    optimizer.close();
  }
}
