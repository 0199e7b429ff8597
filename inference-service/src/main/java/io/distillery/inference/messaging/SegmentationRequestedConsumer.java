package io.distillery.inference.messaging;

import io.distillery.contracts.CloudEventHeaders;
import io.distillery.contracts.EventCodec;
import io.distillery.contracts.EventType;
import io.distillery.contracts.ObjectKeys;
import io.distillery.contracts.ObjectRef;
import io.distillery.contracts.Topics;
import io.distillery.contracts.events.SegmentationCompleted;
import io.distillery.contracts.events.SegmentationRequested;
import io.distillery.inference.QueueFullException;
import io.distillery.inference.config.InferenceConfig;
import io.distillery.inference.rest.SegmentResource;
import io.distillery.inference.service.ResultEncoding;
import io.distillery.inference.service.SegmentationService;
import io.distillery.objectstore.ObjectStore;
import io.distillery.objectstore.ObjectStoreUnavailableException;
import io.distillery.objectstore.StoredObject;
import io.distillery.segpipeline.PostprocessMode;
import io.distillery.segpipeline.SegmentationResult;
import io.distillery.servicekit.EventConsumer;
import io.distillery.servicekit.EventPublisher;
import io.distillery.servicekit.ProblemException;
import io.distillery.servicekit.S3Config;
import io.distillery.volumeio.Volume;
import io.distillery.volumeio.nifti.NiftiReader;
import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * The asynchronous path: {@link SegmentationRequested} (an image reference) → the image is read
 * (SHA-256 verified) → segmented on the same worker pool as REST requests (waiting for a slot
 * rather than being refused) → the result is stored at {@code
 * segmentations/{requestId}/labels.nii.gz} (or {@code probabilities.zip}) → {@link
 * SegmentationCompleted} with the reference, per-class volumes and timings. The event's optional
 * {@code postprocess} ({@code default} or {@code none}) chooses the post-processing. A request that
 * cannot be served (unknown model, unreadable image) completes as {@code FAILED} with the error; an
 * invalid event is dead-lettered; an unavailable object store is retried with back-off, then
 * dead-lettered; any other failure is dead-lettered with its reason, so that no record stops the
 * channel.
 *
 * <p>Store, then announce, without a gap: after the result, the completion is stored as {@code
 * segmentations/{requestId}/completed.json}, then published with a {@code ce_id} derived from the
 * request id and the result's SHA-256. A redelivered request whose record exists (a crash before or
 * after publishing) publishes that record again under the same {@code ce_id}, which consumers
 * deduplicate; one whose result exists without a record is segmented again.
 */
@ApplicationScoped
public class SegmentationRequestedConsumer {

  private static final Logger LOG = Logger.getLogger(SegmentationRequestedConsumer.class);
  @Inject EventConsumer events;
  @Inject EventCodec codec;
  @Inject SegmentationService service;
  @Inject ObjectStore store;
  @Inject InferenceConfig config;
  @Inject S3Config s3Config;
  @Inject EventPublisher publisher;

  @Incoming(Topics.SEGMENTATION_REQUESTED)
  @Blocking
  public void consume(ConsumerRecord<String, byte[]> record) throws InterruptedException {
    events.consume(
        record,
        SegmentationRequested.class,
        decoded -> handle(validated(decoded.event()), decoded.cloudEvent().traceparent()));
  }

  /**
   * Checks what the schema cannot: the request id, output and post-processing mode, and that the
   * image is an object the service may read: in its own bucket, under {@code
   * distillery.inference.object-key-prefixes}, a NIfTI file (the rule of {@code POST
   * /api/v1/segment?objectKey=}), so that an event cannot make the service read any object its keys
   * reach. A refused request is dead-lettered with the reason.
   */
  private SegmentationRequested validated(SegmentationRequested request) {
    ObjectKeys.id(request.requestId());
    if (!s3Config.bucket().equals(request.image().bucket())) {
      throw new IllegalArgumentException(
          "the image must be in the service's bucket "
              + s3Config.bucket()
              + ", not "
              + request.image().bucket());
    }
    try {
      SegmentResource.requireReadable(
          request.image().key(), config.inference().objectKeyPrefixes());
    } catch (ProblemException e) {
      throw new IllegalArgumentException("image " + request.image().key() + ": " + e.getMessage());
    }
    String output = request.output();
    if (output != null && !output.equals("labels") && !output.equals("probabilities")) {
      throw new IllegalArgumentException("output must be labels or probabilities: " + output);
    }
    PostprocessMode.parse(request.postprocess());
    return request;
  }

