package io.distillery.inference.service;

import io.distillery.inference.ModelLease;
import io.distillery.inference.QueueFullException;
import io.distillery.inference.config.InferenceConfig;
import io.distillery.segpipeline.PostprocessMode;
import io.distillery.segpipeline.SegmentationFailedException;
import io.distillery.segpipeline.SegmentationPipeline;
import io.distillery.segpipeline.SegmentationResult;
import io.distillery.volumeio.Volume;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.logging.Logger;

/**
 * Runs segmentations on a fixed pool of {@code workers} threads behind a bounded queue of {@code
 * queueSize}; a request that finds both full is refused at once ({@link QueueFullException}, HTTP
 * 503 with {@code Retry-After}) instead of piling up. Records per model:
 *
 * <ul>
 *   <li>{@code distillery_inference_latency_seconds{model,engine}} — timer with p50/p95/p99 and a
 *       histogram, from acceptance to result (queueing included);
 *   <li>{@code distillery_inference_requests_total{model,outcome}} — outcome {@code success},
 *       {@code failed}, {@code rejected}, {@code not_found}.
 * </ul>
 */
@ApplicationScoped
public class SegmentationService {

  private static final Logger LOG = Logger.getLogger(SegmentationService.class);

  @Inject InferenceConfig config;
  @Inject ModelRegistry registry;
  @Inject MeterRegistry meters;

  private ThreadPoolExecutor executor;
  private SegmentationPipeline pipeline;

  @PostConstruct
  void init() {
    InferenceConfig.Inference c = config.inference();
    AtomicInteger ids = new AtomicInteger();
    executor =
        new ThreadPoolExecutor(
            c.workers(),
            c.workers(),
            0,
            TimeUnit.MILLISECONDS,
            new ArrayBlockingQueue<>(c.queueSize()),
            r -> {
              Thread t = new Thread(r, "segmentation-worker-" + ids.incrementAndGet());
              t.setDaemon(true);
              return t;
            },
            new ThreadPoolExecutor.AbortPolicy());
    pipeline = new SegmentationPipeline(c.windowsPerBatch());
  }

  @PreDestroy
  void shutdown() {
    executor.shutdownNow();
  }

  /** Requests waiting for a worker. */
  public int queued() {
    return executor.getQueue().size();
  }

  /**
   * Segments {@code image} with {@code model@version} (null: latest; null model: the only one
   * loaded) and post-processing {@code mode}, waiting for the result.
   *
   * @throws QueueFullException when no worker and no queue slot is free
   * @throws io.distillery.inference.ModelNotFoundException when the model/version is not loaded
   */
  public SegmentationResult segment(
      Volume image,
      String model,
      String version,
      String modality,
      boolean probabilities,
      PostprocessMode mode) {
    Future<SegmentationResult> future =
        submit(image, model, version, modality, probabilities, mode);
    try {
      return future.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      future.cancel(true);
      throw new SegmentationFailedException("interrupted while waiting for the segmentation", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw new SegmentationFailedException("segmentation failed: " + e.getCause(), e.getCause());
    }
  }

  /**
   * Whether every worker is busy and every queue slot taken, so that a new request would be refused
   * now. A hint for refusing early (before a request body is read); {@link #submit} still decides.
   */
  public boolean saturated() {
    return executor.getActiveCount() >= executor.getMaximumPoolSize()
        && executor.getQueue().remainingCapacity() == 0;
  }

  /**
   * Counts a request refused before it was read (see {@link #saturated()}) under the model it named
   * and returns its refusal; a request that names no model is counted under the only loaded one, or
   * not counted when that is ambiguous.
   */
  public QueueFullException rejectEarly(String model) {
    String name = model;
    if (name == null || name.isBlank()) {
      List<String> names = registry.names();
      name = names.size() == 1 ? names.get(0) : null;
    }
    if (name != null) {
      requests(name, "rejected").increment();
    }
    return queueFull();
  }

  /** The refusal of a request that finds no worker and no queue slot free. */
  private QueueFullException queueFull() {
    return new QueueFullException(
        "all "
            + config.inference().workers()
            + " workers are busy and "
            + config.inference().queueSize()
            + " requests are waiting");
  }

  /**
   * Queues a segmentation; the model lease is taken when the model is named, released at the end.
   */
  public Future<SegmentationResult> submit(
      Volume image,
      String model,
      String version,
      String modality,
      boolean probabilities,
      PostprocessMode mode) {
    String name = model == null || model.isBlank() ? registry.defaultName() : model;
    ModelLease lease;
    try {
      // Leased now: a pinned version cannot be retired while the request waits in the queue.
      lease = registry.acquire(name, version);
    } catch (RuntimeException e) {
      requests(name, "not_found").increment();
      throw e;
    }
    long accepted = System.nanoTime();
    try {
      return executor.submit(
          () -> {
            try (lease) {
              SegmentationResult result =
                  pipeline.run(image, lease.model().model(), modality, probabilities, mode);
              latency(name, result.engine()).record(Duration.ofNanos(System.nanoTime() - accepted));
              requests(name, "success").increment();
              LOG.infof(
                  "segmented with %s@%s on %s: %s ms, volumes %s",
                  name,
                  result.modelVersion(),
                  result.engine(),
                  result.timingsMs(),
                  result.volumesMl());
              return result;
            } catch (RuntimeException e) {
              requests(name, "failed").increment();
              throw e;
            }
          });
    } catch (RejectedExecutionException e) {
      lease.close();
      requests(name, "rejected").increment();
      throw queueFull();
    }
  }

  private Timer latency(String model, String engine) {
    return Timer.builder("distillery.inference.latency")
        .description("Time from accepting a segmentation to its result, queueing included")
        .tags("model", model, "engine", engine)
        .publishPercentiles(0.5, 0.95, 0.99)
        .publishPercentileHistogram()
        .register(meters);
  }

  private Counter requests(String model, String outcome) {
    return Counter.builder("distillery.inference.requests")
        .description("Segmentation requests by outcome")
        .tags("model", model, "outcome", outcome)
        .register(meters);
  }
}
