package io.distillery.contracts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CloudEventHeadersTest {

  @Test
  void headersRoundTripThroughKafkaForm() {
    CloudEventHeaders headers =
        CloudEventHeaders.newEvent(EventType.VOLUME_INGESTED, "/distillery/ingest-service", null);

    Map<String, byte[]> kafka = headers.toKafkaHeaders();
    CloudEventHeaders back = CloudEventHeaders.fromKafkaHeaders(kafka);

    assertThat(back).isEqualTo(headers);
    assertThat(new String(kafka.get("ce_specversion"), StandardCharsets.UTF_8)).isEqualTo("1.0");
    assertThat(headers.type()).isEqualTo("io.distillery.volume.ingested.v1");
    assertThat(headers.traceparent()).matches("00-[0-9a-f]{32}-[0-9a-f]{16}-01");
  }

  @Test
  void childEventContinuesTheParentTrace() {
    String parent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

    CloudEventHeaders child =
        CloudEventHeaders.newEvent(EventType.TEACHER_OUTPUTS_PRODUCED, "/x", parent);

    assertThat(child.traceparent()).startsWith("00-0af7651916cd43dd8448eb211c80319c-");
    assertThat(child.traceparent()).doesNotContain("b7ad6b7169203331");
  }

  @Test
  void missingOrWrongHeadersAreRejected() {
    Map<String, byte[]> kafka =
        new HashMap<>(
            CloudEventHeaders.newEvent(EventType.VOLUME_INGESTED, "/s", null).toKafkaHeaders());
    kafka.remove("ce_id");
    assertThatThrownBy(() -> CloudEventHeaders.fromKafkaHeaders(kafka))
        .isInstanceOf(InvalidEventException.class)
        .hasMessageContaining("ce_id");

    kafka.put("ce_id", "1".getBytes(StandardCharsets.UTF_8));
    kafka.put("ce_specversion", "0.3".getBytes(StandardCharsets.UTF_8));
    assertThatThrownBy(() -> CloudEventHeaders.fromKafkaHeaders(kafka))
        .isInstanceOf(InvalidEventException.class)
        .hasMessageContaining("ce_specversion");
  }
}
