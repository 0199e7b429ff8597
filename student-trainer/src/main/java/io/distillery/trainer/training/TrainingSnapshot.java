package io.distillery.trainer.training;

import java.util.List;

/**
 * Everything a resumed job needs to continue exactly: the step reached, the patches each sample
 * group delivered (the samplers replay them), the weights of every trained network ({@code .params}
 * bytes, in {@link Objective#networks()} order) and the Adam moments.
 *
 * @param step optimiser steps completed
 * @param consumed patches delivered per group
 * @param networkParams DJL {@code .params} of each network, then of each auxiliary block (MS-KD
 *     adaptors)
 * @param optimizerState {@link AdamOptimizer#encodeState()}
 */
public record TrainingSnapshot(
    long step, long[] consumed, List<byte[]> networkParams, byte[] optimizerState) {}
