package io.distillery.teacher.service;

import io.distillery.contracts.ObjectRef;
import io.distillery.contracts.events.VolumeIngested;
import io.distillery.objectstore.ObjectStore;
import io.distillery.teacher.VolumeStatus;
import io.distillery.volumeio.Grid;
import io.distillery.volumeio.Volume;
import io.distillery.volumeio.VolumeFormatException;
import io.distillery.volumeio.nifti.NiftiReader;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The volumes this instance has processed. Reading a volume verifies the stored image against the
 * event's SHA-256 and its grid against the event's shape, so a corrupt or mismatched object is
 * caught before any teacher runs on it.
 */
@ApplicationScoped
public class VolumeRegistry {

  @Inject ObjectStore store;

  private final Map<String, VolumeStatus> volumes = new ConcurrentHashMap<>();

  /**
   * Reads and checks the volume's canonical image, then records it.
   *
   * @throws VolumeFormatException when the stored image does not match the event
   */
  public VolumeStatus accept(VolumeIngested event) throws IOException {
    ObjectRef ref = event.image();
    Volume image;
    try (InputStream in = store.get(ref.bucket(), ref.key(), true)) {
      image = NiftiReader.withDefaults().readVolume(in);
    }
    Grid g = image.grid();
    List<Integer> shape = List.of(g.nx(), g.ny(), g.nz());
    if (!shape.equals(event.shape())) {
      throw new VolumeFormatException(
          "stored image of "
              + event.volumeId()
              + " has shape "
              + shape
              + ", the event says "
              + event.shape());
    }
    VolumeStatus status =
        new VolumeStatus(
            event.volumeId(),
            event.datasetId(),
            event.modality(),
            shape,
            ref.sha256(),
            Instant.now());
    volumes.put(event.volumeId(), status);
    return status;
  }

  public Optional<VolumeStatus> find(String volumeId) {
    return Optional.ofNullable(volumes.get(volumeId));
  }

  public Collection<VolumeStatus> all() {
    return List.copyOf(volumes.values());
  }
}
