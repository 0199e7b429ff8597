package io.distillery.servicekit;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How one error is answered over REST: an RFC 9457 problem's status, title and detail, and the
 * {@code Retry-After} seconds where the client should come back later (null otherwise).
 */
public record Problem(int status, String title, String detail, Integer retryAfterSeconds) {

  /** A problem without {@code Retry-After}. */
  public static Problem of(int status, String title, String detail) {
    return new Problem(status, title, detail, null);
  }

  /** The members of the problem document; {@code instance} is left out when null. */
  public Map<String, Object> body(String instance) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("type", "about:blank");
    body.put("title", title);
    body.put("status", status);
    body.put("detail", detail);
    if (instance != null) {
      body.put("instance", instance);
    }
    return body;
  }
}
