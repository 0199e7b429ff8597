package io.distillery.trainer.training;

import io.distillery.contracts.ObjectRef;
import io.distillery.contracts.events.TeacherOutputsProduced;
import io.distillery.contracts.events.VolumeIngested;
import io.distillery.objectstore.ObjectStore;
import io.distillery.segml.checkpoint.IntensityNormalization;
import io.distillery.segml.transforms.TrilinearResize;
import io.distillery.tensorcodec.DecodedTensor;
import io.distillery.tensorcodec.HalfFloat;
import io.distillery.tensorcodec.TensorCodec;
import io.distillery.volumeio.Grid;
import io.distillery.volumeio.LabelVolume;
import io.distillery.volumeio.Volume;
import io.distillery.volumeio.intensity.Intensity;
import io.distillery.volumeio.nifti.NiftiReader;
import io.distillery.volumeio.orientation.Orientation;
import io.distillery.volumeio.resample.Resampler;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads one volume (canonical image, label, stored teacher probabilities and, for MS-KD's
 * feature-wise term, stored teacher feature maps) from the object store and prepares it at the
 * job's spacing: image trilinear, labels nearest, probabilities and feature maps trilinear (KD from
 * several teachers: their probabilities combined into one target per job class, {@link KdTargets});
 * CT clipped to a window and standardised, by default to about ±1 [our choice], MR z-scored
 * (methods follow the model card's {@code PreprocessingSpec}). The training grid is {@link
 * TrainingGrid}'s; feature maps are kept as fp16 on it. Every read verifies the stored SHA-256.
 * Thread-safe.
 */
public final class CaseLoader {
  private final ObjectStore store;
  private final NiftiReader reader = NiftiReader.withDefaults();
  private final List<String> classes;
  private final double[] spacingXyz;
  private final IntensityNormalization ct;

  /**
   * @param store object store
   * @param classes job classes, background first
   * @param spacingXyz training spacing x, y, z (mm)
   * @param ct the CT normalisation (a {@code ct-window}, as the model card records it)
   */
  public CaseLoader(
      ObjectStore store, List<String> classes, double[] spacingXyz, IntensityNormalization ct) {
    this.store = store;
    this.classes = List.copyOf(classes);
    this.spacingXyz = spacingXyz.clone();
    this.ct = ct;
  }

  /** Loads and prepares one volume with its teacher outputs arranged per {@code mode}. */
  public PreparedCase load(
      VolumeIngested volume, List<TeacherOutputsProduced> outputs, SoftLabelMode mode) {
    return load(volume, outputs, mode, false);
  }

  /**
   * Like {@link #load(VolumeIngested, List, SoftLabelMode)}; with {@code features} also the stored
   * feature map of every output (each must have one), brought onto the training grid exactly like
   * the soft labels (see {@link #onTrainingGrid}) and concatenated in output order.
   */
  public PreparedCase load(
      VolumeIngested volume,
      List<TeacherOutputsProduced> outputs,
      SoftLabelMode mode,
      boolean features) {
    Parser<Volume> volumeParser = reader::readVolume;
    Volume original = Orientation.canonical(read(volume.image(), volumeParser));
    Volume image = Resampler.toGrid(original, TrainingGrid.of(original.grid(), spacingXyz));
    Grid grid = image.grid();
    int[] shape = {grid.nz(), grid.ny(), grid.nx()};
    float[] normalised = normalise(image, volume.modality()).data();

    short[] labels = new short[grid.size()];
    Set<Integer> labelled = new LinkedHashSet<>();
    if (volume.label() != null) {
      Map<Integer, String> names = new HashMap<>();
      volume.labelledClasses().forEach((value, name) -> names.put(Integer.parseInt(value), name));
      Parser<LabelVolume> labelParser = in -> reader.readLabels(in, names);
      LabelVolume label =
          Resampler.toGrid(Orientation.canonical(read(volume.label(), labelParser)), grid);
      short[] lookup = new short[LabelVolume.MAX_LABEL + 1];
      names.forEach(
          (value, name) -> {
            int c = classes.indexOf(name);
            if (c > 0 && value <= LabelVolume.MAX_LABEL) {
              lookup[value] = (short) c;
              labelled.add(c);
            }
          });
      short[] source = label.data();
      for (int i = 0; i < labels.length; i++) {
        labels[i] = lookup[source[i] & 0xFFFF];
      }
    }
    float[] soft = null;
    int softChannels = 0;
    if (mode != SoftLabelMode.NONE) {
      softChannels = softChannels(mode, classes.size());
      soft = softLabels(volume, outputs, mode, original.grid(), grid, softChannels);
    }
    short[] featureData = null;
    int[] featureChannels = new int[0];
    if (features) {
      featureChannels = new int[outputs.size()];
      for (int k = 0; k < outputs.size(); k++) {
        featureChannels[k] = featureMap(volume, outputs.get(k)).channels();
      }
      // One fp16 array for all teachers, filled channel by channel: no float copy of the maps on
      // the training grid is ever held whole.
      featureData =
          new short
              [Math.multiplyExact(java.util.Arrays.stream(featureChannels).sum(), grid.size())];
      int at = 0;
      for (int k = 0; k < outputs.size(); k++) {
        features(volume, outputs.get(k), original.grid(), grid, featureData, at);
        at += featureChannels[k] * grid.size();
      }
    }
    int[] labelledArray = labelled.stream().mapToInt(Integer::intValue).sorted().toArray();
    double[] spacingDhw = {grid.spacing()[2], grid.spacing()[1], grid.spacing()[0]};
    return new PreparedCase(
        volume.volumeId(),
        volume.modality(),
        normalised,
        labels,
        labelledArray,
        soft,
        softChannels,
        featureData,
        featureChannels,
        shape,
        spacingDhw);
  }

