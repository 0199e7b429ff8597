package io.distillery.ingest.service;

import io.distillery.ingest.DatasetImport;
import io.distillery.ingest.ImportQueueFullException;
import io.distillery.ingest.IngestRequest;
import io.distillery.ingest.InvalidRequestException;
import io.distillery.ingest.SourceNotAllowedException;
import io.distillery.ingest.config.IngestConfig;
import io.distillery.objectstore.ObjectStore;
import io.distillery.objectstore.ObjectSummary;
import io.distillery.volumeio.Modality;
import io.distillery.volumeio.VolumeException;
import io.distillery.volumeio.dataset.DatasetCase;
import io.distillery.volumeio.dataset.DatasetFolder;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Imports a dataset folder in the nnU-Net v2 / MSD layout, from the server's file system (only
 * under the configured import roots) or from an S3 prefix (only under the configured S3 import
 * sources, within an object-count and a total-size cap checked on the listing before the import is
 * accepted), case by case through the same path as an upload. Imports run one at a time in the
 * background, at most {@code distillery.ingest.max-queued-imports} waiting behind the running one;
 * their progress is kept in memory.
 */
@ApplicationScoped
public class DatasetImportService {

  private static final Logger LOG = Logger.getLogger(DatasetImportService.class);

  @Inject IngestService ingest;
  @Inject IngestConfig config;
  @Inject ObjectStore store;

  private ThreadPoolExecutor executor;
  private final Map<String, Progress> imports = new ConcurrentHashMap<>();

  /** What to import. */
  public record ImportCommand(String source, String datasetId, String split, String modality) {}

  /**
   * An S3 location: a bucket and a key prefix, empty (the whole bucket) or ending with {@code /}.
   */
  record S3Location(String bucket, String prefix) {

    /**
     * Parses {@code s3://bucket/prefix} (or, for configured sources, {@code bucket/prefix} without
     * the scheme); a prefix gets its trailing {@code /}.
     *
     * @throws InvalidRequestException when malformed or when a prefix segment is empty, {@code .}
     *     or {@code ..}
     */
    static S3Location parse(String location) {
      String rest = location.startsWith("s3://") ? location.substring("s3://".length()) : location;
      int slash = rest.indexOf('/');
      String bucket = slash < 0 ? rest : rest.substring(0, slash);
      String prefix = slash < 0 ? "" : rest.substring(slash + 1);
      if (bucket.isBlank()) {
        throw new InvalidRequestException("an S3 source must look like s3://bucket/prefix");
      }
      if (!prefix.isEmpty() && !prefix.endsWith("/")) {
        prefix = prefix + "/";
      }
      if (!prefix.isEmpty()) {
        for (String segment : prefix.substring(0, prefix.length() - 1).split("/", -1)) {
          if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
            throw new InvalidRequestException(
                "an S3 prefix may not contain empty, '.' or '..' segments: " + location);
          }
        }
      }
      return new S3Location(bucket, prefix);
    }

    /** Whether {@code other} lies inside this location. */
    boolean contains(S3Location other) {
      return bucket.equals(other.bucket) && other.prefix.startsWith(prefix);
    }

