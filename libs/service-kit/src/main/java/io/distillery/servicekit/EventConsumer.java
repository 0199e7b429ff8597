package io.distillery.servicekit;

import io.distillery.contracts.DecodedEvent;
import io.distillery.contracts.EventCodec;
import io.distillery.contracts.InvalidEventException;
import io.distillery.contracts.events.DistilleryEvent;
import io.distillery.objectstore.ObjectStoreException;
import io.distillery.objectstore.ObjectStoreUnavailableException;
import io.distillery.objectstore.OutageRetry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.jboss.logging.Logger;

/**
 * The one way every service consumes an event, so that no record can stop a channel: decode and
 * validate (a bad record is dead-lettered with the reason), run the handler, wait out an
 * object-store outage with {@link OutageRetry} (then dead-letter), and dead-letter any other
 * failure with its reason instead of throwing it: under SmallRye's default {@code fail} strategy a
 * thrown exception would stop consumption of every partition for good. Dead letters go to {@code
 * <topic>.dlq} with the record unchanged and the reason in a header ({@link
 * EventPublisher#deadLetter}).
 */
@ApplicationScoped
public class EventConsumer {

  private static final Logger LOG = Logger.getLogger(EventConsumer.class);

  /** Failures any bad record may cause; anything else not named by the consumer is a bug. */
  private static final List<Class<? extends Exception>> BAD_RECORD =
      List.of(
          InvalidEventException.class,
          IllegalArgumentException.class,
          ObjectStoreException.class,
          IOException.class,
          UncheckedIOException.class);

  private static final long MAX_DEAD_LETTER_DELAY_MS = 30_000;

  @Inject EventCodec codec;
  @Inject EventPublisher publisher;
  @Inject OutageRetry retry;

  /** What a consumer does with one decoded, schema-valid event. */
  @FunctionalInterface
  public interface Handler<E extends DistilleryEvent> {
    /** Handles the event; throwing dead-letters the record (after retries for an outage). */
    void handle(DecodedEvent<E> event) throws Exception;
  }

  /**
   * Consumes {@code record} as a {@code type} event with {@code handler}; returns normally whatever
   * happens, except when the thread is interrupted (the service is stopping).
   *
   * @param expected the consumer's own exceptions that mean a bad record (logged as a dead letter
   *     only); other unexpected failures are dead-lettered too, and logged as errors with the trace
   */
  public <E extends DistilleryEvent> void consume(
      ConsumerRecord<String, byte[]> record,
      Class<E> type,
      Handler<E> handler,
      List<Class<? extends Exception>> expected)
      throws InterruptedException {
    Map<String, byte[]> headers = new LinkedHashMap<>();
    for (Header h : record.headers()) {
      headers.put(h.key(), h.value());
    }
    try {
      DecodedEvent<E> decoded = codec.decode(headers, record.value(), type);
      retry.run(record.topic() + " key " + record.key(), () -> handler.handle(decoded));
    } catch (InterruptedException e) {
      throw e;
    } catch (ObjectStoreUnavailableException e) {
      deadLetter(record, headers, retry.exhaustedReason(e));
    } catch (Exception e) {
      if (!isAny(e, BAD_RECORD) && !isAny(e, expected)) {
        LOG.errorf(
            e, "unexpected failure on %s key %s; dead-lettering", record.topic(), record.key());
      }
      deadLetter(record, headers, reason(e));
    }
  }

  /** {@link #consume(ConsumerRecord, Class, Handler, List)} with no exceptions of its own. */
  public <E extends DistilleryEvent> void consume(
      ConsumerRecord<String, byte[]> record, Class<E> type, Handler<E> handler)
      throws InterruptedException {
    consume(record, type, handler, List.of());
  }

  /** The dead-letter reason of a failure: its type and message. */
  public static String reason(Exception e) {
    return e.getClass().getSimpleName() + ": " + e.getMessage();
  }

  /**
   * Sends the dead letter, retrying (1 s doubling, at most 30 s apart) while the broker refuses it:
   * the record is acknowledged only once its dead letter is durable, so nothing is lost while the
   * dead-letter topic is unavailable.
   */
  private void deadLetter(
      ConsumerRecord<String, byte[]> record, Map<String, byte[]> headers, String reason)
      throws InterruptedException {
    long delayMs = 1000;
    while (true) {
      try {
        publisher.deadLetter(record.topic(), record.key(), headers, record.value(), reason);
        return;
      } catch (RuntimeException e) {
        LOG.warnf(
            "dead letter of %s key %s not accepted (%s); retrying in %d ms",
            record.topic(), record.key(), e.getMessage(), delayMs);
        Thread.sleep(delayMs);
        delayMs = Math.min(2 * delayMs, MAX_DEAD_LETTER_DELAY_MS);
      }
    }
  }

  private static boolean isAny(Exception e, List<Class<? extends Exception>> types) {
    return types.stream().anyMatch(t -> t.isInstance(e));
  }
}
