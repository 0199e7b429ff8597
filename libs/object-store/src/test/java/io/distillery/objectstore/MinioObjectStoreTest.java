package io.distillery.objectstore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.distillery.devstack.S3Server;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs against a real S3 server (s3proxy from devstack), never a mock. */
class MinioObjectStoreTest {
  private static final int FIVE_MIB = 5 * 1024 * 1024;

  private static S3Server s3;
  private static ObjectStore store;
  private String bucket;

  @BeforeAll
  static void startServer() {
    s3 = S3Server.builder().start();
    store = MinioObjectStore.create(settings(s3).withPartSize(FIVE_MIB));
  }

  @AfterAll
  static void stopServer() {
    store.close();
    s3.close();
  }

  @BeforeEach
  void freshBucket() {
    bucket = "test-" + UUID.randomUUID();
    store.ensureBucket(bucket);
  }

  static S3Settings settings(S3Server server) {
    return S3Settings.of(server.endpoint(), server.accessKey(), server.secretKey());
  }

  @Test
  void bytesRoundTripWithDigestInMetadata() throws Exception {
    byte[] content = "a small segmentation mask".getBytes(StandardCharsets.UTF_8);
    StoredObject put = store.put(bucket, "masks/a.bin", content, "application/octet-stream");

    assertThat(put.sha256()).isEqualTo(sha256(content));
    assertThat(put.size()).isEqualTo(content.length);
    assertThat(put.etag()).isNotBlank().doesNotContain("\"");
    assertThat(store.stat(bucket, "masks/a.bin")).isEqualTo(put);
    assertThat(store.exists(bucket, "masks/a.bin")).isTrue();
    try (InputStream in = store.get(bucket, "masks/a.bin", true)) {
      assertThat(in.readAllBytes()).isEqualTo(content);
    }

    store.delete(bucket, "masks/a.bin");
    assertThat(store.exists(bucket, "masks/a.bin")).isFalse();
    store.delete(bucket, "masks/a.bin"); // deleting a missing key is fine
  }

  @Test
  void missingObjectsAndBucketsAreNotFound() {
    assertThatThrownBy(() -> store.stat(bucket, "nope"))
        .isInstanceOf(ObjectNotFoundException.class)
        .hasMessageContaining(bucket + "/nope");
    assertThatThrownBy(() -> store.get(bucket, "nope")).isInstanceOf(ObjectNotFoundException.class);
    assertThatThrownBy(() -> store.get("no-such-bucket-" + UUID.randomUUID(), "k"))
        .isInstanceOf(ObjectNotFoundException.class);
  }

  @Test
  void largeStreamOfUnknownSizeIsSpooledAndUploadedInParts() throws Exception {
    // Over the in-memory spool limit (8 MiB) and over two 5 MiB parts.
    byte[] content = randomBytes(12 * 1024 * 1024 + 17, 1);
    StoredObject put =
        store.put(bucket, "weights/big.params", new ByteArrayInputStream(content), -1, null);

    assertThat(put.size()).isEqualTo(content.length);
    assertThat(put.sha256()).isEqualTo(sha256(content));
    assertThat(put.contentType()).isEqualTo("application/octet-stream");
    // S3 marks a multipart object's ETag with its part count.
    assertThat(put.etag()).endsWith("-3");
    StoredObject stat = store.stat(bucket, "weights/big.params");
    assertThat(stat.sha256()).isEqualTo(put.sha256());
    assertThat(stat.size()).isEqualTo(content.length);
    try (InputStream in = store.get(bucket, "weights/big.params", true)) {
      assertThat(in.readAllBytes()).isEqualTo(content);
    }
  }

