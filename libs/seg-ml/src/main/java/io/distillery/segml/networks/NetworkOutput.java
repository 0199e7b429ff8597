package io.distillery.segml.networks;

import ai.djl.ndarray.NDArray;
import java.util.List;
import java.util.Map;

/**
 * The outputs of one forward pass, all NCDHW and owned by the input's manager.
 *
 * @param logits class logits (N, C, D, H, W) at input resolution
 * @param deepSupervision auxiliary logits of the decoder stages other than the last, deepest first
 *     (empty unless the network was built with deep supervision); stage j has stride 2^(depth−1−j)
 * @param features requested feature taps by name, see {@link FeatureTap}
 */
public record NetworkOutput(
    NDArray logits, List<NDArray> deepSupervision, Map<String, NDArray> features) {

  /** The tapped feature map {@code name}; fails clearly when it was not requested. */
  public NDArray feature(String name) {
    NDArray feature = features.get(name);
    if (feature == null) {
      throw new IllegalArgumentException(
          "feature '" + name + "' was not tapped; tapped: " + features.keySet());
    }
    return feature;
  }
}
