package io.distillery.tools.eval;

import io.distillery.contracts.ObjectKeys;
import io.distillery.objectstore.ObjectStore;
import io.distillery.objectstore.ObjectSummary;
import io.distillery.objectstore.StoredObject;
import io.distillery.segml.checkpoint.Checkpoint;
import io.distillery.segpipeline.ModelFiles;
import io.distillery.segpipeline.ModelLoadException;
import io.distillery.segpipeline.ModelVersions;
import io.distillery.tools.UsageException;
import io.distillery.tools.stack.StackInfo;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns a model reference into a local model directory (the files of {@link ModelFiles}):
 *
 * <ul>
 *   <li>a directory: used as it is (a checkpoint as the student-trainer publishes it: {@code
 *       model-card.json}, {@code model.params}, {@code model.onnx} or {@code model-<m>.onnx});
 *   <li>{@code s3://bucket/models/{name}/{version}} (a published student) or {@code
 *       s3://bucket/teachers/{id}/{version}} (a teacher, trained here or registered): its files,
 *       downloaded;
 *   <li>{@code name} or {@code name:version}: the same from the local stack's bucket ({@code
 *       .distillery/stack.json}), a published model of that name first, else a teacher of that id;
 *       without a version, the latest in {@link ModelVersions#ORDER}.
 * </ul>
 *
 * S3 references use the local stack's endpoint and keys.
 */
public final class ModelSource {

  private static final Pattern S3 = Pattern.compile("s3://([^/]+)/(.+?)/?");
  private static final Pattern NAME = Pattern.compile("([A-Za-z0-9][A-Za-z0-9._-]*)(?::(.+))?");

  /**
   * A model ready to open.
   *
   * @param name model name
   * @param version version (the directory name for a local directory)
   * @param directory the files
   * @param location where it came from, for the report
   */
  public record Resolved(String name, String version, Path directory, String location) {}

  private final Path root;
  private final Function<StackInfo, ObjectStore> stores;

  /**
   * @param root the stack root whose {@code .distillery/stack.json} names the S3 server
   * @param stores opens an object store client for a stack
   */
  public ModelSource(Path root, Function<StackInfo, ObjectStore> stores) {
    this.root = root;
    this.stores = stores;
  }

  /** With {@link StackInfo#objectStore()}. */
  public ModelSource(Path root) {
    this(root, StackInfo::objectStore);
  }

  /**
   * Resolves {@code ref}, downloading into a new directory under {@code downloads} when needed.
   *
   * @throws UsageException when the reference is neither a directory, an S3 URL nor a name
   * @throws ModelLoadException when the model or one of its files is missing
   */
  public Resolved resolve(String ref, Path downloads) throws IOException {
    Path local = Path.of(ref);
    if (Files.isDirectory(local)) {
      Path dir = local.toAbsolutePath().normalize();
      if (!Files.isRegularFile(dir.resolve(Checkpoint.CARD_FILE))) {
        throw new ModelLoadException(
            dir + " is not a model directory: it has no " + Checkpoint.CARD_FILE);
      }
      String name = Checkpoint.readCard(dir).name();
      return new Resolved(name, dir.getFileName().toString(), dir, dir.toString());
    }
    Matcher s3 = S3.matcher(ref);
    if (s3.matches()) {
      String bucket = s3.group(1);
      String[] parts = s3.group(2).split("/");
      boolean model = (parts[0] + "/").equals(ObjectKeys.modelsPrefix());
      boolean teacher = (parts[0] + "/").equals(ObjectKeys.teachersPrefix());
      if (parts.length != 3 || !(model || teacher)) {
        throw new UsageException(
            "--model "
                + ref
                + ": an S3 model reference is s3://<bucket>/"
                + ObjectKeys.modelPrefix("<name>", "<version>")
                + " or s3://<bucket>/"
                + ObjectKeys.teacherPrefix("<id>", "<version>"));
      }
      StackInfo stack = StackInfo.require(root);
      String prefix =
          model
              ? ObjectKeys.modelPrefix(parts[1], parts[2])
              : ObjectKeys.teacherPrefix(parts[1], parts[2]);
      return download(stack, bucket, prefix, parts[1], parts[2], ref, downloads);
    }
    Matcher name = NAME.matcher(ref);
    if (name.matches()) {
      StackInfo stack = StackInfo.require(root);
      Located found = locate(stack, name.group(1), name.group(2));
      String location = "s3://" + stack.bucket() + "/" + found.prefix();
      return download(
          stack,
          stack.bucket(),
          found.prefix(),
          name.group(1),
          found.version(),
          location,
          downloads);
    }
    throw new UsageException(
        "--model "
            + ref
            + " is not a directory, an s3://bucket/models/<name>/<version> or"
            + " s3://bucket/teachers/<id>/<version> URL, or a name[:version]");
  }

  /** Where a named model's files are: {@code prefix} holds the files of {@code version}. */
  private record Located(String prefix, String version) {}

  /**
   * Finds {@code name} at {@code version} (null: the latest in {@link ModelVersions#ORDER}), as a
   * published model first and else as a teacher; one listing per place looked at.
   */
  private Located locate(StackInfo stack, String name, String version) {
    try (ObjectStore store = stores.apply(stack)) {
      TreeSet<String> models =
          versionsUnder(store, stack.bucket(), ObjectKeys.modelVersionsPrefix(name));
      String model = pick(models, version);
      if (model != null) {
        return new Located(ObjectKeys.modelPrefix(name, model), model);
      }
      TreeSet<String> teachers =
          versionsUnder(store, stack.bucket(), ObjectKeys.teacherVersionsPrefix(name));
      String teacher = pick(teachers, version);
      if (teacher != null) {
        return new Located(ObjectKeys.teacherPrefix(name, teacher), teacher);
      }
      if (!models.isEmpty() || !teachers.isEmpty()) {
        throw new ModelLoadException(
            "no version '"
                + version
                + "' of '"
                + name
                + "' in s3://"
                + stack.bucket()
                + " of the local stack; published versions: "
                + models
                + ", teacher versions: "
                + teachers);
      }
      throw new ModelLoadException(
          "no model or teacher '"
              + name
              + "' in s3://"
              + stack.bucket()
              + " of the local stack; published models: "
              + namesUnder(store, stack.bucket(), ObjectKeys.modelsPrefix())
              + ", teachers: "
              + namesUnder(store, stack.bucket(), ObjectKeys.teachersPrefix()));
    } catch (RuntimeException e) {
      if (e instanceof ModelLoadException m) {
        throw m;
      }
      throw new ModelLoadException("cannot list the versions of " + name + ": " + e, e);
    }
  }

  /** {@code version} when listed, the latest when it is null, else null. */
  private static String pick(TreeSet<String> versions, String version) {
    if (version == null) {
      return versions.isEmpty() ? null : versions.last();
    }
    // Equality, not the set's order: that order treats "01" and "1" alike.
    return versions.stream().anyMatch(version::equals) ? version : null;
  }

  /** The versions directly under {@code prefix} ({@code prefix/version/file}). */
  private static TreeSet<String> versionsUnder(ObjectStore store, String bucket, String prefix) {
    TreeSet<String> versions = new TreeSet<>(ModelVersions.ORDER);
    for (ObjectSummary o : store.list(bucket, prefix)) {
      String rest = o.key().substring(prefix.length());
      if (rest.contains("/")) {
        versions.add(rest.substring(0, rest.indexOf('/')));
      }
    }
    return versions;
  }

  /** The names directly under {@code prefix} that hold versions ({@code prefix/name/version/…}). */
  private static TreeSet<String> namesUnder(ObjectStore store, String bucket, String prefix) {
    TreeSet<String> names = new TreeSet<>();
    for (ObjectSummary o : store.list(bucket, prefix)) {
      String[] parts = o.key().split("/");
      if (parts.length == 4) {
        names.add(parts[1]);
      }
    }
    return names;
  }

  private Resolved download(
      StackInfo stack,
      String bucket,
      String prefix,
      String name,
      String version,
      String location,
      Path downloads)
      throws IOException {
    Path dir =
        Files.createDirectories(downloads)
            .resolve(ObjectKeys.id(name) + "-" + ObjectKeys.id(version));
    Files.createDirectories(dir);
    try (ObjectStore store = stores.apply(stack)) {
      List<ObjectSummary> objects = store.list(bucket, prefix);
      int files = 0;
      for (ObjectSummary o : objects) {
        String file = o.key().substring(prefix.length());
        String role = file.contains("/") ? null : ModelFiles.roleOf(file);
        if (role == null) {
          continue;
        }
        StoredObject stat = store.stat(bucket, o.key());
        // Verified against the SHA-256 recorded at upload when there is one.
        boolean verify = stat.sha256() != null && !stat.sha256().isBlank();
        try (InputStream in = store.get(bucket, o.key(), verify)) {
          Files.copy(
              in,
              dir.resolve(ModelFiles.fileName(role)),
              java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        files++;
      }
      if (files == 0) {
        throw new ModelLoadException(
            "no model files under " + location + " (endpoint " + stack.s3Endpoint() + ")");
      }
    } catch (IOException | RuntimeException e) {
      if (e instanceof ModelLoadException m) {
        throw m;
      }
      throw new ModelLoadException("cannot download " + location + ": " + e.getMessage(), e);
    }
    return new Resolved(name, version, dir, location);
  }
}
