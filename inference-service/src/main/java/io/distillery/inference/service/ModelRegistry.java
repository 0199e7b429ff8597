package io.distillery.inference.service;

import io.distillery.contracts.ObjectKeys;
import io.distillery.contracts.ObjectRef;
import io.distillery.inference.LoadedModel;
import io.distillery.inference.ModelLease;
import io.distillery.inference.ModelNotFoundException;
import io.distillery.inference.config.InferenceConfig;
import io.distillery.objectstore.ObjectStore;
import io.distillery.objectstore.ObjectSummary;
import io.distillery.objectstore.StoredObject;
import io.distillery.segml.engine.EngineThreads;
import io.distillery.segpipeline.ModelFiles;
import io.distillery.segpipeline.ModelOpener;
import io.distillery.segpipeline.ModelVersions;
import io.distillery.segpipeline.TensorRtCache;
import io.distillery.servicekit.S3Config;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;
import org.jboss.logging.Logger;

/**
 * The models being served: for each name, the last {@code keepVersions} loaded versions. Readers
 * see an immutable snapshot (copy-on-write behind an {@link AtomicReference}), so swapping in a new
 * version never blocks or fails a request; a replaced version is {@link LoadedModel#retire()
 * retired} and closes once its in-flight requests have released their leases. At start the latest
 * version of every name under {@code models/} in the object store is loaded.
 */
@ApplicationScoped
public class ModelRegistry {

  private static final Logger LOG = Logger.getLogger(ModelRegistry.class);

  @Inject InferenceConfig config;
  @Inject S3Config s3Config;
  @Inject ObjectStore store;
  @Inject MeterRegistry meters;

  private final AtomicReference<Map<String, NavigableMap<String, LoadedModel>>> models =
      new AtomicReference<>(Map.of());
  private final Map<LoadedModel, Gauge> engineGauges = new HashMap<>();
  private ModelLoader loader;

  @PostConstruct
  void init() {
    InferenceConfig.Inference c = config.inference();
    int threads = EngineThreads.configure(c.threads());
    Path modelRoot = c.modelDir().map(Path::of).orElseGet(() -> tempDir("distillery-models-"));
    Path trtRoot =
        c.tensorrtCacheDir().map(Path::of).orElseGet(() -> tempDir("distillery-tensorrt-"));
    loader =
        new ModelLoader(
            store,
            modelRoot,
            new TensorRtCache(trtRoot),
            ModelOpener.parseOrder(c.engines()),
            threads,
            c.windowsPerBatch());
  }

  void onStart(@Observes StartupEvent event) {
    if (config.inference().loadAtStart()) {
      try {
        loadLatestFromStore();
      } catch (RuntimeException e) {
        LOG.warnf(
            "could not load models at start (%s); waiting for StudentModelPublished",
            e.getMessage());
      }
    }
  }

  void onStop(@Observes ShutdownEvent event) {
    Map<String, NavigableMap<String, LoadedModel>> all = models.getAndSet(Map.of());
    all.values().forEach(versions -> versions.values().forEach(this::retire));
  }

  /** Lists {@code models/} and loads the latest version of each name not loaded yet. */
  public void loadLatestFromStore() {
    String bucket = s3Config.bucket();
    Map<String, Map<String, List<ObjectSummary>>> byName = new TreeMap<>();
    for (ObjectSummary s : store.list(bucket, ObjectKeys.modelsPrefix())) {
      String[] parts = s.key().split("/");
      if (parts.length == 4) {
        byName
            .computeIfAbsent(parts[1], n -> new TreeMap<>(ModelVersions.ORDER))
            .computeIfAbsent(parts[2], v -> new ArrayList<>())
            .add(s);
      }
    }
    for (Map.Entry<String, Map<String, List<ObjectSummary>>> e : byName.entrySet()) {
      TreeMap<String, List<ObjectSummary>> versions =
          (TreeMap<String, List<ObjectSummary>>) e.getValue();
      Map.Entry<String, List<ObjectSummary>> latest = versions.lastEntry();
      Map<String, ObjectRef> files = new LinkedHashMap<>();
      for (ObjectSummary s : latest.getValue()) {
        String file = s.key().substring(s.key().lastIndexOf('/') + 1);
        String role = ModelFiles.roleOf(file);
        if (role != null) {
          StoredObject stat = store.stat(bucket, s.key());
          files.put(
              role,
              new ObjectRef(
                  bucket,
                  s.key(),
                  stat.sha256() == null ? "" : stat.sha256(),
                  stat.size(),
                  stat.contentType() == null ? "application/octet-stream" : stat.contentType()));
        }
      }
      try {
        install(e.getKey(), latest.getKey(), files);
      } catch (RuntimeException failure) {
        LOG.warnf("skipping %s@%s at start: %s", e.getKey(), latest.getKey(), failure.getMessage());
      }
    }
  }

