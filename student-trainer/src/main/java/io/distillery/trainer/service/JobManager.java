package io.distillery.trainer.service;

import io.distillery.contracts.events.TrainingProgressed;
import io.distillery.servicekit.EventPublisher;
import io.distillery.trainer.InvalidJobSpecException;
import io.distillery.trainer.JobQueueFullException;
import io.distillery.trainer.JobSpec;
import io.distillery.trainer.JobState;
import io.distillery.trainer.JobStatus;
import io.distillery.trainer.config.TrainerConfig;
import io.distillery.trainer.training.TrainingCancelledException;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.UnaryOperator;
import org.jboss.logging.Logger;

/**
 * Accepts jobs (REST or Kafka), queues them on a fixed pool of {@code
 * distillery.trainer.max-concurrent-jobs} workers (default 1), tracks their status, persists it in
 * the object store and publishes {@code TrainingProgressed} on state changes and progress. At start
 * it lists the stored jobs and re-queues unfinished ones, which resume from their last checkpoint.
 * A job id is run once: submitting a known id returns the existing job. A new job is refused when
 * its training step is estimated not to fit ({@link StepMemoryCheck}) or when {@code
 * distillery.trainer.max-queued-jobs} jobs already wait ({@link JobQueueFullException}).
 */
@ApplicationScoped
public class JobManager {
  private static final Logger LOG = Logger.getLogger(JobManager.class);

  @Inject TrainerConfig config;
  @Inject JobStore store;
  @Inject JobRunner runner;
  @Inject EventPublisher publisher;
  @Inject TrainingMetrics metrics;
  @Inject StepMemoryCheck stepMemory;

  private final Map<String, JobStatus> statuses = new ConcurrentHashMap<>();
  private final Map<String, Boolean> cancelRequests = new ConcurrentHashMap<>();
  private ExecutorService workers;

  void onStart(@Observes StartupEvent event) {
    workers =
        Executors.newFixedThreadPool(
            config.trainer().maxConcurrentJobs(),
            r -> {
              Thread t = new Thread(r, "training-job");
              t.setDaemon(true);
              return t;
            });
    if (!config.trainer().resumeOnStart()) {
      return;
    }
    try {
      store.ensureBucket();
      for (String id : store.jobIds()) {
        Optional<JobStatus> status = store.readStatus(id);
        if (status.isPresent() && !status.get().state().isFinal()) {
          JobSpec spec = store.readSpec(id);
          statuses.put(id, status.get());
          LOG.infof(
              "re-queueing unfinished job %s (checkpoint step %d)",
              id, status.get().lastCheckpointStep());
          schedule(spec);
        } else {
          status.ifPresent(s -> statuses.put(id, s));
        }
      }
    } catch (RuntimeException e) {
      LOG.error("could not recover stored jobs", e);
    }
  }

  void onStop(@Observes ShutdownEvent event) {
    if (workers != null) {
      workers.shutdownNow();
    }
  }

  /**
   * Queues {@code spec}; a known job id returns the existing status unchanged.
   *
   * @throws InvalidJobSpecException when the training step is estimated not to fit
   * @throws JobQueueFullException when {@code max-queued-jobs} jobs already wait
   */
  public synchronized JobStatus submit(JobSpec spec) {
    JobStatus existing = statuses.get(spec.jobId());
    if (existing == null) {
      existing = store.readStatus(spec.jobId()).orElse(null);
    }
    if (existing != null) {
      statuses.putIfAbsent(spec.jobId(), existing);
      return existing;
    }
    stepMemory.check(spec);
    int maxQueued = config.trainer().maxQueuedJobs();
    long queuedJobs = statuses.values().stream().filter(s -> s.state() == JobState.QUEUED).count();
    if (queuedJobs >= maxQueued) {
      int retryAfter = config.trainer().retryAfterSeconds();
      throw new JobQueueFullException(
          String.format(
              Locale.ROOT,
              "the job queue is full: %d jobs wait (distillery.trainer.max-queued-jobs=%d);"
                  + " retry after %d s",
              queuedJobs,
              maxQueued,
              retryAfter),
          retryAfter);
    }
    store.saveSpec(spec);
    JobStatus queued = JobStatus.queued(spec, Instant.now());
    store.saveStatus(queued);
    statuses.put(spec.jobId(), queued);
    publish(queued);
    schedule(spec);
    return queued;
  }

