package io.distillery.segml.networks;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import io.distillery.segml.export.OnnxGraph;
import io.distillery.segml.networks.blocks.ConvNormAct3d;
import io.distillery.segml.networks.blocks.SegBlock;

/** A plain U-Net stage: two conv-norm-act units (the first may carry the stride), NCDHW. */
final class TwoUnitStage extends AbstractBlock implements SegBlock {

  private final ConvNormAct3d first;
  private final ConvNormAct3d second;

  TwoUnitStage(ConvNormAct3d first, ConvNormAct3d second) {
    this.first = addChildBlock("unit1", first);
    this.second = addChildBlock("unit2", second);
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    for (Block child : children.values()) {
      child.initialize(manager, dataType, inputShapes);
    }
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray a = first.forward(ps, inputs, training, params).singletonOrThrow();
    NDList out = second.forward(ps, new NDList(a), training, params);
    a.close();
    return out;
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return second.getOutputShapes(first.getOutputShapes(inputShapes));
  }

  @Override
  public String emitOnnx(OnnxGraph graph, String input, int normSet) {
    return second.emitOnnx(graph, first.emitOnnx(graph, input, normSet), normSet);
  }

  @Override
  public double flopsPerOutputVoxel() {
    return first.flopsPerOutputVoxel() + second.flopsPerOutputVoxel();
  }
}
