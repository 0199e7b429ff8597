package io.distillery.objectstore;

import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;

/**
 * Passes an object's content through and, at end of stream, throws {@link ObjectIntegrityException}
 * if its SHA-256 differs from the expected one.
 */
final class Sha256VerifyingInputStream extends InputStream {
  private final InputStream in;
  private final MessageDigest digest = Sha256.newDigest();
  private final String expected;
  private final String description;
  private boolean verified;

  Sha256VerifyingInputStream(InputStream in, String expectedSha256, String description) {
    this.in = in;
    this.expected = expectedSha256;
    this.description = description;
  }

  @Override
  public int read() throws IOException {
    int b = in.read();
    if (b < 0) {
      verify();
    } else {
      digest.update((byte) b);
    }
    return b;
  }

  @Override
  public int read(byte[] buffer, int off, int len) throws IOException {
    int n = in.read(buffer, off, len);
    if (n < 0) {
      verify();
    } else {
      digest.update(buffer, off, n);
    }
    return n;
  }

  @Override
  public int available() throws IOException {
    return in.available();
  }

  @Override
  public void close() throws IOException {
    in.close();
  }

  private void verify() {
    if (verified) {
      return;
    }
    verified = true;
    String actual = Sha256.hex(digest);
    if (!actual.equalsIgnoreCase(expected)) {
      throw new ObjectIntegrityException(
          description + ": content SHA-256 " + actual + " differs from the recorded " + expected);
    }
  }
}
