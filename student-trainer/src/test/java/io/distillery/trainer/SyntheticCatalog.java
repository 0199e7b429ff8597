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
import io.distillery.volumeio.nifti.NiftiWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Writes small synthetic canonical volumes (a "liver" ellipsoid and a "spleen" box in a noisy body,
 * CT in HU or MR in arbitrary units, 3 mm voxels), their labels and teacher soft labels to the
 * object store, and publishes the {@code VolumeIngested} / {@code TeacherOutputsProduced} events an
 * ingest and a teacher service would have published.
 */
final class SyntheticCatalog {
  static final int SIZE = 24;
  private final ObjectStore store;
  private final String bucket;
  private final TopicProbe probe;
  private final EventCodec codec = new EventCodec();

  SyntheticCatalog(ObjectStore store, String bucket, TopicProbe probe) {
    this.store = store;
    this.bucket = bucket;
    this.probe = probe;
  }

  /** The ground truth of case {@code seed}: 1 liver, 2 spleen. */
  static short[] truth(int seed) {
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

  /**
   * Stores a volume and publishes its {@code VolumeIngested}; {@code labelled} maps label value to
   * organ ("1" → "liver"), the stored label keeps only those organs, renumbered.
   */
  VolumeIngested volume(
      String dataset, String split, int seed, String modality, Map<String, String> labelled)
      throws IOException {
    String id = dataset + "-" + split + "-" + seed;
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
    Volume volume =
        new Volume(
            grid,
            image,
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
            "case-" + seed,
            modality,
            split,
            labelled,
            List.of(SIZE, SIZE, SIZE),
            List.of(3.0, 3.0, 3.0),
            List.of(3.0, 0.0, 0.0, 0.0, 0.0, 3.0, 0.0, 0.0, 0.0, 0.0, 3.0, 0.0, 0.0, 0.0, 0.0, 1.0),
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
    short[] truth = truth(seed);
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
              List.of(3.0, 3.0, 3.0),
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
            List.of(3.0, 3.0, 3.0),
            channels,
            "prob-u8/1",
            Instant.now(),
            featureMap));
  }

  void send(DistilleryEvent event) {
    EncodedEvent encoded = codec.encode(event, "/test/synthetic", null);
    probe.send(encoded.topic(), encoded.key(), encoded.headers(), encoded.payload());
  }

  private interface Writer {
    void write(Path path) throws IOException;
  }

  private ObjectRef putNifti(String key, Writer writer) throws IOException {
    Path file = Files.createTempFile("synthetic", ".nii.gz");
    try {
      writer.write(file);
      StoredObject stored = store.put(bucket, key, file, "application/gzip");
      return new ObjectRef(bucket, key, stored.sha256(), stored.size(), "application/gzip");
    } finally {
      Files.deleteIfExists(file);
    }
  }
}
