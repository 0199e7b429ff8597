package io.distillery.tools.stack;

import com.fasterxml.jackson.databind.JsonNode;
import io.distillery.contracts.ObjectRef;
import io.distillery.objectstore.ObjectStore;
import java.io.IOException;
import java.io.InputStream;

/**
 * Reads the objects events point at (claim-check references) from the stack's S3 server through
 * libs/object-store, with the stored SHA-256 verified.
 */
public final class StackObjects {

  private final ObjectStore store;

  StackObjects(ObjectStore store) {
    this.store = store;
  }

  /** The object store itself, for listings and other reads. */
  public ObjectStore store() {
    return store;
  }

  /** The bytes of a referenced object. */
  public byte[] bytes(ObjectRef ref) {
    return bytes(ref.bucket(), ref.key());
  }

  /** The bytes of an object. */
  public byte[] bytes(String bucket, String key) {
    try (InputStream in = store.get(bucket, key, true)) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new StackException("cannot read s3://" + bucket + "/" + key + ": " + e, e);
    }
  }

  /** A referenced JSON object. */
  public JsonNode json(ObjectRef ref) {
    try {
      return RestClient.JSON.readTree(bytes(ref));
    } catch (IOException e) {
      throw new StackException("s3://" + ref.bucket() + "/" + ref.key() + " is not JSON", e);
    }
  }
}
