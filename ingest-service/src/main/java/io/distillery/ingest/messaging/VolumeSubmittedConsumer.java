package io.distillery.ingest.messaging;

import io.distillery.contracts.DecodedEvent;
import io.distillery.contracts.ObjectRef;
import io.distillery.contracts.Topics;
import io.distillery.contracts.events.VolumeSubmitted;
import io.distillery.ingest.IngestRequest;
import io.distillery.ingest.InvalidRequestException;
import io.distillery.ingest.service.IngestService;
import io.distillery.objectstore.ObjectStore;
import io.distillery.servicekit.EventConsumer;
import io.distillery.volumeio.VolumeException;
import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * Treats {@link VolumeSubmitted} from upstream systems like an upload: fetches the referenced files
 * (checking their SHA-256 against the reference), then ingests them. Failures follow the kit's
 * {@link EventConsumer} policy: invalid events and volumes go to the dead-letter topic with the
 * reason; an unavailable object store is retried with back-off before the record is dead-lettered,
 * so a partition never blocks forever.
 */
@ApplicationScoped
public class VolumeSubmittedConsumer {

  @Inject EventConsumer events;
  @Inject IngestService ingest;
  @Inject ObjectStore store;

  @Incoming(Topics.VOLUME_SUBMITTED)
  @Blocking
  public void consume(ConsumerRecord<String, byte[]> record) throws InterruptedException {
    events.consume(
        record,
        VolumeSubmitted.class,
        this::handle,
        List.of(
            InvalidRequestException.class, VolumeException.class, ObjectIntegrityOrMissing.class));
  }

  private void handle(DecodedEvent<VolumeSubmitted> decoded) throws IOException {
    VolumeSubmitted event = decoded.event();
    Path dir = Files.createTempDirectory("submitted-");
    try {
      Path image = fetch(event.image(), dir.resolve("image.nii.gz"));
      Path label = event.label() == null ? null : fetch(event.label(), dir.resolve("label.nii.gz"));
      Map<Integer, String> names = new TreeMap<>();
      if (event.labelNames() != null) {
        event.labelNames().forEach((k, v) -> names.put(Integer.parseInt(k), v));
      }
      ingest.ingest(
          new IngestRequest(
              event.datasetId(),
              event.caseId(),
              event.modality(),
              event.split(),
              names,
              image,
              label,
              decoded.cloudEvent().traceparent()));
    } finally {
      try (var paths = Files.walk(dir)) {
        paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  /** Downloads {@code ref}, checking the bytes against the SHA-256 the submitter declared. */
  private Path fetch(ObjectRef ref, Path target) throws IOException {
    try (InputStream in = store.get(ref.bucket(), ref.key())) {
      Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
    } catch (io.distillery.objectstore.ObjectNotFoundException e) {
      throw new ObjectIntegrityOrMissing(
          "referenced object s3://" + ref.bucket() + "/" + ref.key() + " does not exist");
    }
    String actual = io.distillery.ingest.service.Sha256Files.of(target);
    if (!actual.equals(ref.sha256())) {
      throw new ObjectIntegrityOrMissing(
          "s3://"
              + ref.bucket()
              + "/"
              + ref.key()
              + " has SHA-256 "
              + actual
              + ", the event declares "
              + ref.sha256());
    }
    return target;
  }

  /** The event references an object that is missing or differs from its declared digest. */
  static final class ObjectIntegrityOrMissing extends RuntimeException {
    private static final long serialVersionUID = 1L;

    ObjectIntegrityOrMissing(String message) {
      super(message);
    }
  }
}
