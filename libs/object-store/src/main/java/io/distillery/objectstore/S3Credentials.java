package io.distillery.objectstore;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The S3 access key pair of a service, required explicitly: a service has no built-in credentials
 * outside its development and test profiles, and one started without them refuses to start with a
 * message naming each missing setting (and its environment variable) instead of falling back.
 *
 * @param accessKey access key id
 * @param secretKey secret access key
 */
public record S3Credentials(String accessKey, String secretKey) {

  public S3Credentials {
    if (blank(accessKey) || blank(secretKey)) {
      throw new IllegalArgumentException("S3 access key and secret key must not be blank");
    }
  }

  /**
   * The credentials read from {@code <prefix>.access-key} and {@code <prefix>.secret-key}.
   *
   * @param prefix the settings' prefix, e.g. {@code distillery.s3}
   * @throws MissingS3CredentialsException naming every missing or blank setting and its environment
   *     variable
   */
  public static S3Credentials require(
      String prefix, Optional<String> accessKey, Optional<String> secretKey) {
    List<String> missing = new ArrayList<>();
    if (accessKey.filter(v -> !blank(v)).isEmpty()) {
      missing.add(setting(prefix + ".access-key"));
    }
    if (secretKey.filter(v -> !blank(v)).isEmpty()) {
      missing.add(setting(prefix + ".secret-key"));
    }
    if (!missing.isEmpty()) {
      throw new MissingS3CredentialsException(
          "S3 credentials are not configured: set "
              + String.join(" and ", missing)
              + ". Built-in development credentials exist only in the dev and test profiles;"
              + " a deployment passes its own keys.");
    }
    return new S3Credentials(accessKey.get(), secretKey.get());
  }

  /**
   * {@code distillery.s3.access-key} → {@code distillery.s3.access-key (DISTILLERY_S3_ACCESS_KEY)}.
   */
  private static String setting(String property) {
    return property
        + " ("
        + property.replaceAll("[^A-Za-z0-9]", "_").toUpperCase(Locale.ROOT)
        + ")";
  }

  private static boolean blank(String value) {
    return value == null || value.isBlank();
  }

  /** Never prints the secret key. */
  @Override
  public String toString() {
    return "S3Credentials[accessKey=" + accessKey + "]";
  }

  /** A service was started without its S3 credentials; the message names the missing settings. */
  public static final class MissingS3CredentialsException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    MissingS3CredentialsException(String message) {
      super(message);
    }
  }
}
