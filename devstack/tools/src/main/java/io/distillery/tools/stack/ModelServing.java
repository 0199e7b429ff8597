package io.distillery.tools.stack;

import com.fasterxml.jackson.databind.JsonNode;
import io.distillery.contracts.ObjectRef;
import io.distillery.contracts.Topics;
import io.distillery.contracts.events.StudentModelPublished;
import io.distillery.contracts.events.TeacherModelPublished;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * Getting models served by the stack's inference-service, shared by the demo and the evaluation
 * protocols: teacher-kind models are announced with the same {@code StudentModelPublished} event a
 * student's job publishes, so that every model is segmented through one REST path, and a caller
 * waits until {@code GET /api/v1/models} lists the version.
 */
public final class ModelServing {

  private final Stack stack;
  private final String source;

  /**
   * @param stack the running stack
   * @param source CloudEvents source of the events this caller publishes
   */
  public ModelServing(Stack stack, String source) {
    this.stack = stack;
    this.source = source;
  }

  /** Announces a published teacher to the inference-service (model kind {@code teacher}). */
  public void announceTeacher(TeacherModelPublished t) {
    announceTeacher(t.teacherId(), t.version(), t.jobId(), t.files(), t.outputClasses());
  }

  /**
   * Announces a teacher-kind model from its parts (name, version, the job that trained it, its
   * stored files and output classes as in {@code TeacherModelPublished}).
   */
  public void announceTeacher(
      String name,
      String version,
      String jobId,
      Map<String, ObjectRef> files,
      Map<String, String> outputClasses) {
    stack
        .sender(source)
        .send(
            new StudentModelPublished(
                name, version, jobId, "teacher", files, outputClasses, Map.of(), Instant.now()));
  }

  /**
   * Waits until the inference-service serves {@code name@version} and returns its entry of {@code
   * GET /api/v1/models} (engine, classes, ...).
   *
   * @throws StackException when the inference-service dead-lettered the model's event
   * @throws EventTimeoutException when it does not serve it within {@code timeout}
   */
  public JsonNode awaitServed(String name, String version, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      Optional<JsonNode> served = stack.inference().servedVersion(name, version);
      if (served.isPresent()) {
        return served.get();
      }
      for (EventStream.DeadLetter d : stack.events().deadLetters()) {
        if (d.sourceTopic().equals(Topics.STUDENT_MODEL_PUBLISHED) && name.equals(d.key())) {
          throw new StackException(
              "the inference-service dead-lettered " + name + "@" + version + ": " + d.reason());
        }
      }
      if (System.nanoTime() > deadline) {
        throw new EventTimeoutException(
            "the inference-service did not load "
                + name
                + "@"
                + version
                + " within "
                + timeout.toSeconds()
                + " s; it serves "
                + stack.inference().models());
      }
      try {
        Thread.sleep(500);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new StackException("interrupted while waiting for " + name + "@" + version);
      }
    }
  }
}
