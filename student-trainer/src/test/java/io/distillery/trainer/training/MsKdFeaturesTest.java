package io.distillery.trainer.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import io.distillery.segml.networks.SegmentationNetwork;
import io.distillery.segml.networks.UNet3d;
import io.distillery.tensorcodec.HalfFloat;
import io.distillery.trainer.InvalidJobSpecException;
import io.distillery.trainer.JobSpecParser;
import io.distillery.volumeio.Affine;
import io.distillery.volumeio.Grid;
import io.distillery.volumeio.Volume;
import io.distillery.volumeio.resample.Resampler;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * MS-KD's feature-wise term in the trainer: stored teacher feature maps reach the training grid
 * like the soft labels, every patch carries the feature crop of its own image crop (flips included;
 * maps held as fp16 and converted in the patch), coarser student taps see average-pooled teacher
 * maps, and the per-teacher adaptors are trained and checkpointed with the student.
 */
class MsKdFeaturesTest {
  private static final int[] SHAPE = {12, 12, 12};
  private static final int[] PATCH = {8, 8, 8};
  private static final List<String> CLASSES = List.of("background", "liver", "spleen");

  /**
   * A case whose image value v is its voxel's linear index + 1 over the voxel count (unique, > 0),
   * two soft-label channels {@code 0.5·v} and {@code 1 − v} and two teachers' maps, held as fp16
   * like the loader's: teacher 0 channels {@code 2v + 1} and {@code −v}, teacher 1 {@code v + 5}.
   */
  private static PreparedCase knownCase() {
    int n = SHAPE[0] * SHAPE[1] * SHAPE[2];
    float[] image = new float[n];
    float[] soft = new float[2 * n];
    short[] features = new short[3 * n];
    for (int i = 0; i < n; i++) {
      float v = (i + 1) / (float) n;
      image[i] = v;
      soft[i] = 0.5f * v;
      soft[n + i] = 1 - v;
      features[i] = HalfFloat.fromFloat(2 * v + 1);
      features[n + i] = HalfFloat.fromFloat(-v);
      features[2 * n + i] = HalfFloat.fromFloat(v + 5);
    }
    return new PreparedCase(
        "known",
        "CT",
        image,
        new short[n],
        new int[0],
        soft,
        2,
        features,
        new int[] {2, 1},
        SHAPE.clone(),
        new double[] {3, 3, 3});
  }

  @Test
  void everyPatchCarriesTheFeatureCropOfItsImageCrop() throws Exception {
    PreparedCase c = knownCase();
    List<SampleGroup> groups = List.of(new SampleGroup("g", List.of(c), new int[0], 0));
    try (NDManager manager = NDManager.newBaseManager();
        BatchSource source = new BatchSource(groups, PATCH, 0, 0.5, 3, null)) {
      assertThat(source.softChannels(0)).isEqualTo(2);
      assertThat(source.featureChannels(0)).containsExactly(2, 1);
      for (int step = 0; step < 4; step++) {
        Batch batch = Batch.take(manager, source, new int[] {0, 0});
        float[] image = batch.image().toFloatArray();
        float[] soft = batch.softLabels().toFloatArray();
        assertThat(batch.teacherFeatures()).hasSize(2);
        assertThat(batch.teacherFeatures().get(0).getShape()).isEqualTo(new Shape(2, 2, 8, 8, 8));
        assertThat(batch.teacherFeatures().get(1).getShape()).isEqualTo(new Shape(2, 1, 8, 8, 8));
        float[] t0 = batch.teacherFeatures().get(0).toFloatArray();
        float[] t1 = batch.teacherFeatures().get(1).toFloatArray();
        int voxels = 8 * 8 * 8;
        float low = Float.MAX_VALUE;
        float high = -Float.MAX_VALUE;
        for (int b = 0; b < 2; b++) {
          for (int i = 0; i < voxels; i++) {
            float v = image[b * voxels + i];
            if (v == 0) { // outside the volume: every channel is padded with 0
              assertThat(soft[2 * b * voxels + i]).isZero();
              assertThat(t0[(2 * b) * voxels + i]).isZero();
              assertThat(t1[b * voxels + i]).isZero();
              continue;
            }
            low = Math.min(low, v);
            high = Math.max(high, v);
            assertThat(soft[2 * b * voxels + i]).isCloseTo(0.5f * v, within(1e-6f));
            assertThat(soft[(2 * b + 1) * voxels + i]).isCloseTo(1 - v, within(1e-6f));
            // Exactly the fp16 value of this voxel's map (the −v channel tells neighbouring
            // voxels apart: its fp16 steps are finer than v's), and the float32 value within
            // fp16 precision.
            assertHalfOf(t0[(2 * b) * voxels + i], 2 * v + 1);
            assertHalfOf(t0[(2 * b + 1) * voxels + i], -v);
            assertHalfOf(t1[b * voxels + i], v + 5);
          }
        }
        assertThat(high - low).as("patches are real crops, not constant").isPositive();
      }
    }
  }

