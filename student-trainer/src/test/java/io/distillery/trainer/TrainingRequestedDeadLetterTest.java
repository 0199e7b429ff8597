package io.distillery.trainer;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.distillery.contracts.EventCodec;
import io.distillery.contracts.Topics;
import io.distillery.contracts.events.TrainingRequested;
import io.distillery.devstack.DevStackTestResource;
import io.distillery.devstack.TopicProbe;
import io.distillery.objectstore.ObjectStore;
import io.distillery.servicekit.S3Config;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A {@code TrainingRequested} that cannot be decoded goes to {@code <topic>.dlq} with a {@code
 * dead-letter-reason}, and the consumer goes on: the next valid request becomes a job.
 */
@QuarkusTest
@Tag("quarkus")
@QuarkusTestResource(value = DevStackTestResource.class, restrictToAnnotatedClass = false)
class TrainingRequestedDeadLetterTest {

  @Inject ObjectStore store;
  @Inject S3Config s3Config;

  @Test
  void aPoisonRequestIsDeadLetteredWithItsReasonAndTheNextRequestBecomesAJob() {
    TopicProbe probe = TopicProbe.shared();
    probe.send(
        Topics.TRAINING_REQUESTED,
        "dlq-poison-job",
        Map.of(),
        "{not json".getBytes(StandardCharsets.UTF_8));
    ObjectNode spec = new EventCodec().mapper().createObjectNode();
    spec.putArray("classes").add("background").add("liver");
    spec.putArray("datasets").addObject().put("id", "dlq-no-volumes");
    spec.putObject("network").put("name", "UNet3d").put("baseWidth", 8).put("depth", 2);
    spec.putObject("budget").put("steps", 2).put("batchSize", 1).put("patchSize", 16);
    store.ensureBucket(s3Config.bucket());
    new TestCatalog(store, s3Config.bucket(), probe)
        .send(
            new TrainingRequested(
                "dlq-next-job", "teacher", "supervised", spec, "test", Instant.now()));

    // Known to the service: the consumer processed the record after the poison one. The job has
    // no volumes and ends FAILED; waiting for the end keeps the worker free for other tests.
    await()
        .atMost(Duration.ofMinutes(2))
        .pollInterval(Duration.ofMillis(500))
        .untilAsserted(
            () ->
                assertThat(
                        given()
                            .get("/api/v1/jobs/dlq-next-job")
                            .then()
                            .statusCode(200)
                            .extract()
                            .<String>path("state"))
                    .isIn("SUCCEEDED", "FAILED", "CANCELLED"));
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                assertThat(probe.readAll(Topics.deadLetter(Topics.TRAINING_REQUESTED)))
                    .anySatisfy(
                        r -> {
                          assertThat(r.key()).isEqualTo("dlq-poison-job");
                          Header reason = r.headers().lastHeader(Topics.DEAD_LETTER_REASON_HEADER);
                          assertThat(reason).isNotNull();
                          assertThat(new String(reason.value(), StandardCharsets.UTF_8))
                              .isNotBlank();
                        }));
  }
}
