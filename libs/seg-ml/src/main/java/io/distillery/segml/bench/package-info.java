/**
 * The network benchmark ({@link io.distillery.segml.bench.NetworkBenchmark}, run by {@code
 * libs/seg-ml/bench.sh}) and the stand-in Dice+CE training step it times.
 */
package io.distillery.segml.bench;