  /** {@code actual} is {@code fp32} rounded to fp16: equal to it within fp16 precision. */
  private static void assertHalfOf(float actual, float fp32) {
    assertThat(actual).isEqualTo(HalfFloat.toFloat(HalfFloat.fromFloat(fp32)));
    assertThat(actual).isCloseTo(fp32, within(Math.abs(fp32) * 0x1p-11f));
  }

  @Test
  void aValueBeyondTheHalfRangeIsRefusedNotTurnedIntoInfinity() {
    Grid grid = new Grid(2, 2, 2, Affine.diagonal(3, 3, 3, 0, 0, 0));
    float[] map = {1, 2, 3, 70000, 5, 6, 7, 8};
    short[] out = new short[8];
    assertThatThrownBy(
            () ->
                CaseLoader.onTrainingGridAsHalves(map, 1, new int[] {2, 2, 2}, grid, grid, out, 0))
        .isInstanceOf(ArithmeticException.class)
        .hasMessageContaining("fp16 range");
  }

  @Test
  void aMapOnTheTeachersGridIsResizedOverTheSameFieldOfView() {
    Grid original = new Grid(12, 12, 12, Affine.diagonal(3, 3, 3, 0, 0, 0));
    Grid training = new Grid(6, 6, 6, Affine.diagonal(6, 6, 6, 1.5, 1.5, 1.5));
    // Teacher grid 4³ at 9 mm over the same 36 mm: value = the voxel centre's x (mm from the edge).
    int[] from = {4, 4, 4};
    float[] map = new float[2 * 64];
    for (int c = 0; c < 2; c++) {
      for (int i = 0; i < 64; i++) {
        map[c * 64 + i] = (c + 1) * ((i % 4) * 9 + 4.5f);
      }
    }
    float[] out = CaseLoader.onTrainingGrid(map, 2, from, original, training);
    assertThat(out).hasSize(2 * 216);
    for (int c = 0; c < 2; c++) {
      for (int i = 0; i < 216; i++) {
        int x = i % 6;
        if (x >= 1 && x <= 4) { // inside the outermost source centres: linear, so exact
          assertThat(out[c * 216 + i]).isCloseTo((c + 1) * (x * 6 + 3f), within(1e-4f));
        }
      }
    }
    // A map on the image's own grid is resampled through world coordinates, like the image.
    float[] data = new float[12 * 12 * 12];
    for (int i = 0; i < data.length; i++) {
      data[i] = (float) Math.sin(i * 0.37);
    }
    float[] same = CaseLoader.onTrainingGrid(data, 1, new int[] {12, 12, 12}, original, training);
    assertThat(same).containsExactly(Resampler.toGrid(Volume.of(original, data), training).data());
  }

  @Test
  void aCoarserStudentTapSeesTheTeacherMapAveragePooled() {
    try (NDManager manager = NDManager.newBaseManager()) {
      float[] values = new float[16];
      for (int i = 0; i < 16; i++) {
        values[i] = i;
      }
      NDArray teacher = manager.create(values, new Shape(1, 2, 2, 2, 2));
      NDArray pooled = StoredSoftLabelObjective.toStride(teacher, 2);
      assertThat(pooled.getShape()).isEqualTo(new Shape(1, 2, 1, 1, 1));
      assertThat(pooled.toFloatArray()).containsExactly(3.5f, 11.5f);
      assertThat(StoredSoftLabelObjective.toStride(teacher, 1)).isSameAs(teacher);
    }
  }

