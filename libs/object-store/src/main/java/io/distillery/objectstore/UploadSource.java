package io.distillery.objectstore;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;

/**
 * Upload content that can be read more than once (a retried upload starts over), with its length
 * and SHA-256 known before the first byte is sent.
 */
abstract class UploadSource implements AutoCloseable {
  private static final int BUFFER = 64 * 1024;

  final long size;
  final String sha256;

  private UploadSource(long size, String sha256) {
    this.size = size;
    this.sha256 = sha256;
  }

  abstract InputStream open() throws IOException;

  @Override
  public void close() {}

  static UploadSource of(byte[] content) {
    return new UploadSource(content.length, Sha256.of(content)) {
      @Override
      InputStream open() {
        return new ByteArrayInputStream(content);
      }
    };
  }

  static UploadSource of(Path file) {
    MessageDigest digest = Sha256.newDigest();
    long size;
    try (InputStream in = Files.newInputStream(file)) {
      size = copy(in, OutputStream.nullOutputStream(), digest, Long.MAX_VALUE);
    } catch (IOException e) {
      throw new ObjectStoreException("cannot read upload file " + file, e);
    }
    return new UploadSource(size, Sha256.hex(digest)) {
      @Override
      InputStream open() throws IOException {
        return Files.newInputStream(file);
      }
    };
  }

  /**
   * Reads {@code in} to its end: into memory up to {@code memoryLimit} bytes, into a temporary file
   * beyond that.
   */
  static UploadSource spool(InputStream in, long declaredSize, int memoryLimit) {
    MessageDigest digest = Sha256.newDigest();
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    try {
      long headSize = copy(in, head, digest, memoryLimit);
      int next = headSize < memoryLimit ? -1 : in.read();
      if (next < 0) {
        checkSize(declaredSize, headSize);
        byte[] bytes = head.toByteArray();
        return new UploadSource(bytes.length, Sha256.hex(digest)) {
          @Override
          InputStream open() {
            return new ByteArrayInputStream(bytes);
          }
        };
      }
      Path file = Files.createTempFile("distillery-upload-", ".part");
      try {
        long size;
        try (OutputStream out = Files.newOutputStream(file)) {
          head.writeTo(out);
          out.write(next);
          digest.update((byte) next);
          size = headSize + 1 + copy(in, out, digest, Long.MAX_VALUE);
        }
        checkSize(declaredSize, size);
        return new UploadSource(size, Sha256.hex(digest)) {
          @Override
          InputStream open() throws IOException {
            return Files.newInputStream(file);
          }

          @Override
          public void close() {
            deleteQuietly(file);
          }
        };
      } catch (IOException | RuntimeException e) {
        deleteQuietly(file);
        throw e;
      }
    } catch (IOException e) {
      throw new ObjectStoreException("cannot read the upload stream", e);
    }
  }

  private static void checkSize(long declared, long actual) {
    if (declared >= 0 && declared != actual) {
      throw new ObjectIntegrityException(
          "upload stream declared " + declared + " bytes but yielded " + actual);
    }
  }

  /** Copies at most {@code limit} bytes, updating the digest; returns the count. */
  private static long copy(InputStream in, OutputStream out, MessageDigest digest, long limit)
      throws IOException {
    byte[] buffer = new byte[BUFFER];
    long total = 0;
    while (total < limit) {
      int n = in.read(buffer, 0, (int) Math.min(buffer.length, limit - total));
      if (n < 0) {
        break;
      }
      digest.update(buffer, 0, n);
      out.write(buffer, 0, n);
      total += n;
    }
    return total;
  }

  private static void deleteQuietly(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete spool file " + file, e);
    }
  }
}
