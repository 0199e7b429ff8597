package io.distillery.objectstore;

/** The bucket or the object does not exist. */
public class ObjectNotFoundException extends ObjectStoreException {
  private static final long serialVersionUID = 1L;

  private final String bucket;
  private final String key;

  public ObjectNotFoundException(String bucket, String key, Throwable cause) {
    super("object not found: s3://" + bucket + "/" + key, cause);
    this.bucket = bucket;
    this.key = key;
  }

  public String bucket() {
    return bucket;
  }

  public String key() {
    return key;
  }
}
