package io.distillery.e2e;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The layering, as rules over the production classes of every module (this module's test classpath
 * holds all four services and, through them, every library): a service never reaches into another
 * service (they talk through events, object keys and REST only); the libraries are framework-free
 * (no Quarkus, Jakarta, MicroProfile or SmallRye types, no service), except {@code service-kit},
 * whose purpose is the services' shared Quarkus plumbing and which knows no service.
 */
class ArchitectureTest {

  private static final List<String> SERVICES =
      List.of(
          "io.distillery.ingest..",
          "io.distillery.teacher..",
          "io.distillery.trainer..",
          "io.distillery.inference..");

  private static final String[] LIBRARIES = {
    "io.distillery.contracts..",
    "io.distillery.volumeio..",
    "io.distillery.objectstore..",
    "io.distillery.tensorcodec..",
    "io.distillery.segml..",
    "io.distillery.segpipeline..",
    "io.distillery.phantoms.."
  };

  private static final String[] FRAMEWORKS = {
    "io.quarkus..", "jakarta..", "org.eclipse.microprofile..", "io.smallrye.."
  };

  /** Every module with production classes, relative to the repository root. */
  private static final List<String> MODULES =
      List.of(
          "libs/contracts",
          "libs/volume-io",
          "libs/phantoms",
          "libs/object-store",
          "libs/tensor-codec",
          "libs/seg-ml",
          "libs/seg-pipeline",
          "libs/service-kit",
          "devstack",
          "ingest-service",
          "teacher-service",
          "student-trainer",
          "inference-service",
          "devstack/tools");

  private static JavaClasses classes;

  @BeforeAll
  static void importProductionClasses() {
    Path repo = Path.of(System.getProperty("distillery.root")).toAbsolutePath().normalize();
    List<Path> dirs = new ArrayList<>();
    for (String module : MODULES) {
      Path dir = repo.resolve(module).resolve("target/classes");
      assertThat(dir).as("classes of %s (build the module first)", module).isDirectory();
      dirs.add(dir);
    }
    classes = new ClassFileImporter().importPaths(dirs);
    // The rules below are only as good as what they see: one class of each service, and the kit.
    assertThat(classes.contain("io.distillery.ingest.rest.IngestProblems")).isTrue();
    assertThat(classes.contain("io.distillery.teacher.messaging.VolumeIngestedConsumer")).isTrue();
    assertThat(classes.contain("io.distillery.trainer.rest.TrainerProblems")).isTrue();
    assertThat(classes.contain("io.distillery.inference.rest.InferenceProblems")).isTrue();
    assertThat(classes.contain("io.distillery.servicekit.EventConsumer")).isTrue();
  }

  @Test
  void noServiceDependsOnAnotherService() {
    for (String service : SERVICES) {
      String[] others = SERVICES.stream().filter(s -> !s.equals(service)).toArray(String[]::new);
      noClasses()
          .that()
          .resideInAPackage(service)
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(others)
          .because("services talk through events, object keys and REST, not each other's classes")
          .check(classes);
    }
  }

  @Test
  void librariesAreFrameworkFreeAndKnowNoService() {
    String[] forbidden =
        concat(concat(FRAMEWORKS, SERVICES.toArray(String[]::new)), "io.distillery.servicekit..");
    noClasses()
        .that()
        .resideInAnyPackage(LIBRARIES)
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(forbidden)
        .because("libraries are plain Java, usable by tools and tests outside Quarkus")
        .check(classes);
  }

  @Test
  void theServiceKitKnowsNoService() {
    noClasses()
        .that()
        .resideInAPackage("io.distillery.servicekit..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(SERVICES.toArray(String[]::new))
        .check(classes);
  }

  private static String[] concat(String[] a, String... b) {
    String[] all = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, all, a.length, b.length);
    return all;
  }
}
