package io.distillery.segml.transforms;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * Runs a {@link PatchSampler} on one background daemon thread, keeping up to {@code capacity}
 * patches ready in a bounded queue so that a training step rarely waits for data. The patch order
 * equals the wrapped sampler's, so runs stay reproducible. A sampler failure is rethrown by {@link
 * #take()}.
 */
public final class PrefetchingSampler implements AutoCloseable {
  private final BlockingQueue<Object> queue;
  private final Thread worker;
  private volatile boolean closed;

  /** Starts prefetching from {@code sampler}. */
  public PrefetchingSampler(PatchSampler sampler, int capacity) {
    this.queue = new ArrayBlockingQueue<>(capacity);
    this.worker =
        new Thread(
            () -> {
              try {
                while (!closed) {
                  queue.put(sampler.next());
                }
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              } catch (RuntimeException | Error e) {
                queue.offer(e);
              }
            },
            "patch-prefetch");
    worker.setDaemon(true);
    worker.start();
  }

  /** The next patch, waiting if none is ready. */
  public Patch take() throws InterruptedException {
    if (closed) {
      throw new IllegalStateException("sampler is closed");
    }
    Object next = queue.take();
    if (next instanceof Throwable t) {
      closed = true;
      throw new SamplerException("patch sampling failed", t);
    }
    return (Patch) next;
  }

  /** Patches ready now. */
  public int ready() {
    return queue.size();
  }

  @Override
  public void close() throws InterruptedException {
    closed = true;
    worker.interrupt();
    worker.join(10_000);
  }

  /** The background sampler failed. */
  public static final class SamplerException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    SamplerException(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
