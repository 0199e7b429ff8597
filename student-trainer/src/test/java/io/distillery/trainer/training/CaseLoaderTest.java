package io.distillery.trainer.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.distillery.contracts.ObjectRef;
import io.distillery.contracts.events.TeacherOutputsProduced;
import io.distillery.contracts.events.VolumeIngested;
import io.distillery.devstack.S3Server;
import io.distillery.objectstore.MinioObjectStore;
import io.distillery.objectstore.ObjectStore;
import io.distillery.objectstore.S3Settings;
import io.distillery.objectstore.StoredObject;
import io.distillery.segml.checkpoint.IntensityNormalization;
import io.distillery.tensorcodec.FeatureEncoding;
import io.distillery.tensorcodec.HalfFloat;
import io.distillery.tensorcodec.ProbabilityEncoding;
import io.distillery.tensorcodec.TensorCodec;
import io.distillery.volumeio.Affine;
import io.distillery.volumeio.Grid;
import io.distillery.volumeio.LabelVolume;
import io.distillery.volumeio.Volume;
import io.distillery.volumeio.nifti.NiftiReader;
import io.distillery.volumeio.nifti.NiftiWriter;
import io.distillery.volumeio.orientation.Orientation;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link CaseLoader} against a real S3 server (devstack's s3proxy): an ms-kd case with two
 * teachers' soft labels and fp16 feature maps (one map on the image's grid, one on a coarser
 * teacher grid) lands on {@link TrainingGrid}'s grid, holds exactly the heap {@link
 * TrainingSetMemory} estimates from its event, and keeps the maps as fp16 equal to the float32
 * resampling within fp16 precision.
 */
class CaseLoaderTest {
  private static final String BUCKET = "loader";
  private static final double[] TRAINING_SPACING = {4, 4, 4};

  private static S3Server s3;
  private static ObjectStore store;

  @BeforeAll
  static void startServer() {
    s3 = S3Server.builder().start();
    store = MinioObjectStore.create(S3Settings.of(s3.endpoint(), s3.accessKey(), s3.secretKey()));
    store.ensureBucket(BUCKET);
  }

  @AfterAll
  static void stopServer() {
    store.close();
    s3.close();
  }

  @Test
  void aFeatureCaseHoldsWhatTheEstimateSaysWithItsMapsAsHalves(@TempDir Path dir)
      throws IOException {
    // Anisotropic RAS grid, 20×18×14 voxels of 2.5×3×5 mm: 12.5, 13.5 and 17.5 voxels at 4 mm,
    // so the rounding of the training shape is exercised on every axis.
    Grid grid = new Grid(20, 18, 14, Affine.diagonal(2.5, 3, 5, -10, 20, 40));
    int n = grid.size();
    float[] image = new float[n];
    short[] label = new short[n];
    for (int i = 0; i < n; i++) {
      image[i] = (float) (400 * Math.sin(i * 0.013));
      label[i] = (short) (i % 5 == 0 ? 1 : 0);
    }
    ObjectRef imageRef = putNifti(dir, "image", p -> NiftiWriter.write(Volume.of(grid, image), p));
    ObjectRef labelRef =
        putNifti(dir, "label", p -> NiftiWriter.write(LabelVolume.of(grid, label), p));
    VolumeIngested volume =
        new VolumeIngested(
            "v1",
            "d",
            "c1",
            "CT",
            "train",
            Map.of("1", "liver"),
            List.of(20, 18, 14),
            List.of(2.5, 3.0, 5.0),
            affine(grid),
            imageRef,
            labelRef,
            imageRef,
            "0".repeat(64),
            Instant.now());
    // Teacher a: soft labels and a 3-channel map on the image's grid; teacher b: a 2-channel map
    // on a 10×9×7 teacher grid over the same field of view.
    int[] imageDhw = {14, 18, 20};
    int[] teacherDhw = {7, 9, 10};
    float[] mapA = map(3, imageDhw);
    float[] mapB = map(2, teacherDhw);
    List<TeacherOutputsProduced> outputs =
        List.of(
            output("a", "liver", imageDhw, mapA, 3, List.of(2.5, 3.0, 5.0)),
            output("b", "spleen", teacherDhw, mapB, 2, List.of(5.0, 6.0, 10.0)));

    CaseLoader loader =
        new CaseLoader(
            store,
            List.of("background", "liver", "spleen"),
            TRAINING_SPACING,
            new IntensityNormalization("ct-window", -125, 275, 75, 200));
    PreparedCase loaded = loader.load(volume, outputs, SoftLabelMode.FOREGROUND_PER_ORGAN, true);

    Grid training = TrainingGrid.of(volume, TRAINING_SPACING);
    assertThat(loaded.shape()).containsExactly(training.nz(), training.ny(), training.nx());
    assertThat(loaded.shape()).containsExactly(18, 14, 13);
    assertThat(loaded.featureChannels()).containsExactly(3, 2);
    int soft = CaseLoader.softChannels(SoftLabelMode.FOREGROUND_PER_ORGAN, 3);
    assertThat(loaded.softChannels()).isEqualTo(soft);
    assertThat(loaded.heapBytes())
        .as("held = estimated from the event")
        .isEqualTo(TrainingSetMemory.caseBytes(training.size(), soft, 5));

    // The float32 path on the grid the loader read back, then rounded once to fp16.
    Grid original =
        Orientation.canonical(NiftiReader.withDefaults().readVolume(dir.resolve("image.nii.gz")))
            .grid();
    Grid target = TrainingGrid.of(original, TRAINING_SPACING);
    int voxels = target.size();
    List<Float> fp32 = new ArrayList<>();
    for (float v :
        CaseLoader.onTrainingGrid(decoded(mapA, 3, imageDhw), 3, imageDhw, original, target)) {
      fp32.add(v);
    }
    for (float v :
        CaseLoader.onTrainingGrid(decoded(mapB, 2, teacherDhw), 2, teacherDhw, original, target)) {
      fp32.add(v);
    }
    short[] halves = loaded.teacherFeatures();
    assertThat(halves).hasSize(5 * voxels);
    for (int i = 0; i < halves.length; i++) {
      float expected = fp32.get(i);
      float actual = HalfFloat.toFloat(halves[i]);
      assertThat(actual)
          .as("feature value %d", i)
          .isCloseTo(expected, within(Math.max(Math.abs(expected) * 0x1p-11f, 0x1p-25f)));
      assertThat(halves[i]).isEqualTo(HalfFloat.fromFloat(expected));
    }
  }

