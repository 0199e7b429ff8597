package io.distillery.trainer.service;

import io.distillery.trainer.JobStatus;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Prometheus view of running jobs: {@code distillery_training_loss{job,component}}, {@code
 * distillery_training_validation_dice{job,modality,class}}, {@code
 * distillery_training_data_wait_ratio{job}} gauges and the {@code distillery_training_step_seconds}
 * timer. {@code modality} is {@code CT} or {@code MR} for the per-modality validation of an
 * unpaired-ct-mr job (metrics named {@code CT/dice/<class>}, {@code MR/dice/<class>}) and {@code
 * all} for every other job, so that one modality's Dice never overwrites the other's.
 */
@ApplicationScoped
public class TrainingMetrics {

  @Inject MeterRegistry registry;

  private final Map<String, AtomicReference<Double>> values = new ConcurrentHashMap<>();

  /** Records a status update. */
  public void record(JobStatus status) {
    String job = status.jobId();
    status
        .losses()
        .forEach(
            (component, v) ->
                gauge(
                    "distillery_training_loss", Tags.of("job_id", job, "component", component), v));
    status
        .validation()
        .forEach(
            (name, v) -> {
              int at = name.indexOf("dice/");
              if (at >= 0) {
                String modality = at == 0 ? "all" : name.substring(0, at).replace("/", "");
                gauge(
                    "distillery_training_validation_dice",
                    Tags.of("job_id", job, "modality", modality, "class", name.substring(at + 5)),
                    v);
              }
            });
    if (status.dataWaitFraction() != null) {
      gauge(
          "distillery_training_data_wait_ratio", Tags.of("job_id", job), status.dataWaitFraction());
    }
    if (status.stepSeconds() != null) {
      Timer.builder("distillery_training_step_seconds")
          .tag("job_id", job)
          .register(registry)
          .record(Duration.ofNanos((long) (status.stepSeconds() * 1e9)));
    }
  }

  private void gauge(String name, Tags tags, double value) {
    String id = name + tags;
    AtomicReference<Double> holder =
        values.computeIfAbsent(
            id,
            k -> {
              AtomicReference<Double> ref = new AtomicReference<>(value);
              Gauge.builder(name, ref, r -> r.get()).tags(tags).register(registry);
              return ref;
            });
    holder.set(value);
  }
}
