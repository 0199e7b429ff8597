package io.distillery.inference;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.distillery.contracts.ObjectKeys;
import io.distillery.devstack.DevStackTestResource;
import io.distillery.objectstore.ObjectStore;
import io.distillery.servicekit.S3Config;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.net.URL;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Stored cross-site scripting, in a real browser: a model whose class name is {@code <img src=x
 * onerror=alert(1)>} is served, the web page segments a volume with it in headless Chromium, and
 * the name shows up in the table as text (the DOM holds the escaped text and no {@code img}
 * element). A screenshot is saved to {@code target/security-xss.png}, or to the path in {@code
 * -Ddistillery.xss.screenshot} ({@code docs/security-xss.png} was made that way). Skipped when
 * {@code /usr/bin/chromium} is absent.
 */
@QuarkusTest
@QuarkusTestResource(value = DevStackTestResource.class, restrictToAnnotatedClass = false)
class XssWebPageTest {

  static final String MODEL = "xss-probe";
  static final String HOSTILE = "<img src=x onerror=alert(1)>";

  @Inject ObjectStore store;
  @Inject S3Config s3Config;

  @TestHTTPResource("/")
  URL root;

  @Test
  void hostileClassNameIsRenderedAsText() throws Exception {
    Path chromium = Path.of("/usr/bin/chromium");
    Assumptions.assumeTrue(Files.isExecutable(chromium), "chromium is not installed");

    // Predictions do not matter here, only the class names the page shows: an untrained model.
    TestModels.publish(
        TestModels.untrained(),
        store,
        s3Config.bucket(),
        MODEL,
        "1",
        List.of("background", HOSTILE));
    await()
        .atMost(Duration.ofSeconds(90))
        .until(() -> given().get("/api/v1/models").asString().contains("\"" + MODEL + "\""));
    String key = ObjectKeys.segmentation("xss-page", "input.nii.gz");
    store.put(
        s3Config.bucket(),
        key,
        SyntheticVolumes.niftiGz(
            SyntheticVolumes.image(
                SyntheticVolumes.lasGrid(40, 36, 24), new double[] {0.3, 0.6, 0.45}, 14, 5)),
        "application/gzip");
    String url =
        root
            + "?model="
            + URLEncoder.encode(MODEL + "@1", StandardCharsets.UTF_8)
            + "&objectKey="
            + URLEncoder.encode(key, StandardCharsets.UTF_8);

    String dom = run(chromium, List.of("--dump-dom", url));
    // The table row holds the name as text: serialised, its brackets are escaped.
    assertThat(dom).contains("&lt;img src=x onerror=alert(1)&gt;");
    assertThat(dom).doesNotContain("<img src=\"x\"").doesNotContain("onerror=\"alert(1)\"");

    Path screenshot =
        Path.of(System.getProperty("distillery.xss.screenshot", "target/security-xss.png"))
            .toAbsolutePath();
    Files.createDirectories(screenshot.getParent());
    Files.deleteIfExists(screenshot);
    run(chromium, List.of("--window-size=1280,680", "--screenshot=" + screenshot, url));
    assertThat(screenshot).exists();
    assertThat(Files.size(screenshot)).isGreaterThan(10_000);
  }

  /** Runs headless Chromium on the page, letting its requests finish; returns its stdout. */
  private static String run(Path chromium, List<String> args) throws Exception {
    List<String> command =
        new ArrayList<>(
            List.of(
                chromium.toString(),
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--hide-scrollbars",
                "--virtual-time-budget=60000"));
    command.addAll(args);
    Path log = Files.createTempFile("chromium-", ".log");
    Path out = Files.createTempFile("chromium-", ".out");
    Process p =
        new ProcessBuilder(command)
            .redirectError(log.toFile())
            .redirectOutput(out.toFile())
            .start();
    if (!p.waitFor(3, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new AssertionError("chromium did not finish; its log: " + Files.readString(log));
    }
    return Files.readString(out);
  }
}
