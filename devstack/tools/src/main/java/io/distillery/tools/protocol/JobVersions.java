package io.distillery.tools.protocol;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.distillery.tools.protocol.Protocol.Job;
import io.distillery.tools.protocol.Protocol.Role;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * Versions a protocol's reusable jobs by the spec the trainer will actually run: each spec is
 * resolved by the trainer ({@code POST /api/v1/jobs/resolve}, every default filled in), and the
 * version is {@code s<seed>-<first 10 hex digits of the SHA-256 of the resolved spec without its
 * ids>}. A change of the trainer's recipe defaults (learning rate, deep supervision, ...) thus
 * changes the version, and a stored model trained by another recipe is never reused by mistake.
 * {@link Protocols} hashes the unresolved spec when it defines a protocol (no trainer at hand);
 * this replaces those versions once the stack is up.
 *
 * <p>Jobs are versioned in submission order, and the teacher references of later jobs ({@code
 * teachers: [id@version]}) are rewritten to the new versions first, so a student's hash covers its
 * teachers' recipes too. Which jobs are versioned this way depends on {@link Reuse}: teachers (and
 * baselines published as teachers) always; students only with {@link Reuse#ALL} (otherwise they
 * keep the run's version). With {@link Reuse#NONE} the versions also carry the run, so nothing
 * stored matches.
 */
final class JobVersions {
  private static final ObjectMapper SORTED =
      new ObjectMapper().configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);

  private JobVersions() {}

  /**
   * Re-versions {@code jobs} in place (their specs' {@code modelVersion}, {@code jobId} and teacher
   * references).
   *
   * @param jobs the protocol's jobs, in submission order
   * @param resolver the trainer's resolution of a spec
   * @param reuse what the run reuses
   * @param seed the run's seed (first part of a version)
   * @param run the run's id (the students' version, and the suffix under {@link Reuse#NONE})
   * @return old {@code name@version} → new, for every re-versioned model
   */
  static Map<String, String> apply(
      List<Job> jobs, UnaryOperator<JsonNode> resolver, Reuse reuse, long seed, String run) {
    Map<String, String> renamed = new HashMap<>();
    for (Job job : jobs) {
      ObjectNode spec = job.spec();
      rewriteTeachers(spec, renamed);
      if (job.role() == Role.STUDENT && reuse != Reuse.ALL) {
        continue;
      }
      String oldVersion = job.modelVersion();
      String version = "s" + seed + "-" + hash(resolver.apply(spec));
      if (reuse == Reuse.NONE) {
        version += "-r" + run;
      }
      renamed.put(job.modelName() + "@" + oldVersion, job.modelName() + "@" + version);
      for (JsonNode t : spec.path("publishTeachers")) {
        renamed.put(t.asText() + "@" + oldVersion, t.asText() + "@" + version);
      }
      spec.put("modelVersion", version);
      spec.put("jobId", job.modelName() + "-" + version);
    }
    return renamed;
  }

  private static void rewriteTeachers(ObjectNode spec, Map<String, String> renamed) {
    if (!(spec.get("teachers") instanceof ArrayNode teachers)) {
      return;
    }
    for (int i = 0; i < teachers.size(); i++) {
      String ref = teachers.get(i).asText();
      teachers.set(i, renamed.getOrDefault(ref, ref));
    }
  }

  /** The first 10 hex digits of the SHA-256 of {@code resolved} without its ids. */
  static String hash(JsonNode resolved) {
    ObjectNode keyed = resolved.deepCopy();
    keyed.remove(List.of("jobId", "modelVersion"));
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256")
              .digest(canonical(keyed).getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest).substring(0, 10);
    } catch (NoSuchAlgorithmException | JsonProcessingException e) {
      throw new IllegalStateException("cannot hash a job spec", e);
    }
  }

  /** The spec with object fields sorted, so that field order never changes a version. */
  private static String canonical(JsonNode node) throws JsonProcessingException {
    return SORTED.writeValueAsString(SORTED.convertValue(node, Object.class));
  }
}
