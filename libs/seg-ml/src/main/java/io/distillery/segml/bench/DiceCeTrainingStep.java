package io.distillery.segml.bench;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.LocalParameterServer;
import ai.djl.training.ParameterStore;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import io.distillery.segml.networks.SegmentationNetwork;
import java.util.Set;

/**
 * One supervised training step — soft Dice (foreground classes, smooth 1e-5) + cross-entropy,
 * weight 1:1, Adam — for benchmarks and network tests. A stand-in: the loss library of {@code
 * io.distillery.segml.losses} is the real one. Inputs NCDHW float32, labels N·D·H·W class indices.
 *
 * <p>Each step creates its tensors in a sub-manager closed at the end of the step, so only the
 * parameters, their gradients and the optimiser state persist.
 */
public final class DiceCeTrainingStep {

  private static final float SMOOTH = 1e-5f;

  private final SegmentationNetwork network;
  private final NDManager manager;
  private final ParameterStore parameterStore;

  /**
   * @param network initialised network; its parameters get gradients attached
   * @param manager manager owning the parameters (PyTorch engine)
   * @param learningRate Adam learning rate
   */
  public DiceCeTrainingStep(SegmentationNetwork network, NDManager manager, float learningRate) {
    if (!network.isInitialized()) {
      throw new IllegalArgumentException("network is not initialised");
    }
    this.network = network;
    this.manager = manager;
    for (Parameter p : network.getParameters().values()) {
      p.getArray().setRequiresGradient(true);
    }
    Optimizer adam = Optimizer.adam().optLearningRateTracker(Tracker.fixed(learningRate)).build();
    parameterStore = new ParameterStore(manager, false);
    parameterStore.setParameterServer(new LocalParameterServer(adam), new Device[] {Device.cpu()});
  }

  /**
   * Runs forward, backward and an Adam update on one batch.
   *
   * @param image (N, Cin, D, H, W) values
   * @param labels N·D·H·W class indices
   * @param batch N
   * @param dhw (D, H, W)
   * @return the loss before the update
   */
  public float step(float[] image, int[] labels, int batch, int[] dhw) {
    int classes = network.outChannels();
    try (NDManager step = manager.newSubManager()) {
      NDArray x =
          step.create(image, new Shape(batch, network.inChannels(), dhw[0], dhw[1], dhw[2]));
      NDArray target =
          step.create(
              oneHot(labels, batch, classes),
              new Shape(batch, classes, (long) labels.length / batch));
      float value;
      try (GradientCollector collector = Engine.getEngine("PyTorch").newGradientCollector()) {
        NDArray logits = network.forward(parameterStore, x, true, 0, Set.of()).logits();
        NDArray loss = loss(logits.reshape(batch, classes, -1), target);
        collector.backward(loss);
        value = loss.getFloat();
      }
      parameterStore.updateAllParameters();
      return value;
    }
  }

  /** Soft Dice over foreground classes + cross-entropy, on (N, C, S) logits and one-hot. */
  static NDArray loss(NDArray logits, NDArray oneHot) {
    NDArray logProbs = logits.logSoftmax(1);
    NDArray ce = logProbs.mul(oneHot).sum(new int[] {1}).neg().mean();
    NDArray probs = logProbs.exp();
    long classes = logits.getShape().get(1);
    // Per class over batch and voxels: move C first and flatten the rest.
    NDArray p = probs.transpose(1, 0, 2).reshape(classes, -1).get("1:");
    NDArray g = oneHot.transpose(1, 0, 2).reshape(classes, -1).get("1:");
    NDArray intersection = p.mul(g).sum(new int[] {1});
    NDArray denominator = p.sum(new int[] {1}).add(g.sum(new int[] {1}));
    NDArray dice = intersection.mul(2f).add(SMOOTH).div(denominator.add(SMOOTH));
    return ce.add(dice.mean().neg().add(1f));
  }

  private static float[] oneHot(int[] labels, int batch, int classes) {
    int voxels = labels.length / batch;
    float[] out = new float[batch * classes * voxels];
    for (int b = 0; b < batch; b++) {
      for (int v = 0; v < voxels; v++) {
        int c = labels[b * voxels + v];
        if (c < 0 || c >= classes) {
          throw new IllegalArgumentException("label " + c + " outside [0, " + classes + ")");
        }
        out[(b * classes + c) * voxels + v] = 1f;
      }
    }
    return out;
  }
}
