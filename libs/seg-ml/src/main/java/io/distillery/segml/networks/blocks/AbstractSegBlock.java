package io.distillery.segml.networks.blocks;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * Base of the composite blocks. Every parameter shape is fixed at construction from the declared
 * channel counts, so child blocks are initialised without shape inference (input shapes are only
 * recorded).
 */
abstract class AbstractSegBlock extends AbstractBlock implements SegBlock {

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    for (Block child : children.values()) {
      child.initialize(manager, dataType, inputShapes);
    }
  }

  /** Runs a single-input child block and returns its single output. */
  static NDArray run(
      Block block,
      ParameterStore ps,
      NDArray input,
      boolean training,
      PairList<String, Object> params) {
    return block.forward(ps, new NDList(input), training, params).singletonOrThrow();
  }
}
