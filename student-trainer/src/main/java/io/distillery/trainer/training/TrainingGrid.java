package io.distillery.trainer.training;

import io.distillery.contracts.events.VolumeIngested;
import io.distillery.volumeio.Affine;
import io.distillery.volumeio.Grid;
import io.distillery.volumeio.resample.Resampler;
import java.util.List;

/**
 * The grid a volume trains on: its canonical grid brought to the job's spacing over the same field
 * of view ({@link Resampler#gridWithSpacing}: {@code max(1, round(n · s / t))} voxels per axis).
 * The one place for it, so that {@link CaseLoader} and the memory estimate made before loading
 * ({@link TrainingSetMemory}) count the same voxels.
 */
public final class TrainingGrid {
  private TrainingGrid() {}

  /** The training grid of a canonical image grid at {@code spacingXyz} (mm). */
  public static Grid of(Grid canonical, double[] spacingXyz) {
    return Resampler.gridWithSpacing(canonical, spacingXyz);
  }

  /**
   * The training grid of an ingested volume, from its event alone (canonical shape and affine, or
   * its spacing where the event carries no affine): the grid {@link CaseLoader} will resample the
   * stored image onto.
   */
  public static Grid of(VolumeIngested volume, double[] spacingXyz) {
    List<Integer> shape = volume.shape();
    List<Double> a = volume.affine();
    List<Double> s = volume.spacing();
    Affine affine;
    if (a != null && a.size() == 16) {
      double[] rows = new double[12];
      for (int i = 0; i < 12; i++) {
        rows[i] = a.get(i);
      }
      affine = Affine.of3x4(rows);
    } else {
      affine = Affine.diagonal(s.get(0), s.get(1), s.get(2), 0, 0, 0);
    }
    return of(new Grid(shape.get(0), shape.get(1), shape.get(2), affine), spacingXyz);
  }
}
