package io.distillery.ingest.service;

import io.distillery.ingest.DatasetImport;
import io.distillery.ingest.IngestRequest;
import io.distillery.ingest.InvalidRequestException;
import io.distillery.ingest.config.IngestConfig;
import io.distillery.objectstore.ObjectStore;
import io.distillery.objectstore.ObjectSummary;
import io.distillery.volumeio.Modality;
import io.distillery.volumeio.VolumeException;
import io.distillery.volumeio.dataset.DatasetCase;
import io.distillery.volumeio.dataset.DatasetFolder;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.jboss.logging.Logger;

/**
 * Imports a dataset folder in the nnU-Net v2 / MSD layout, from the server's file system (only
 * under the configured import roots) or from an S3 prefix, case by case through the same path as an
 * upload. Imports run one at a time in the background; their progress is kept in memory.
 */
@ApplicationScoped
public class DatasetImportService {

  private static final Logger LOG = Logger.getLogger(DatasetImportService.class);

  @Inject IngestService ingest;
  @Inject IngestConfig config;
  @Inject ObjectStore store;

  private final ExecutorService executor =
      Executors.newSingleThreadExecutor(
          r -> {
            Thread t = new Thread(r, "dataset-import");
            t.setDaemon(true);
            return t;
          });
  private final Map<String, Progress> imports = new ConcurrentHashMap<>();

  /** What to import. */
  public record ImportCommand(String source, String datasetId, String split, String modality) {}

  /**
   * Checks the source and starts the import.
   *
   * @throws InvalidRequestException when the source is outside the import roots or malformed
   */
  public DatasetImport start(ImportCommand command) {
    if (command.source() == null || command.source().isBlank()) {
      throw new InvalidRequestException(
          "source is required: a server folder or s3://bucket/prefix");
    }
    if (command.split() != null
        && !List.of("train", "val", "test", "unlabelled").contains(command.split())) {
      throw new InvalidRequestException(
          "split must be train, val, test or unlabelled, was '" + command.split() + "'");
    }
    Optional<Path> folder =
        command.source().startsWith("s3://")
            ? Optional.empty()
            : Optional.of(allowedFolder(command.source()));
    Progress progress = new Progress(UUID.randomUUID().toString(), command);
    imports.put(progress.importId, progress);
    executor.submit(() -> run(progress, folder));
    return progress.snapshot();
  }

  public Optional<DatasetImport> find(String importId) {
    return Optional.ofNullable(imports.get(importId)).map(Progress::snapshot);
  }

  public List<DatasetImport> all() {
    return imports.values().stream().map(Progress::snapshot).toList();
  }

  @PreDestroy
  void stop() {
    executor.shutdownNow();
  }

  private void run(Progress progress, Optional<Path> folder) {
    Path staging = null;
    try {
      Path root;
      if (folder.isPresent()) {
        root = folder.get();
      } else {
        staging = Files.createTempDirectory("import-");
        root = downloadPrefix(progress.command.source(), staging);
      }
      DatasetFolder dataset = DatasetFolder.open(root);
      String datasetId =
          progress.command.datasetId() != null ? progress.command.datasetId() : dataset.name();
      progress.begin(datasetId, dataset.cases().size());
      for (DatasetCase c : dataset.cases()) {
        try {
          String modality =
              progress.command.modality() != null
                  ? progress.command.modality()
                  : c.modalities().get(0) == Modality.MR ? "MR" : "CT";
          String split =
              progress.command.split() != null
                  ? progress.command.split()
                  : c.label().isPresent() ? "train" : "unlabelled";
          var outcome =
              ingest.ingest(
                  new IngestRequest(
                      datasetId,
                      c.id(),
                      modality,
                      split,
                      c.label().isPresent() ? c.labelNames() : Map.of(),
                      c.images().get(0),
                      c.label().orElse(null),
                      null));
          progress.ok(outcome.volume().volumeId());
        } catch (IOException | VolumeException | InvalidRequestException e) {
          progress.fail(c.id() + ": " + e.getMessage());
        }
      }
    } catch (IOException | RuntimeException e) {
      LOG.warnf("import %s failed: %s", progress.importId, e.getMessage());
      progress.fail("source " + progress.command.source() + ": " + e.getMessage());
    } finally {
      progress.finish();
      if (staging != null) {
        deleteRecursively(staging);
      }
    }
  }