  @Test
  void adaptorsAreTrainedWithTheStudentAndRestoredFromItsCheckpoint() {
    Map<String, Double> hyper =
        Map.of(
            "temperature",
            1.0,
            "featureWeight",
            0.1,
            "partialLabelWeight",
            1.0,
            "teacherDiceWeight",
            0.0,
            "pseudoLabels",
            0.0);
    List<SampleGroup> groups = List.of(new SampleGroup("g", List.of(knownCase()), new int[0], 0));
    try (NDManager manager = NDManager.newBaseManager()) {
      Engine.getInstance().setRandomSeed(5);
      Objective objective =
          Objectives.msKd(student(manager), 1, 1, hyper::get, manager, new int[] {2, 1}, CLASSES);
      assertThat(objective.auxiliaryBlocks()).hasSize(2);
      Trainer trainer = new Trainer(objective, manager, 1e-2f, 0.9, 0f, 0);
      List<float[]> before = weights(objective.auxiliaryBlocks());
      List<Map<String, Double>> losses = new ArrayList<>();
      TrainingSnapshot[] last = new TrainingSnapshot[1];
      try (BatchSource source = new BatchSource(groups, PATCH, 0, 0.5, 3, null)) {
        trainer.run(source, 0, 3, 3, 1, 2, listener(losses, last));
      }
      assertThat(losses)
          .hasSize(3)
          .allSatisfy(l -> assertThat(l.get("feature")).isFinite().isPositive());
      TrainingSnapshot snapshot = trainer.snapshot(3, new long[] {3});
      assertThat(snapshot.networkParams()).as("student + 2 adaptors").hasSize(3);
      List<float[]> trained = weights(objective.auxiliaryBlocks());
      assertThat(trained.get(0)).isNotEqualTo(before.get(0));
      assertThat(trained.get(1)).isNotEqualTo(before.get(1));
      trainer.close();

      Engine.getInstance().setRandomSeed(99);
      Objective resumed =
          Objectives.msKd(student(manager), 1, 1, hyper::get, manager, new int[] {2, 1}, CLASSES);
      Trainer again = new Trainer(resumed, manager, 1e-2f, 0.9, 0f, 0);
      assertThat(weights(resumed.auxiliaryBlocks()).get(0)).isNotEqualTo(trained.get(0));
      again.restore(snapshot);
      List<float[]> restored = weights(resumed.auxiliaryBlocks());
      for (int k = 0; k < 2; k++) {
        assertThat(restored.get(k)).containsExactly(trained.get(k));
      }
      again.close();
    }
  }

