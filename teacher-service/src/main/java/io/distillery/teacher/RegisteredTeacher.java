package io.distillery.teacher;

import io.distillery.contracts.ObjectRef;
import java.util.Map;

/**
 * A teacher whose manifest and model files are durable in the object store.
 *
 * @param manifest the validated manifest
 * @param manifestRef where the manifest is stored ({@code teachers/{id}/{version}/manifest.json})
 * @param files the model files by role ({@code onnx}, {@code params}, {@code modelCard})
 */
public record RegisteredTeacher(
    TeacherManifest manifest, ObjectRef manifestRef, Map<String, ObjectRef> files) {

  public RegisteredTeacher {
    files = Map.copyOf(files);
  }

  /** {@code teacherId}. */
  public String id() {
    return manifest.teacherId();
  }

  /** {@code version}. */
  public String version() {
    return manifest.version();
  }
}
