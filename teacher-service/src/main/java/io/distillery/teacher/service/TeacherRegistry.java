package io.distillery.teacher.service;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.distillery.contracts.ObjectKeys;
import io.distillery.contracts.ObjectRef;
import io.distillery.contracts.VersionOrder;
import io.distillery.contracts.events.TeacherModelPublished;
import io.distillery.objectstore.ObjectNotFoundException;
import io.distillery.objectstore.ObjectStore;
import io.distillery.objectstore.ObjectSummary;
import io.distillery.objectstore.StoredObject;
import io.distillery.teacher.InvalidManifestException;
import io.distillery.teacher.RegisteredTeacher;
import io.distillery.teacher.TeacherManifest;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The registered teachers. The object store is the source of truth: a teacher exists when its
 * {@code teachers/{id}/{version}/manifest.json} does (the manifest is written after the model
 * files), so the registry is rebuilt by {@link #refresh()} at start and shared by every instance.
 */
public final class TeacherRegistry {

  private static final Logger LOG = LoggerFactory.getLogger(TeacherRegistry.class);
  private static final String MANIFEST_FILE = "manifest.json";
  private static final ObjectMapper JSON =
      new ObjectMapper()
          .enable(SerializationFeature.INDENT_OUTPUT)
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  private final ObjectStore store;
  private final String bucket;
  private final Map<String, NavigableMap<String, RegisteredTeacher>> teachers =
      new ConcurrentHashMap<>();

  public TeacherRegistry(ObjectStore store, String bucket) {
    this.store = store;
    this.bucket = bucket;
  }

  /** Parses and validates a manifest. */
  public static TeacherManifest parseManifest(byte[] json) {
    try {
      return JSON.readValue(json, TeacherManifest.class);
    } catch (IOException e) {
      Throwable cause = e;
      while (cause.getCause() != null && !(cause instanceof InvalidManifestException)) {
        cause = cause.getCause();
      }
      if (cause instanceof InvalidManifestException invalid) {
        throw invalid;
      }
      throw new InvalidManifestException("manifest is not valid JSON: " + e.getMessage(), e);
    }
  }

  /** The manifest as stored. */
  public static byte[] manifestJson(TeacherManifest manifest) {
    try {
      return JSON.writeValueAsBytes(manifest);
    } catch (IOException e) {
      throw new IllegalStateException("cannot serialise manifest " + manifest.teacherId(), e);
    }
  }

  /**
   * Stores an uploaded teacher: the model files first, the manifest last (its presence commits the
   * registration). Checks the ONNX graph against the manifest before writing anything. A retry of
   * an upload that was stored (the same manifest and the same file bytes) returns the stored
   * teacher, so that the caller can announce it again: the first attempt may have stopped between
   * storing and announcing.
   *
   * @param files model file contents by role (as named in {@code manifest.files()})
   * @throws TeacherConflictException when this teacher version is registered with another manifest
   *     or other files
   * @throws InvalidManifestException when files are missing or the model does not fit
   */
  public RegisteredTeacher register(TeacherManifest manifest, Map<String, byte[]> files) {
    String manifestKey = ObjectKeys.teacherManifest(manifest.teacherId(), manifest.version());
    if (store.exists(bucket, manifestKey)) {
      return sameAsStored(manifest, files, manifestKey);
    }
    for (String role : manifest.files().keySet()) {
      if (!files.containsKey(role)) {
        throw new InvalidManifestException("manifest names a " + role + " file that was not sent");
      }
    }
    if (manifest.files().containsKey(TeacherManifest.ONNX)) {
      checkOnnx(manifest, files.get(TeacherManifest.ONNX));
    }
    Map<String, ObjectRef> refs = new LinkedHashMap<>();
    for (Map.Entry<String, String> file : manifest.files().entrySet()) {
      String key =
          ObjectKeys.teacherFile(manifest.teacherId(), manifest.version(), file.getValue());
      StoredObject stored =
          store.put(bucket, key, files.get(file.getKey()), "application/octet-stream");
      refs.put(file.getKey(), ref(stored));
    }
    StoredObject manifestObject =
        store.put(bucket, manifestKey, manifestJson(manifest), "application/json");
    RegisteredTeacher teacher = new RegisteredTeacher(manifest, ref(manifestObject), refs);
    remember(teacher);
    return teacher;
  }

  /** The stored teacher when {@code manifest} and {@code files} are what is stored; else 409. */
  private RegisteredTeacher sameAsStored(
      TeacherManifest manifest, Map<String, byte[]> files, String manifestKey) {
    byte[] storedManifest;
    try (InputStream in = store.get(bucket, manifestKey, true)) {
      storedManifest = in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + manifestKey, e);
    }
    RegisteredTeacher stored =
        load(parseManifest(storedManifest), ref(store.stat(bucket, manifestKey)));
    boolean same = Arrays.equals(storedManifest, manifestJson(manifest));
    for (Map.Entry<String, ObjectRef> file : stored.files().entrySet()) {
      byte[] sent = files.get(file.getKey());
      same &= sent != null && file.getValue().sha256().equals(sha256(sent));
    }
    if (!same) {
      throw new TeacherConflictException(
          "teacher "
              + manifest.teacherId()
              + " version "
              + manifest.version()
              + " exists with another manifest or model; versions are immutable");
    }
    remember(stored);
    return stored;
  }

  private static String sha256(byte[] content) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform provides SHA-256", e);
    }
  }

  /**
   * Registers the teacher a {@link TeacherModelPublished} announces: reads its manifest (digest
   * verified), checks that it names the event's teacher and that its files exist, and copies the
   * manifest to its canonical key when the publisher stored it elsewhere.
   */
  public RegisteredTeacher accept(TeacherModelPublished event) throws IOException {
    ObjectRef ref = event.manifest();
    TeacherManifest manifest;
    try (InputStream in = store.get(ref.bucket(), ref.key(), true)) {
      manifest = parseManifest(in.readAllBytes());
    }
    if (!manifest.teacherId().equals(event.teacherId())
        || !manifest.version().equals(event.version())) {
      throw new InvalidManifestException(
          "manifest at "
              + ref.key()
              + " describes "
              + manifest.teacherId()
              + "/"
              + manifest.version()
              + ", the event "
              + event.teacherId()
              + "/"
              + event.version());
    }
    String canonical = ObjectKeys.teacherManifest(manifest.teacherId(), manifest.version());
    if (!ref.bucket().equals(bucket) || !ref.key().equals(canonical)) {
      if (!store.exists(bucket, canonical)) {
        store.put(bucket, canonical, manifestJson(manifest), "application/json");
      }
    }
    RegisteredTeacher teacher = load(manifest, ref(store.stat(bucket, canonical)));
    remember(teacher);
    return teacher;
  }

  /** Reads every stored manifest not yet known (cheap: one listing, new manifests only). */
  public void refresh() {
    for (ObjectSummary summary : store.list(bucket, ObjectKeys.teachersPrefix())) {
      String key = summary.key();
      String[] parts = key.split("/");
      if (parts.length != 4 || !MANIFEST_FILE.equals(parts[3])) {
        continue;
      }
      if (find(parts[1], parts[2]).isPresent()) {
        continue;
      }
      try (InputStream in = store.get(bucket, key, true)) {
        TeacherManifest manifest = parseManifest(in.readAllBytes());
        remember(load(manifest, ref(store.stat(bucket, key))));
      } catch (InvalidManifestException | ObjectNotFoundException | IOException e) {
        LOG.warn("ignoring unusable teacher manifest {}: {}", key, e.getMessage());
      }
    }
  }

  /** One version of a teacher. */
  public Optional<RegisteredTeacher> find(String teacherId, String version) {
    NavigableMap<String, RegisteredTeacher> versions = teachers.get(teacherId);
    return versions == null ? Optional.empty() : Optional.ofNullable(versions.get(version));
  }

  /** The latest version of a teacher. */
  public Optional<RegisteredTeacher> latest(String teacherId) {
    NavigableMap<String, RegisteredTeacher> versions = teachers.get(teacherId);
    return versions == null || versions.isEmpty()
        ? Optional.empty()
        : Optional.of(versions.lastEntry().getValue());
  }

  /** Every version of a teacher, oldest first. */
  public List<RegisteredTeacher> versions(String teacherId) {
    NavigableMap<String, RegisteredTeacher> versions = teachers.get(teacherId);
    return versions == null ? List.of() : List.copyOf(versions.values());
  }

  /** The latest version of every teacher, by id. */
  public List<RegisteredTeacher> latestVersions() {
    List<RegisteredTeacher> latest = new ArrayList<>();
    for (String id : teachers.keySet()) {
      latest(id).ifPresent(latest::add);
    }
    latest.sort(Comparator.comparing(RegisteredTeacher::id));
    return latest;
  }

  /** The latest version of every teacher whose dataset policy covers the volume. */
  public List<RegisteredTeacher> applicableTo(String modality, String datasetId) {
    return latestVersions().stream()
        .filter(t -> t.manifest().appliesTo(modality, datasetId))
        .toList();
  }

  private void remember(RegisteredTeacher teacher) {
    teachers
        .computeIfAbsent(
            teacher.id(), id -> java.util.Collections.synchronizedNavigableMap(newVersionMap()))
        .put(teacher.version(), teacher);
    LOG.info("teacher {} version {} registered", teacher.id(), teacher.version());
  }

  private static NavigableMap<String, RegisteredTeacher> newVersionMap() {
    return new TreeMap<>(VersionOrder.INSTANCE);
  }

  private RegisteredTeacher load(TeacherManifest manifest, ObjectRef manifestRef) {
    Map<String, ObjectRef> refs = new LinkedHashMap<>();
    for (Map.Entry<String, String> file : manifest.files().entrySet()) {
      String key =
          ObjectKeys.teacherFile(manifest.teacherId(), manifest.version(), file.getValue());
      try {
        refs.put(file.getKey(), ref(store.stat(bucket, key)));
      } catch (ObjectNotFoundException e) {
        throw new InvalidManifestException(
            "teacher " + manifest.teacherId() + " names a missing " + file.getKey() + " " + key, e);
      }
    }
    return new RegisteredTeacher(manifest, manifestRef, refs);
  }

  private static ObjectRef ref(StoredObject o) {
    return new ObjectRef(
        o.bucket(),
        o.key(),
        o.sha256() == null ? "" : o.sha256(),
        o.size(),
        o.contentType() == null ? "application/octet-stream" : o.contentType());
  }

  /**
   * Checks that the bytes are an ONNX model with one NCDHW input and a first output whose channel
   * count (when fixed) matches the manifest: ONNX Runtime would otherwise run it and the predictor
   * would silently pad or cut the logits.
   */
  static void checkOnnx(TeacherManifest manifest, byte[] onnx) {
    ModelProto model;
    try {
      model = ModelProto.parseFrom(onnx);
    } catch (IOException e) {
      throw new InvalidManifestException("the onnx file is not an ONNX model: " + e.getMessage());
    }
    if (!model.hasGraph() || model.getGraph().getOutputCount() == 0) {
      throw new InvalidManifestException("the onnx file has no graph outputs");
    }
    List<ValueInfoProto> inputs =
        model.getGraph().getInputList().stream()
            .filter(
                i ->
                    model.getGraph().getInitializerList().stream()
                        .noneMatch(t -> t.getName().equals(i.getName())))
            .toList();
    if (inputs.size() != 1) {
      throw new InvalidManifestException(
          "the onnx model must take one input (N, 1, D, H, W), it takes " + inputs.size());
    }
    checkDims("input", inputs.get(0), 1);
    checkDims("first output", model.getGraph().getOutput(0), manifest.outputClasses().size());
    if (manifest.featureTap() != null
        && model.getGraph().getOutputList().stream()
            .noneMatch(o -> o.getName().equals(manifest.featureTap()))) {
      throw new InvalidManifestException(
          "featureTap '"
              + manifest.featureTap()
              + "' is not an output of the onnx model; outputs: "
              + model.getGraph().getOutputList().stream().map(ValueInfoProto::getName).toList());
    }
  }

  private static void checkDims(String what, ValueInfoProto value, int channels) {
    if (!value.getType().hasTensorType() || !value.getType().getTensorType().hasShape()) {
      return; // shape not declared: checked at run time by the first window
    }
    TensorShapeProto shape = value.getType().getTensorType().getShape();
    if (shape.getDimCount() != 5) {
      throw new InvalidManifestException(
          "the onnx " + what + " must be 5-D NCDHW, it has " + shape.getDimCount() + " axes");
    }
    TensorShapeProto.Dimension c = shape.getDim(1);
    if (c.hasDimValue() && c.getDimValue() != channels) {
      throw new InvalidManifestException(
          "the onnx "
              + what
              + " has "
              + c.getDimValue()
              + " channels, the manifest implies "
              + channels);
    }
  }
}
