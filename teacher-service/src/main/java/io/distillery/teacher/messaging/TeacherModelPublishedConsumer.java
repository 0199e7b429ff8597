package io.distillery.teacher.messaging;

import io.distillery.contracts.DecodedEvent;
import io.distillery.contracts.Topics;
import io.distillery.contracts.events.TeacherModelPublished;
import io.distillery.servicekit.EventConsumer;
import io.distillery.teacher.RegisteredTeacher;
import io.distillery.teacher.service.BackfillService;
import io.distillery.teacher.service.TeacherRegistry;
import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
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

  @Inject EventConsumer events;
  @Inject TeacherRegistry registry;
  @Inject BackfillService backfill;

  @Incoming(Topics.TEACHER_MODEL_PUBLISHED)
  @Blocking
  public void consume(ConsumerRecord<String, byte[]> record) throws InterruptedException {
    events.consume(record, TeacherModelPublished.class, this::handle, RecordFailures.BAD_RECORD);
  }

  private void handle(DecodedEvent<TeacherModelPublished> decoded) throws IOException {
    RegisteredTeacher teacher = registry.accept(decoded.event());
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
  }
}
