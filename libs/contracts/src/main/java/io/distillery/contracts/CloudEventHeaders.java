package io.distillery.contracts;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * CloudEvents 1.0 binary-mode Kafka headers ({@code ce_id}, {@code ce_type}, {@code ce_source},
 * {@code ce_specversion}, {@code ce_time}, {@code content-type}) plus W3C {@code traceparent}.
 * {@code ce_id} is the deduplication key of an event.
 *
 * @param id unique id of this event occurrence
 * @param type event type, see {@link EventType#cloudEventType()}
 * @param source producer URI, e.g. {@code /distillery/ingest-service}
 * @param time when the event occurred
 * @param traceparent W3C trace context, propagated from the input that caused this event
 */
public record CloudEventHeaders(
    String id, String type, String source, Instant time, String traceparent) {

  public static final String SPEC_VERSION = "1.0";
  public static final String CONTENT_TYPE = "application/json";
  public static final String ID = "ce_id";
  public static final String TYPE = "ce_type";
  public static final String SOURCE = "ce_source";
  public static final String SPECVERSION = "ce_specversion";
  public static final String TIME = "ce_time";
  public static final String CONTENT_TYPE_HEADER = "content-type";
  public static final String TRACEPARENT = "traceparent";

  private static final SecureRandom RANDOM = new SecureRandom();

  public CloudEventHeaders {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(time, "time");
  }

  /** Headers for a new event of {@code type} from {@code source}, continuing {@code parent}. */
  public static CloudEventHeaders newEvent(EventType type, String source, String parent) {
    return newEvent(type, source, parent, UUID.randomUUID().toString());
  }

  /**
   * Headers for an event of {@code type} with a given {@code id}: for an event that may be
   * announced again after a crash (see {@link #derivedId}), so that consumers, which deduplicate on
   * {@code ce_id}, take the re-announcement for the same event.
   */
  public static CloudEventHeaders newEvent(
      EventType type, String source, String parent, String id) {
    return new CloudEventHeaders(
        id,
        type.cloudEventType(),
        source,
        Instant.now(),
        parent != null ? childTraceparent(parent) : newTraceparent());
  }

  /**
   * A {@code ce_id} derived from the facts an event announces (a name-based UUID of {@code parts}),
   * the same every time those facts are announced.
   */
  public static String derivedId(String... parts) {
    return UUID.nameUUIDFromBytes(utf8(String.join("\n", parts))).toString();
  }

  /** The headers as Kafka header name to UTF-8 bytes, in a stable order. */
  public Map<String, byte[]> toKafkaHeaders() {
    Map<String, byte[]> headers = new LinkedHashMap<>();
    headers.put(ID, utf8(id));
    headers.put(TYPE, utf8(type));
    headers.put(SOURCE, utf8(source));
    headers.put(SPECVERSION, utf8(SPEC_VERSION));
    headers.put(TIME, utf8(time.toString()));
    headers.put(CONTENT_TYPE_HEADER, utf8(CONTENT_TYPE));
    if (traceparent != null) {
      headers.put(TRACEPARENT, utf8(traceparent));
    }
    return headers;
  }

  /**
   * Reads and checks binary-mode headers.
   *
   * @param headers Kafka header name to value bytes (last value wins)
   * @throws InvalidEventException naming the missing or malformed header
   */
  public static CloudEventHeaders fromKafkaHeaders(Map<String, byte[]> headers) {
    String specVersion = required(headers, SPECVERSION);
    if (!SPEC_VERSION.equals(specVersion)) {
      throw new InvalidEventException(
          "unsupported " + SPECVERSION + " '" + specVersion + "', expected " + SPEC_VERSION);
    }
    String contentType = text(headers, CONTENT_TYPE_HEADER);
    if (contentType != null && !contentType.startsWith(CONTENT_TYPE)) {
      throw new InvalidEventException(
          "unsupported content-type '" + contentType + "', expected " + CONTENT_TYPE);
    }
    Instant time;
    String timeText = text(headers, TIME);
    try {
      time = timeText == null ? Instant.now() : Instant.parse(timeText);
    } catch (RuntimeException e) {
      throw new InvalidEventException("header " + TIME + " is not an RFC 3339 time: " + timeText);
    }
    return new CloudEventHeaders(
        required(headers, ID),
        required(headers, TYPE),
        required(headers, SOURCE),
        time,
        text(headers, TRACEPARENT));
  }

  private static String required(Map<String, byte[]> headers, String name) {
    String value = text(headers, name);
    if (value == null || value.isBlank()) {
      throw new InvalidEventException("missing CloudEvents header " + name);
    }
    return value;
  }

  private static String text(Map<String, byte[]> headers, String name) {
    byte[] value = headers.get(name);
    return value == null ? null : new String(value, StandardCharsets.UTF_8);
  }

  private static byte[] utf8(String value) {
    return value.getBytes(StandardCharsets.UTF_8);
  }

  /** A fresh W3C traceparent: version 00, random trace and span ids, sampled. */
  static String newTraceparent() {
    return "00-" + randomHex(16) + "-" + randomHex(8) + "-01";
  }

  /** Same trace as {@code parent}, new span id; a malformed parent starts a new trace. */
  static String childTraceparent(String parent) {
    String[] parts = parent.split("-");
    if (parts.length != 4 || parts[1].length() != 32 || parts[2].length() != 16) {
      return newTraceparent();
    }
    return "00-" + parts[1] + "-" + randomHex(8) + "-" + parts[3];
  }

  private static String randomHex(int bytes) {
    byte[] b = new byte[bytes];
    RANDOM.nextBytes(b);
    return HexFormat.of().formatHex(b);
  }
}