  /**
   * Soft-label channels a case holds in {@code mode} for a job of {@code classes} classes (the
   * layout {@link #load} builds, and the memory estimate counts).
   */
  public static int softChannels(SoftLabelMode mode, int classes) {
    return switch (mode) {
      case NONE -> 0;
      case ALL_CLASSES, TEACHERS_COMBINED -> classes;
      case FOREGROUND_PER_ORGAN -> classes - 1;
    };
  }

  private static TeacherOutputsProduced.FeatureMap featureMap(
      VolumeIngested volume, TeacherOutputsProduced output) {
    TeacherOutputsProduced.FeatureMap map = output.featureMap();
    if (output.features() == null || map == null) {
      throw new TrainingException(
          "teacher "
              + output.teacherId()
              + "@"
              + output.teacherVersion()
              + " stored no feature map for "
              + volume.volumeId());
    }
    return map;
  }

  /**
   * One output's stored feature map ({@code C×D×H×W}) on the training grid, written as fp16 into
   * {@code out} from {@code at}.
   */
  private void features(
      VolumeIngested volume,
      TeacherOutputsProduced output,
      Grid originalGrid,
      Grid target,
      short[] out,
      int at) {
    TeacherOutputsProduced.FeatureMap map = featureMap(volume, output);
    Parser<DecodedTensor> codec = TensorCodec::decode;
    DecodedTensor decoded = read(output.features(), codec);
    long[] s = decoded.shape();
    List<Integer> xyz = map.shape();
    if (s.length != 4
        || s[0] != map.channels()
        || xyz == null
        || xyz.size() != 3
        || s[1] != xyz.get(2)
        || s[2] != xyz.get(1)
        || s[3] != xyz.get(0)) {
      throw new TrainingException(
          "feature map of "
              + output.teacherId()
              + " for "
              + volume.volumeId()
              + " has shape "
              + java.util.Arrays.toString(s)
              + " but its description says "
              + map.channels()
              + " channels on "
              + xyz);
    }
    try {
      onTrainingGridAsHalves(
          decoded.data(),
          (int) s[0],
          new int[] {(int) s[1], (int) s[2], (int) s[3]},
          originalGrid,
          target,
          out,
          at);
    } catch (ArithmeticException e) {
      throw new TrainingException(
          "feature map of "
              + output.teacherId()
              + " for "
              + volume.volumeId()
              + ": "
              + e.getMessage(),
          e);
    }
  }

  /**
   * Brings {@code channels} stored maps {@code C×d×h×w} onto the training grid {@code target}, the
   * same way for soft labels and feature maps so that both stay voxel-aligned with the image: a map
   * on the canonical image's own grid is resampled through the world coordinates ({@link
   * Resampler#toGrid}); any other map (the teacher's spacing, or a feature map on that grid divided
   * by its stride) covers the same field of view and is resized to the training shape with
   * half-pixel centres ({@link TrilinearResize}).
   */
  static float[] onTrainingGrid(
      float[] data, int channels, int[] fromDhw, Grid originalGrid, Grid target) {
    int voxels = target.size();
    float[] out = new float[channels * voxels];
    for (int ch = 0; ch < channels; ch++) {
      float[] resampled = channelOnTrainingGrid(data, ch, fromDhw, originalGrid, target);
      System.arraycopy(resampled, 0, out, ch * voxels, voxels);
    }
    return out;
  }

  /**
   * Like {@link #onTrainingGrid}, written as IEEE fp16 bits ({@link HalfFloat#fromFloat}, round to
   * nearest even: relative error at most 2⁻¹¹) into {@code out} from {@code at}, one channel at a
   * time.
   *
   * @throws ArithmeticException if a finite value is beyond the fp16 range (±65504)
   */
  static void onTrainingGridAsHalves(
      float[] data,
      int channels,
      int[] fromDhw,
      Grid originalGrid,
      Grid target,
      short[] out,
      int at) {
    int voxels = target.size();
    for (int ch = 0; ch < channels; ch++) {
      float[] resampled = channelOnTrainingGrid(data, ch, fromDhw, originalGrid, target);
      int base = at + ch * voxels;
      for (int i = 0; i < voxels; i++) {
        float v = resampled[i];
        short h = HalfFloat.fromFloat(v);
        if (Float.isFinite(v) && !Float.isFinite(HalfFloat.toFloat(h))) {
          throw new ArithmeticException(
              "value " + v + " in channel " + ch + " is beyond the fp16 range (±65504)");
        }
        out[base + i] = h;
      }
    }
  }

