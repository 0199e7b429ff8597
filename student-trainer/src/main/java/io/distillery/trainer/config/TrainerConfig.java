package io.distillery.trainer.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.Optional;

/**
 * Configuration of the student-trainer, under the {@code distillery} prefix. Every property can be
 * overridden by environment, e.g. {@code DISTILLERY_S3_ENDPOINT}.
 */
@ConfigMapping(prefix = "distillery")
public interface TrainerConfig {

  /** Job execution. */
  Trainer trainer();

  /** How jobs run. */
  interface Trainer {
    /** Jobs that train at the same time on this instance; further jobs wait in the queue. */
    @WithDefault("1")
    int maxConcurrentJobs();

    /** Threads that read and preprocess volumes from the object store while a job starts. */
    @WithDefault("2")
    int loaderThreads();

    /** Resume unfinished jobs found in the object store when the service starts. */
    @WithDefault("true")
    boolean resumeOnStart();

    /**
     * Jobs that may wait in the queue (state {@code QUEUED}) behind the running ones; one more gets
     * 429 problem+json with {@code Retry-After} over REST, and waits on its topic over Kafka. Jobs
     * resumed at start are not refused.
     */
    @WithDefault("16")
    int maxQueuedJobs();

    /** Seconds sent in {@code Retry-After} when the job queue is full. */
    @WithDefault("60")
    int retryAfterSeconds();

    /**
     * Largest native memory one training step may be estimated to need (network, patch and batch;
     * see {@code TrainingStepMemory}); a job spec above it is refused with 400 problem+json (a dead
     * letter over Kafka) giving the estimate and the limit. Absent: the machine's physical memory
     * less the maximum heap and 1 GiB for libtorch and the JVM, divided by {@link
     * #maxConcurrentJobs()}.
     */
    Optional<Long> maxStepMemoryBytes();
  }
}
