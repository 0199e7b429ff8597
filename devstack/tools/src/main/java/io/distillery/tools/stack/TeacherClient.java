package io.distillery.tools.stack;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;

/** The teacher-service's REST API ({@code /api/v1/teachers}); see teacher-service/README.md. */
public final class TeacherClient {

  private final RestClient rest;

  TeacherClient(RestClient rest) {
    this.rest = rest;
  }

  /** The latest version of every registered teacher. */
  public JsonNode teachers() {
    return rest.getJson("/api/v1/teachers", Duration.ofSeconds(30));
  }

  /** Every version of one teacher, oldest first. */
  public JsonNode versions(String teacherId) {
    return rest.getJson("/api/v1/teachers/" + teacherId, Duration.ofSeconds(30));
  }
}
