package io.distillery.inference;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A request's hold on a {@link LoadedModel}: while open, the model's predictors stay usable even if
 * a newer version replaces it. Closing twice is harmless.
 */
public final class ModelLease implements AutoCloseable {

  private final LoadedModel model;
  private final AtomicBoolean open = new AtomicBoolean(true);

  ModelLease(LoadedModel model) {
    this.model = model;
  }

  public LoadedModel model() {
    if (!open.get()) {
      throw new IllegalStateException("lease on " + model + " already closed");
    }
    return model;
  }

  @Override
  public void close() {
    if (open.compareAndSet(true, false)) {
      model.releaseLease();
    }
  }
}