  /** The canonical folder, which must lie under one of the configured import roots. */
  private Path allowedFolder(String source) {
    List<String> roots = config.ingest().importRoots().orElse(List.of());
    if (roots.isEmpty()) {
      throw new InvalidRequestException(
          "server-side imports are disabled: set distillery.ingest.import-roots");
    }
    Path real;
    try {
      real = Path.of(source).toRealPath();
    } catch (IOException | RuntimeException e) {
      throw new InvalidRequestException("no such folder: " + source);
    }
    for (String r : roots) {
      try {
        if (real.startsWith(Path.of(r).toRealPath())) {
          return real;
        }
      } catch (IOException e) {
        LOG.warnf("import root %s does not exist", r);
      }
    }
    throw new InvalidRequestException(source + " is not under an import root " + roots);
  }

  /** Copies every object under {@code s3://bucket/prefix} into {@code target}, keeping paths. */
  private Path downloadPrefix(String source, Path target) throws IOException {
    String rest = source.substring("s3://".length());
    int slash = rest.indexOf('/');
    if (slash <= 0) {
      throw new InvalidRequestException("an S3 source must look like s3://bucket/prefix");
    }
    String bucket = rest.substring(0, slash);
    String prefix = rest.substring(slash + 1);
    if (!prefix.isEmpty() && !prefix.endsWith("/")) {
      prefix = prefix + "/";
    }
    List<ObjectSummary> objects = store.list(bucket, prefix);
    if (objects.isEmpty()) {
      throw new InvalidRequestException("no objects under " + source);
    }
    long max = config.ingest().maxUploadBytes();
    for (ObjectSummary o : objects) {
      String relative = o.key().substring(prefix.length());
      Path file = target.resolve(relative).normalize();
      if (!file.startsWith(target) || relative.isEmpty()) {
        throw new InvalidRequestException("refusing object key " + o.key());
      }
      if (o.size() > max) {
        throw new InvalidRequestException(o.key() + " exceeds the size limit of " + max + " bytes");
      }
      Files.createDirectories(file.getParent());
      try (InputStream in = store.get(bucket, o.key(), true)) {
        Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
      }
    }
    return target;
  }

  private static void deleteRecursively(Path dir) {
    try (var paths = Files.walk(dir)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      LOG.warnf("could not delete %s: %s", dir, e.getMessage());
    }
  }

  /** Mutable progress of one import; snapshots are immutable records. */
  private static final class Progress {
    final String importId;
    final ImportCommand command;
    final Instant startedAt = Instant.now();
    final List<String> volumeIds = Collections.synchronizedList(new ArrayList<>());
    final List<String> errors = Collections.synchronizedList(new ArrayList<>());
    volatile String datasetId;
    volatile int total;
    volatile Instant finishedAt;

    Progress(String importId, ImportCommand command) {
      this.importId = importId;
      this.command = command;
      this.datasetId = command.datasetId();
    }

    void begin(String datasetId, int total) {
      this.datasetId = datasetId;
      this.total = total;
    }

    void ok(String volumeId) {
      volumeIds.add(volumeId);
    }

    void fail(String error) {
      errors.add(error);
    }

    void finish() {
      finishedAt = Instant.now();
    }

    DatasetImport snapshot() {
      String state = finishedAt == null ? "RUNNING" : errors.isEmpty() ? "SUCCEEDED" : "FAILED";
      return new DatasetImport(
          importId,
          command.source(),
          datasetId,
          state,
          total,
          volumeIds.size(),
          errors.size(),
          List.copyOf(volumeIds),
          List.copyOf(errors),
          startedAt,
          finishedAt);
    }
  }
}
