package io.distillery.deploy;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks a KEDA {@code keda.sh/v1alpha1 ScaledObject} against the fields of KEDA's v1alpha1 API
 * that the manifests use (spec keys, their types, and the required fields of the kafka scaler). No
 * machine-readable KEDA schema is obtainable from Maven Central, so this is a hand-written subset
 * of KEDA's CRD; it rejects unknown keys rather than letting typos through.
 */
final class KedaScaledObject {

  private static final Set<String> SPEC_KEYS =
      Set.of(
          "scaleTargetRef",
          "pollingInterval",
          "cooldownPeriod",
          "initialCooldownPeriod",
          "idleReplicaCount",
          "minReplicaCount",
          "maxReplicaCount",
          "advanced",
          "fallback",
          "triggers");
  private static final Set<String> INTEGER_KEYS =
      Set.of(
          "pollingInterval",
          "cooldownPeriod",
          "initialCooldownPeriod",
          "idleReplicaCount",
          "minReplicaCount",
          "maxReplicaCount");
  private static final Set<String> TARGET_KEYS =
      Set.of("apiVersion", "kind", "name", "envSourceContainerName");
  private static final Set<String> TRIGGER_KEYS =
      Set.of("type", "name", "metadata", "authenticationRef", "metricType", "useCachedMetrics");

  /** KEDA kafka scaler: required metadata (bootstrapServers or its FromEnv form, group, topic). */
  private static final Set<String> KAFKA_KEYS =
      Set.of(
          "bootstrapServers",
          "bootstrapServersFromEnv",
          "consumerGroup",
          "consumerGroupFromEnv",
          "topic",
          "topicFromEnv",
          "lagThreshold",
          "activationLagThreshold",
          "offsetResetPolicy",
          "allowIdleConsumers",
          "scaleToZeroOnInvalidOffset",
          "excludePersistentLag",
          "limitToPartitionsWithLag",
          "partitionLimitation",
          "version");

  private KedaScaledObject() {}

  /** Throws {@link IllegalArgumentException} naming the first violation. */
  static void validate(Map<String, Object> doc, Set<String> deployments) {
    require("ScaledObject".equals(doc.get("kind")), "kind must be ScaledObject");
    Map<String, Object> spec = map(doc.get("spec"), "spec");
    onlyKeys(spec, SPEC_KEYS, "spec");
    for (String key : INTEGER_KEYS) {
      if (spec.containsKey(key)) {
        require(spec.get(key) instanceof Integer, "spec." + key + " must be an integer");
      }
    }
    if (spec.get("minReplicaCount") instanceof Integer min
        && spec.get("maxReplicaCount") instanceof Integer max) {
      require(min <= max, "spec.minReplicaCount > spec.maxReplicaCount");
    }
    Map<String, Object> target = map(spec.get("scaleTargetRef"), "spec.scaleTargetRef");
    onlyKeys(target, TARGET_KEYS, "spec.scaleTargetRef");
    Object kind = target.getOrDefault("kind", "Deployment");
    require(
        "Deployment".equals(kind) && deployments.contains(target.get("name")),
        "spec.scaleTargetRef names no Deployment of the render: " + target.get("name"));
    Object triggers = spec.get("triggers");
    require(
        triggers instanceof List<?> l && !l.isEmpty(), "spec.triggers must be a non-empty list");
    for (Object t : (List<?>) triggers) {
      Map<String, Object> trigger = map(t, "spec.triggers[]");
      onlyKeys(trigger, TRIGGER_KEYS, "spec.triggers[]");
      require(trigger.get("type") instanceof String, "spec.triggers[].type is required");
      Map<String, Object> metadata = map(trigger.get("metadata"), "spec.triggers[].metadata");
      metadata.forEach(
          (k, v) -> require(v instanceof String, "trigger metadata values are strings: " + k));
      if ("kafka".equals(trigger.get("type"))) {
        onlyKeys(metadata, KAFKA_KEYS, "kafka trigger metadata");
        require(
            metadata.containsKey("bootstrapServers")
                ^ metadata.containsKey("bootstrapServersFromEnv"),
            "kafka trigger needs exactly one of bootstrapServers / bootstrapServersFromEnv");
        require(
            metadata.containsKey("consumerGroup") || metadata.containsKey("consumerGroupFromEnv"),
            "kafka trigger needs consumerGroup");
        if (metadata.containsKey("lagThreshold")) {
          Integer.parseInt((String) metadata.get("lagThreshold"));
        }
      }
    }
  }

  /** The metadata of the first trigger of {@code type}. */
  static Map<String, Object> triggerMetadata(Map<String, Object> doc, String type) {
    Map<String, Object> spec = map(doc.get("spec"), "spec");
    for (Object t : (List<?>) spec.get("triggers")) {
      Map<String, Object> trigger = map(t, "trigger");
      if (type.equals(trigger.get("type"))) {
        return map(trigger.get("metadata"), "metadata");
      }
    }
    throw new IllegalArgumentException("no " + type + " trigger");
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object value, String path) {
    require(value instanceof Map<?, ?>, path + " must be an object");
    return (Map<String, Object>) value;
  }

  private static void onlyKeys(Map<String, Object> map, Set<String> allowed, String path) {
    for (String key : map.keySet()) {
      require(allowed.contains(key), path + " has a field KEDA does not define: " + key);
    }
  }

  private static void require(boolean condition, String message) {
    if (!condition) {
      throw new IllegalArgumentException("ScaledObject: " + message);
    }
  }
}
