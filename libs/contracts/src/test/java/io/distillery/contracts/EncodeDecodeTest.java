package io.distillery.contracts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.distillery.contracts.events.TeacherOutputsProduced;
import io.distillery.contracts.events.VolumeIngested;
import java.io.IOException;
import java.io.InputStream;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EncodeDecodeTest {

  private final EventCodec codec = new EventCodec();

  @Test
  void encodedEventCarriesKeyTopicAndHeadersAndDecodesBack() throws IOException {
    VolumeIngested event = example();

    EncodedEvent encoded = codec.encode(event, "/distillery/ingest-service", null);
    DecodedEvent<VolumeIngested> decoded =
        codec.decode(encoded.headers(), encoded.payload(), VolumeIngested.class);

    assertThat(encoded.topic()).isEqualTo(Topics.VOLUME_INGESTED);
    assertThat(encoded.key()).isEqualTo(event.volumeId());
    assertThat(decoded.event()).isEqualTo(event);
    assertThat(decoded.cloudEvent()).isEqualTo(encoded.cloudEvent());
  }

  @Test
  void aReAnnouncementWithADerivedIdCarriesTheSameCeId() throws IOException {
    String id = CloudEventHeaders.derivedId("SegmentationCompleted", "req-1", "sha-a");

    EncodedEvent first = codec.encode(example(), "/s", null, id);
    EncodedEvent again = codec.encode(example(), "/s", null, id);

    assertThat(first.cloudEvent().id()).isEqualTo(id).isEqualTo(again.cloudEvent().id());
    assertThat(CloudEventHeaders.fromKafkaHeaders(again.headers()).id()).isEqualTo(id);
    assertThat(CloudEventHeaders.derivedId("SegmentationCompleted", "req-1", "sha-a"))
        .isEqualTo(id);
    assertThat(CloudEventHeaders.derivedId("SegmentationCompleted", "req-1", "sha-b"))
        .isNotEqualTo(id);
    assertThat(codec.encode(example(), "/s", null).cloudEvent().id()).isNotEqualTo(id);
  }

  @Test
  void recordOfAnotherTypeIsRejected() throws IOException {
    EncodedEvent encoded = codec.encode(example(), "/s", null);

    assertThatThrownBy(
            () -> codec.decode(encoded.headers(), encoded.payload(), TeacherOutputsProduced.class))
        .isInstanceOf(InvalidEventException.class)
        .hasMessageContaining("ce_type");
  }

  @Test
  void recordWithoutCloudEventsHeadersIsRejected() throws IOException {
    EncodedEvent encoded = codec.encode(example(), "/s", null);
    Map<String, byte[]> headers = new HashMap<>(encoded.headers());
    headers.remove(CloudEventHeaders.SOURCE);

    assertThatThrownBy(() -> codec.decode(headers, encoded.payload(), VolumeIngested.class))
        .isInstanceOf(InvalidEventException.class)
        .hasMessageContaining("ce_source");
  }

  @Test
  void teacherOutputsWithAFeatureMapValidateAndOldPayloadsWithoutOneStillDecode()
      throws IOException {
    TeacherOutputsProduced old;
    try (InputStream in =
        getClass().getResourceAsStream(EventType.TEACHER_OUTPUTS_PRODUCED.exampleResource())) {
      old = codec.fromJson(in.readAllBytes(), TeacherOutputsProduced.class);
    }
    assertThat(old.featureMap()).isNull();

    TeacherOutputsProduced withFeatures =
        new TeacherOutputsProduced(
            old.volumeId(),
            old.teacherId(),
            old.teacherVersion(),
            old.softLabels(),
            new ObjectRef(
                "distillery",
                ObjectKeys.teacherFeatures(old.teacherId(), old.teacherVersion(), old.volumeId()),
                "0".repeat(64),
                1024,
                "application/x-distillery-tensor"),
            old.shape(),
            old.spacing(),
            old.channels(),
            old.encoding(),
            old.producedAt(),
            new TeacherOutputsProduced.FeatureMap(
                "feature.decoder.2", 16, 1, old.shape(), old.spacing(), "feat-f16/1"));
    EncodedEvent encoded = codec.encode(withFeatures, "/distillery/teacher-service", null);
    assertThat(
            codec
                .decode(encoded.headers(), encoded.payload(), TeacherOutputsProduced.class)
                .event())
        .isEqualTo(withFeatures);
  }

  private VolumeIngested example() throws IOException {
    try (InputStream in =
        getClass().getResourceAsStream(EventType.VOLUME_INGESTED.exampleResource())) {
      return codec.fromJson(in.readAllBytes(), VolumeIngested.class);
    }
  }
}
