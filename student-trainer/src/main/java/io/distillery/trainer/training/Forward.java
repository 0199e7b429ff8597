package io.distillery.trainer.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import io.distillery.segml.networks.NetworkOutput;
import io.distillery.segml.networks.SegmentationNetwork;
import java.util.Set;

/** Forward passes in training mode and the round-robin choice of groups per sample. */
final class Forward {
  private Forward() {}

  static NDArray logits(NDManager manager, SegmentationNetwork net, NDArray x, int normSet) {
    return output(manager, net, x, normSet, Set.of()).logits();
  }

  static NetworkOutput output(
      NDManager manager, SegmentationNetwork net, NDArray x, int normSet, Set<String> taps) {
    return net.forward(new ParameterStore(manager, false), x, true, normSet, taps);
  }

  /** Sample b of step s comes from {@code groups[(s·n + b) mod |groups|]}. */
  static int[] roundRobin(long step, int n, int[] groups) {
    int[] out = new int[n];
    for (int b = 0; b < n; b++) {
      out[b] = groups[(int) ((step * n + b) % groups.length)];
    }
    return out;
  }

  /** Indices 0..count−1. */
  static int[] all(int count) {
    int[] out = new int[count];
    for (int i = 0; i < count; i++) {
      out[i] = i;
    }
    return out;
  }
}
