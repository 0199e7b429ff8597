package io.distillery.segml.engine;

import ai.djl.ndarray.NDList;
import ai.djl.translate.Batchifier;
import ai.djl.translate.Translator;
import ai.djl.translate.TranslatorContext;

/**
 * Feeds a {@link WindowBatch} to a model taking one NCDHW float32 input and copies its first output
 * (logits NCDHW) back to the Java heap, so no native array outlives the call.
 */
final class WindowTranslator implements Translator<WindowBatch, float[]> {

  @Override
  public NDList processInput(TranslatorContext ctx, WindowBatch input) {
    return new NDList(ctx.getNDManager().create(input.data(), input.shape()));
  }

  @Override
  public float[] processOutput(TranslatorContext ctx, NDList list) {
    return list.get(0).toFloatArray();
  }

  @Override
  public Batchifier getBatchifier() {
    return null;
  }
}
