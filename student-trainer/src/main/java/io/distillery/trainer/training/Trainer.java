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
 * inside a gradient collector, Adam with a linear warm-up over the first {@code W} steps and poly
 * learning-rate decay {@code lr0·min(1, (t+1)/W)·(1 − t/T)^p}, progress every {@code progressEvery}
 * steps and a {@link TrainingSnapshot} every {@code checkpointEvery} steps. A resumed run restores
 * weights, Adam moments and sampler positions, so it continues on the same trajectory.
 */
public final class Trainer {
  private final Objective objective;
  private final AdamOptimizer optimizer;
  private final NDManager manager;
  private final float learningRate;
  private final double polyPower;
  private final long warmupSteps;

  /** Steps run before a wall-time budget is turned into a step count. */
  public static final int CALIBRATION_STEPS = 12;

  /**
   * Steps between re-plans of a wall-time budget (fewer, down to 5, when a quarter of the planned
   * steps left is fewer): the total follows the step time of the latest window, so a plan made
   * while another process held the CPU (the teacher-service's soft labels of the previous teacher,
   * a build) is corrected when it lets go, and the other way round.
   */
  public static final int REPLAN_EVERY = 25;

  /** First steps left out of the step-time measurement (allocation, JIT, kernel selection). */
  public static final int WARM_UP_STEPS = 4;

  /**
   * @param objective the method's loss (its networks initialised in {@code manager})
   * @param manager the job's manager
   * @param learningRate initial learning rate
   * @param polyPower poly decay exponent
   * @param weightDecay L2 weight decay
   * @param warmupSteps steps of linear learning-rate warm-up (0: none)
   */
  public Trainer(
      Objective objective,
      NDManager manager,
      float learningRate,
      double polyPower,
      float weightDecay,
      long warmupSteps) {
    this.objective = objective;
    this.warmupSteps = Math.max(0, warmupSteps);
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
    run(source, startStep, totalSteps, stepsPerEpoch, progressEvery, checkpointEvery, 0, listener);
  }

  /**
   * As above with a wall-time budget: when {@code budgetSeconds} &gt; 0 and the run starts at step
   * 0, {@code totalSteps} is only the cap; after {@link #CALIBRATION_STEPS} steps the mean time of
   * the steps after the first {@link #WARM_UP_STEPS} (data wait included) plans the total so that
   * the training loop ends within the budget, and {@link TrainingListener#planned} reports it.
   * Every {@link #REPLAN_EVERY} steps after that the total is planned again from the wall time of
   * the latest window (reports and checkpoints included) and the time left, and reported when it
   * changes. The learning-rate schedule follows the planned total; a run resumed after the first
   * plan is given the latest planned total as {@code totalSteps} and no budget (one resumed before
   * it plans again).
   */
  public void run(
      BatchSource source,
      long startStep,
      long totalSteps,
      int stepsPerEpoch,
      int progressEvery,
      int checkpointEvery,
      double budgetSeconds,
      TrainingListener listener) {
    boolean timed = budgetSeconds > 0 && startStep < CALIBRATION_STEPS;
    boolean planning = timed;
    final long cap = totalSteps;
    long loopStart = System.nanoTime();
    long measuredNanos = 0;
    int measuredSteps = 0;
    long windowStart = 0;
    long windowFirstStep = 0;
    Map<String, Double> lossSums = new LinkedHashMap<>();
    // Per key: a diagnostic (e.g. the Dice of a class) exists only in the steps whose batch had it.
    Map<String, Integer> lossCounts = new LinkedHashMap<>();
    int stepsSinceReport = 0;
    long nanosSinceReport = 0;
    long waitAtReport = source.waitNanos();
    for (long step = startStep; step < totalSteps; step++) {
      if (listener.cancelled()) {
        throw new TrainingCancelledException(step);
      }
      double epoch = step / (double) stepsPerEpoch;
      float lr = learningRate(step, totalSteps);
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
      long stepNanos = System.nanoTime() - start;
      nanosSinceReport += stepNanos;
      stepsSinceReport++;
      if (planning && step >= WARM_UP_STEPS) {
        measuredNanos += stepNanos;
        measuredSteps++;
      }
      if (planning && step + 1 == Math.min(CALIBRATION_STEPS, totalSteps) && measuredSteps > 0) {
        planning = false;
        double stepSeconds = measuredNanos / 1e9 / measuredSteps;
        totalSteps = plan(step + 1, stepSeconds, budgetSeconds, loopStart, cap);
        listener.planned(totalSteps, stepSeconds);
        windowStart = System.nanoTime();
        windowFirstStep = step + 1;
      } else if (timed
          && !planning
          && step + 1 < totalSteps
          && step + 1 - windowFirstStep
              >= Math.min(REPLAN_EVERY, Math.max(5, (totalSteps - windowFirstStep) / 4))) {
        double stepSeconds = (System.nanoTime() - windowStart) / 1e9 / (step + 1 - windowFirstStep);
        long replanned = plan(step + 1, stepSeconds, budgetSeconds, loopStart, cap);
        if (replanned != totalSteps) {
          totalSteps = replanned;
          listener.planned(totalSteps, stepSeconds);
        }
        windowStart = System.nanoTime();
        windowFirstStep = step + 1;
      }
      values.forEach(
          (k, v) -> {
            if (Double.isFinite(v)) {
              lossSums.merge(k, v, Double::sum);
              lossCounts.merge(k, 1, Integer::sum);
            }
          });
      long done = step + 1;
      if (done % progressEvery == 0 || done == totalSteps) {
        Map<String, Double> means = new LinkedHashMap<>();
        int n = stepsSinceReport;
        lossSums.forEach((k, v) -> means.put(k, v / lossCounts.get(k)));
        long waited = source.waitNanos() - waitAtReport;
        listener.progress(
            done,
            (int) (done / stepsPerEpoch),
            means,
            nanosSinceReport / 1e9 / n,
            nanosSinceReport == 0 ? 0 : Math.min(1.0, waited / (double) nanosSinceReport));
        lossSums.clear();
        lossCounts.clear();
        stepsSinceReport = 0;
        nanosSinceReport = 0;
        waitAtReport = source.waitNanos();
      }
      if (done % checkpointEvery == 0 && done < totalSteps) {
        listener.checkpoint(snapshot(done, source.consumed()));
      }
    }
  }

  /**
   * The total that fits the time left at {@code stepSeconds} per step, after {@code done} steps:
   * never below {@code done}, never above {@code cap}.
   */
  private static long plan(
      long done, double stepSeconds, double budgetSeconds, long loopStart, long cap) {
    double left = budgetSeconds - (System.nanoTime() - loopStart) / 1e9;
    long planned = done + (long) Math.floor(Math.max(0, left) / stepSeconds);
    return Math.max(done, Math.min(cap, planned));
  }

  /** The learning rate of step {@code step} of {@code totalSteps}. */
  float learningRate(long step, long totalSteps) {
    double warm = warmupSteps == 0 ? 1 : Math.min(1.0, (step + 1) / (double) warmupSteps);
    return (float) (learningRate * warm * Math.pow(1 - step / (double) totalSteps, polyPower));
  }

  /** Frees the optimiser state. */
  public void close() {
    optimizer.close();
  }
}
