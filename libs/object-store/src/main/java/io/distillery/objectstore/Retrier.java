package io.distillery.objectstore;

import io.minio.errors.ErrorResponseException;
import io.minio.errors.InvalidResponseException;
import io.minio.errors.MinioException;
import io.minio.errors.ServerException;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.util.Set;

/** Runs S3 calls under a {@link RetryPolicy} and turns MinIO errors into this library's types. */
final class Retrier {
  private static final System.Logger LOG = System.getLogger(Retrier.class.getName());

  /** S3 error codes worth another attempt (besides any 5xx status). */
  private static final Set<String> TRANSIENT_CODES =
      Set.of("SlowDown", "InternalError", "ServiceUnavailable", "RequestTimeout", "Throttling");

  private static final Set<String> NOT_FOUND_CODES =
      Set.of("NoSuchKey", "NoSuchBucket", "NoSuchObject", "NotFound", "ResourceNotFound");

  @FunctionalInterface
  interface S3Call<T> {
    T call() throws MinioException, IOException;
  }

  private final RetryPolicy policy;

  Retrier(RetryPolicy policy) {
    this.policy = policy;
  }

  /**
   * Runs {@code call}, retrying transient failures.
   *
   * @param bucket and {@code key} name the object in error messages and {@link
   *     ObjectNotFoundException}
   */
  <T> T run(String operation, String bucket, String key, S3Call<T> call) {
    String target = "s3://" + bucket + "/" + key;
    for (int attempt = 1; ; attempt++) {
      try {
        return call.call();
      } catch (IOException e) {
        // Not wrapped by the client: a local failure (reading the upload source), not the network.
        throw new ObjectStoreException(operation + " " + target + " failed: " + e, e);
      } catch (IllegalArgumentException | ObjectStoreException e) {
        throw e; // invalid names or arguments, or our own verdict: nothing to retry
      } catch (MinioException | RuntimeException e) {
        // The client reports network failures as IllegalStateException wrapping the IOException.
        ErrorResponseException response = find(e, ErrorResponseException.class);
        if (response != null && isNotFound(response)) {
          throw new ObjectNotFoundException(bucket, key, e);
        }
        if (!isTransient(e, response)) {
          throw new ObjectStoreException(operation + " " + target + " failed: " + describe(e), e);
        }
        if (attempt >= policy.maxAttempts()) {
          throw new ObjectStoreUnavailableException(
              operation + " " + target + " failed: " + describe(e), attempt, e);
        }
        LOG.log(Level.DEBUG, () -> operation + " " + target + " failed, retrying: " + describe(e));
        sleep(policy.delayBefore(attempt + 1).toMillis(), operation, target);
      }
    }
  }

  static boolean isNotFound(ErrorResponseException e) {
    return NOT_FOUND_CODES.contains(e.errorResponse().code())
        || (e.response() != null && e.response().code() == 404);
  }

  private static boolean isTransient(Exception e, ErrorResponseException response) {
    if (response != null) {
      return TRANSIENT_CODES.contains(response.errorResponse().code())
          || (response.response() != null && response.response().code() >= 500);
    }
    ServerException server = find(e, ServerException.class);
    if (server != null) {
      return server.statusCode() >= 500;
    }
    // A response that is not S3 XML usually comes from a proxy in front of a struggling server.
    return find(e, InvalidResponseException.class) != null || find(e, IOException.class) != null;
  }

  static <X extends Throwable> X find(Throwable e, Class<X> type) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (type.isInstance(t)) {
        return type.cast(t);
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return null;
  }

  static String describe(Exception e) {
    ErrorResponseException response = find(e, ErrorResponseException.class);
    if (response != null) {
      return response.errorResponse().code() + ": " + response.errorResponse().message();
    }
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root.toString();
  }

  private static void sleep(long millis, String operation, String target) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ObjectStoreException(operation + " " + target + " interrupted while retrying", e);
    }
  }
}
