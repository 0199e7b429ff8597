package io.distillery.servicekit;

import io.distillery.contracts.EncodedEvent;
import io.distillery.contracts.EventCodec;
import io.distillery.contracts.Topics;
import io.distillery.contracts.events.DistilleryEvent;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

/**
 * Publishes events and dead letters on the service's outgoing {@code events} channel, waiting for
 * the broker's acknowledgement ({@code acks=all}, idempotent producer) before returning, so that
 * callers never acknowledge their input before the output is durable. The CloudEvents source is
 * {@code /distillery/<quarkus.application.name>}.
 */
@ApplicationScoped
public class EventPublisher {

  private static final Logger LOG = Logger.getLogger(EventPublisher.class);

  @Inject EventCodec codec;
  @Inject MeterRegistry meters;

  @Inject
  @Channel("events")
  MutinyEmitter<byte[]> emitter;

  @ConfigProperty(name = "quarkus.application.name")
  String applicationName;

  /**
   * CloudEvents source of everything this service publishes, e.g. {@code
   * /distillery/ingest-service}.
   */
  public String source() {
    return "/distillery/" + applicationName;
  }

  /** Validates, publishes and awaits the acknowledgement of {@code event}. */
  public EncodedEvent publish(DistilleryEvent event, String parentTraceparent) {
    return send(codec.encode(event, source(), parentTraceparent));
  }

  /**
   * Like {@link #publish(DistilleryEvent, String)} with a given {@code ce_id}: an event that may be
   * announced again after a failure or a crash keeps its id, so consumers deduplicating on it see
   * one event.
   */
  public EncodedEvent publish(DistilleryEvent event, String parentTraceparent, String ceId) {
    return send(codec.encode(event, source(), parentTraceparent, ceId));
  }

  private EncodedEvent send(EncodedEvent encoded) {
    send(encoded.topic(), encoded.key(), encoded.headers(), encoded.payload());
    LOG.debugf(
        "published %s key=%s id=%s", encoded.topic(), encoded.key(), encoded.cloudEvent().id());
    return encoded;
  }

  /**
   * Sends a record that could not be processed to {@code <topic>.dlq}, unchanged, with the reason
   * in the {@value Topics#DEAD_LETTER_REASON_HEADER} header.
   */
  public void deadLetter(
      String topic, String key, Map<String, byte[]> headers, byte[] payload, String reason) {
    Map<String, byte[]> withReason = new LinkedHashMap<>(headers);
    withReason.put(Topics.DEAD_LETTER_REASON_HEADER, reason.getBytes(StandardCharsets.UTF_8));
    send(Topics.deadLetter(topic), key, withReason, payload == null ? new byte[0] : payload);
    // Counted after the broker acknowledged the dead letter (distillery_dead_letters_total{topic}).
    Counter.builder("distillery.dead.letters")
        .description("Records sent to a dead-letter topic")
        .tag("topic", topic)
        .register(meters)
        .increment();
    LOG.warnf("dead-lettered a record of %s (key %s): %s", topic, key, reason);
  }

  private void send(String topic, String key, Map<String, byte[]> headers, byte[] payload) {
    RecordHeaders kafkaHeaders = new RecordHeaders();
    headers.forEach(kafkaHeaders::add);
    emitter.sendMessageAndAwait(
        Message.of(payload)
            .addMetadata(
                OutgoingKafkaRecordMetadata.<String>builder()
                    .withTopic(topic)
                    .withKey(key)
                    .withHeaders(kafkaHeaders)
                    .build()));
  }
}
