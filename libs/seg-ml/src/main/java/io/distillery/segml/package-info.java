/**
 * The learning core of Distillery on DJL: networks, losses, distillation, metrics, inferers,
 * transforms and ONNX export. Tensors are NCDHW unless a type says otherwise.
 */
package io.distillery.segml;
