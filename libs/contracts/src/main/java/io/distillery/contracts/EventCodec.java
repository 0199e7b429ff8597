package io.distillery.contracts;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import io.distillery.contracts.events.DistilleryEvent;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.EnumMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * Serialises events to JSON and back, validating every payload against its JSON Schema in both
 * directions. Thread-safe; create one and share it.
 */
public final class EventCodec {

  /** Payloads above this size are refused before parsing (events carry references, not data). */
  public static final int MAX_PAYLOAD_BYTES = 1 << 20;

  private final ObjectMapper mapper;
  private final Map<EventType, JsonSchema> schemas = new EnumMap<>(EventType.class);

  public EventCodec() {
    this.mapper =
        new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    JsonSchemaFactory factory = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);
    for (EventType type : EventType.values()) {
      try (InputStream in = EventCodec.class.getResourceAsStream(type.schemaResource())) {
        if (in == null) {
          throw new IllegalStateException("schema resource missing: " + type.schemaResource());
        }
        schemas.put(type, factory.getSchema(mapper.readTree(in)));
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read schema " + type.schemaResource(), e);
      }
    }
  }

  /** The JSON mapper used for payloads (ISO-8601 times, unknown properties tolerated). */
  public ObjectMapper mapper() {
    return mapper;
  }

  /**
   * Serialises and validates {@code event}.
   *
   * @throws InvalidEventException when the event does not satisfy its schema
   */
  public byte[] toJson(DistilleryEvent event) {
    EventType type = EventType.of(event.getClass());
    JsonNode tree = mapper.valueToTree(event);
    validate(type, tree);
    try {
      return mapper.writeValueAsBytes(tree);
    } catch (JsonProcessingException e) {
      throw new InvalidEventException("cannot serialise " + type.eventName(), e);
    }
  }

  /**
   * Parses and validates a payload of the given type.
   *
   * @throws InvalidEventException saying why the payload is rejected
   */
  public <E extends DistilleryEvent> E fromJson(byte[] payload, Class<E> recordClass) {
    EventType type = EventType.of(recordClass);
    return recordClass.cast(fromJson(payload, type));
  }

  /**
   * Parses and validates a payload of the given type.
   *
   * @throws InvalidEventException saying why the payload is rejected
   */
  public DistilleryEvent fromJson(byte[] payload, EventType type) {
    if (payload == null || payload.length == 0) {
      throw new InvalidEventException(type.eventName() + ": empty payload");
    }
    if (payload.length > MAX_PAYLOAD_BYTES) {
      throw new InvalidEventException(
          type.eventName()
              + ": payload of "
              + payload.length
              + " bytes exceeds the limit of "
              + MAX_PAYLOAD_BYTES);
    }
    JsonNode tree;
    try {
      tree = mapper.readTree(payload);
    } catch (IOException e) {
      throw new InvalidEventException(
          type.eventName() + ": payload is not JSON: " + e.getMessage(), e);
    }
    validate(type, tree);
    try {
      return mapper.treeToValue(tree, type.recordClass());
    } catch (IOException e) {
      throw new InvalidEventException(
          type.eventName() + ": payload does not bind: " + e.getMessage(), e);
    }
  }

  /**
   * Encodes {@code event} for Kafka: validated payload, key = aggregate id, binary-mode headers.
   *
   * @param source CloudEvents source of the producing service, e.g. {@code /distillery/ingest}
   * @param parentTraceparent traceparent of the input that caused this event, or null
   */
  public EncodedEvent encode(DistilleryEvent event, String source, String parentTraceparent) {
    return encode(event, source, parentTraceparent, UUID.randomUUID().toString());
  }

  /**
   * Encodes {@code event} for Kafka with a given {@code ce_id}: for events that are announced again
   * after a crash between storing and publishing, with an id from {@link
   * CloudEventHeaders#derivedId} so that consumers see one event.
   */
  public EncodedEvent encode(
      DistilleryEvent event, String source, String parentTraceparent, String id) {
    EventType type = EventType.of(event.getClass());
    CloudEventHeaders headers = CloudEventHeaders.newEvent(type, source, parentTraceparent, id);
    return new EncodedEvent(
        type.topic(), event.aggregateId(), headers.toKafkaHeaders(), toJson(event), headers);
  }

  /**
   * Decodes a Kafka record of the expected type: checks the CloudEvents headers (the {@code
   * ce_type} must match) and validates the payload.
   *
   * @throws InvalidEventException saying why the record is rejected
   */
  public <E extends DistilleryEvent> DecodedEvent<E> decode(
      Map<String, byte[]> headers, byte[] payload, Class<E> recordClass) {
    EventType type = EventType.of(recordClass);
    CloudEventHeaders cloudEvent = CloudEventHeaders.fromKafkaHeaders(headers);
    if (!type.cloudEventType().equals(cloudEvent.type())) {
      throw new InvalidEventException(
          "ce_type '" + cloudEvent.type() + "' where " + type.cloudEventType() + " was expected");
    }
    return new DecodedEvent<>(cloudEvent, fromJson(payload, recordClass));
  }

  /**
   * Validates a JSON tree against {@code type}'s schema.
   *
   * @throws InvalidEventException listing every violation
   */
  public void validate(EventType type, JsonNode tree) {
    Set<ValidationMessage> errors = schemas.get(type).validate(tree);
    if (!errors.isEmpty()) {
      throw new InvalidEventException(
          type.eventName()
              + " violates its schema: "
              + errors.stream()
                  .map(ValidationMessage::getMessage)
                  .sorted()
                  .collect(Collectors.joining("; ")));
    }
  }
}
