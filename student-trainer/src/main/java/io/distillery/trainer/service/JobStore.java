package io.distillery.trainer.service;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.distillery.contracts.ObjectKeys;
import io.distillery.objectstore.ObjectNotFoundException;
import io.distillery.objectstore.ObjectStore;
import io.distillery.objectstore.ObjectSummary;
import io.distillery.servicekit.S3Config;
import io.distillery.trainer.JobSpec;
import io.distillery.trainer.JobSpecParser;
import io.distillery.trainer.JobStatus;
import io.distillery.trainer.training.TrainingException;
import io.distillery.trainer.training.TrainingSnapshot;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Job persistence in the object store: the resolved spec ({@code jobs/{id}/spec.json}), the state
 * ({@code jobs/{id}/state.json}) and checkpoints ({@code jobs/{id}/checkpoints/step-N/}: {@code
 * net-i.params}, {@code optimizer.bin}, {@code position.json}, written last so that a checkpoint
 * with a position file is complete).
 */
@ApplicationScoped
public class JobStore {
  static final String POSITION = "position.json";
  private static final ObjectMapper JSON =
      new ObjectMapper()
          .registerModule(new JavaTimeModule())
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  @Inject ObjectStore store;
  @Inject S3Config s3Config;

  private String bucket() {
    return s3Config.bucket();
  }

  /** Creates the bucket unless it exists. */
  public void ensureBucket() {
    store.ensureBucket(bucket());
  }

  public void saveSpec(JobSpec spec) {
    store.put(
        bucket(),
        ObjectKeys.jobSpec(spec.jobId()),
        JobSpecParser.toJson(spec).getBytes(StandardCharsets.UTF_8),
        "application/json");
  }

  public JobSpec readSpec(String jobId) {
    try (InputStream in = store.get(bucket(), ObjectKeys.jobSpec(jobId), true)) {
      return JobSpecParser.fromTree(JSON.readTree(in), jobId);
    } catch (IOException e) {
      throw new TrainingException("cannot read the spec of job " + jobId, e);
    }
  }

  public void saveStatus(JobStatus status) {
    try {
      store.put(
          bucket(),
          ObjectKeys.jobState(status.jobId()),
          JSON.writeValueAsBytes(status),
          "application/json");
    } catch (IOException e) {
      throw new TrainingException("cannot serialise the state of " + status.jobId(), e);
    }
  }

  public Optional<JobStatus> readStatus(String jobId) {
    try (InputStream in = store.get(bucket(), ObjectKeys.jobState(jobId), true)) {
      return Optional.of(JSON.readValue(in, JobStatus.class));
    } catch (ObjectNotFoundException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new TrainingException("cannot read the state of job " + jobId, e);
    }
  }

  /** Ids of every job with a stored spec. */
  public List<String> jobIds() {
    TreeSet<String> ids = new TreeSet<>();
    for (ObjectSummary o : store.list(bucket(), ObjectKeys.jobsPrefix())) {
      String rest = o.key().substring(ObjectKeys.jobsPrefix().length());
      if (rest.endsWith("/spec.json")) {
        ids.add(rest.substring(0, rest.indexOf('/')));
      }
    }
    return new ArrayList<>(ids);
  }

  public void saveCheckpoint(String jobId, TrainingSnapshot snapshot) {
    String prefix = ObjectKeys.checkpointPrefix(jobId, snapshot.step());
    for (int i = 0; i < snapshot.networkParams().size(); i++) {
      store.put(
          bucket(),
          prefix + "net-" + i + ".params",
          snapshot.networkParams().get(i),
          "application/octet-stream");
    }
    store.put(
        bucket(), prefix + "optimizer.bin", snapshot.optimizerState(), "application/octet-stream");
    try {
      store.put(
          bucket(),
          prefix + POSITION,
          JSON.writeValueAsBytes(
              Map.of(
                  "step", snapshot.step(),
                  "consumed", snapshot.consumed(),
                  "networks", snapshot.networkParams().size())),
          "application/json");
    } catch (IOException e) {
      throw new TrainingException("cannot serialise a checkpoint position", e);
    }
  }

  public TrainingSnapshot readCheckpoint(String jobId, long step) {
    String prefix = ObjectKeys.checkpointPrefix(jobId, step);
    try (InputStream in = store.get(bucket(), prefix + POSITION, true)) {
      var position = JSON.readTree(in);
      int networks = position.get("networks").asInt();
      long[] consumed = JSON.treeToValue(position.get("consumed"), long[].class);
      List<byte[]> params = new ArrayList<>();
      for (int i = 0; i < networks; i++) {
        params.add(readAll(prefix + "net-" + i + ".params"));
      }
      return new TrainingSnapshot(
          position.get("step").asLong(), consumed, params, readAll(prefix + "optimizer.bin"));
    } catch (IOException e) {
      throw new TrainingException("cannot read checkpoint " + prefix, e);
    }
  }

  byte[] readAll(String key) throws IOException {
    try (InputStream in = store.get(bucket(), key, true)) {
      return in.readAllBytes();
    }
  }
}
