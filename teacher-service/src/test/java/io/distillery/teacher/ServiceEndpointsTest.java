package io.distillery.teacher;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;

import io.distillery.devstack.DevStackTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The operational endpoints every service has, against the real devstack broker and S3 server. */
@QuarkusTest
@Tag("quarkus")
@QuarkusTestResource(value = DevStackTestResource.class, restrictToAnnotatedClass = false)
class ServiceEndpointsTest {

  @Test
  void readinessChecksKafkaAndObjectStore() {
    given()
        .when()
        .get("/q/health/ready")
        .then()
        .statusCode(200)
        .body("status", equalTo("UP"))
        .body(
            "checks.name",
            hasItems("object-store", "SmallRye Reactive Messaging - readiness check"));
  }

  @Test
  void prometheusMetricsAndOpenApiAreServed() {
    given()
        .when()
        .get("/q/metrics")
        .then()
        .statusCode(200)
        .body(containsString("jvm_memory_used_bytes"));
    given()
        .queryParam("format", "json")
        .when()
        .get("/q/openapi")
        .then()
        .statusCode(200)
        .body(containsString("\"openapi\""));
    given().when().get("/q/swagger-ui/").then().statusCode(200);
  }
}
