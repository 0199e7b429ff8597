package io.distillery.teacher.messaging;

import io.distillery.contracts.EventCodec;
import io.distillery.contracts.InvalidEventException;
import io.distillery.contracts.Topics;
import io.distillery.contracts.events.VolumeIngested;
import io.distillery.objectstore.ObjectStoreException;
import io.distillery.objectstore.ObjectStoreUnavailableException;
import io.distillery.teacher.service.VolumeRegistry;
import io.distillery.volumeio.VolumeException;
import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * Consumes {@link VolumeIngested}: reads the stored image back (digest and grid checked) and
 * records the volume. Invalid events and unreadable volumes are dead-lettered with the reason; an
 * unavailable object store is retried with back-off first.
 */
@ApplicationScoped
public class VolumeIngestedConsumer {

  private static final Logger LOG = Logger.getLogger(VolumeIngestedConsumer.class);
  static final int ATTEMPTS = 4;

  @Inject EventCodec codec;
  @Inject VolumeRegistry registry;
  @Inject EventPublisher publisher;

  @Incoming(Topics.VOLUME_INGESTED)
  @Blocking
  public void consume(ConsumerRecord<String, byte[]> record) throws InterruptedException {
    Map<String, byte[]> headers = new HashMap<>();
    for (Header h : record.headers()) {
      headers.put(h.key(), h.value());
    }
    long backoffMs = 1000;
    for (int attempt = 1; ; attempt++) {
      try {
        VolumeIngested event = codec.decode(headers, record.value(), VolumeIngested.class).event();
        registry.accept(event);
        LOG.infof("volume %s received", event.volumeId());
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
      } catch (InvalidEventException | VolumeException | ObjectStoreException | IOException e) {
        publisher.deadLetter(record.topic(), record.key(), headers, record.value(), e.getMessage());
        return;
      }
    }
  }
}
