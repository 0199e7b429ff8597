package io.distillery.contracts;

import java.util.Map;

/**
 * An event ready for Kafka: topic, record key (the aggregate id), CloudEvents binary-mode headers
 * and the validated JSON payload.
 *
 * @param topic destination topic
 * @param key record key
 * @param headers Kafka header name to bytes
 * @param payload JSON body, already validated against the event's schema
 * @param cloudEvent the CloudEvents attributes carried by {@code headers}
 */
public record EncodedEvent(
    String topic,
    String key,
    Map<String, byte[]> headers,
    byte[] payload,
    CloudEventHeaders cloudEvent) {}