  private static float[] channelOnTrainingGrid(
      float[] data, int ch, int[] fromDhw, Grid originalGrid, Grid target) {
    int fromVoxels = fromDhw[0] * fromDhw[1] * fromDhw[2];
    boolean onOriginalGrid =
        fromDhw[0] == originalGrid.nz()
            && fromDhw[1] == originalGrid.ny()
            && fromDhw[2] == originalGrid.nx();
    float[] channel = new float[fromVoxels];
    System.arraycopy(data, ch * fromVoxels, channel, 0, fromVoxels);
    return onOriginalGrid
        ? Resampler.toGrid(Volume.of(originalGrid, channel), target).data()
        : TrilinearResize.resize(
            channel, 1, fromDhw, new int[] {target.nz(), target.ny(), target.nx()});
  }

  private Volume normalise(Volume image, String modality) {
    if ("MR".equals(modality)) {
      return Intensity.zScore(image);
    }
    return Intensity.clipAndStandardise(
        image, (float) ct.clipLow(), (float) ct.clipHigh(), (float) ct.mean(), (float) ct.std());
  }

  private float[] softLabels(
      VolumeIngested volume,
      List<TeacherOutputsProduced> outputs,
      SoftLabelMode mode,
      Grid originalGrid,
      Grid target,
      int channels) {
    int voxels = target.size();
    if (mode == SoftLabelMode.TEACHERS_COMBINED) {
      // One teacher at a time: its decoded tensor is dropped before the next one is read.
      KdTargets combined = new KdTargets(classes, voxels);
      for (TeacherOutputsProduced output : outputs) {
        DecodedTensor decoded = decodeSoftLabels(volume, output);
        long[] s = decoded.shape();
        int[] from = {(int) s[1], (int) s[2], (int) s[3]};
        int fromVoxels = from[0] * from[1] * from[2];
        combined.add(
            output.teacherId() + "@" + output.teacherVersion(),
            output.channels(),
            ch -> {
              float[] channel = new float[fromVoxels];
              System.arraycopy(decoded.data(), ch * fromVoxels, channel, 0, fromVoxels);
              return onTrainingGrid(channel, 1, from, originalGrid, target);
            });
      }
      return combined.finish();
    }
    float[] soft = new float[channels * voxels];
    int[] contributions = new int[channels];
    for (TeacherOutputsProduced output : outputs) {
      DecodedTensor decoded = decodeSoftLabels(volume, output);
      long[] s = decoded.shape();
      int[] from = {(int) s[1], (int) s[2], (int) s[3]};
      int fromVoxels = from[0] * from[1] * from[2];
      List<String> names = output.channels();
      if (mode == SoftLabelMode.ALL_CLASSES && !names.containsAll(classes)) {
        throw new TrainingException(
            "teacher "
                + output.teacherId()
                + " outputs "
                + names
                + ", which does not cover the job's classes "
                + classes);
      }
      for (int ch = 0; ch < names.size(); ch++) {
        int c = classes.indexOf(names.get(ch));
        int slot = mode == SoftLabelMode.ALL_CLASSES ? c : c - 1;
        if (c < 0 || slot < 0) {
          continue;
        }
        float[] channel = new float[fromVoxels];
        System.arraycopy(decoded.data(), ch * fromVoxels, channel, 0, fromVoxels);
        float[] resampled = onTrainingGrid(channel, 1, from, originalGrid, target);
        for (int i = 0; i < voxels; i++) {
          soft[slot * voxels + i] += resampled[i];
        }
        contributions[slot]++;
      }
    }
    for (int c = 0; c < channels; c++) {
      if (contributions[c] > 1) {
        float inv = 1f / contributions[c];
        for (int i = 0; i < voxels; i++) {
          soft[c * voxels + i] *= inv;
        }
      }
    }
    return soft;
  }

  /** One output's stored soft labels, checked against its channel names ({@code C×D×H×W}). */
  private DecodedTensor decodeSoftLabels(VolumeIngested volume, TeacherOutputsProduced output) {
    Parser<DecodedTensor> codec = TensorCodec::decode;
    DecodedTensor decoded = read(output.softLabels(), codec);
    long[] s = decoded.shape();
    if (s.length != 4 || s[0] != output.channels().size()) {
      throw new TrainingException(
          "soft labels of "
              + output.teacherId()
              + " for "
              + volume.volumeId()
              + " have shape "
              + java.util.Arrays.toString(s)
              + " but "
              + output.channels().size()
              + " channel names");
    }
    return decoded;
  }

  private interface Parser<T> {
    T parse(InputStream in) throws IOException;
  }

  private <T> T read(ObjectRef ref, Parser<T> parser) {
    try (InputStream in = store.get(ref.bucket(), ref.key(), true)) {
      return parser.parse(in);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + ref.key(), e);
    }
  }
}
