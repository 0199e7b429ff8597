package io.distillery.servicekit;

import io.distillery.objectstore.MinioObjectStore;
import io.distillery.objectstore.ObjectStore;
import io.distillery.objectstore.S3Credentials;
import io.distillery.objectstore.S3Settings;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import jakarta.interceptor.Interceptor;
import java.net.URI;

/**
 * Supplies the service's {@link ObjectStore} from {@link S3Config}, and refuses to start the
 * service without S3 credentials: there are no built-in ones outside the dev and test profiles.
 */
@Singleton
public class ObjectStoreProducer {

  /**
   * Checks the credentials before anything else starts (other startup observers reach the store and
   * would only log its failure), so that a service without them exits with the message.
   */
  void requireCredentials(
      @Observes @Priority(Interceptor.Priority.PLATFORM_BEFORE) StartupEvent event, S3Config s3) {
    credentials(s3);
  }

  @Produces
  @Singleton
  ObjectStore objectStore(S3Config s3) {
    S3Credentials credentials = credentials(s3);
    return MinioObjectStore.create(
        S3Settings.of(URI.create(s3.endpoint()), credentials.accessKey(), credentials.secretKey())
            .withRegion(s3.region()));
  }

  private static S3Credentials credentials(S3Config s3) {
    return S3Credentials.require("distillery.s3", s3.accessKey(), s3.secretKey());
  }

  void close(@Disposes ObjectStore store) {
    store.close();
  }
}
