package io.distillery.segml.losses;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.XavierInitializer;
import ai.djl.util.PairList;

/**
 * A trainable 1×1×1 convolution {@code A_k} mapping a student feature map {@code N×Cs×D×H×W} to a
 * teacher's channel count {@code N×Ct×D×H×W} (MS-KD feature-wise supervision, methods.md §1).
 * Weight {@code Ct×Cs} (the squeezed layout of a {@code Ct×Cs×1×1×1} convolution kernel), bias
 * {@code Ct}. It is trained together with the student and discarded afterwards.
 */
public final class FeatureAdaptor extends AbstractBlock {
  private static final byte VERSION = 1;

  private final int studentChannels;
  private final int teacherChannels;
  private final Parameter weight;
  private final Parameter bias;

  /** An adaptor from {@code studentChannels} to {@code teacherChannels}. */
  public FeatureAdaptor(int studentChannels, int teacherChannels) {
    super(VERSION);
    if (studentChannels < 1 || teacherChannels < 1) {
      throw new LossInputException(
          "channel counts must be >= 1, got " + studentChannels + " -> " + teacherChannels);
    }
    this.studentChannels = studentChannels;
    this.teacherChannels = teacherChannels;
    this.weight =
        addParameter(
            Parameter.builder()
                .setName("weight")
                .setType(Parameter.Type.WEIGHT)
                .optShape(new Shape(teacherChannels, studentChannels))
                .optInitializer(new XavierInitializer())
                .build());
    this.bias =
        addParameter(
            Parameter.builder()
                .setName("bias")
                .setType(Parameter.Type.BIAS)
                .optShape(new Shape(teacherChannels))
                .build());
  }

  /** Input channel count. */
  public int studentChannels() {
    return studentChannels;
  }

  /** Output channel count. */
  public int teacherChannels() {
    return teacherChannels;
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray features = inputs.singletonOrThrow();
    Shape s = features.getShape();
    if (s.dimension() < 3 || s.get(1) != studentChannels) {
      throw new LossInputException(
          "FeatureAdaptor expects N×" + studentChannels + "×spatial, got " + s);
    }
    NDArray w = store.getValue(weight, features.getDevice(), training);
    NDArray b = store.getValue(bias, features.getDevice(), training);
    NDArray flat = features.reshape(s.get(0), studentChannels, -1);
    // A result belongs to its first operand's manager: here the parameters', which lives as long
    // as the job. Attached to the input's (per-step) manager instead, or every step's products
    // would stay in native memory until the job ends.
    NDManager scope = features.getManager();
    NDArray product = w.matMul(flat);
    product.attach(scope);
    NDArray column = b.reshape(teacherChannels, 1);
    column.attach(scope);
    NDArray mapped = product.add(column);
    // Shape.getShape() is the input's own array: copy it, or the input's shape changes too.
    long[] out = s.getShape().clone();
    out[1] = teacherChannels;
    return new NDList(mapped.reshape(new Shape(out)));
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    long[] out = inputShapes[0].getShape().clone();
    out[1] = teacherChannels;
    return new Shape[] {new Shape(out)};
  }

  @Override
  public void prepare(Shape[] inputShapes) {
    // Shapes are fixed at construction; nothing depends on the input shape.
  }

  /** Float32 input shape for {@code initialize}: {@code 1×Cs×1×1×1}. */
  public Shape exampleInputShape() {
    return new Shape(1, studentChannels, 1, 1, 1);
  }
}
