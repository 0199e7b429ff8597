package io.distillery.trainer.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.nn.Parameter;
import java.util.ArrayList;
import java.util.List;

/**
 * Adam (Kingma and Ba, ICLR 2015) with L2 weight decay added to the gradient (as PyTorch's {@code
 * Adam(weight_decay=…)}), implemented on NDArrays so that its moments can be checkpointed: DJL's
 * own {@code Adam} keeps them in private fields, and re-creating it on resume would restart the
 * moment estimates and change the trajectory.
 *
 * <p>The learning rate is set per step by the caller (poly decay). Moments live in the optimiser's
 * own manager; {@link #close()} frees them.
 */
public final class AdamOptimizer implements AutoCloseable {
  private static final float BETA1 = 0.9f;
  private static final float BETA2 = 0.999f;
  private static final float EPSILON = 1e-8f;

  private final List<Parameter> parameters;
  private final NDManager manager;
  private final List<NDArray> firstMoments = new ArrayList<>();
  private final List<NDArray> secondMoments = new ArrayList<>();
  private final float weightDecay;
  private long updates;

  /**
   * @param parameters every trainable parameter, in a fixed order (checkpoints depend on it)
   * @param manager parent manager of the moments
   * @param weightDecay L2 coefficient
   */
  public AdamOptimizer(List<Parameter> parameters, NDManager manager, float weightDecay) {
    this.parameters = List.copyOf(parameters);
    this.manager = manager.newSubManager();
    this.weightDecay = weightDecay;
    for (Parameter p : this.parameters) {
      firstMoments.add(this.manager.zeros(p.getArray().getShape()));
      secondMoments.add(this.manager.zeros(p.getArray().getShape()));
    }
  }

  /** Applies one update with learning rate {@code lr} and zeroes the gradients. */
  public void step(float lr) {
    updates++;
    float correction1 = 1f - (float) Math.pow(BETA1, updates);
    float correction2 = 1f - (float) Math.pow(BETA2, updates);
    for (int i = 0; i < parameters.size(); i++) {
      NDArray weight = parameters.get(i).getArray();
      // Results of m.div(...) etc. belong to the moments' manager; the scope frees them each step.
      try (NDScope scope = new NDScope()) {
        NDArray grad = weight.getGradient();
        NDArray g = weightDecay != 0f ? grad.add(weight.mul(weightDecay)) : grad;
        NDArray m = firstMoments.get(i);
        NDArray v = secondMoments.get(i);
        m.muli(BETA1).addi(g.mul(1f - BETA1));
        v.muli(BETA2).addi(g.square().mul(1f - BETA2));
        NDArray update = m.div(correction1).div(v.div(correction2).sqrt().add(EPSILON)).mul(lr);
        weight.subi(update);
        grad.subi(grad);
      }
    }
  }

  /** Updates applied so far. */
  public long updates() {
    return updates;
  }

  /** Moments and update count, for a checkpoint. */
  public byte[] encodeState() {
    NDList list = new NDList();
    list.add(manager.create(new long[] {updates}));
    list.addAll(firstMoments);
    list.addAll(secondMoments);
    byte[] bytes = list.encode();
    list.get(0).close();
    return bytes;
  }

  /** Restores {@link #encodeState()} output; shapes must match the parameters. */
  public void restoreState(byte[] state) {
    try (NDManager scope = manager.newSubManager()) {
      NDList list = NDList.decode(scope, state);
      if (list.size() != 1 + 2 * parameters.size()) {
        throw new TrainingException(
            "optimiser state has "
                + list.size()
                + " arrays, expected "
                + (1 + 2 * parameters.size()));
      }
      updates = list.get(0).toLongArray()[0];
      for (int i = 0; i < parameters.size(); i++) {
        copyInto(list.get(1 + i), firstMoments.get(i));
        copyInto(list.get(1 + parameters.size() + i), secondMoments.get(i));
      }
    }
  }

  private static void copyInto(NDArray source, NDArray target) {
    if (!source.getShape().equals(target.getShape())) {
      throw new TrainingException(
          "optimiser state shape " + source.getShape() + " differs from " + target.getShape());
    }
    target.set(source.toFloatArray());
  }

  @Override
  public void close() {
    manager.close();
  }
}
