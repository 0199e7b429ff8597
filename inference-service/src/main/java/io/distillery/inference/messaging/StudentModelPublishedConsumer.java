package io.distillery.inference.messaging;

import io.distillery.contracts.EventCodec;
import io.distillery.contracts.InvalidEventException;
import io.distillery.contracts.Topics;
import io.distillery.contracts.events.StudentModelPublished;
import io.distillery.inference.service.ModelRegistry;
import io.distillery.objectstore.ObjectStoreUnavailableException;
import io.distillery.segpipeline.ModelLoadException;
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
 * Consumes {@link StudentModelPublished}: downloads the model and swaps it in ({@link
 * ModelRegistry#install}). Every replica must load every model, so each instance reads the topic
 * with its own consumer group (see {@code application.properties}). Invalid events and models that
 * cannot be loaded are dead-lettered with the reason; an unavailable object store is retried with
 * back-off first.
 */
@ApplicationScoped
public class StudentModelPublishedConsumer {

  private static final Logger LOG = Logger.getLogger(StudentModelPublishedConsumer.class);
  static final int ATTEMPTS = 4;

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
    long backoffMs = 1000;
    for (int attempt = 1; ; attempt++) {
      try {
        StudentModelPublished event =
            codec.decode(headers, record.value(), StudentModelPublished.class).event();
        registry.install(event.modelName(), event.version(), event.files());
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
        LOG.warnf("attempt %d failed, retrying in %d ms: %s", attempt, backoffMs, e.getMessage());
        Thread.sleep(backoffMs);
        backoffMs *= 2;
      } catch (ModelLoadException e) {
        if (e.getCause() instanceof ObjectStoreUnavailableException && attempt < ATTEMPTS) {
          LOG.warnf("attempt %d failed, retrying in %d ms: %s", attempt, backoffMs, e.getMessage());
          Thread.sleep(backoffMs);
          backoffMs *= 2;
          continue;
        }
        publisher.deadLetter(record.topic(), record.key(), headers, record.value(), e.getMessage());
        return;
      } catch (InvalidEventException | IllegalArgumentException e) {
        publisher.deadLetter(record.topic(), record.key(), headers, record.value(), e.getMessage());
        return;
      }
    }
  }
}
