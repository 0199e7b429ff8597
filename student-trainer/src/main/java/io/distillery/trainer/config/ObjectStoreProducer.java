package io.distillery.trainer.config;

import io.distillery.objectstore.MinioObjectStore;
import io.distillery.objectstore.ObjectStore;
import io.distillery.objectstore.S3Settings;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.net.URI;

/** Supplies the service's {@link ObjectStore} from {@link TrainerConfig.S3}. */
public class ObjectStoreProducer {

  @Produces
  @Singleton
  ObjectStore objectStore(TrainerConfig config) {
    TrainerConfig.S3 s3 = config.s3();
    return MinioObjectStore.create(
        S3Settings.of(URI.create(s3.endpoint()), s3.accessKey(), s3.secretKey())
            .withRegion(s3.region()));
  }

  void close(@Disposes ObjectStore store) {
    store.close();
  }
}