  @Test
  void aJobStoppedAtItsCheckpointAndResumedEndsWithTheSameStudentAndAdaptors() {
    Map<String, Double> hyper =
        Map.of(
            "temperature",
            1.0,
            "featureWeight",
            0.1,
            "partialLabelWeight",
            1.0,
            "teacherDiceWeight",
            0.0,
            "pseudoLabels",
            0.0);
    List<SampleGroup> groups = List.of(new SampleGroup("g", List.of(knownCase()), new int[0], 0));
    try (NDManager manager = NDManager.newBaseManager()) {
      Engine.getInstance().setRandomSeed(5);
      Objective straight =
          Objectives.msKd(student(manager), 1, 1, hyper::get, manager, new int[] {2, 1}, CLASSES);
      Trainer t1 = new Trainer(straight, manager, 1e-2f, 0.9, 0f, 0);
      try (BatchSource source = new BatchSource(groups, PATCH, 0, 0.5, 3, null)) {
        t1.run(source, 0, 4, 4, 1, 2, listener(new ArrayList<>(), new TrainingSnapshot[1]));
      }
      t1.close();

      // The same job, stopped right after its checkpoint at step 2 (as a kill -9 would leave it).
      Engine.getInstance().setRandomSeed(5);
      Objective first =
          Objectives.msKd(student(manager), 1, 1, hyper::get, manager, new int[] {2, 1}, CLASSES);
      Trainer t2 = new Trainer(first, manager, 1e-2f, 0.9, 0f, 0);
      TrainingSnapshot[] checkpoint = new TrainingSnapshot[1];
      TrainingListener stopping =
          new TrainingListener() {
            @Override
            public void progress(
                long step, int epoch, Map<String, Double> l, double stepSeconds, double wait) {}

            @Override
            public void checkpoint(TrainingSnapshot snapshot) {
              checkpoint[0] = snapshot;
            }

            @Override
            public boolean cancelled() {
              return checkpoint[0] != null;
            }
          };
      try (BatchSource source = new BatchSource(groups, PATCH, 0, 0.5, 3, null)) {
        assertThatThrownBy(() -> t2.run(source, 0, 4, 4, 1, 2, stopping))
            .isInstanceOf(TrainingCancelledException.class);
      }
      t2.close();
      assertThat(checkpoint[0].step()).isEqualTo(2);

      Engine.getInstance().setRandomSeed(99);
      Objective resumed =
          Objectives.msKd(student(manager), 1, 1, hyper::get, manager, new int[] {2, 1}, CLASSES);
      Trainer t3 = new Trainer(resumed, manager, 1e-2f, 0.9, 0f, 0);
      t3.restore(checkpoint[0]);
      try (BatchSource source =
          new BatchSource(groups, PATCH, 0, 0.5, 3, checkpoint[0].consumed())) {
        t3.run(source, 2, 4, 4, 1, 2, listener(new ArrayList<>(), new TrainingSnapshot[1]));
      }
      t3.close();
      List<Block> a = new ArrayList<>(straight.networks());
      a.addAll(straight.auxiliaryBlocks());
      List<Block> b = new ArrayList<>(resumed.networks());
      b.addAll(resumed.auxiliaryBlocks());
      List<float[]> expected = allWeights(a);
      List<float[]> actual = allWeights(b);
      assertThat(actual).hasSameSizeAs(expected);
      for (int i = 0; i < expected.size(); i++) {
        float[] e = expected.get(i);
        float[] r = actual.get(i);
        for (int j = 0; j < e.length; j++) {
          assertThat(r[j]).as("parameter %d[%d]", i, j).isCloseTo(e[j], within(1e-5f));
        }
      }
    }
  }

  @Test
  void featureWeightIsValidatedAndZeroTurnsTheTermOff() {
    String spec =
        """
        {"kind": "distill", "method": "ms-kd", "classes": ["background", "liver", "spleen"],
         "datasets": [{"id": "d"}], "teachers": ["a", "b"],
         "hyperParameters": {"featureWeight": %s}}
        """;
    assertThatThrownBy(() -> JobSpecParser.parse(spec.formatted("-0.5"), false, "x"))
        .isInstanceOf(InvalidJobSpecException.class)
        .hasMessageContaining("featureWeight must be a finite number >= 0");
    assertThat(JobSpecParser.parse(spec.formatted("0"), false, "x").hyper("featureWeight"))
        .isZero();
    assertThat(JobSpecParser.parse(spec.formatted("0.1"), false, "x").hyper("featureWeight"))
        .isEqualTo(0.1);
  }

  private static SegmentationNetwork student(NDManager manager) {
    SegmentationNetwork net =
        UNet3d.builder().setOutChannels(3).optBaseWidth(8).optDepth(2).build();
    net.initialize(manager, DataType.FLOAT32, new Shape(1, 1, 2, 2, 2));
    return net;
  }

  private static List<float[]> allWeights(List<Block> blocks) {
    List<float[]> out = new ArrayList<>();
    for (Block b : blocks) {
      for (Pair<String, Parameter> p : b.getParameters()) {
        out.add(p.getValue().getArray().toFloatArray());
      }
    }
    return out;
  }

  private static List<float[]> weights(List<Block> blocks) {
    List<float[]> out = new ArrayList<>();
    for (Block b : blocks) {
      for (Pair<String, Parameter> p : b.getParameters()) {
        if (p.getKey().contains("weight")) {
          out.add(p.getValue().getArray().toFloatArray());
        }
      }
    }
    return out;
  }

  private static TrainingListener listener(
      List<Map<String, Double>> losses, TrainingSnapshot[] last) {
    return new TrainingListener() {
      @Override
      public void progress(
          long step, int epoch, Map<String, Double> l, double stepSeconds, double wait) {
        losses.add(new LinkedHashMap<>(l));
      }

      @Override
      public void checkpoint(TrainingSnapshot snapshot) {
        last[0] = snapshot;
      }

      @Override
      public boolean cancelled() {
        return false;
      }
    };
  }
}
