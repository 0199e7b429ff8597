package io.distillery.phantoms;

import io.distillery.volumeio.LabelVolume;
import io.distillery.volumeio.Volume;

/**
 * One generated case: a CT image in HU and its label map on the same RAS grid.
 *
 * @param seed the seed it was generated from
 * @param image CT in Hounsfield units ({@link io.distillery.volumeio.Modality#CT}), x fastest
 * @param labels label values of the spec's {@link LabelMap}, with its names
 */
public record Phantom(long seed, Volume image, LabelVolume labels) {}
