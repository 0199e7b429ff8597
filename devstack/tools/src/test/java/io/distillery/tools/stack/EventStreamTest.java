package io.distillery.tools.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.distillery.contracts.EventCodec;
import io.distillery.contracts.Topics;
import io.distillery.contracts.events.TrainingProgressed;
import io.distillery.devstack.DevStack;
import io.distillery.devstack.DevStackExtension;
import io.distillery.devstack.TopicProbe;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The event stream on a real broker: waits, duplicates, failures, dead letters, timeouts. */
@ExtendWith(DevStackExtension.class)
class EventStreamTest {

  private final EventCodec codec = new EventCodec();

  private static TrainingProgressed progress(String jobId, String state, long step, String msg) {
    return new TrainingProgressed(
        jobId, state, 0, step, 10, Map.of("total", 0.5), null, null, null, msg, Instant.now());
  }

  @Test
  void awaitsEventsPublishedBeforeAndAfterItOpenedAndCountsDuplicatesOnce(DevStack devstack) {
    String job = "job-" + UUID.randomUUID();
    try (EventSender sender = new EventSender(devstack.bootstrapServers(), codec, "/test")) {
      sender.send(progress(job, "RUNNING", 1, null));
      try (EventStream stream = EventStream.open(devstack.bootstrapServers())) {
        sender.send(progress(job, "RUNNING", 1, null));
        sender.send(progress(job, "SUCCEEDED", 10, null));
        TrainingProgressed done =
            stream.await(
                TrainingProgressed.class,
                p -> job.equals(p.jobId()) && "SUCCEEDED".equals(p.state()),
                Duration.ofSeconds(30),
                "SUCCEEDED of " + job,
                FailureWatch.jobFailed(job));
        assertThat(done.step()).isEqualTo(10);
        List<TrainingProgressed> steps =
            stream.awaitAll(
                TrainingProgressed.class,
                p -> job.equals(p.jobId()),
                TrainingProgressed::step,
                2,
                Duration.ofSeconds(30),
                "two distinct steps",
                FailureWatch.none());
        assertThat(steps).extracting(TrainingProgressed::step).containsExactly(1L, 10L);
      }
    }
  }

  @Test
  void aFailedJobEndsTheWaitWithItsMessage(DevStack devstack) {
    String job = "job-" + UUID.randomUUID();
    try (EventSender sender = new EventSender(devstack.bootstrapServers(), codec, "/test");
        EventStream stream = EventStream.open(devstack.bootstrapServers())) {
      sender.send(progress(job, "FAILED", 3, "loss is not finite"));
      assertThatThrownBy(
              () ->
                  stream.await(
                      TrainingProgressed.class,
                      p -> job.equals(p.jobId()) && "SUCCEEDED".equals(p.state()),
                      Duration.ofMinutes(2),
                      "SUCCEEDED of " + job,
                      FailureWatch.jobFailed(job)))
          .isInstanceOf(EventTimeoutException.class)
          .hasMessageContaining("SUCCEEDED of " + job)
          .hasMessageContaining("FAILED at step 3: loss is not finite");
    }
  }

  @Test
  void aDeadLetterEndsTheWaitWithItsReasonAndATimeoutNamesWhatWasAwaited(DevStack devstack) {
    String key = "teacher-" + UUID.randomUUID();
    try (EventStream stream = EventStream.open(devstack.bootstrapServers())) {
      new TopicProbe(devstack.bootstrapServers())
          .send(
              Topics.deadLetter(Topics.TEACHER_MODEL_PUBLISHED),
              key,
              Map.of(
                  Topics.DEAD_LETTER_REASON_HEADER,
                  "manifest is invalid".getBytes(StandardCharsets.UTF_8)),
              "{}".getBytes(StandardCharsets.UTF_8));
      assertThatThrownBy(
              () ->
                  stream.await(
                      TrainingProgressed.class,
                      p -> false,
                      Duration.ofMinutes(2),
                      "outputs of " + key,
                      FailureWatch.deadLetterOn(Topics.TEACHER_MODEL_PUBLISHED, key::equals)))
          .isInstanceOf(EventTimeoutException.class)
          .hasMessageContaining("dead-lettered from " + Topics.TEACHER_MODEL_PUBLISHED)
          .hasMessageContaining("manifest is invalid");
      assertThatThrownBy(
              () ->
                  stream.await(
                      TrainingProgressed.class,
                      p -> false,
                      Duration.ofMillis(300),
                      "an event that never comes",
                      FailureWatch.none()))
          .isInstanceOf(EventTimeoutException.class)
          .hasMessageContaining("no an event that never comes within 0 s");
    }
  }
}