  @Test
  void smallStreamOfKnownSizeAndFileUploads(@TempDir Path dir) throws Exception {
    byte[] content = randomBytes(1000, 2);
    StoredObject fromStream =
        store.put(bucket, "s", new ByteArrayInputStream(content), content.length, "x/y");
    assertThat(fromStream.sha256()).isEqualTo(sha256(content));
    assertThat(store.stat(bucket, "s").contentType()).isEqualTo("x/y");

    Path file = dir.resolve("volume.nii.gz");
    Files.write(file, content);
    StoredObject fromFile = store.put(bucket, "f", file, "application/gzip");
    assertThat(fromFile.sha256()).isEqualTo(fromStream.sha256());
    assertThat(fromFile.size()).isEqualTo(1000);
  }

  @Test
  void streamShorterThanDeclaredStoresNothing() {
    byte[] content = randomBytes(100, 3);
    assertThatThrownBy(
            () -> store.put(bucket, "short", new ByteArrayInputStream(content), 101, null))
        .isInstanceOf(ObjectIntegrityException.class)
        .hasMessageContaining("declared 101 bytes but yielded 100");
    assertThat(store.exists(bucket, "short")).isFalse();
  }

  @Test
  void verifyingReadDetectsDigestMismatchAndMissingDigest() throws Exception {
    byte[] content = "tampered".getBytes(StandardCharsets.UTF_8);
    String wrong = sha256("original".getBytes(StandardCharsets.UTF_8));
    MinioClient raw = rawClient();
    try {
      raw.putObject(
          PutObjectArgs.builder()
              .bucket(bucket)
              .object("bad")
              .data(content, content.length)
              .userMetadata(Map.of("sha256", wrong))
              .build());
      raw.putObject(
          PutObjectArgs.builder()
              .bucket(bucket)
              .object("foreign")
              .data(content, content.length)
              .build());
    } finally {
      raw.close();
    }

    try (InputStream in = store.get(bucket, "bad", true)) {
      assertThatThrownBy(in::readAllBytes)
          .isInstanceOf(ObjectIntegrityException.class)
          .hasMessageContaining("differs from the recorded " + wrong);
    }
    try (InputStream in = store.get(bucket, "bad", false)) {
      assertThat(in.readAllBytes()).isEqualTo(content);
    }
    assertThatThrownBy(() -> store.get(bucket, "foreign", true))
        .isInstanceOf(ObjectIntegrityException.class)
        .hasMessageContaining("no recorded SHA-256");
    assertThat(store.stat(bucket, "foreign").sha256()).isNull();
  }

  @Test
  void listIsRecursiveAndReadsAllPages() {
    try (ObjectStore smallPages = MinioObjectStore.create(settings(s3).withListPageSize(2))) {
      List<String> keys = List.of("run/1/a", "run/1/b", "run/2/c", "run/d", "run/3/4/e");
      for (String key : keys) {
        smallPages.put(bucket, key, key.getBytes(StandardCharsets.UTF_8), "text/plain");
      }
      smallPages.put(bucket, "other/x", new byte[] {1}, null);

      List<ObjectSummary> listed = smallPages.list(bucket, "run/");
      assertThat(listed).extracting(ObjectSummary::key).containsExactlyInAnyOrderElementsOf(keys);
      assertThat(listed).allSatisfy(o -> assertThat(o.size()).isEqualTo(o.key().length()));
      assertThat(smallPages.list(bucket, "")).hasSize(6);
      assertThat(smallPages.list(bucket, "none/")).isEmpty();
    }
  }

