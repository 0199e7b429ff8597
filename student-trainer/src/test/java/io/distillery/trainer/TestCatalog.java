package io.distillery.trainer;

import io.distillery.contracts.EncodedEvent;
import io.distillery.contracts.EventCodec;
import io.distillery.contracts.ObjectKeys;
import io.distillery.contracts.ObjectRef;
import io.distillery.contracts.events.DistilleryEvent;
import io.distillery.contracts.events.TeacherOutputsProduced;
import io.distillery.contracts.events.VolumeIngested;
import io.distillery.devstack.TopicProbe;
import io.distillery.objectstore.ObjectStore;
import io.distillery.objectstore.StoredObject;
import io.distillery.tensorcodec.FeatureEncoding;
import io.distillery.tensorcodec.ProbabilityEncoding;
import io.distillery.tensorcodec.TensorCodec;
import io.distillery.volumeio.Affine;
import io.distillery.volumeio.Grid;
import io.distillery.volumeio.LabelVolume;
import io.distillery.volumeio.Modality;
import io.distillery.volumeio.Volume;
import io.distillery.volumeio.VolumeMetadata;
import io.distillery.volumeio.dataset.DatasetCase;
import io.distillery.volumeio.dataset.DatasetFolder;
import io.distillery.volumeio.dataset.SharedData;
import io.distillery.volumeio.nifti.NiftiReader;
import io.distillery.volumeio.nifti.NiftiWriter;
import io.distillery.volumeio.resample.Resampler;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import org.jboss.logging.Logger;

/**
 * Writes small volumes, their labels and teacher soft labels to the object store, and publishes the
 * {@code VolumeIngested} / {@code TeacherOutputsProduced} events an ingest and a teacher service
 * would have published. Every volume is a {@value #SIZE}³ grid whose truth is 1 liver, 2 spleen, 0
 * everything else; the volumes come from one of two sources, chosen once per JVM and logged:
 *
 * <ul>
 *   <li><b>real crops</b> when the shared data is present ({@link SharedData}: the system property
 *       {@code distillery.shared.data}, set by the parent pom to {@code ../shared/data}, else the
 *       environment variable {@code DISTILLERY_SHARED_DATA}): CT cases of {@code btcv-ct-4organ}
 *       (HU), MR cases of {@code chaos-mr} (raw int16). Each crop is the world-space bounding box
 *       of liver (1) ∪ spleen (4) grown by {@value #MARGIN_MM} mm, resampled onto a RAS {@value
 *       #SIZE}³ grid (image trilinear, labels nearest; oriented by the file's affine, so the LAS
 *       voxel order on disk does not matter), anisotropic voxels of 6–15 mm; kidneys become
 *       background. Seeds are assigned cases of their modality in order of first use, one case per
 *       seed (an error when a modality runs out), so distinct seeds, and in particular a job's
 *       validation and training seeds, never share a case;
 *   <li><b>synthetic</b> volumes otherwise (or with {@code -Ddistillery.shared.data=} pointing to a
 *       missing folder): a "liver" ellipsoid and a "spleen" box in a noisy body, CT in HU or MR in
 *       arbitrary units, 3 mm voxels.
 * </ul>
 *
 * Jobs should train at {@link #trainingSpacingMm()}, which keeps the training grids of either
 * source about {@value #SIZE}³.
 */
final class TestCatalog {
  static final int SIZE = 24;

  /** Margin (mm) around the liver ∪ spleen box of a real crop. */
  static final double MARGIN_MM = 8;

  private static final Logger LOG = Logger.getLogger(TestCatalog.class);
  private static final VolumeSource SOURCE = VolumeSource.detect();

  private final ObjectStore store;
  private final String bucket;
  private final TopicProbe probe;
  private final EventCodec codec = new EventCodec();

  TestCatalog(ObjectStore store, String bucket, TopicProbe probe) {
    this.store = store;
    this.bucket = bucket;
    this.probe = probe;
  }

  /** Whether the volumes are crops of the shared data (else synthetic). */
  static boolean realCrops() {
    return SOURCE instanceof RealCrops;
  }

  /**
   * Training spacing (x, y, z mm, as JSON) for jobs on this catalog: 3 mm for the synthetic 3 mm
   * volumes; 12×8×8 mm for real crops, whose 240–350 × 140–250 × 155–255 mm boxes then train on
   * grids of 20–30 × 17–32 × 19–32 voxels instead of ~100³ at 3 mm (keeps the test time).
   */
  static String trainingSpacingMm() {
    return realCrops() ? "[12, 8, 8]" : "[3, 3, 3]";
  }

  /** One catalog volume: its grid, image, truth (1 liver, 2 spleen) and where it came from. */
  record CatalogVolume(Grid grid, float[] image, short[] truth, String caseId) {}

