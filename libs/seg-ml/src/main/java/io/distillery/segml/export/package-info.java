/**
 * ONNX export of Distillery's networks (opset 17, dynamic N/D/H/W), written block by block with the
 * ONNX protobuf classes of {@code tribuo-util-onnx}. Entry point: {@link
 * io.distillery.segml.export.OnnxExporter}.
 */
package io.distillery.segml.export;
