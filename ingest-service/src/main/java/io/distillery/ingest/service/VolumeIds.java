package io.distillery.ingest.service;

/**
 * Volume ids derive from content: the dataset id and the SHA-256 of the image and label bytes. The
 * same bytes submitted twice (to the same dataset) get the same id.
 */
final class VolumeIds {

  private VolumeIds() {}

  static String of(String datasetId, String imageSha256, String labelSha256) {
    return "vol-"
        + Sha256Files.of(datasetId + "\n" + imageSha256 + "\n" + labelSha256).substring(0, 32);
  }
}
