package io.distillery.segml.networks.blocks;

import ai.djl.ndarray.NDArray;
import io.distillery.segml.export.OnnxGraph;

/** Non-linearities of the networks; LeakyReLU uses slope 0.01 (as nnU-Net). */
public enum ActivationKind {
  /** max(0, x). */
  RELU,
  /** x for x &gt; 0, else 0.01·x. */
  LEAKY_RELU;

  static final float LEAKY_SLOPE = 0.01f;

  /** Applies the activation to {@code x} (a new array). */
  public NDArray apply(NDArray x) {
    return this == RELU
        ? x.getNDArrayInternal().relu()
        : x.getNDArrayInternal().leakyRelu(LEAKY_SLOPE);
  }

  /** Emits the activation as an ONNX node and returns its output. */
  public String emitOnnx(OnnxGraph graph, String input) {
    return this == RELU
        ? graph.node("Relu", input).output()
        : graph.node("LeakyRelu", input).floating("alpha", LEAKY_SLOPE).output();
  }
}
