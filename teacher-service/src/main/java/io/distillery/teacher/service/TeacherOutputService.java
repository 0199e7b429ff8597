package io.distillery.teacher.service;

import io.distillery.contracts.EventCodec;
import io.distillery.contracts.ObjectKeys;
import io.distillery.contracts.ObjectRef;
import io.distillery.contracts.events.TeacherOutputsProduced;
import io.distillery.contracts.events.VolumeIngested;
import io.distillery.objectstore.ObjectStore;
import io.distillery.objectstore.StoredObject;
import io.distillery.teacher.RegisteredTeacher;
import io.distillery.teacher.SoftLabels;
import io.distillery.teacher.TeacherFeatures;
import io.distillery.teacher.TeacherManifest;
import io.distillery.teacher.TeacherOutputs;
import io.distillery.tensorcodec.FeatureEncoding;
import io.distillery.tensorcodec.ProbabilityEncoding;
import io.distillery.tensorcodec.TensorCodec;
import io.distillery.tensorcodec.TensorHeader;
import io.distillery.volumeio.Grid;
import io.distillery.volumeio.Volume;
import io.distillery.volumeio.VolumeFormatException;
import io.distillery.volumeio.nifti.NiftiReader;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Produces a teacher's outputs for a volume exactly once per (teacher, version, volume) under
 * normal operation, with deterministic keys and a commit marker:
 *
 * <ol>
 *   <li>{@code produced.json} exists → the outputs were stored and announced: skip.
 *   <li>{@code soft-labels.dtc} exists but no marker → stored by an earlier attempt that stopped
 *       before announcing: announce from the stored object (no recomputation).
 *   <li>otherwise run the teacher, store its feature map when it declares one, then the soft labels
 *       (each put returns after S3 acknowledged), announce (returns after the broker acknowledged),
 *       then write the marker.
 * </ol>
 *
 * <p>Within one instance, work on the same key is serialised, so the backfill and the consumer
 * never duplicate each other. Across instances the Kafka key (volume id) gives each volume to one
 * consumer; the remaining window for a duplicate announcement is a second instance working on the
 * same key between the first one's announcement and its marker write (a crash there, or a
 * concurrent backfill on another instance). Consumers deduplicate by (volume, teacher, version).
 */
public final class TeacherOutputService {

  /** Codec name and version of the stored soft labels. */
  public static final String ENCODING = "prob-u8-rle/1";

  /** Codec name and version of the stored feature maps (tensor-codec fp16, uncompressed). */
  public static final String FEATURE_ENCODING = "feat-f16/1";

  /** Content type of tensor-codec objects. */
  public static final String TENSOR_CONTENT_TYPE = "application/x-distillery-tensor";

  private static final Logger LOG = LoggerFactory.getLogger(TeacherOutputService.class);

  /** What {@link #produce} did. */
  public enum Outcome {
    /** The teacher ran; outputs stored and announced. */
    PRODUCED,
    /** Outputs were stored earlier but not announced; announced now without recomputing. */
    ANNOUNCED_EXISTING,
    /** Outputs were already stored and announced; nothing done. */
    ALREADY_DONE
  }

  private final ObjectStore store;
  private final String bucket;
  private final EventCodec codec;
  private final TeacherRegistry registry;
  private final TeacherRunner runner;
  private final OutputsAnnouncer announcer;
  private final Object[] locks = new Object[64];

  public TeacherOutputService(
      ObjectStore store,
      String bucket,
      EventCodec codec,
      TeacherRegistry registry,
      TeacherRunner runner,
      OutputsAnnouncer announcer) {
    this.store = store;
    this.bucket = bucket;
    this.codec = codec;
    this.registry = registry;
    this.runner = runner;
    this.announcer = announcer;
    for (int i = 0; i < locks.length; i++) {
      locks[i] = new Object();
    }
  }

  /** The registry this service resolves teachers from. */
  public TeacherRegistry registry() {
    return registry;
  }

  /**
   * Runs every applicable teacher (latest version; modality and dataset policy) on the volume.
   *
   * @return one outcome per applicable teacher, in teacher-id order
   */
  public List<Outcome> processVolume(VolumeIngested volume, String traceparent) throws IOException {
    registry.refresh();
    LazyImage image = new LazyImage(volume);
    List<Outcome> outcomes = new ArrayList<>();
    for (RegisteredTeacher teacher : registry.applicableTo(volume.modality(), volume.datasetId())) {
      outcomes.add(produce(teacher, volume, image, traceparent));
    }
    return outcomes;
  }

  /** Produces one teacher's outputs for one volume (see the class comment). */
  public Outcome produce(RegisteredTeacher teacher, VolumeIngested volume, String traceparent)
      throws IOException {
    return produce(teacher, volume, new LazyImage(volume), traceparent);
  }

