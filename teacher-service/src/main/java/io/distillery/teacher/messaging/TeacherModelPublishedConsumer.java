package io.distillery.teacher.messaging;

import io.distillery.contracts.EventCodec;
import io.distillery.contracts.Topics;
import io.distillery.contracts.events.TeacherModelPublished;
import io.distillery.objectstore.ObjectStoreUnavailableException;
import io.distillery.objectstore.OutageRetry;
import io.distillery.teacher.RegisteredTeacher;
import io.distillery.teacher.service.BackfillService;
import io.distillery.teacher.service.TeacherRegistry;
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
 * Consumes {@link TeacherModelPublished} (from the student-trainer, or from a REST upload on any
 * instance): registers the teacher and back-fills every ingested volume with the new version. The
 * shared consumer group makes one instance do the back-fill; the others learn of the teacher from
 * the object store when they next process a volume.
 */
@ApplicationScoped
public class TeacherModelPublishedConsumer {

  private static final Logger LOG = Logger.getLogger(TeacherModelPublishedConsumer.class);

  @Inject EventCodec codec;
  @Inject TeacherRegistry registry;
  @Inject BackfillService backfill;
  @Inject OutageRetry retry;
  @Inject EventPublisher publisher;

  @Incoming(Topics.TEACHER_MODEL_PUBLISHED)
  @Blocking
  public void consume(ConsumerRecord<String, byte[]> record) throws InterruptedException {
    Map<String, byte[]> headers = new HashMap<>();
    for (Header h : record.headers()) {
      headers.put(h.key(), h.value());
    }
    try {
      TeacherModelPublished event =
          codec.decode(headers, record.value(), TeacherModelPublished.class).event();
      RegisteredTeacher teacher =
          retry.call("teacher " + event.teacherId(), () -> registry.accept(event));
      registry
          .latest(teacher.id())
          .filter(t -> t.version().equals(teacher.version()))
          .ifPresentOrElse(
              t ->
                  LOG.infof(
                      "teacher %s/%s: back-fill %s",
                      t.id(), t.version(), backfill.start(t).backfillId()),
              () ->
                  LOG.infof(
                      "teacher %s/%s is not the latest version; no back-fill",
                      teacher.id(), teacher.version()));
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
