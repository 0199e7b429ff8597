/**
 * The network benchmark ({@link io.distillery.segml.bench.NetworkBenchmark}, run by {@code
 * libs/seg-ml/bench.sh}); its training step is {@link io.distillery.segml.training.TrainingStep}.
 */
package io.distillery.segml.bench;
