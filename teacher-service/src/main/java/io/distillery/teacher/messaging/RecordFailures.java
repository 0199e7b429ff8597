package io.distillery.teacher.messaging;

import io.distillery.contracts.InvalidEventException;
import io.distillery.objectstore.ObjectStoreException;
import io.distillery.segml.checkpoint.CheckpointException;
import io.distillery.segml.engine.EngineUnavailableException;
import io.distillery.teacher.InvalidManifestException;
import io.distillery.tensorcodec.TensorCodecException;
import io.distillery.volumeio.VolumeException;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Which failures are expected of a poison record (bad event, unusable volume or model) as opposed
 * to a bug; both are dead-lettered with the reason, bugs are also logged as errors. An unavailable
 * object store is not listed here: it is retried with back-off first.
 */
final class RecordFailures {

  private RecordFailures() {}

  static boolean isPoison(Exception e) {
    return e instanceof InvalidEventException
        || e instanceof VolumeException
        || e instanceof ObjectStoreException
        || e instanceof InvalidManifestException
        || e instanceof TensorCodecException
        || e instanceof EngineUnavailableException
        || e instanceof CheckpointException
        || e instanceof IllegalArgumentException
        || e instanceof IOException
        || e instanceof UncheckedIOException;
  }

  static String reason(Exception e) {
    return e.getClass().getSimpleName() + ": " + e.getMessage();
  }
}
