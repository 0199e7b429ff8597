/**
 * Model checkpoints: DJL {@code .params} weights plus a JSON {@link
 * io.distillery.segml.checkpoint.ModelCard} from which {@link
 * io.distillery.segml.checkpoint.Checkpoint#load} rebuilds the network with nothing else.
 */
package io.distillery.segml.checkpoint;
