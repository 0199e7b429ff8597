package io.distillery.trainer.messaging;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.distillery.contracts.Topics;
import io.distillery.contracts.events.TrainingRequested;
import io.distillery.servicekit.EventConsumer;
import io.distillery.trainer.InvalidJobSpecException;
import io.distillery.trainer.JobQueueFullException;
import io.distillery.trainer.JobSpec;
import io.distillery.trainer.JobSpecParser;
import io.distillery.trainer.service.JobManager;
import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
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

  @Inject EventConsumer events;
  @Inject JobManager manager;

  @Incoming(Topics.TRAINING_REQUESTED)
  @Blocking
  public void consume(ConsumerRecord<String, byte[]> record) throws InterruptedException {
    events.consume(
        record,
        TrainingRequested.class,
        decoded -> submit(decoded.event()),
        List.of(InvalidJobSpecException.class));
  }

  /**
   * Submits the job, waiting while the job queue is full: the consumer itself is the back-pressure,
   * so a burst of requests is neither refused nor dead-lettered.
   */
  private void submit(TrainingRequested event) throws InterruptedException {
    boolean waiting = false;
    while (true) {
      try {
        manager.submit(toSpec(event));
        LOG.infof("training job %s requested", event.jobId());
        return;
      } catch (JobQueueFullException e) {
        if (!waiting) {
          LOG.infof("training request %s waits: %s", event.jobId(), e.getMessage());
          waiting = true;
        }
        Thread.sleep(Math.max(1, e.retryAfterSeconds()) * 1000L);
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
