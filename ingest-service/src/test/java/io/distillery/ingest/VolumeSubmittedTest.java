package io.distillery.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.distillery.contracts.EncodedEvent;
import io.distillery.contracts.EventCodec;
import io.distillery.contracts.ObjectRef;
import io.distillery.contracts.Topics;
import io.distillery.contracts.events.VolumeIngested;
import io.distillery.contracts.events.VolumeSubmitted;
import io.distillery.devstack.DevStackTestResource;
import io.distillery.devstack.TopicProbe;
import io.distillery.objectstore.ObjectStore;
import io.distillery.objectstore.StoredObject;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Upstream systems' VolumeSubmitted events, good and poisonous, on the real broker. */
@QuarkusTest
@QuarkusTestResource(value = DevStackTestResource.class, restrictToAnnotatedClass = false)
class VolumeSubmittedTest {

  private static final String DLQ = Topics.deadLetter(Topics.VOLUME_SUBMITTED);

  @Inject ObjectStore store;
  @Inject EventCodec codec;
  @TempDir Path dir;

  @Test
  void submittedVolumeIsIngestedLikeAnUpload() throws Exception {
    store.ensureBucket("upstream");
    StoredObject image =
        store.put(
            "upstream",
            "exports/case-7/image.nii.gz",
            SyntheticNifti.writeImage(dir, "img.nii.gz", 7),
            "application/gzip");
    VolumeSubmitted event =
        new VolumeSubmitted(
            "pacs-export-7",
            "submitted-test",
            "case-7",
            "CT",
            "unlabelled",
            new ObjectRef(
                image.bucket(), image.key(), image.sha256(), image.size(), "application/gzip"),
            null,
            null,
            Instant.now());
    EncodedEvent encoded = codec.encode(event, "/hospital/pacs-bridge", null);
    TopicProbe.shared().send(encoded.topic(), encoded.key(), encoded.headers(), encoded.payload());

    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () ->
                assertThat(ingested())
                    .anySatisfy(
                        v -> {
                          assertThat(v.caseId()).isEqualTo("case-7");
                          assertThat(v.sourceSha256()).isEqualTo(image.sha256());
                          assertThat(v.split()).isEqualTo("unlabelled");
                        }));
  }

  @Test
  void poisonEventsGoToTheDeadLetterTopicWithAReasonAndConsumptionGoesOn() throws Exception {
    TopicProbe probe = TopicProbe.shared();
    probe.send(
        Topics.VOLUME_SUBMITTED,
        "poison-1",
        Map.of(),
        "{not json".getBytes(StandardCharsets.UTF_8));
    // Valid envelope, but the referenced object's digest does not match what the event declares.
    store.ensureBucket("upstream");
    StoredObject image =
        store.put(
            "upstream",
            "exports/case-8/image.nii.gz",
            SyntheticNifti.writeImage(dir, "img8.nii.gz", 8),
            "application/gzip");
    String wrongSha = "0".repeat(64);
    VolumeSubmitted lying =
        new VolumeSubmitted(
            "pacs-export-8",
            "submitted-test",
            "case-8",
            "CT",
            "unlabelled",
            new ObjectRef(image.bucket(), image.key(), wrongSha, image.size(), "application/gzip"),
            null,
            null,
            Instant.now());
    EncodedEvent encoded = codec.encode(lying, "/hospital/pacs-bridge", null);
    probe.send(encoded.topic(), encoded.key(), encoded.headers(), encoded.payload());

    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () -> {
              var dead = probe.readAll(DLQ);
              assertThat(dead)
                  .anySatisfy(
                      r -> {
                        assertThat(r.key()).isEqualTo("poison-1");
                        assertThat(reason(r.headers().lastHeader(Topics.DEAD_LETTER_REASON_HEADER)))
                            .contains("CloudEvents header");
                      });
              assertThat(dead)
                  .anySatisfy(
                      r -> {
                        assertThat(r.key()).isEqualTo("pacs-export-8");
                        assertThat(reason(r.headers().lastHeader(Topics.DEAD_LETTER_REASON_HEADER)))
                            .contains("SHA-256");
                      });
            });
    assertThat(ingested()).noneMatch(v -> "case-8".equals(v.caseId()));
  }

  private List<VolumeIngested> ingested() {
    return TopicProbe.shared().readAll(Topics.VOLUME_INGESTED).stream()
        .map(r -> codec.fromJson(r.value(), VolumeIngested.class))
        .toList();
  }

  private static String reason(Header header) {
    return header == null ? "" : new String(header.value(), StandardCharsets.UTF_8);
  }
}
