package io.distillery.teacher.messaging;

import io.distillery.contracts.DecodedEvent;
import io.distillery.contracts.Topics;
import io.distillery.contracts.events.VolumeIngested;
import io.distillery.servicekit.EventConsumer;
import io.distillery.teacher.service.TeacherOutputService;
import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * Consumes {@link VolumeIngested} (key = volume id, shared consumer group, so instances split the
 * volumes) and runs every applicable teacher on the volume. Failures follow the kit's {@link
 * EventConsumer} policy: invalid events and unusable volumes go to the dead-letter topic with the
 * reason; an unavailable object store is retried with exponential back-off, then dead-lettered. The
 * record is acknowledged only after the outputs are stored and announced.
 */
@ApplicationScoped
public class VolumeIngestedConsumer {

  private static final Logger LOG = Logger.getLogger(VolumeIngestedConsumer.class);

  @Inject EventConsumer events;
  @Inject TeacherOutputService outputs;

  @Incoming(Topics.VOLUME_INGESTED)
  @Blocking
  public void consume(ConsumerRecord<String, byte[]> record) throws InterruptedException {
    events.consume(record, VolumeIngested.class, this::handle, RecordFailures.BAD_RECORD);
  }

  private void handle(DecodedEvent<VolumeIngested> decoded) throws IOException {
    VolumeIngested event = decoded.event();
    List<TeacherOutputService.Outcome> outcomes =
        outputs.processVolume(event, decoded.cloudEvent().traceparent());
    LOG.infof("volume %s: teacher outcomes %s", event.volumeId(), outcomes);
  }
}
