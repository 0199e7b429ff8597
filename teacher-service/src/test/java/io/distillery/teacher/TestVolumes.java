package io.distillery.teacher;

import io.distillery.contracts.EncodedEvent;
import io.distillery.contracts.EventCodec;
import io.distillery.contracts.ObjectKeys;
import io.distillery.contracts.ObjectRef;
import io.distillery.contracts.events.VolumeIngested;
import io.distillery.objectstore.ObjectStore;
import io.distillery.objectstore.StoredObject;
import io.distillery.volumeio.Affine;
import io.distillery.volumeio.Grid;
import io.distillery.volumeio.Volume;
import io.distillery.volumeio.nifti.NiftiWriter;
import io.distillery.volumeio.orientation.Orientation;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.SplittableRandom;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Stores volumes the way the ingest-service does (canonical NIfTI, then the {@code volume.json}
 * record) and publishes their {@link VolumeIngested} events.
 */
final class TestVolumes {

  private TestVolumes() {}

  /** A CT-like volume: a bright ellipsoid (≈ 60 HU) in −100 HU noise, 2 mm voxels, RAS. */
  static Volume synthetic(int seed, int nx, int ny, int nz) {
    SplittableRandom random = new SplittableRandom(seed);
    float[] data = new float[nx * ny * nz];
    for (int z = 0, i = 0; z < nz; z++) {
      for (int y = 0; y < ny; y++) {
        for (int x = 0; x < nx; x++, i++) {
          double dx = (x - nx / 2.0) / (nx / 3.0);
          double dy = (y - ny / 2.0) / (ny / 3.0);
          double dz = (z - nz / 2.0) / (nz / 3.0);
          boolean inside = dx * dx + dy * dy + dz * dz < 1;
          data[i] = (float) ((inside ? 60 : -100) + random.nextGaussian() * 20);
        }
      }
    }
    return Volume.of(new Grid(nx, ny, nz, Affine.diagonal(2, 2, 2, 0, 0, 0)), data);
  }

  /** Writes the canonical image and the ingest record; returns the event. */
  static VolumeIngested store(
      ObjectStore store,
      String bucket,
      String volumeId,
      String datasetId,
      String caseId,
      Volume image)
      throws IOException {
    Volume canonical = Orientation.canonical(image);
    Path file = Files.createTempFile("volume-", ".nii.gz");
    StoredObject stored;
    try {
      NiftiWriter.write(canonical, file);
      stored = store.put(bucket, ObjectKeys.volumeImage(volumeId), file, "application/gzip");
    } finally {
      Files.deleteIfExists(file);
    }
    Grid g = canonical.grid();
    double[] rows = g.affine().rows3x4();
    List<Double> affine =
        List.of(
            rows[0], rows[1], rows[2], rows[3], rows[4], rows[5], rows[6], rows[7], rows[8],
            rows[9], rows[10], rows[11], 0.0, 0.0, 0.0, 1.0);
    VolumeIngested event =
        new VolumeIngested(
            volumeId,
            datasetId,
            caseId,
            "CT",
            "train",
            Map.of(),
            List.of(g.nx(), g.ny(), g.nz()),
            Arrays.stream(g.spacing()).boxed().toList(),
            affine,
            new ObjectRef(bucket, stored.key(), stored.sha256(), stored.size(), "application/gzip"),
            null,
            null,
            stored.sha256(),
            Instant.now());
    store.put(
        bucket,
        ObjectKeys.volumeRecord(volumeId),
        new EventCodec().toJson(event),
        "application/json");
    return event;
  }

  /** A producer of byte-array records, acks=all. */
  static KafkaProducer<String, byte[]> producer(String bootstrapServers) {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    return new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
  }

  /** Publishes an encoded event to {@code topic} and waits for the acknowledgement. */
  static void send(KafkaProducer<String, byte[]> producer, String topic, EncodedEvent encoded)
      throws Exception {
    RecordHeaders headers = new RecordHeaders();
    encoded.headers().forEach(headers::add);
    producer
        .send(new ProducerRecord<>(topic, null, encoded.key(), encoded.payload(), headers))
        .get();
  }
}