    @Override
    public String toString() {
      return "s3://" + bucket + "/" + prefix;
    }
  }

  /** The objects an accepted {@code s3://} import copies, as listed when it was accepted. */
  private record S3Listing(S3Location location, List<ObjectSummary> objects) {}

  @PostConstruct
  void init() {
    int waiting = config.ingest().maxQueuedImports();
    executor =
        new ThreadPoolExecutor(
            1,
            1,
            0,
            TimeUnit.MILLISECONDS,
            waiting > 0 ? new ArrayBlockingQueue<>(waiting) : new SynchronousQueue<>(),
            r -> {
              Thread t = new Thread(r, "dataset-import");
              t.setDaemon(true);
              return t;
            });
  }

  /**
   * Checks the source and queues the import.
   *
   * @throws InvalidRequestException when the source is malformed, a folder is outside the import
   *     roots, or an S3 prefix exceeds the object-count or size cap (the message names the key)
   * @throws SourceNotAllowedException when an S3 source is outside the configured S3 sources
   * @throws ImportQueueFullException when {@code max-queued-imports} imports already wait
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
    boolean s3 = command.source().startsWith("s3://");
    Optional<Path> folder = s3 ? Optional.empty() : Optional.of(allowedFolder(command.source()));
    Optional<S3Listing> listing =
        s3 ? Optional.of(allowedListing(command.source())) : Optional.empty();
    Progress progress = new Progress(UUID.randomUUID().toString(), command);
    imports.put(progress.importId, progress);
    try {
      executor.execute(() -> run(progress, folder, listing));
    } catch (RejectedExecutionException e) {
      imports.remove(progress.importId);
      int waiting = config.ingest().maxQueuedImports();
      int retryAfter = config.ingest().importRetryAfterSeconds();
      throw new ImportQueueFullException(
          String.format(
              Locale.ROOT,
              "the import queue is full: one import runs and %d wait"
                  + " (distillery.ingest.max-queued-imports=%d); retry after %d s",
              waiting,
              waiting,
              retryAfter),
          retryAfter);
    }
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

  private void run(Progress progress, Optional<Path> folder, Optional<S3Listing> listing) {
    Path staging = null;
    try {
      Path root;
      if (folder.isPresent()) {
        root = folder.get();
      } else {
        staging = Files.createTempDirectory("import-");
        root = download(listing.orElseThrow(), staging);
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

  /**
   * The objects under an {@code s3://} source, which must lie inside a configured S3 import source
   * and stay within the object-count, per-object and total-size caps.
   */
  private S3Listing allowedListing(String source) {
    S3Location location = S3Location.parse(source);
    List<String> allowed = config.ingest().s3ImportSources().orElse(List.of());
    if (allowed.isEmpty()) {
      throw new SourceNotAllowedException(
          "s3:// imports are disabled: set distillery.ingest.s3-import-sources");
    }
    if (allowed.stream().map(S3Location::parse).noneMatch(a -> a.contains(location))) {
      throw new SourceNotAllowedException(
          location
              + " is not under an allowed S3 import source (distillery.ingest.s3-import-sources="
              + String.join(",", allowed)
              + ")");
    }
    int maxObjects = config.ingest().s3ImportMaxObjects();
    List<ObjectSummary> objects = store.list(location.bucket(), location.prefix(), maxObjects + 1);
    if (objects.isEmpty()) {
      throw new InvalidRequestException("no objects under " + location);
    }
    if (objects.size() > maxObjects) {
      throw new InvalidRequestException(
          location
              + " holds more than "
              + maxObjects
              + " objects, the limit of one import (distillery.ingest.s3-import-max-objects)");
    }
    long maxObject = config.ingest().maxUploadBytes();
    long maxTotal = config.ingest().s3ImportMaxBytes();
    long total = 0;
    for (ObjectSummary o : objects) {
      String relative = o.key().substring(location.prefix().length());
      if (relative.isEmpty()
          || relative.startsWith("/")
          || List.of(relative.split("/")).contains("..")) {
        throw new InvalidRequestException("refusing object key " + o.key());
      }
      if (o.size() > maxObject) {
        throw new InvalidRequestException(
            o.key()
                + " has "
                + o.size()
                + " bytes, over the limit of "
                + maxObject
                + " bytes per object (distillery.ingest.max-upload-bytes)");
      }
      total += o.size();
    }
    if (total > maxTotal) {
      throw new InvalidRequestException(
          location
              + " holds "
              + total
              + " bytes in "
              + objects.size()
              + " objects, over the limit of "
              + maxTotal
              + " bytes for one import (distillery.ingest.s3-import-max-bytes)");
    }
    return new S3Listing(location, objects);
  }

  /**
   * Copies the listed objects into {@code target}, keeping their paths below the prefix; an object
   * that has grown since the listing fails the import rather than exceed the checked total.
   */
  private Path download(S3Listing listing, Path target) throws IOException {
    String bucket = listing.location().bucket();
    String prefix = listing.location().prefix();
    for (ObjectSummary o : listing.objects()) {
      Path file = target.resolve(o.key().substring(prefix.length())).normalize();
      if (!file.startsWith(target)) {
        throw new InvalidRequestException("refusing object key " + o.key());
      }
      Files.createDirectories(file.getParent());
      try (InputStream in = store.get(bucket, o.key(), true);
          OutputStream out = Files.newOutputStream(file)) {
        byte[] buffer = new byte[64 * 1024];
        long copied = 0;
        for (int n; (n = in.read(buffer)) > 0; ) {
          copied += n;
          if (copied > o.size()) {
            throw new IOException(
                o.key() + " grew past the " + o.size() + " bytes listed when the import started");
          }
          out.write(buffer, 0, n);
        }
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
