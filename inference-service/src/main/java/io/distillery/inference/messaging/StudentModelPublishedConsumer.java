package io.distillery.inference.messaging;

import io.distillery.contracts.EventCodec;
import io.distillery.contracts.InvalidEventException;
import io.distillery.contracts.Topics;
import io.distillery.contracts.events.StudentModelPublished;
import io.distillery.inference.service.ModelRegistry;
import io.distillery.objectstore.ObjectStoreUnavailableException;
import io.distillery.objectstore.OutageRetry;
import io.distillery.segpipeline.ModelLoadException;
import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * Consumes {@link StudentModelPublished}: downloads the model and swaps it in ({@link
 * ModelRegistry#install}). Every replica must load every model, so each instance reads the topic
 * with its own consumer group (see {@code application.properties}). Invalid events and models that
 * cannot be loaded are dead-lettered with the reason; an unavailable object store is retried with
 * back-off first; any other failure is dead-lettered too, so that no record stops the channel.
 */
@ApplicationScoped
public class StudentModelPublishedConsumer {

  private static final Logger LOG = Logger.getLogger(StudentModelPublishedConsumer.class);

  static final int ATTEMPTS = 4;

  /** While the object store is unavailable: 4 attempts, 1 s doubling, then dead letter. */
  private static final OutageRetry RETRY = new OutageRetry(ATTEMPTS, Duration.ofSeconds(1));

  @Inject EventCodec codec;
  @Inject ModelRegistry registry;
  @Inject EventPublisher publisher;

  @Incoming(Topics.STUDENT_MODEL_PUBLISHED)
  @Blocking
  public void consume(ConsumerRecord<String, byte[]> record) throws InterruptedException {
    Map<String, byte[]> headers = new HashMap<>();
    for (Header h : record.headers()) {
      headers.put(h.key(), h.value());
    }
    try {
      StudentModelPublished event =
          codec.decode(headers, record.value(), StudentModelPublished.class).event();
      RETRY.run("model " + event.modelName() + "@" + event.version(), () -> install(event));
    } catch (ObjectStoreUnavailableException e) {
      publisher.deadLetter(
          record.topic(), record.key(), headers, record.value(), RETRY.exhaustedReason(e));
    } catch (ModelLoadException | InvalidEventException | IllegalArgumentException e) {
      publisher.deadLetter(record.topic(), record.key(), headers, record.value(), e.getMessage());
    } catch (InterruptedException e) {
      throw e;
    } catch (Exception e) {
      // Never fail the channel: with the "fail" failure strategy an exception out of this method
      // stops consumption for good. An unexpected failure is a bug or a bad record: dead-letter it.
      LOG.errorf(
          e, "unexpected failure on %s key %s; dead-lettering", record.topic(), record.key());
      publisher.deadLetter(
          record.topic(),
          record.key(),
          headers,
          record.value(),
          e.getClass().getSimpleName() + ": " + e.getMessage());
    }
  }

  private void install(StudentModelPublished event) {
    try {
      registry.install(event.modelName(), event.version(), event.files());
    } catch (ModelLoadException e) {
      // An outage while downloading the model is retried like any other outage.
      if (e.getCause() instanceof ObjectStoreUnavailableException outage) {
        throw outage;
      }
      throw e;
    }
  }
}