  /**
   * Loads {@code name@version} and serves it, unless it is loaded already or older than every
   * version kept; returns whether it was installed.
   */
  public boolean install(String name, String version, Map<String, ObjectRef> files) {
    ObjectKeys.id(name);
    ObjectKeys.id(version);
    NavigableMap<String, LoadedModel> current = models.get().get(name);
    if (current != null && current.containsKey(version)) {
      LOG.infof("model %s@%s is already loaded", name, version);
      return false;
    }
    int keep = config.inference().keepVersions();
    if (current != null
        && current.size() >= keep
        && ModelVersions.ORDER.compare(version, current.firstKey()) < 0) {
      LOG.infof("model %s@%s is older than the %d versions kept; not loaded", name, version, keep);
      return false;
    }
    LoadedModel loaded = loader.load(name, version, files);
    List<LoadedModel> evicted = new ArrayList<>();
    synchronized (this) {
      Map<String, NavigableMap<String, LoadedModel>> next = new HashMap<>(models.get());
      NavigableMap<String, LoadedModel> versions = new TreeMap<>(ModelVersions.ORDER);
      if (next.containsKey(name)) {
        versions.putAll(next.get(name));
      }
      LoadedModel previous = versions.put(version, loaded);
      if (previous != null) {
        evicted.add(previous);
      }
      while (versions.size() > keep) {
        evicted.add(versions.pollFirstEntry().getValue());
      }
      next.put(name, Collections.unmodifiableNavigableMap(versions));
      models.set(Map.copyOf(next));
      registerGauge(loaded);
    }
    evicted.forEach(this::retire);
    LOG.infof("serving %s; versions of %s: %s", loaded, name, models.get().get(name).keySet());
    return true;
  }

  /**
   * Leases {@code name@version} (null version: the latest) for one request; the caller closes the
   * lease when done.
   *
   * @throws ModelNotFoundException when no such model or version is loaded
   */
  public ModelLease acquire(String name, String version) {
    for (int attempt = 0; attempt < 100; attempt++) {
      NavigableMap<String, LoadedModel> versions = models.get().get(name);
      if (versions == null || versions.isEmpty()) {
        throw new ModelNotFoundException(
            "no model named '" + name + "' is loaded; loaded: " + names());
      }
      LoadedModel model =
          version == null || version.isBlank()
              ? versions.lastEntry().getValue()
              : versions.get(version);
      if (model == null) {
        throw new ModelNotFoundException(
            "model '"
                + name
                + "' has no loaded version '"
                + version
                + "'; loaded: "
                + versions.keySet());
      }
      ModelLease lease = model.lease();
      if (lease != null) {
        return lease;
      }
      // Retired between the snapshot read and the lease: the next snapshot has its replacement.
      Thread.onSpinWait();
    }
    throw new ModelNotFoundException("model '" + name + "' kept changing while being leased");
  }

  /** The only loaded model name, for requests that name none. */
  public String defaultName() {
    List<String> names = names();
    if (names.size() != 1) {
      throw new ModelNotFoundException(
          "name a model (parameter 'model'); loaded: " + (names.isEmpty() ? "none" : names));
    }
    return names.get(0);
  }

  /** Loaded model names, sorted. */
  public List<String> names() {
    return models.get().keySet().stream().sorted().toList();
  }

  /** A snapshot: name → versions (oldest first). */
  public Map<String, List<LoadedModel>> snapshot() {
    Map<String, List<LoadedModel>> out = new TreeMap<>();
    models.get().forEach((name, versions) -> out.put(name, List.copyOf(versions.values())));
    return out;
  }

  private void registerGauge(LoadedModel model) {
    Gauge gauge =
        Gauge.builder("distillery.inference.engine.info", () -> 1.0)
            .description("1 for each loaded model version, labelled with the engine running it")
            .tags(
                "model",
                model.name(),
                "version",
                model.version(),
                "engine",
                model.engine().djlName())
            .strongReference(true)
            .register(meters);
    engineGauges.put(model, gauge);
  }

  private void retire(LoadedModel model) {
    Gauge gauge;
    synchronized (this) {
      gauge = engineGauges.remove(model);
    }
    if (gauge != null) {
      meters.remove(gauge);
    }
    LOG.infof("retiring %s (%d requests in flight)", model, model.inFlight());
    model.retire();
  }

  private static Path tempDir(String prefix) {
    try {
      return Files.createTempDirectory(prefix);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a temporary directory", e);
    }
  }
}
