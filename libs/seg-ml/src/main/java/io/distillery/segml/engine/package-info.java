/**
 * Inference engines behind {@link io.distillery.segml.inferers.WindowPredictor}: DJL PyTorch on the
 * Java network, ONNX Runtime and TensorRT on the exported {@code .onnx}, and the {@link
 * io.distillery.segml.engine.EngineSelector} fallback chain.
 */
package io.distillery.segml.engine;