  private void handle(SegmentationRequested request, String traceparent)
      throws InterruptedException {
    boolean probabilities = "probabilities".equals(request.output());
    String bucket = s3Config.bucket();
    String key =
        ObjectKeys.segmentation(
            request.requestId(), probabilities ? "probabilities.zip" : "labels.nii.gz");
    String recordKey = ObjectKeys.segmentationRecord(request.requestId());
    if (store.exists(bucket, recordKey)) {
      LOG.infof("segmentation %s already stored; announcing it again", request.requestId());
      announce(storedRecord(bucket, recordKey), traceparent);
      return;
    }
    SegmentationResult result;
    try {
      Volume image = read(request.image());
      result = await(image, request, probabilities);
    } catch (ObjectStoreUnavailableException e) {
      throw e;
    } catch (RuntimeException | IOException e) {
      LOG.warnf("segmentation %s failed: %s", request.requestId(), e.getMessage());
      publisher.publish(
          new SegmentationCompleted(
              request.requestId(),
              "FAILED",
              null,
              request.modelName(),
              request.modelVersion(),
              null,
              Map.of(),
              Map.of(),
              String.valueOf(e.getMessage()),
              Instant.now()),
          traceparent);
      return;
    }
    long t0 = System.nanoTime();
    byte[] bytes;
    String type;
    if (probabilities) {
      List<String> names = new ArrayList<>(result.labels().names().values());
      bytes = ResultEncoding.probabilitiesZip(result, names);
      type = ResultEncoding.ZIP;
    } else {
      bytes = ResultEncoding.labelsNiftiGz(result);
      type = ResultEncoding.NIFTI_GZ;
    }
    StoredObject stored = store.put(bucket, key, bytes, type);
    Map<String, Double> timings = new java.util.LinkedHashMap<>(result.timingsMs());
    timings.put("store", (System.nanoTime() - t0) / 1e6);
    SegmentationCompleted completed =
        new SegmentationCompleted(
            request.requestId(),
            "SUCCEEDED",
            new ObjectRef(bucket, key, stored.sha256(), stored.size(), type),
            result.modelName(),
            result.modelVersion(),
            result.engine(),
            result.volumesMl(),
            timings,
            null,
            Instant.now());
    // The record commits the result: from here on a redelivery announces it instead of redoing it.
    store.put(bucket, recordKey, codec.toJson(completed), "application/json");
    announce(completed, traceparent);
  }

  /** Publishes a stored result's completion under an id that every re-announcement shares. */
  private void announce(SegmentationCompleted completed, String traceparent) {
    publisher.publish(
        completed,
        traceparent,
        CloudEventHeaders.derivedId(
            EventType.SEGMENTATION_COMPLETED.eventName(),
            completed.requestId(),
            completed.result().sha256()));
  }

  private SegmentationCompleted storedRecord(String bucket, String recordKey) {
    try (InputStream in = store.get(bucket, recordKey, true)) {
      return codec.fromJson(in.readAllBytes(), SegmentationCompleted.class);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + recordKey, e);
    }
  }

  private Volume read(ObjectRef ref) throws IOException {
    try (InputStream in = store.get(ref.bucket(), ref.key(), true)) {
      return NiftiReader.withDefaults().readVolume(in);
    }
  }

  /** Waits for a worker slot instead of failing: the consumer itself is the back-pressure. */
  private SegmentationResult await(
      Volume image, SegmentationRequested request, boolean probabilities)
      throws InterruptedException {
    while (true) {
      Future<SegmentationResult> future;
      try {
        future =
            service.submit(
                image,
                request.modelName(),
                request.modelVersion(),
                null,
                probabilities,
                PostprocessMode.parse(request.postprocess()));
      } catch (QueueFullException e) {
        Thread.sleep(config.inference().retryAfterSeconds() * 1000L);
        continue;
      }
      try {
        return future.get();
      } catch (ExecutionException e) {
        if (e.getCause() instanceof RuntimeException r) {
          throw r;
        }
        throw new IllegalStateException(e.getCause());
      }
    }
  }
}
