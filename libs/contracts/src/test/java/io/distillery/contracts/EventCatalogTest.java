package io.distillery.contracts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.distillery.contracts.events.DistilleryEvent;
import io.distillery.contracts.events.SegmentationRequested;
import io.distillery.contracts.events.VolumeIngested;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class EventCatalogTest {

  private static final Pattern TOPIC = Pattern.compile("distillery\\.[a-z-]+\\.[a-z]+\\.v[0-9]+");
  private final EventCodec codec = new EventCodec();

  @ParameterizedTest
  @EnumSource(EventType.class)
  void documentedExampleSatisfiesSchemaAndSurvivesRoundTrip(EventType type) throws IOException {
    byte[] example = resource(type.exampleResource());

    DistilleryEvent event = codec.fromJson(example, type);
    byte[] again = codec.toJson(event);

    assertThat(event).isInstanceOf(type.recordClass());
    assertThat(codec.fromJson(again, type)).isEqualTo(event);
    assertThat(event.aggregateId()).isNotBlank();
  }

  @ParameterizedTest
  @EnumSource(EventType.class)
  void topicFollowsNamingConvention(EventType type) {
    assertThat(type.topic()).matches(TOPIC);
    assertThat(Topics.deadLetter(type.topic())).isEqualTo(type.topic() + ".dlq");
    assertThat(EventType.ofTopic(type.topic())).contains(type);
    assertThat(EventType.ofCloudEventType(type.cloudEventType())).contains(type);
    assertThat(Topics.all()).contains(type.topic());
  }

  @Test
  void payloadMissingARequiredFieldIsRejectedWithTheReason() throws IOException {
    String json =
        new String(resource(EventType.VOLUME_INGESTED.exampleResource()), StandardCharsets.UTF_8)
            .replace("\"volumeId\"", "\"volumeIdentifier\"");

    assertThatThrownBy(
            () -> codec.fromJson(json.getBytes(StandardCharsets.UTF_8), VolumeIngested.class))
        .isInstanceOf(InvalidEventException.class)
        .hasMessageContaining("VolumeIngested")
        .hasMessageContaining("volumeId");
  }

  @Test
  void wrongTypesAndBadHashesAreRejected() throws IOException {
    String json =
        new String(resource(EventType.VOLUME_INGESTED.exampleResource()), StandardCharsets.UTF_8)
            .replace("\"shape\": [128, 128, 96]", "\"shape\": [128, -1]");

    assertThatThrownBy(
            () -> codec.fromJson(json.getBytes(StandardCharsets.UTF_8), VolumeIngested.class))
        .isInstanceOf(InvalidEventException.class)
        .hasMessageContaining("shape");
  }

  @Test
  void nonJsonAndOversizedPayloadsAreRejected() {
    assertThatThrownBy(
            () ->
                codec.fromJson("{not json".getBytes(StandardCharsets.UTF_8), VolumeIngested.class))
        .isInstanceOf(InvalidEventException.class)
        .hasMessageContaining("not JSON");
    assertThatThrownBy(
            () -> codec.fromJson(new byte[EventCodec.MAX_PAYLOAD_BYTES + 1], VolumeIngested.class))
        .isInstanceOf(InvalidEventException.class)
        .hasMessageContaining("exceeds the limit");
    assertThatThrownBy(() -> codec.fromJson(new byte[0], VolumeIngested.class))
        .isInstanceOf(InvalidEventException.class)
        .hasMessageContaining("empty");
  }

  @Test
  void segmentationPostprocessIsOptionalAndLimitedToTheDocumentedModes() throws IOException {
    String json =
        new String(
            resource(EventType.SEGMENTATION_REQUESTED.exampleResource()), StandardCharsets.UTF_8);
    assertThat(json).contains("\"postprocess\": \"default\"");
    String without = json.replace(",\n  \"postprocess\": \"default\"", "");
    assertThat(without).doesNotContain("postprocess");
    assertThat(
            codec
                .fromJson(without.getBytes(StandardCharsets.UTF_8), SegmentationRequested.class)
                .postprocess())
        .isNull();
    assertThatThrownBy(
            () ->
                codec.fromJson(
                    json.replace("\"default\"", "\"smooth\"").getBytes(StandardCharsets.UTF_8),
                    SegmentationRequested.class))
        .isInstanceOf(InvalidEventException.class)
        .hasMessageContaining("postprocess");
  }

  @Test
  void serialisingAnInvalidEventFails() throws IOException {
    VolumeIngested valid =
        codec.fromJson(resource(EventType.VOLUME_INGESTED.exampleResource()), VolumeIngested.class);
    VolumeIngested invalid =
        new VolumeIngested(
            "../escape",
            valid.datasetId(),
            valid.caseId(),
            valid.modality(),
            valid.split(),
            valid.labelledClasses(),
            valid.shape(),
            valid.spacing(),
            valid.affine(),
            valid.image(),
            valid.label(),
            valid.preview(),
            valid.sourceSha256(),
            valid.ingestedAt());

    assertThatThrownBy(() -> codec.toJson(invalid))
        .isInstanceOf(InvalidEventException.class)
        .hasMessageContaining("volumeId");
  }

  private static byte[] resource(String name) throws IOException {
    try (InputStream in = EventCatalogTest.class.getResourceAsStream(name)) {
      assertThat(in).as("resource %s", name).isNotNull();
      return in.readAllBytes();
    }
  }
}
