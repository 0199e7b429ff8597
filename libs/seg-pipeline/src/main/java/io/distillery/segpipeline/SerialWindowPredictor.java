package io.distillery.segpipeline;

import io.distillery.segml.inferers.WindowPredictor;

/**
 * Runs one engine call at a time on a shared predictor. DJL predictors are not thread-safe, and on
 * CPU one call already uses all intra-op threads, so concurrent requests take turns window batch by
 * window batch instead of over-subscribing the cores. NCDHW in and out, as {@link WindowPredictor}.
 */
final class SerialWindowPredictor implements WindowPredictor {

  private final WindowPredictor delegate;

  SerialWindowPredictor(WindowPredictor delegate) {
    this.delegate = delegate;
  }

  @Override
  public int inChannels() {
    return delegate.inChannels();
  }

  @Override
  public int outChannels() {
    return delegate.outChannels();
  }

  @Override
  public synchronized float[] predict(float[] windows, int batch, int[] roiDHW) {
    return delegate.predict(windows, batch, roiDHW);
  }

  @Override
  public synchronized void close() {
    delegate.close();
  }
}
