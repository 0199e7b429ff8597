package io.distillery.deploy;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Validates a rendered manifest against the Kubernetes API schema, through fabric8's typed model
 * (classes generated from the Kubernetes OpenAPI definitions): the document must bind to the class
 * of its {@code apiVersion}/{@code kind} with matching JSON types, and nothing may land in an
 * {@code additionalProperties} bag, which is where fabric8 puts fields the schema does not know (a
 * misspelt or misplaced key). Kinds outside the core API (KEDA) are validated elsewhere.
 */
final class StrictKubernetesModel {

  /** apiVersion + "/" + kind of every built-in kind the manifests use. */
  static final Map<String, Class<? extends HasMetadata>> KINDS =
      Map.of(
          "v1/Namespace", Namespace.class,
          "v1/ConfigMap", ConfigMap.class,
          "v1/Secret", Secret.class,
          "v1/Service", Service.class,
          "apps/v1/Deployment", Deployment.class,
          "apps/v1/StatefulSet", StatefulSet.class,
          "batch/v1/Job", Job.class,
          "policy/v1/PodDisruptionBudget", PodDisruptionBudget.class);

  private static final ObjectMapper MAPPER =
      new ObjectMapper()
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
          .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);

  private StrictKubernetesModel() {}

  /** Binds {@code document} to its typed class; returns it, or throws with every violation. */
  static HasMetadata bind(Map<String, Object> document) {
    String key = document.get("apiVersion") + "/" + document.get("kind");
    Class<? extends HasMetadata> type = KINDS.get(key);
    if (type == null) {
      throw new IllegalArgumentException("no Kubernetes model for " + key);
    }
    HasMetadata bound;
    try {
      bound = MAPPER.convertValue(document, type);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          key + " does not match the API schema: " + e.getMessage(), e);
    }
    List<String> unknown = new ArrayList<>();
    collectUnknownFields(bound, key, unknown, new IdentityHashMap<>());
    if (!unknown.isEmpty()) {
      throw new IllegalArgumentException(
          key + " has fields the API schema does not know: " + unknown);
    }
    return bound;
  }

  private static void collectUnknownFields(
      Object node, String path, List<String> unknown, IdentityHashMap<Object, Boolean> seen) {
    if (node == null || seen.put(node, Boolean.TRUE) != null) {
      return;
    }
    if (node instanceof Collection<?> items) {
      int i = 0;
      for (Object item : items) {
        collectUnknownFields(item, path + "[" + i++ + "]", unknown, seen);
      }
      return;
    }
    if (node instanceof Map<?, ?> map) {
      // Free-form maps (labels, data, resources) hold strings or quantities: walk their values.
      map.forEach((k, v) -> collectUnknownFields(v, path + "." + k, unknown, seen));
      return;
    }
    if (!node.getClass().getPackageName().startsWith("io.fabric8.kubernetes.api.model")) {
      return;
    }
    for (Method getter : node.getClass().getMethods()) {
      if (getter.getParameterCount() != 0
          || Modifier.isStatic(getter.getModifiers())
          || !getter.getName().startsWith("get")
          || getter.getName().equals("getClass")) {
        continue;
      }
      Object value;
      try {
        value = getter.invoke(node);
      } catch (IllegalAccessException | InvocationTargetException e) {
        continue;
      }
      if (getter.getName().equals("getAdditionalProperties")) {
        if (value instanceof Map<?, ?> extra && !extra.isEmpty()) {
          extra.keySet().forEach(k -> unknown.add(path + "." + k));
        }
        continue;
      }
      String field =
          Character.toLowerCase(getter.getName().charAt(3)) + getter.getName().substring(4);
      collectUnknownFields(value, path + "." + field, unknown, seen);
    }
  }
}