  /** The volume of case {@code seed} of {@code modality} ("CT" or "MR"). */
  static CatalogVolume volumeOf(int seed, String modality) {
    return SOURCE.volume(seed, modality);
  }

  /**
   * Stores a volume and publishes its {@code VolumeIngested}; {@code labelled} maps label value to
   * organ ("1" → "liver"), the stored label keeps only those organs, renumbered.
   */
  VolumeIngested volume(
      String dataset, String split, int seed, String modality, Map<String, String> labelled)
      throws IOException {
    String id = dataset + "-" + split + "-" + seed;
    CatalogVolume source = volumeOf(seed, modality);
    Grid grid = source.grid();
    short[] truth = source.truth();
    boolean mr = "MR".equals(modality);
    Volume volume =
        new Volume(
            grid,
            source.image(),
            mr ? Modality.MR : Modality.CT,
            new VolumeMetadata("memory", "float32", Map.of()));
    ObjectRef imageRef = putNifti(ObjectKeys.volumeImage(id), p -> NiftiWriter.write(volume, p));
    ObjectRef labelRef = null;
    if (!labelled.isEmpty()) {
      short[] kept = new short[truth.length];
      for (int i = 0; i < truth.length; i++) {
        for (Map.Entry<String, String> e : labelled.entrySet()) {
          String organ = truth[i] == 1 ? "liver" : truth[i] == 2 ? "spleen" : null;
          if (e.getValue().equals(organ)) {
            kept[i] = Short.parseShort(e.getKey());
          }
        }
      }
      LabelVolume label = LabelVolume.of(grid, kept);
      labelRef = putNifti(ObjectKeys.volumeLabel(id), p -> NiftiWriter.write(label, p));
    }
    VolumeIngested event =
        new VolumeIngested(
            id,
            dataset,
            source.caseId(),
            modality,
            split,
            labelled,
            List.of(SIZE, SIZE, SIZE),
            spacing(grid),
            affine(grid),
            imageRef,
            labelRef,
            imageRef,
            "0".repeat(64),
            Instant.now());
    send(event);
    return event;
  }

  /**
   * Stores soft labels of teacher {@code teacherId} v1 for {@code volume} over {@code channels}
   * (class names, background first): 0.9 on the true organ, the rest spread.
   */
  void teacherOutputs(String teacherId, VolumeIngested volume, List<String> channels, int seed) {
    teacherOutputs(teacherId, volume, channels, seed, 0);
  }

  /**
   * Like {@link #teacherOutputs(String, VolumeIngested, List, int)}, plus a stored feature map of
   * {@code featureChannels} channels (0: none) on the soft labels' grid (stride 1, fp16), as the
   * teacher-service stores for a teacher that declares the tap {@code feature.decoder.0}: channel c
   * is {@code (c + 1)·[organ] + x/SIZE}, so the maps differ between organs and along x.
   */
  void teacherOutputs(
      String teacherId,
      VolumeIngested volume,
      List<String> channels,
      int seed,
      int featureChannels) {
    CatalogVolume source = volumeOf(seed, volume.modality());
    short[] truth = source.truth();
    List<Double> spacing = spacing(source.grid());
    int n = truth.length;
    int c = channels.size();
    float[] probs = new float[c * n];
    for (int i = 0; i < n; i++) {
      String organ = truth[i] == 1 ? "liver" : truth[i] == 2 ? "spleen" : "background";
      int hit = channels.indexOf(organ);
      if (hit < 0) {
        hit = 0;
      }
      for (int ch = 0; ch < c; ch++) {
        probs[ch * n + i] = ch == hit ? 0.9f : 0.1f / (c - 1);
      }
    }
    byte[] encoded =
        TensorCodec.encodeProbabilities(
            probs, new long[] {c, SIZE, SIZE, SIZE}, ProbabilityEncoding.standard());
    String key = ObjectKeys.teacherSoftLabels(teacherId, "1", volume.volumeId());
    StoredObject stored = store.put(bucket, key, encoded, "application/octet-stream");
    ObjectRef featureRef = null;
    TeacherOutputsProduced.FeatureMap featureMap = null;
    if (featureChannels > 0) {
      float[] features = new float[featureChannels * n];
      for (int ch = 0; ch < featureChannels; ch++) {
        for (int i = 0; i < n; i++) {
          features[ch * n + i] = (truth[i] != 0 ? ch + 1 : 0) + (i % SIZE) / (float) SIZE;
        }
      }
      byte[] encodedFeatures =
          TensorCodec.encodeFeatures(
              features, new long[] {featureChannels, SIZE, SIZE, SIZE}, FeatureEncoding.float16());
      String featureKey = ObjectKeys.teacherFeatures(teacherId, "1", volume.volumeId());
      StoredObject f = store.put(bucket, featureKey, encodedFeatures, "application/octet-stream");
      featureRef =
          new ObjectRef(bucket, featureKey, f.sha256(), f.size(), "application/octet-stream");
      featureMap =
          new TeacherOutputsProduced.FeatureMap(
              "feature.decoder.0",
              featureChannels,
              1,
              List.of(SIZE, SIZE, SIZE),
              spacing,
              "feat-f16/1");
    }
    send(
        new TeacherOutputsProduced(
            volume.volumeId(),
            teacherId,
            "1",
            new ObjectRef(bucket, key, stored.sha256(), stored.size(), "application/octet-stream"),
            featureRef,
            List.of(SIZE, SIZE, SIZE),
            spacing,
            channels,
            "prob-u8/1",
            Instant.now(),
            featureMap));
  }