  /** All known jobs, newest first. */
  public List<JobStatus> list() {
    List<JobStatus> all = new ArrayList<>(statuses.values());
    all.sort(Comparator.comparing(JobStatus::submittedAt).reversed());
    return all;
  }

  public Optional<JobStatus> get(String jobId) {
    return Optional.ofNullable(statuses.get(jobId));
  }

  /**
   * Cancels a queued or running job (a running one stops before its next step); returns the status
   * or empty when unknown.
   */
  public Optional<JobStatus> cancel(String jobId) {
    JobStatus status = statuses.get(jobId);
    if (status == null) {
      return Optional.empty();
    }
    if (status.state().isFinal()) {
      return Optional.of(status);
    }
    cancelRequests.put(jobId, true);
    if (status.state() == JobState.QUEUED) {
      return Optional.of(
          update(jobId, s -> s.withState(JobState.CANCELLED, "cancelled while queued"), true));
    }
    return Optional.of(status);
  }

  private void schedule(JobSpec spec) {
    workers.submit(() -> execute(spec));
  }

  private void execute(JobSpec spec) {
    String id = spec.jobId();
    if (statuses.get(id).state().isFinal()) {
      return;
    }
    JobContext context =
        new JobContext() {
          @Override
          public JobStatus update(UnaryOperator<JobStatus> change, boolean publishProgress) {
            return JobManager.this.update(id, change, publishProgress);
          }

          @Override
          public boolean cancelled() {
            return cancelRequests.containsKey(id);
          }
        };
    try {
      LOG.infof("job %s (%s %s) starts", id, spec.method().kind(), spec.method().methodName());
      runner.run(spec, context);
      update(id, s -> s.withState(JobState.SUCCEEDED, null), true);
      LOG.infof("job %s succeeded", id);
    } catch (TrainingCancelledException e) {
      update(id, s -> s.withState(JobState.CANCELLED, e.getMessage()), true);
    } catch (RuntimeException | Error e) {
      LOG.errorf(e, "job %s failed", id);
      String reason = e.getClass().getSimpleName() + ": " + e.getMessage();
      update(id, s -> s.withState(JobState.FAILED, reason), true);
    }
  }

  /**
   * Applies {@code change} to a job's status and stores it before the API can show it: whatever a
   * client has read (a checkpoint step, SUCCEEDED) is then in the object store, and survives a
   * {@code kill -9} the moment after. Should the store fail, the status is still kept in memory
   * (the job is then failing) and the storage error propagates.
   */
  private synchronized JobStatus update(
      String id, UnaryOperator<JobStatus> change, boolean publish) {
    JobStatus next = change.apply(statuses.get(id));
    try {
      store.saveStatus(next);
    } finally {
      statuses.put(id, next);
    }
    metrics.record(next);
    if (publish) {
      publish(next);
    }
    return next;
  }

  private void publish(JobStatus s) {
    Map<String, Double> dice = new java.util.LinkedHashMap<>();
    s.validation()
        .forEach(
            (k, v) -> {
              if (k.contains("dice/")) {
                dice.put(k.replace("dice/", ""), v);
              }
            });
    try {
      publisher.publish(
          new TrainingProgressed(
              s.jobId(),
              s.state().name(),
              s.epoch(),
              s.step(),
              s.totalSteps(),
              s.losses(),
              dice,
              s.dataWaitFraction(),
              s.etaSeconds(),
              s.message(),
              Instant.now()),
          null);
    } catch (RuntimeException e) {
      LOG.warnf("could not publish progress of %s: %s", s.jobId(), e.getMessage());
    }
  }
}
