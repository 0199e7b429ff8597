package io.distillery.segml.training;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.LocalParameterServer;
import ai.djl.training.ParameterStore;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import io.distillery.segml.distillation.LossTerms;
import io.distillery.segml.losses.DiceCeLoss;
import io.distillery.segml.losses.OneHot;
import io.distillery.segml.networks.NetworkOutput;
import io.distillery.segml.networks.SegmentationNetwork;
import java.util.Map;
import java.util.Set;

/**
 * One optimisation step of a {@link SegmentationNetwork} (and optional extra trainable blocks such
 * as MS-KD's {@link io.distillery.segml.losses.FeatureAdaptor}s) with Adam at a fixed learning rate
 * on DJL's PyTorch engine.
 *
 * <p>{@link #run(Objective)} opens a sub-manager for the step, lets the objective build its inputs
 * and loss there (calling {@link #forward} for the trained network), back-propagates {@link
 * LossTerms#total()}, updates every parameter the step used and closes the sub-manager, so only
 * parameters, gradients and optimiser state outlive a step. {@link #supervised} is the plain Dice +
 * CE step ({@link DiceCeLoss#create()}, methods.md §0). Inputs are NCDHW float32; label maps are
 * N·D·H·W class indices.
 */
public final class TrainingStep {

  /** The loss of one step, built in the step's sub-manager. */
  @FunctionalInterface
  public interface Objective {
    /**
     * @param step manager for this step's inputs (closed after the update)
     * @return the terms whose total is back-propagated
     */
    LossTerms compute(NDManager step);
  }

  private final SegmentationNetwork network;
  private final NDManager manager;
  private final ParameterStore parameterStore;
  private final DiceCeLoss supervisedLoss = DiceCeLoss.create();

  /**
   * @param network initialised network; its parameters get gradients attached
   * @param manager manager owning the parameters (PyTorch engine)
   * @param learningRate Adam learning rate
   * @param extraTrainable further initialised blocks trained with the network (feature adaptors)
   */
  public TrainingStep(
      SegmentationNetwork network, NDManager manager, float learningRate, Block... extraTrainable) {
    if (!network.isInitialized()) {
      throw new IllegalArgumentException("network is not initialised");
    }
    if (!(learningRate > 0f)) {
      throw new IllegalArgumentException("learning rate must be > 0, got " + learningRate);
    }
    this.network = network;
    this.manager = manager;
    attachGradients(network);
    for (Block block : extraTrainable) {
      if (!block.isInitialized()) {
        throw new IllegalArgumentException("extra trainable block is not initialised: " + block);
      }
      attachGradients(block);
    }
    Optimizer adam = Optimizer.adam().optLearningRateTracker(Tracker.fixed(learningRate)).build();
    parameterStore = new ParameterStore(manager, false);
    parameterStore.setParameterServer(new LocalParameterServer(adam), new Device[] {Device.cpu()});
  }

  private static void attachGradients(Block block) {
    for (Parameter p : block.getParameters().values()) {
      p.getArray().setRequiresGradient(true);
    }
  }

  /** The trained network's forward in training mode, with this step's parameters. */
  public NetworkOutput forward(NDArray input, int normSet, Set<String> taps) {
    return network.forward(parameterStore, input, true, normSet, taps);
  }

  /**
   * The parameter store to forward extra trainable blocks with (their parameters are then updated).
   */
  public ParameterStore parameterStore() {
    return parameterStore;
  }

  /**
   * Runs forward, backward and an Adam update.
   *
   * @return the loss terms before the update, as doubles
   */
  public Map<String, Double> run(Objective objective) {
    try (NDManager step = manager.newSubManager()) {
      Map<String, Double> values;
      try (GradientCollector collector = Engine.getEngine("PyTorch").newGradientCollector()) {
        LossTerms terms = objective.compute(step);
        collector.backward(terms.total());
        values = terms.values();
      }
      parameterStore.updateAllParameters();
      return values;
    }
  }

  /**
   * A supervised Dice + CE step on one batch (norm set 0).
   *
   * @param image (N, Cin, D, H, W) values
   * @param labels N·D·H·W class indices in [0, outChannels)
   * @param batch N
   * @param dhw (D, H, W)
   * @return the loss before the update
   */
  public float supervised(float[] image, int[] labels, int batch, int[] dhw) {
    int classes = network.outChannels();
    for (int label : labels) {
      if (label < 0 || label >= classes) {
        throw new IllegalArgumentException("label " + label + " outside [0, " + classes + ")");
      }
    }
    Map<String, Double> values =
        run(
            step -> {
              NDArray x =
                  step.create(
                      image, new Shape(batch, network.inChannels(), dhw[0], dhw[1], dhw[2]));
              NDArray target =
                  OneHot.encode(
                      step.create(labels, new Shape(batch, dhw[0], dhw[1], dhw[2])), classes);
              NDArray logits = forward(x, 0, Set.of()).logits();
              return LossTerms.of("diceCe", supervisedLoss.fromLogits(logits, target));
            });
    return values.get("diceCe").floatValue();
  }
}