  void send(DistilleryEvent event) {
    EncodedEvent encoded = codec.encode(event, "/test/catalog", null);
    probe.send(encoded.topic(), encoded.key(), encoded.headers(), encoded.payload());
  }

  private interface Writer {
    void write(Path path) throws IOException;
  }

  private ObjectRef putNifti(String key, Writer writer) throws IOException {
    Path file = Files.createTempFile("catalog", ".nii.gz");
    try {
      writer.write(file);
      StoredObject stored = store.put(bucket, key, file, "application/gzip");
      return new ObjectRef(bucket, key, stored.sha256(), stored.size(), "application/gzip");
    } finally {
      Files.deleteIfExists(file);
    }
  }

  private static List<Double> spacing(Grid grid) {
    double[] s = grid.spacing();
    return List.of(s[0], s[1], s[2]);
  }

  private static List<Double> affine(Grid grid) {
    Affine a = grid.affine();
    Double[] values = new Double[16];
    for (int r = 0; r < 4; r++) {
      for (int c = 0; c < 4; c++) {
        values[r * 4 + c] = r < 3 ? a.get(r, c) : (c == 3 ? 1.0 : 0.0);
      }
    }
    return List.of(values);
  }

  /** Where the catalog's volumes come from; one per JVM, memoising each seed's volume. */
  private abstract static class VolumeSource {
    private final Map<Integer, CatalogVolume> bySeed = new HashMap<>();

    static VolumeSource detect() {
      Optional<Path> ct = SharedData.dataset(RealCrops.CT_DATASET);
      Optional<Path> mr = SharedData.dataset(RealCrops.MR_DATASET);
      if (ct.isPresent() && mr.isPresent()) {
        try {
          RealCrops real =
              new RealCrops(DatasetFolder.open(ct.get()), DatasetFolder.open(mr.get()));
          LOG.infof(
              "TestCatalog: volumes are real crops of %s (CT) and %s (MR), liver ∪ spleen box"
                  + " + %.0f mm resampled to %d³",
              ct.get(), mr.get(), MARGIN_MM, SIZE);
          return real;
        } catch (IOException e) {
          throw new UncheckedIOException("shared data present but unreadable: " + ct.get(), e);
        }
      }
      LOG.infof(
          "TestCatalog: volumes are SYNTHETIC (%d³ at 3 mm): %s and %s not both found (%s)",
          SIZE, RealCrops.CT_DATASET, RealCrops.MR_DATASET, SharedData.missingMessage());
      return new Synthetic();
    }

    final synchronized CatalogVolume volume(int seed, String modality) {
      CatalogVolume v = bySeed.get(seed);
      if (v == null) {
        v = make(seed, modality);
        bySeed.put(seed, v);
      }
      return v;
    }

    abstract CatalogVolume make(int seed, String modality);
  }

  /** Synthetic 3 mm volumes: a "liver" ellipsoid and a "spleen" box, shifted by the seed. */
  private static final class Synthetic extends VolumeSource {
    @Override
    CatalogVolume make(int seed, String modality) {
      Grid grid = new Grid(SIZE, SIZE, SIZE, Affine.diagonal(3, 3, 3, 0, 0, 0));
      short[] truth = truth(seed);
      SplittableRandom random = new SplittableRandom(seed);
      float[] image = new float[truth.length];
      boolean mr = "MR".equals(modality);
      for (int i = 0; i < image.length; i++) {
        float base =
            truth[i] == 1 ? (mr ? 300 : 60) : truth[i] == 2 ? (mr ? 500 : 120) : (mr ? 100 : -20);
        image[i] = base + (float) random.nextGaussian() * (mr ? 20 : 10);
      }
      return new CatalogVolume(grid, image, truth, "case-" + seed);
    }

    private static short[] truth(int seed) {
      short[] labels = new short[SIZE * SIZE * SIZE];
      int shift = seed % 3;
      for (int z = 0; z < SIZE; z++) {
        for (int y = 0; y < SIZE; y++) {
          for (int x = 0; x < SIZE; x++) {
            double dx = (x - 8 - shift) / 5.0;
            double dy = (y - 12) / 6.0;
            double dz = (z - 12) / 7.0;
            int i = x + SIZE * (y + SIZE * z);
            if (dx * dx + dy * dy + dz * dz < 1) {
              labels[i] = 1;
            } else if (x >= 15 && x < 20 && y >= 8 + shift && y < 14 + shift && z >= 9 && z < 16) {
              labels[i] = 2;
            }
          }
        }
      }
      return labels;
    }
  }

