package io.distillery.segml.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import io.distillery.segml.inferers.WindowPredictor;
import io.distillery.segml.networks.NetworkOutput;
import io.distillery.segml.networks.SegmentationNetwork;
import java.util.Set;

/**
 * Runs a Java-defined, initialised network on DJL's PyTorch engine. Each call creates its input in
 * a sub-manager that is closed before returning, so no native memory outlives a call. NCDHW.
 */
public final class DjlWindowPredictor implements WindowPredictor {

  private final SegmentationNetwork network;
  private final int normSet;
  private final NDManager manager;

  /**
   * @param network initialised network (its parameters stay owned by the caller)
   * @param normSet instance-norm set (modality) to run
   */
  public DjlWindowPredictor(SegmentationNetwork network, int normSet) {
    if (!network.isInitialized()) {
      throw new IllegalArgumentException("network is not initialised");
    }
    this.network = network;
    this.normSet = normSet;
    this.manager = NDManager.newBaseManager(InferenceEngine.PYTORCH.djlName());
  }

  @Override
  public int inChannels() {
    return network.inChannels();
  }

  @Override
  public int outChannels() {
    return network.outChannels();
  }

  @Override
  public float[] predict(float[] windows, int batch, int[] roiDHW) {
    try (NDManager step = manager.newSubManager()) {
      NDArray x =
          step.create(
              windows, new Shape(batch, network.inChannels(), roiDHW[0], roiDHW[1], roiDHW[2]));
      NetworkOutput out =
          network.forward(new ParameterStore(step, false), x, false, normSet, Set.of());
      return out.logits().toFloatArray();
    }
  }

  @Override
  public void close() {
    manager.close();
  }
}
