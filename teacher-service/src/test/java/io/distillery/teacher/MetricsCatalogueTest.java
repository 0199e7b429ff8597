package io.distillery.teacher;

import static io.restassured.RestAssured.given;

import io.distillery.contracts.EventCodec;
import io.distillery.contracts.Topics;
import io.distillery.contracts.events.VolumeIngested;
import io.distillery.devstack.DevStackTestResource;
import io.distillery.devstack.MetricsCatalogueCheck;
import io.distillery.objectstore.ObjectStore;
import io.distillery.teacher.service.TeacherRegistry;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * This service's catalogued metrics ({@code deploy/metrics-catalogue.txt}) are on its live {@code
 * /q/metrics} once its paths ran: a tiny teacher registered and one volume announced ({@code
 * distillery_teacher_outputs_total}), one undecodable {@code VolumeIngested} record ({@code
 * distillery_dead_letters_total}). The per-topic Kafka client series appear on the Micrometer Kafka
 * binder's 60 s refresh; this class runs last of the module's Quarkus tests ({@code @Order}), so
 * that refresh has mostly passed by the time it asks.
 */
@QuarkusTest
@Tag("quarkus")
@Order(Integer.MAX_VALUE)
@QuarkusTestResource(value = DevStackTestResource.class, restrictToAnnotatedClass = false)
class MetricsCatalogueTest {

  private static final String TEACHER = "metrics-tiny";
  private static final String DATASET = "metrics-catalogue";

  @Inject ObjectStore store;
  @Inject EventCodec codec;

  @TestHTTPResource("/q/metrics")
  URI metrics;

  @ConfigProperty(name = "kafka.bootstrap.servers")
  String bootstrap;

  @ConfigProperty(name = "distillery.s3.bucket")
  String bucket;

  @Test
  void everyCatalogueMetricOfThisServiceIsExportedOnceItsPathsRan() throws Exception {
    byte[] manifest =
        TeacherRegistry.manifestJson(
            TinyTeacher.manifest(TEACHER, "1", List.of(DATASET), 6.0, 1.0));
    given()
        .multiPart("manifest", new String(manifest, StandardCharsets.UTF_8))
        .multiPart("model", "model.onnx", TinyTeacher.onnx(5), "application/octet-stream")
        .when()
        .post("/api/v1/teachers")
        .then()
        .statusCode(201);
    VolumeIngested volume =
        TestVolumes.store(
            store,
            bucket,
            "metrics-volume-1",
            DATASET,
            "metrics",
            TestVolumes.synthetic(9, 24, 24, 16));
    try (KafkaProducer<String, byte[]> producer = TestVolumes.producer(bootstrap)) {
      TestVolumes.send(producer, Topics.VOLUME_INGESTED, codec.encode(volume, "/test", null));
    }
    MetricsCatalogueCheck.sendPoisonRecord(bootstrap, Topics.VOLUME_INGESTED);

    MetricsCatalogueCheck.assertExported("teacher-service", metrics, Duration.ofSeconds(120));
  }
}