  /**
   * Crops of the shared data: CT from {@value #CT_DATASET}, MR from {@value #MR_DATASET} (both
   * label liver 1, right kidney 2, left kidney 3, spleen 4).
   */
  private static final class RealCrops extends VolumeSource {
    static final String CT_DATASET = "btcv-ct-4organ";
    static final String MR_DATASET = "chaos-mr";
    private static final int LIVER = 1;
    private static final int SPLEEN = 4;

    private final Map<String, DatasetFolder> folders;
    private final Map<String, Integer> nextCase = new HashMap<>();
    private final NiftiReader reader = NiftiReader.withDefaults();

    RealCrops(DatasetFolder ct, DatasetFolder mr) {
      this.folders = Map.of("CT", ct, "MR", mr);
    }

    @Override
    CatalogVolume make(int seed, String modality) {
      DatasetFolder folder = folders.get(modality);
      if (folder == null) {
        throw new IllegalArgumentException("no real cases for modality " + modality);
      }
      int index = nextCase.merge(modality, 1, Integer::sum) - 1;
      if (index >= folder.cases().size()) {
        throw new IllegalStateException(
            "seed "
                + seed
                + ": all "
                + folder.cases().size()
                + " "
                + modality
                + " cases of "
                + folder.name()
                + " are in use; a case may serve only one seed (validation must never be trained"
                + " on)");
      }
      DatasetCase c = folder.cases().get(index);
      try {
        DatasetCase.Loaded loaded = c.read(reader);
        Volume image = loaded.image();
        LabelVolume labels =
            loaded
                .labels()
                .orElseThrow(() -> new IllegalStateException("case " + c.id() + " has no label"));
        Grid crop = cropGrid(labels);
        float[] voxels = Resampler.toGrid(image, crop).data();
        short[] source = Resampler.toGrid(labels, crop).data();
        short[] truth = new short[source.length];
        int liver = 0;
        int spleen = 0;
        for (int i = 0; i < source.length; i++) {
          if (source[i] == LIVER) {
            truth[i] = 1;
            liver++;
          } else if (source[i] == SPLEEN) {
            truth[i] = 2;
            spleen++;
          }
        }
        if (liver == 0 || spleen == 0) {
          throw new IllegalStateException(
              "crop of " + c.id() + " lacks liver or spleen: " + liver + ", " + spleen + " voxels");
        }
        double[] s = crop.spacing();
        LOG.infof(
            "TestCatalog: seed %d → %s/%s (%s), %d³ at %.1f×%.1f×%.1f mm, liver %d, spleen %d"
                + " voxels",
            seed, folder.name(), c.id(), modality, SIZE, s[0], s[1], s[2], liver, spleen);
        return new CatalogVolume(crop, voxels, truth, c.id());
      } catch (IOException e) {
        throw new UncheckedIOException("reading " + c.id() + " of " + folder.name(), e);
      }
    }

    /**
     * The RAS {@value #SIZE}³ grid whose voxel centres span the world bounding box of the liver and
     * spleen voxel centres grown by {@value #MARGIN_MM} mm.
     */
    private static Grid cropGrid(LabelVolume labels) {
      Grid g = labels.grid();
      double[] lo = {Double.MAX_VALUE, Double.MAX_VALUE, Double.MAX_VALUE};
      double[] hi = {-Double.MAX_VALUE, -Double.MAX_VALUE, -Double.MAX_VALUE};
      for (int z = 0; z < g.nz(); z++) {
        for (int y = 0; y < g.ny(); y++) {
          for (int x = 0; x < g.nx(); x++) {
            int v = labels.get(x, y, z);
            if (v == LIVER || v == SPLEEN) {
              double[] w = g.affine().apply(x, y, z);
              for (int i = 0; i < 3; i++) {
                lo[i] = Math.min(lo[i], w[i]);
                hi[i] = Math.max(hi[i], w[i]);
              }
            }
          }
        }
      }
      if (lo[0] > hi[0]) {
        throw new IllegalStateException("no liver or spleen voxels");
      }
      double[] s = new double[3];
      for (int i = 0; i < 3; i++) {
        lo[i] -= MARGIN_MM;
        hi[i] += MARGIN_MM;
        s[i] = (hi[i] - lo[i]) / (SIZE - 1);
      }
      return new Grid(SIZE, SIZE, SIZE, Affine.diagonal(s[0], s[1], s[2], lo[0], lo[1], lo[2]));
    }
  }
}
