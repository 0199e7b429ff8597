package io.distillery.ingest.service;

import io.distillery.contracts.EventCodec;
import io.distillery.contracts.ObjectKeys;
import io.distillery.contracts.ObjectRef;
import io.distillery.contracts.events.VolumeIngested;
import io.distillery.ingest.IngestOutcome;
import io.distillery.ingest.IngestRequest;
import io.distillery.ingest.InvalidRequestException;
import io.distillery.ingest.config.IngestConfig;
import io.distillery.objectstore.ObjectNotFoundException;
import io.distillery.objectstore.ObjectStore;
import io.distillery.objectstore.StoredObject;
import io.distillery.servicekit.EventPublisher;
import io.distillery.servicekit.S3Config;
import io.distillery.volumeio.Grid;
import io.distillery.volumeio.LabelVolume;
import io.distillery.volumeio.Volume;
import io.distillery.volumeio.Volumes;
import io.distillery.volumeio.nifti.NiftiReadOptions;
import io.distillery.volumeio.nifti.NiftiReader;
import io.distillery.volumeio.nifti.NiftiWriter;
import io.distillery.volumeio.orientation.Orientation;
import io.distillery.volumeio.resample.Resampler;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * Validates, canonicalises (RAS, the dataset's target spacing) and stores a volume, then publishes
 * {@link VolumeIngested}. Idempotent: the volume id derives from the submitted bytes, and a volume
 * whose record already exists is neither stored again nor announced again.
 *
 * <p>Order of writes: image, label and preview first, then the event (awaiting the broker's
 * acknowledgement), then the record object that marks completion. A crash in between leaves no
 * record, so a retry redoes the work and republishes; consumers are idempotent by volume id.
 */
@ApplicationScoped
public class IngestService {

  private static final Logger LOG = Logger.getLogger(IngestService.class);
  private static final Set<String> MODALITIES = Set.of("CT", "MR");
  private static final Set<String> SPLITS = Set.of("train", "val", "test", "unlabelled");
  private static final String GZIP = "application/gzip";

  @Inject ObjectStore store;
  @Inject IngestConfig config;
  @Inject S3Config s3Config;
  @Inject EventPublisher publisher;
  @Inject EventCodec codec;
  @Inject PreviewRenderer previews;
  @Inject MeterRegistry meters;

  /** One lock per volume id, so that two identical uploads at once produce one event. */
  private final Map<String, Object> locks = new ConcurrentHashMap<>();

  /**
   * Ingests one volume.
   *
   * @throws InvalidRequestException for bad request fields
   * @throws io.distillery.volumeio.VolumeException for unreadable or inconsistent volumes
   */
  public IngestOutcome ingest(IngestRequest request) throws IOException {
    validate(request);
    String imageSha = Sha256Files.of(request.image());
    String labelSha = request.label() == null ? "" : Sha256Files.of(request.label());
    String volumeId = VolumeIds.of(request.datasetId(), imageSha, labelSha);
    Object lock = locks.computeIfAbsent(volumeId, id -> new Object());
    try {
      synchronized (lock) {
        Optional<VolumeIngested> existing = find(volumeId);
        if (existing.isPresent()) {
          LOG.infof("volume %s already ingested; no new event", volumeId);
          return new IngestOutcome(existing.get(), false);
        }
        return new IngestOutcome(store(request, volumeId, imageSha), true);
      }
    } finally {
      locks.remove(volumeId, lock);
    }
  }

  /** The record of an ingested volume, if ingestion completed. */
  public Optional<VolumeIngested> find(String volumeId) {
    String bucket = s3Config.bucket();
    try (InputStream in = store.get(bucket, ObjectKeys.volumeRecord(volumeId))) {
      return Optional.of(codec.fromJson(in.readAllBytes(), VolumeIngested.class));
    } catch (ObjectNotFoundException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the record of volume " + volumeId, e);
    }
  }

  /** Records of all ingested volumes, optionally filtered; null filters match everything. */
  public List<VolumeIngested> list(String datasetId, String split, String modality) {
    String bucket = s3Config.bucket();
    List<VolumeIngested> result = new ArrayList<>();
    store.list(bucket, ObjectKeys.volumesPrefix()).stream()
        .filter(o -> o.key().endsWith("/volume.json"))
        .forEach(
            o -> {
              try (InputStream in = store.get(bucket, o.key())) {
                VolumeIngested v = codec.fromJson(in.readAllBytes(), VolumeIngested.class);
                if ((datasetId == null || datasetId.equals(v.datasetId()))
                    && (split == null || split.equals(v.split()))
                    && (modality == null || modality.equals(v.modality()))) {
                  result.add(v);
                }
              } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + o.key(), e);
              }
            });
    return result;
  }

  private VolumeIngested store(IngestRequest request, String volumeId, String imageSha)
      throws IOException {
    NiftiReader reader =
        new NiftiReader(
            NiftiReadOptions.defaults()
                .withMaxDecompressedBytes(config.ingest().maxDecompressedBytes()));
    Volume image = reader.readVolume(request.image());
    Optional<LabelVolume> label = Optional.empty();
    if (request.label() != null) {
      LabelVolume l = reader.readLabels(request.label(), request.labelNames());
      Volumes.sameGrid(image, l);
      label = Optional.of(l);
    }

    // Free-text header fields may carry patient data: they are never kept.
    Volume canonical = Orientation.canonical(image);
    canonical = canonical.withMetadata(canonical.metadata().withoutFreeText());
    Optional<LabelVolume> canonicalLabel =
        label.map(Orientation::canonical).map(l -> l.withMetadata(l.metadata().withoutFreeText()));
    Optional<double[]> spacing = targetSpacing(request.datasetId());
    if (spacing.isPresent()) {
      canonical = Resampler.toSpacing(canonical, spacing.get());
      double[] s = spacing.get();
      canonicalLabel = canonicalLabel.map(l -> Resampler.toSpacing(l, s));
    }

    String bucket = s3Config.bucket();
    Path dir = Files.createTempDirectory("ingest-" + volumeId);
    try {
      Path imageFile = dir.resolve("image.nii.gz");
      NiftiWriter.write(canonical, imageFile);
      ObjectRef imageRef =
          ref(store.put(bucket, ObjectKeys.volumeImage(volumeId), imageFile, GZIP));
      ObjectRef labelRef = null;
      if (canonicalLabel.isPresent()) {
        Path labelFile = dir.resolve("label.nii.gz");
        NiftiWriter.write(canonicalLabel.get(), labelFile);
        labelRef = ref(store.put(bucket, ObjectKeys.volumeLabel(volumeId), labelFile, GZIP));
      }
      byte[] png = previews.render(canonical, canonicalLabel.orElse(null));
      ObjectRef previewRef =
          ref(store.put(bucket, ObjectKeys.volumePreview(volumeId), png, "image/png"));

      Grid grid = canonical.grid();
      VolumeIngested event =
          new VolumeIngested(
              volumeId,
              request.datasetId(),
              request.caseId() != null ? request.caseId() : volumeId,
              request.modality(),
              request.split(),
              labelledClasses(request.labelNames(), canonicalLabel.isPresent()),
              List.of(grid.nx(), grid.ny(), grid.nz()),
              toList(grid.spacing()),
              affine16(grid),
              imageRef,
              labelRef,
              previewRef,
              imageSha,
              Instant.now());
      publisher.publish(event, request.traceparent());
      store.put(bucket, ObjectKeys.volumeRecord(volumeId), codec.toJson(event), "application/json");
      // Counted once the event is acknowledged: a duplicate upload returns earlier and is not
      // counted.
      Counter.builder("distillery.volumes.ingested")
          .description("Volumes stored and announced with VolumeIngested")
          .tag("dataset", request.datasetId())
          .tag("modality", String.valueOf(request.modality()))
          .register(meters)
          .increment();
      LOG.infof(
          "ingested volume %s (dataset %s, %dx%dx%d)",
          volumeId, request.datasetId(), grid.nx(), grid.ny(), grid.nz());
      return event;
    } finally {
      deleteRecursively(dir);
    }
  }

  private void validate(IngestRequest r) {
    try {
      ObjectKeys.id(r.datasetId());
      if (r.caseId() != null) {
        ObjectKeys.id(r.caseId());
      }
    } catch (IllegalArgumentException e) {
      throw new InvalidRequestException(e.getMessage());
    }
    if (!MODALITIES.contains(r.modality())) {
      throw new InvalidRequestException(
          "modality must be one of " + MODALITIES + ", was '" + r.modality() + "'");
    }
    if (!SPLITS.contains(r.split())) {
      throw new InvalidRequestException(
          "split must be one of " + SPLITS + ", was '" + r.split() + "'");
    }
    if (r.label() == null && !"unlabelled".equals(r.split()) && !r.labelNames().isEmpty()) {
      throw new InvalidRequestException("label names were given without a label file");
    }
    if (r.label() != null && r.labelNames().isEmpty()) {
      throw new InvalidRequestException(
          "a label file needs label names (value to organ name), e.g. {\"1\": \"liver\"}");
    }
  }

  private Optional<double[]> targetSpacing(String datasetId) {
    IngestConfig.Ingest.DatasetPolicy policy = config.ingest().datasets().get(datasetId);
    if (policy == null || policy.spacing().isEmpty()) {
      return Optional.empty();
    }
    List<Double> s = policy.spacing().get();
    if (s.size() != 3 || s.stream().anyMatch(v -> !(v > 0))) {
      throw new IllegalStateException(
          "distillery.ingest.datasets." + datasetId + ".spacing must be three positive numbers");
    }
    return Optional.of(new double[] {s.get(0), s.get(1), s.get(2)});
  }

  private static Map<String, String> labelledClasses(Map<Integer, String> names, boolean labelled) {
    Map<String, String> result = new LinkedHashMap<>();
    if (labelled) {
      new TreeMap<>(names)
          .forEach(
              (value, name) -> {
                if (value != 0) {
                  result.put(Integer.toString(value), name);
                }
              });
    }
    return result;
  }

  private static ObjectRef ref(StoredObject o) {
    return new ObjectRef(o.bucket(), o.key(), o.sha256(), o.size(), o.contentType());
  }

  private static List<Double> toList(double[] values) {
    List<Double> list = new ArrayList<>(values.length);
    for (double v : values) {
      list.add(v);
    }
    return list;
  }

  private static List<Double> affine16(Grid grid) {
    List<Double> list = toList(grid.affine().rows3x4());
    list.addAll(List.of(0.0, 0.0, 0.0, 1.0));
    return list;
  }

  private static void deleteRecursively(Path dir) {
    try (var paths = Files.walk(dir)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      LOG.warnf("could not delete temporary folder %s: %s", dir, e.getMessage());
    }
  }
}