  private Outcome produce(
      RegisteredTeacher teacher, VolumeIngested volume, LazyImage image, String traceparent)
      throws IOException {
    String id = teacher.id();
    String version = teacher.version();
    String volumeId = volume.volumeId();
    String lockKey = id + "/" + version + "/" + volumeId;
    // Striped locks: bounded memory; unrelated keys rarely share a stripe.
    synchronized (locks[Math.floorMod(lockKey.hashCode(), locks.length)]) {
      {
        String recordKey = ObjectKeys.teacherOutputRecord(id, version, volumeId);
        if (store.exists(bucket, recordKey)) {
          return Outcome.ALREADY_DONE;
        }
        String softKey = ObjectKeys.teacherSoftLabels(id, version, volumeId);
        TeacherOutputsProduced event;
        Outcome outcome;
        if (store.exists(bucket, softKey)) {
          event = fromStored(teacher.manifest(), volumeId, store.stat(bucket, softKey));
          outcome = Outcome.ANNOUNCED_EXISTING;
        } else {
          TeacherOutputs outputs = runner.outputs(teacher, image.get());
          SoftLabels labels = outputs.softLabels();
          // Features first: stored soft labels mean "everything is stored" to a later attempt.
          FeatureRecord features = null;
          if (outputs.features() != null) {
            TeacherFeatures f = outputs.features();
            byte[] encodedFeatures =
                TensorCodec.encodeFeatures(f.data(), f.codecShape(), FeatureEncoding.float16());
            StoredObject storedFeatures =
                store.put(
                    bucket,
                    ObjectKeys.teacherFeatures(id, version, volumeId),
                    encodedFeatures,
                    TENSOR_CONTENT_TYPE);
            features =
                new FeatureRecord(
                    ref(storedFeatures),
                    featureMap(f.tap(), f.channels(), f.shapeXyz(), f.spacingXyz()));
          }
          byte[] encoded =
              TensorCodec.encodeProbabilities(
                  labels.data(), labels.codecShape(), ProbabilityEncoding.standard());
          StoredObject stored = store.put(bucket, softKey, encoded, TENSOR_CONTENT_TYPE);
          event =
              event(
                  teacher.manifest(),
                  volumeId,
                  stored,
                  labels.shapeXyz(),
                  labels.spacingXyz(),
                  labels.channels(),
                  features);
          outcome = Outcome.PRODUCED;
        }
        announcer.announce(event, traceparent);
        store.put(bucket, recordKey, codec.toJson(event), "application/json");
        LOG.info("teacher {}/{} on volume {}: {}", id, version, volumeId, outcome);
        return outcome;
      }
    }
  }

  /** Rebuilds the event of soft labels stored by an attempt that stopped before announcing. */
  private TeacherOutputsProduced fromStored(
      TeacherManifest manifest, String volumeId, StoredObject stored) throws IOException {
    TensorHeader header;
    try (InputStream in = store.get(bucket, stored.key(), false)) {
      header = TensorCodec.readHeader(in);
    }
    long[] cdhw = header.shape();
    int[] xyz = {(int) cdhw[3], (int) cdhw[2], (int) cdhw[1]};
    FeatureRecord features = null;
    if (manifest.featureTap() != null) {
      String featureKey =
          ObjectKeys.teacherFeatures(manifest.teacherId(), manifest.version(), volumeId);
      StoredObject storedFeatures = store.stat(bucket, featureKey);
      TensorHeader featureHeader;
      try (InputStream in = store.get(bucket, featureKey, false)) {
        featureHeader = TensorCodec.readHeader(in);
      }
      long[] f = featureHeader.shape();
      features =
          new FeatureRecord(
              ref(storedFeatures),
              featureMap(
                  manifest.featureTap(),
                  (int) f[0],
                  new int[] {(int) f[3], (int) f[2], (int) f[1]},
                  manifest.spacingXyz()));
    }
    return event(
        manifest,
        volumeId,
        stored,
        xyz,
        manifest.spacingXyz(),
        manifest.storedChannelNames(),
        features);
  }

  /** A stored feature map: its object and its description in the event. */
  private record FeatureRecord(ObjectRef ref, TeacherOutputsProduced.FeatureMap map) {}

  private static TeacherOutputsProduced.FeatureMap featureMap(
      String tap, int channels, int[] shapeXyz, double[] spacingXyz) {
    return new TeacherOutputsProduced.FeatureMap(
        tap,
        channels,
        1,
        Arrays.stream(shapeXyz).boxed().toList(),
        Arrays.stream(spacingXyz).boxed().toList(),
        FEATURE_ENCODING);
  }

  private static ObjectRef ref(StoredObject stored) {
    return new ObjectRef(
        stored.bucket(), stored.key(), stored.sha256(), stored.size(), TENSOR_CONTENT_TYPE);
  }

  private static TeacherOutputsProduced event(
      TeacherManifest manifest,
      String volumeId,
      StoredObject stored,
      int[] shapeXyz,
      double[] spacingXyz,
      List<String> channels,
      FeatureRecord features) {
    return new TeacherOutputsProduced(
        volumeId,
        manifest.teacherId(),
        manifest.version(),
        ref(stored),
        features == null ? null : features.ref(),
        Arrays.stream(shapeXyz).boxed().toList(),
        Arrays.stream(spacingXyz).boxed().toList(),
        channels,
        ENCODING,
        Instant.now(),
        features == null ? null : features.map());
  }

  /** Reads the canonical image at most once per volume, digest and shape checked. */
  private final class LazyImage {
    private final VolumeIngested volume;
    private Volume image;

    LazyImage(VolumeIngested volume) {
      this.volume = volume;
    }

    Volume get() throws IOException {
      if (image == null) {
        ObjectRef ref = volume.image();
        Volume read;
        try (InputStream in = store.get(ref.bucket(), ref.key(), true)) {
          read = NiftiReader.withDefaults().readVolume(in);
        }
        Grid g = read.grid();
        List<Integer> shape = List.of(g.nx(), g.ny(), g.nz());
        if (!shape.equals(volume.shape())) {
          throw new VolumeFormatException(
              "stored image of "
                  + volume.volumeId()
                  + " has shape "
                  + shape
                  + ", the event says "
                  + volume.shape());
        }
        image = read;
      }
      return image;
    }
  }
}