  @Test
  void listWithALimitStopsThereInKeyOrder() {
    try (ObjectStore smallPages = MinioObjectStore.create(settings(s3).withListPageSize(2))) {
      for (String key : List.of("cap/e", "cap/a", "cap/d", "cap/b", "cap/c")) {
        smallPages.put(bucket, key, new byte[] {1}, null);
      }

      assertThat(smallPages.list(bucket, "cap/", 3))
          .extracting(ObjectSummary::key)
          .containsExactly("cap/a", "cap/b", "cap/c");
      assertThat(smallPages.list(bucket, "cap/", 6)).hasSize(5);
      assertThatThrownBy(() -> smallPages.list(bucket, "cap/", 0))
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void concurrentEnsureBucketAllSucceed() throws Exception {
    String shared = "race-" + UUID.randomUUID();
    int racers = 6;
    List<ObjectStore> stores = new ArrayList<>();
    ExecutorService pool = Executors.newFixedThreadPool(racers);
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<?>> results = new ArrayList<>();
      for (int i = 0; i < racers; i++) {
        ObjectStore own = MinioObjectStore.create(settings(s3));
        stores.add(own);
        results.add(
            pool.submit(
                () -> {
                  go.await();
                  own.ensureBucket(shared);
                  return null;
                }));
      }
      go.countDown();
      for (Future<?> f : results) {
        f.get(); // rethrows any racer's failure
      }
    } finally {
      pool.shutdownNow();
      stores.forEach(ObjectStore::close);
    }
    store.ensureBucket(shared);
    assertThat(store.put(shared, "k", new byte[] {7}, null).size()).isEqualTo(1);
  }

  @Test
  void presignedUrlServesTheObjectWithoutCredentials() throws Exception {
    byte[] content = "shared with a browser".getBytes(StandardCharsets.UTF_8);
    store.put(bucket, "p/q.txt", content, "text/plain");
    URL url = store.presignedGet(bucket, "p/q.txt", Duration.ofMinutes(5));

    HttpResponse<byte[]> response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(url.toURI()).GET().build(),
                HttpResponse.BodyHandlers.ofByteArray());
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo(content);
    assertThatThrownBy(() -> store.presignedGet(bucket, "p/q.txt", Duration.ofDays(8)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void unreachableStoreFailsAfterConfiguredAttempts() throws Exception {
    int port;
    try (java.net.ServerSocket probe = new java.net.ServerSocket(0)) {
      port = probe.getLocalPort();
    }
    RetryPolicy fast = new RetryPolicy(3, Duration.ofMillis(10), Duration.ofMillis(40), 2.0);
    S3Settings nowhere =
        S3Settings.of(java.net.URI.create("http://127.0.0.1:" + port), "a", "b").withRetry(fast);
    try (ObjectStore dead = MinioObjectStore.create(nowhere)) {
      assertThatThrownBy(() -> dead.put("bucket-b", "k", new byte[] {1}, null))
          .isInstanceOfSatisfying(
              ObjectStoreUnavailableException.class, e -> assertThat(e.attempts()).isEqualTo(3))
          .hasMessageContaining("gave up after 3 attempts");
    }
  }

  @Test
  void retriesRideOutAServerRestart(@TempDir Path data) throws Exception {
    S3Server first = S3Server.builder().dataDir(data).start();
    int port = first.endpoint().getPort();
    RetryPolicy patient = new RetryPolicy(20, Duration.ofMillis(100), Duration.ofMillis(500), 2.0);
    try (ObjectStore restarting = MinioObjectStore.create(settings(first).withRetry(patient))) {
      restarting.ensureBucket("kept");
      first.close();

      CountDownLatch restarted = new CountDownLatch(1);
      Thread restarter =
          new Thread(
              () -> {
                try {
                  Thread.sleep(1000);
                  S3Server second = S3Server.builder().dataDir(data).port(port).start();
                  restarted.countDown();
                  // Keep it up until the upload below has finished.
                  Runtime.getRuntime().addShutdownHook(new Thread(second::close));
                  serverToClose = second;
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              });
      restarter.start();

      StoredObject put = restarting.put("kept", "after-restart", new byte[] {1, 2, 3}, null);
      restarter.join();
      assertThat(restarted.getCount()).isZero();
      assertThat(restarting.stat("kept", "after-restart")).isEqualTo(put);
    } finally {
      if (serverToClose != null) {
        serverToClose.close();
      }
    }
  }

  private static volatile S3Server serverToClose;

  private static MinioClient rawClient() {
    return MinioClient.builder()
        .endpoint(s3.endpoint().toString())
        .credentials(s3.accessKey(), s3.secretKey())
        .region("us-east-1")
        .build();
  }

  private static byte[] randomBytes(int n, long seed) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }

  private static String sha256(byte[] content) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
  }
}
