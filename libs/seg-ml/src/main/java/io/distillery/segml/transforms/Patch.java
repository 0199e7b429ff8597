package io.distillery.segml.transforms;

/** A training patch: image {@code C×d×h×w} and labels {@code d×h×w}, W fastest. */
public record Patch(float[] image, short[] labels, int channels, int[] size) {}