  /** C channels of {@code sin}/{@code cos} patterns, ±4, on a D×H×W grid. */
  private static float[] map(int channels, int[] dhw) {
    int v = dhw[0] * dhw[1] * dhw[2];
    float[] out = new float[channels * v];
    for (int c = 0; c < channels; c++) {
      for (int i = 0; i < v; i++) {
        out[c * v + i] = (float) (4 * Math.sin(i * 0.07 * (c + 1)) + c * Math.cos(i * 0.011));
      }
    }
    return out;
  }

  /** The map as the loader decodes it: through the fp16 encoding the teacher-service stores. */
  private static float[] decoded(float[] map, int channels, int[] dhw) {
    return TensorCodec.decode(encoded(map, channels, dhw)).data();
  }

  private static byte[] encoded(float[] map, int channels, int[] dhw) {
    return TensorCodec.encodeFeatures(
        map, new long[] {channels, dhw[0], dhw[1], dhw[2]}, FeatureEncoding.float16());
  }

  private static TeacherOutputsProduced output(
      String teacher, String organ, int[] dhw, float[] map, int channels, List<Double> spacing) {
    int v = dhw[0] * dhw[1] * dhw[2];
    float[] probs = new float[2 * v];
    for (int i = 0; i < v; i++) {
      probs[v + i] = (i % 7) / 7f;
      probs[i] = 1 - probs[v + i];
    }
    ObjectRef softRef =
        put(
            "soft-" + teacher,
            TensorCodec.encodeProbabilities(
                probs, new long[] {2, dhw[0], dhw[1], dhw[2]}, ProbabilityEncoding.standard()));
    ObjectRef featureRef = put("features-" + teacher, encoded(map, channels, dhw));
    List<Integer> xyz = List.of(dhw[2], dhw[1], dhw[0]);
    return new TeacherOutputsProduced(
        "v1",
        teacher,
        "1",
        softRef,
        featureRef,
        xyz,
        spacing,
        List.of("background", organ),
        "prob-u8/1",
        Instant.now(),
        new TeacherOutputsProduced.FeatureMap(
            "feature.decoder.0", channels, 1, xyz, spacing, "feat-f16/1"));
  }

  private static ObjectRef put(String key, byte[] bytes) {
    StoredObject stored = store.put(BUCKET, key, bytes, "application/octet-stream");
    return new ObjectRef(BUCKET, key, stored.sha256(), stored.size(), "application/octet-stream");
  }

  private interface Writer {
    void write(Path path) throws IOException;
  }

  private static ObjectRef putNifti(Path dir, String name, Writer writer) throws IOException {
    Path file = dir.resolve(name + ".nii.gz");
    writer.write(file);
    StoredObject stored = store.put(BUCKET, name, file, "application/gzip");
    assertThat(Files.size(file)).isPositive();
    return new ObjectRef(BUCKET, name, stored.sha256(), stored.size(), "application/gzip");
  }

  private static List<Double> affine(Grid grid) {
    Affine a = grid.affine();
    List<Double> values = new ArrayList<>();
    for (int r = 0; r < 4; r++) {
      for (int c = 0; c < 4; c++) {
        values.add(r < 3 ? a.get(r, c) : (c == 3 ? 1.0 : 0.0));
      }
    }
    return values;
  }
}
