package io.distillery.inference.messaging;

import io.distillery.contracts.Topics;
import io.distillery.contracts.events.StudentModelPublished;
import io.distillery.inference.service.ModelRegistry;
import io.distillery.objectstore.ObjectStoreUnavailableException;
import io.distillery.segpipeline.ModelLoadException;
import io.distillery.servicekit.EventConsumer;
import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * Consumes {@link StudentModelPublished}: downloads the model and swaps it in ({@link
 * ModelRegistry#install}). Every replica must load every model, so each instance reads the topic
 * with its own consumer group (see {@code application.properties}). Invalid events and models that
 * cannot be loaded are dead-lettered with the reason; an unavailable object store is retried with
 * back-off first; any other failure is dead-lettered too, so that no record stops the channel.
 */
@ApplicationScoped
public class StudentModelPublishedConsumer {

  @Inject EventConsumer events;
  @Inject ModelRegistry registry;

  @Incoming(Topics.STUDENT_MODEL_PUBLISHED)
  @Blocking
  public void consume(ConsumerRecord<String, byte[]> record) throws InterruptedException {
    events.consume(
        record,
        StudentModelPublished.class,
        decoded -> install(decoded.event()),
        List.of(ModelLoadException.class));
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
