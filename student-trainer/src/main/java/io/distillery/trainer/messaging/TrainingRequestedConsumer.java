package io.distillery.trainer.messaging;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.distillery.contracts.EventCodec;
import io.distillery.contracts.InvalidEventException;
import io.distillery.contracts.Topics;
import io.distillery.contracts.events.TrainingRequested;
import io.distillery.objectstore.ObjectStoreUnavailableException;
import io.distillery.trainer.InvalidJobSpecException;
import io.distillery.trainer.JobQueueFullException;
import io.distillery.trainer.JobSpec;
import io.distillery.trainer.JobSpecParser;
import io.distillery.trainer.service.JobManager;
import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * Consumes {@link TrainingRequested}: the event's {@code kind}, {@code method} and {@code jobId}
 * complete its {@code spec}; the job is queued (a known job id is not run twice). Invalid events
 * and refused specs (a training step estimated not to fit included) are dead-lettered with the
 * reason; an unavailable object store is retried with back-off first; while the job queue is full
 * the request waits on its topic, tried again every {@code retry-after-seconds} until a queued job
 * starts or is cancelled (beyond the bound the topic is the queue); any other failure is
 * dead-lettered too, so that no record stops the channel.
 */
@ApplicationScoped
public class TrainingRequestedConsumer {
  private static final Logger LOG = Logger.getLogger(TrainingRequestedConsumer.class);
  static final int ATTEMPTS = 4;

  @Inject EventCodec codec;
  @Inject JobManager manager;
  @Inject EventPublisher publisher;

  @Incoming(Topics.TRAINING_REQUESTED)
  @Blocking
  public void consume(ConsumerRecord<String, byte[]> record) throws InterruptedException {
    Map<String, byte[]> headers = new HashMap<>();
    for (Header h : record.headers()) {
      headers.put(h.key(), h.value());
    }
    long backoffMs = 1000;
    boolean waiting = false;
    for (int attempt = 1; ; attempt++) {
      try {
        TrainingRequested event =
            codec.decode(headers, record.value(), TrainingRequested.class).event();
        manager.submit(toSpec(event));
        LOG.infof("training job %s requested", event.jobId());
        return;
      } catch (ObjectStoreUnavailableException e) {
        if (attempt >= ATTEMPTS) {
          publisher.deadLetter(
              record.topic(),
              record.key(),
              headers,
              record.value(),
              "object store unavailable after " + attempt + " attempts: " + e.getMessage());
          return;
        }
        Thread.sleep(backoffMs);
        backoffMs *= 2;
      } catch (JobQueueFullException e) {
        if (!waiting) {
          LOG.infof("training request %s waits: %s", record.key(), e.getMessage());
          waiting = true;
        }
        Thread.sleep(Math.max(1, e.retryAfterSeconds()) * 1000L);
        attempt--;
      } catch (InvalidEventException | InvalidJobSpecException e) {
        publisher.deadLetter(record.topic(), record.key(), headers, record.value(), e.getMessage());
        return;
      } catch (RuntimeException e) {
        // Never fail the channel: with the "fail" failure strategy an exception out of this method
        // stops consumption for good. An unexpected failure is a bug or a bad record: dead-letter.
        LOG.errorf(
            e, "unexpected failure on %s key %s; dead-lettering", record.topic(), record.key());
        publisher.deadLetter(
            record.topic(),
            record.key(),
            headers,
            record.value(),
            e.getClass().getSimpleName() + ": " + e.getMessage());
        return;
      }
    }
  }

  /** The spec of a request: its {@code spec} object completed with kind, method and job id. */
  static JobSpec toSpec(TrainingRequested event) {
    ObjectNode tree =
        event.spec() != null && event.spec().isObject()
            ? ((ObjectNode) event.spec()).deepCopy()
            : JsonNodeFactory.instance.objectNode();
    tree.put("kind", event.kind());
    tree.put("method", event.method());
    return JobSpecParser.fromTree(tree, event.jobId());
  }
}
