/** Autograd-safe tensor helpers for DJL's PyTorch engine, and the check that keeps them in use. */
package io.distillery.segml.ops;
