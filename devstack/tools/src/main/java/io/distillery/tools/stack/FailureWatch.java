package io.distillery.tools.stack;

import io.distillery.contracts.events.TrainingProgressed;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * What ends a wait early: an event or a dead letter saying that the awaited work failed. Each check
 * returns the reason, which becomes the {@link EventTimeoutException}'s message.
 */
public interface FailureWatch {

  /** The reason {@code event} means failure, or empty. */
  default Optional<String> onEvent(EventStream.Observed event) {
    return Optional.empty();
  }

  /** The reason {@code deadLetter} means failure, or empty. */
  default Optional<String> onDeadLetter(EventStream.DeadLetter deadLetter) {
    return Optional.empty();
  }

  /** Nothing ends the wait early. */
  static FailureWatch none() {
    return new FailureWatch() {};
  }

  /** A {@code TrainingProgressed} of {@code jobId} in state FAILED or CANCELLED. */
  static FailureWatch jobFailed(String jobId) {
    return new FailureWatch() {
      @Override
      public Optional<String> onEvent(EventStream.Observed event) {
        if (event.event() instanceof TrainingProgressed p
            && jobId.equals(p.jobId())
            && ("FAILED".equals(p.state()) || "CANCELLED".equals(p.state()))) {
          return Optional.of(
              "job " + jobId + " " + p.state() + " at step " + p.step() + ": " + p.message());
        }
        return Optional.empty();
      }
    };
  }

  /** A record dead-lettered from {@code topic} whose key matches. */
  static FailureWatch deadLetterOn(String topic, Predicate<String> key) {
    return new FailureWatch() {
      @Override
      public Optional<String> onDeadLetter(EventStream.DeadLetter d) {
        if (d.sourceTopic().equals(topic) && key.test(d.key())) {
          return Optional.of(
              "a record with key "
                  + d.key()
                  + " was dead-lettered from "
                  + topic
                  + ": "
                  + d.reason());
        }
        return Optional.empty();
      }
    };
  }

  /** Either this or {@code other}. */
  default FailureWatch or(FailureWatch other) {
    FailureWatch self = this;
    return new FailureWatch() {
      @Override
      public Optional<String> onEvent(EventStream.Observed event) {
        return self.onEvent(event).or(() -> other.onEvent(event));
      }

      @Override
      public Optional<String> onDeadLetter(EventStream.DeadLetter d) {
        return self.onDeadLetter(d).or(() -> other.onDeadLetter(d));
      }
    };
  }
}
