package io.distillery.tools.stack;

import io.distillery.contracts.EventCodec;
import io.distillery.objectstore.ObjectStore;
import java.nio.file.Path;

/**
 * A client of the running local stack: the REST API of each service, every event on Kafka, and the
 * objects in S3. One per tool run; close it at the end.
 *
 * <pre>{@code
 * try (Stack stack = Stack.connect(StackInfo.read(root))) {
 *   var upload = stack.ingest().upload("btcv-liver", "btcv_00", "CT", "train", image, label, names);
 *   var job = stack.trainer().submit(spec);
 *   var published = stack.events().await(TeacherModelPublished.class,
 *       e -> e.jobId().equals(jobId), Duration.ofMinutes(10), "TeacherModelPublished of " + jobId,
 *       FailureWatch.jobFailed(jobId));
 * }
 * }</pre>
 */
public final class Stack implements AutoCloseable {

  /** Service names as the launcher writes them to stack.json. */
  public static final String INGEST = "ingest-service";

  public static final String TEACHER = "teacher-service";
  public static final String TRAINER = "student-trainer";
  public static final String INFERENCE = "inference-service";

  private final StackInfo info;
  private final EventCodec codec = new EventCodec();
  private final IngestClient ingest;
  private final TeacherClient teachers;
  private final TrainerClient trainer;
  private final InferenceClient inference;
  private final EventStream events;
  private final ObjectStore store;
  private final StackObjects objects;
  private EventSender sender;

  private Stack(StackInfo info) {
    this.info = info;
    this.ingest = new IngestClient(new RestClient(INGEST, info.service(INGEST)), codec);
    this.teachers = new TeacherClient(new RestClient(TEACHER, info.service(TEACHER)));
    this.trainer = new TrainerClient(new RestClient(TRAINER, info.service(TRAINER)));
    this.inference = new InferenceClient(new RestClient(INFERENCE, info.service(INFERENCE)));
    this.store = info.objectStore();
    this.objects = new StackObjects(store);
    this.events = EventStream.open(info.bootstrapServers());
  }

  /** Connects to the stack described by {@code info} and starts reading its events. */
  public static Stack connect(StackInfo info) {
    return new Stack(info);
  }

  /** Connects to the stack running under {@code root} ({@code root/.distillery/stack.json}). */
  public static Stack connect(Path root) {
    return connect(StackInfo.read(root));
  }

  public StackInfo info() {
    return info;
  }

  /** The event codec (schemas validated in both directions). */
  public EventCodec codec() {
    return codec;
  }

  public IngestClient ingest() {
    return ingest;
  }

  public TeacherClient teachers() {
    return teachers;
  }

  public TrainerClient trainer() {
    return trainer;
  }

  public InferenceClient inference() {
    return inference;
  }

  public EventStream events() {
    return events;
  }

  public StackObjects objects() {
    return objects;
  }

  /** A producer of events as {@code source} (created on first use, closed with this stack). */
  public synchronized EventSender sender(String source) {
    if (sender == null) {
      sender = new EventSender(info.bootstrapServers(), codec, source);
    }
    return sender;
  }

  @Override
  public synchronized void close() {
    if (sender != null) {
      sender.close();
    }
    events.close();
    try {
      store.close();
    } catch (Exception e) {
      // closing an HTTP client pool: nothing left to do with the error
    }
  }
}
