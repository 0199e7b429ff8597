package io.distillery.teacher.messaging;

import io.distillery.contracts.DecodedEvent;
import io.distillery.contracts.EventCodec;
import io.distillery.contracts.Topics;
import io.distillery.contracts.events.VolumeIngested;
import io.distillery.objectstore.ObjectStoreUnavailableException;
import io.distillery.objectstore.OutageRetry;
import io.distillery.teacher.service.TeacherOutputService;
import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * Consumes {@link VolumeIngested} (key = volume id, shared consumer group, so instances split the
 * volumes) and runs every applicable teacher on the volume. Invalid events and unusable volumes go
 * to the dead-letter topic with the reason; an unavailable object store is retried with exponential
 * back-off, then dead-lettered. The record is acknowledged only after the outputs are stored and
 * announced.
 */
@ApplicationScoped
public class VolumeIngestedConsumer {

  private static final Logger LOG = Logger.getLogger(VolumeIngestedConsumer.class);

  @Inject EventCodec codec;
  @Inject TeacherOutputService outputs;
  @Inject OutageRetry retry;
  @Inject EventPublisher publisher;

  @Incoming(Topics.VOLUME_INGESTED)
  @Blocking
  public void consume(ConsumerRecord<String, byte[]> record) throws InterruptedException {
    Map<String, byte[]> headers = new HashMap<>();
    for (Header h : record.headers()) {
      headers.put(h.key(), h.value());
    }
    try {
      DecodedEvent<VolumeIngested> decoded =
          codec.decode(headers, record.value(), VolumeIngested.class);
      VolumeIngested event = decoded.event();
      List<TeacherOutputService.Outcome> outcomes =
          retry.call(
              "volume " + event.volumeId(),
              () -> outputs.processVolume(event, decoded.cloudEvent().traceparent()));
      LOG.infof("volume %s: teacher outcomes %s", event.volumeId(), outcomes);
    } catch (InterruptedException e) {
      throw e;
    } catch (ObjectStoreUnavailableException e) {
      publisher.deadLetter(
          record.topic(), record.key(), headers, record.value(), retry.exhaustedReason(e));
    } catch (Exception e) {
      // Never fail the channel: a failing method would stop consumption of every partition.
      if (!RecordFailures.isPoison(e)) {
        LOG.errorf(
            e, "unexpected failure on %s key %s; dead-lettering", record.topic(), record.key());
      }
      publisher.deadLetter(
          record.topic(), record.key(), headers, record.value(), RecordFailures.reason(e));
    }
  }
}
