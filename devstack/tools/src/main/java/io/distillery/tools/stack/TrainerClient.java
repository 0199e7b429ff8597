package io.distillery.tools.stack;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;

/** The student-trainer's REST API ({@code /api/v1/jobs}); see student-trainer/README.md. */
public final class TrainerClient {

  private final RestClient rest;

  TrainerClient(RestClient rest) {
    this.rest = rest;
  }

  /** Wait between submissions while the trainer's job queue is full (429). */
  static final Duration QUEUE_FULL_WAIT = Duration.ofSeconds(30);

  /**
   * Submits a job spec (the JSON form of student-trainer/README.md's "Job spec"); while the
   * trainer's job queue is full (429) it submits again every {@link #QUEUE_FULL_WAIT}.
   *
   * @return the job's status as the trainer answered (202)
   * @throws ServiceCallException with every reason when the spec is refused (400)
   */
  public JsonNode submit(JsonNode spec) {
    while (true) {
      try {
        return rest.postJson("/api/v1/jobs", spec, Duration.ofSeconds(60));
      } catch (ServiceCallException e) {
        if (e.status() != 429) {
          throw e;
        }
        try {
          Thread.sleep(QUEUE_FULL_WAIT.toMillis());
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          throw e;
        }
      }
    }
  }

  /**
   * The spec as the trainer would run it, with its defaults filled in, without submitting it
   * ({@code POST /api/v1/jobs/resolve}).
   *
   * @throws ServiceCallException with every reason when the spec is refused (400)
   */
  public JsonNode resolve(JsonNode spec) {
    return rest.postJson("/api/v1/jobs/resolve", spec, Duration.ofSeconds(60));
  }

  /** The status of one job: state, step, losses, result files. */
  public JsonNode job(String jobId) {
    return rest.getJson("/api/v1/jobs/" + jobId, Duration.ofSeconds(30));
  }
}
