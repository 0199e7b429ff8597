package io.distillery.teacher.messaging;

import io.distillery.segml.checkpoint.CheckpointException;
import io.distillery.segml.engine.EngineUnavailableException;
import io.distillery.teacher.InvalidManifestException;
import io.distillery.tensorcodec.TensorCodecException;
import io.distillery.volumeio.VolumeException;
import java.util.List;

/**
 * The teacher-service's failures that mean a bad record (an unusable volume or model) rather than a
 * bug, beside those the kit's {@code EventConsumer} knows (bad events, I/O, the object store): both
 * are dead-lettered with the reason, bugs are also logged as errors with their trace.
 */
final class RecordFailures {

  static final List<Class<? extends Exception>> BAD_RECORD =
      List.of(
          VolumeException.class,
          InvalidManifestException.class,
          TensorCodecException.class,
          EngineUnavailableException.class,
          CheckpointException.class);

  private RecordFailures() {}
}
