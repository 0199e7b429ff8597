package io.distillery.teacher.service;

import io.distillery.contracts.EventCodec;
import io.distillery.contracts.ObjectKeys;
import io.distillery.contracts.events.VolumeIngested;
import io.distillery.objectstore.ObjectStore;
import io.distillery.objectstore.ObjectSummary;
import io.distillery.objectstore.OutageRetry;
import io.distillery.teacher.BackfillStatus;
import io.distillery.teacher.RegisteredTeacher;
import java.io.InputStream;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a teacher version over every ingested volume lacking its outputs, asynchronously on one
 * worker thread (inference already uses the cores). Volumes are enumerated from the ingest records
 * {@code volumes/{id}/volume.json}, which the ingest-service writes last.
 */
public final class BackfillService implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(BackfillService.class);
  private static final String RECORD_SUFFIX = "/volume.json";

  private final ObjectStore store;
  private final String bucket;
  private final EventCodec codec;
  private final TeacherOutputService outputs;
  private final OutageRetry retry;
  private final ExecutorService executor;
  private final Map<String, BackfillStatus> jobs = new ConcurrentHashMap<>();

  public BackfillService(
      ObjectStore store,
      String bucket,
      EventCodec codec,
      TeacherOutputService outputs,
      OutageRetry retry) {
    this.store = store;
    this.bucket = bucket;
    this.codec = codec;
    this.outputs = outputs;
    this.retry = retry;
    this.executor =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "teacher-backfill");
              t.setDaemon(true);
              return t;
            });
  }

  /** Starts back-filling {@code teacher}; returns its initial status. */
  public BackfillStatus start(RegisteredTeacher teacher) {
    String id = UUID.randomUUID().toString();
    BackfillStatus status =
        new BackfillStatus(
            id,
            teacher.id(),
            teacher.version(),
            "RUNNING",
            0,
            0,
            0,
            0,
            0,
            null,
            Instant.now(),
            null);
    jobs.put(id, status);
    executor.submit(() -> run(id, teacher));
    return status;
  }

  /** The status of a back-fill. */
  public Optional<BackfillStatus> find(String backfillId) {
    return Optional.ofNullable(jobs.get(backfillId));
  }

  private void run(String id, RegisteredTeacher teacher) {
    BackfillStatus s = jobs.get(id);
    int volumes = 0;
    int produced = 0;
    int done = 0;
    int skipped = 0;
    int failed = 0;
    try {
      for (ObjectSummary summary :
          retry.call("list volumes", () -> store.list(bucket, ObjectKeys.volumesPrefix()))) {
        if (!summary.key().endsWith(RECORD_SUFFIX)) {
          continue;
        }
        volumes++;
        try {
          VolumeIngested volume =
              retry.call(
                  "read " + summary.key(),
                  () -> {
                    try (InputStream in = store.get(bucket, summary.key())) {
                      return codec.fromJson(in.readAllBytes(), VolumeIngested.class);
                    }
                  });
          if (!teacher.manifest().appliesTo(volume.modality(), volume.datasetId())) {
            skipped++;
          } else {
            TeacherOutputService.Outcome outcome =
                retry.call(
                    "backfill " + volume.volumeId(), () -> outputs.produce(teacher, volume, null));
            if (outcome == TeacherOutputService.Outcome.PRODUCED) {
              produced++;
            } else {
              done++;
            }
          }
        } catch (InterruptedException e) {
          throw e;
        } catch (Exception e) {
          failed++;
          LOG.warn(
              "backfill {} of {}: {} failed: {}", id, teacher.id(), summary.key(), e.toString());
        }
        jobs.put(id, update(s, "RUNNING", volumes, produced, done, skipped, failed, null, null));
      }
      jobs.put(
          id,
          update(s, "COMPLETED", volumes, produced, done, skipped, failed, null, Instant.now()));
      LOG.info(
          "backfill {} of {}/{} completed: {}", id, teacher.id(), teacher.version(), jobs.get(id));
    } catch (Exception e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      jobs.put(
          id,
          update(
              s, "FAILED", volumes, produced, done, skipped, failed, e.toString(), Instant.now()));
      LOG.error("backfill {} of {} failed", id, teacher.id(), e);
    }
  }

  private static BackfillStatus update(
      BackfillStatus s,
      String state,
      int volumes,
      int produced,
      int done,
      int skipped,
      int failed,
      String error,
      Instant finishedAt) {
    return new BackfillStatus(
        s.backfillId(),
        s.teacherId(),
        s.version(),
        state,
        volumes,
        produced,
        done,
        skipped,
        failed,
        error,
        s.startedAt(),
        finishedAt);
  }

  @Override
  public void close() {
    executor.shutdownNow();
    try {
      executor.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
