package io.distillery.tools.stack;

import io.distillery.contracts.EventCodec;
import io.distillery.contracts.EventType;
import io.distillery.contracts.InvalidEventException;
import io.distillery.contracts.Topics;
import io.distillery.contracts.events.DistilleryEvent;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Every event of the stack as it happens: one background Kafka consumer (its own group, from the
 * beginning of every topic, so events published before it opened are seen too) reads all event
 * topics and their dead-letter twins, decodes and validates each record with {@link EventCodec},
 * and keeps them in memory. Callers wait for an event by type and predicate with a timeout; a
 * {@link FailureWatch} ends the wait early when a failure for the same work arrives instead. Read
 * is at-least-once and in partition order; match events by their ids, never by position.
 */
public final class EventStream implements AutoCloseable {

  /**
   * A decoded event.
   *
   * @param topic its topic
   * @param key the record key (the aggregate id)
   * @param type its catalogue entry
   * @param event the payload
   * @param seenAt when this stream read it
   */
  public record Observed(
      String topic, String key, EventType type, DistilleryEvent event, Instant seenAt) {}

  /**
   * A record a service moved to a dead-letter topic.
   *
   * @param sourceTopic the topic it came from (the dead-letter topic minus {@code .dlq})
   * @param key its key
   * @param reason the {@code dead-letter-reason} header
   * @param seenAt when this stream read it
   */
  public record DeadLetter(String sourceTopic, String key, String reason, Instant seenAt) {}

  private final EventCodec codec = new EventCodec();
  private final KafkaConsumer<String, byte[]> consumer;
  private final Thread poller;
  private final Object lock = new Object();
  private final List<Observed> events = new ArrayList<>();
  private final List<DeadLetter> deadLetters = new ArrayList<>();
  private final List<String> invalid = new ArrayList<>();
  private final List<Consumer<Observed>> listeners = new CopyOnWriteArrayList<>();
  private volatile boolean closed;
  private volatile RuntimeException failure;

  private EventStream(String bootstrapServers) {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    props.put(ConsumerConfig.GROUP_ID_CONFIG, "distillery-tools-" + UUID.randomUUID());
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    // Topics that services create later are picked up within seconds, not the default 5 minutes.
    props.put(ConsumerConfig.METADATA_MAX_AGE_CONFIG, "2000");
    consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
    List<String> topics = new ArrayList<>();
    for (String topic : Topics.all()) {
      topics.add(topic);
      topics.add(Topics.deadLetter(topic));
    }
    consumer.subscribe(topics);
    poller = new Thread(this::poll, "event-stream");
    poller.setDaemon(true);
  }

  /** Opens a stream on the broker at {@code bootstrapServers} and starts reading. */
  public static EventStream open(String bootstrapServers) {
    EventStream stream = new EventStream(bootstrapServers);
    stream.poller.start();
    return stream;
  }

  /** Calls {@code listener} (on the reading thread) for every event read from now on. */
  public void onEvent(Consumer<Observed> listener) {
    listeners.add(listener);
  }

  /** Every event read so far, in reading order. */
  public List<Observed> events() {
    synchronized (lock) {
      return List.copyOf(events);
    }
  }

  /** The events of one type read so far. */
  public <E extends DistilleryEvent> List<E> events(Class<E> type) {
    return events().stream().map(Observed::event).filter(type::isInstance).map(type::cast).toList();
  }

  /** Every dead letter read so far. */
  public List<DeadLetter> deadLetters() {
    synchronized (lock) {
      return List.copyOf(deadLetters);
    }
  }

  /**
   * Waits for the first event of {@code type} that matches.
   *
   * @param what what is awaited, in words, for the error message
   * @throws EventTimeoutException naming {@code what} when none arrives within {@code timeout} or
   *     {@code failure} fires first
   */
  public <E extends DistilleryEvent> E await(
      Class<E> type,
      Predicate<? super E> match,
      Duration timeout,
      String what,
      FailureWatch failure) {
    return awaitAll(type, match, e -> e, 1, timeout, what, failure).get(0);
  }

  /**
   * Waits until {@code count} distinct matching events of {@code type} arrived (distinct by {@code
   * distinctBy}: redelivered duplicates count once), and returns the first of each, in order.
   *
   * @throws EventTimeoutException naming {@code what}, how many arrived, and the failure if one
   *     fired
   */
  public <E extends DistilleryEvent> List<E> awaitAll(
      Class<E> type,
      Predicate<? super E> match,
      Function<? super E, ?> distinctBy,
      int count,
      Duration timeout,
      String what,
      FailureWatch failure) {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (lock) {
      while (true) {
        if (failure != null) {
          for (Observed o : events) {
            Optional<String> reason = failure.onEvent(o);
            if (reason.isPresent()) {
              throw new EventTimeoutException("while waiting for " + what + ": " + reason.get());
            }
          }
          for (DeadLetter d : deadLetters) {
            Optional<String> reason = failure.onDeadLetter(d);
            if (reason.isPresent()) {
              throw new EventTimeoutException("while waiting for " + what + ": " + reason.get());
            }
          }
        }
        Map<Object, E> found = new LinkedHashMap<>();
        for (Observed o : events) {
          if (type.isInstance(o.event())) {
            E e = type.cast(o.event());
            if (match.test(e)) {
              found.putIfAbsent(distinctBy.apply(e), e);
            }
          }
        }
        if (found.size() >= count) {
          return List.copyOf(found.values()).subList(0, count);
        }
        if (this.failure != null) {
          throw new EventTimeoutException(
              "while waiting for " + what + ": the event stream stopped: " + this.failure);
        }
        long left = deadline - System.nanoTime();
        if (left <= 0 || closed) {
          throw new EventTimeoutException(
              "no "
                  + (count == 1 ? "" : count + " ")
                  + what
                  + " within "
                  + timeout.toSeconds()
                  + " s ("
                  + found.size()
                  + " of "
                  + count
                  + " arrived; "
                  + summary()
                  + ")");
        }
        try {
          lock.wait(Math.max(1, Math.min(left / 1_000_000, 1000)));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new EventTimeoutException("interrupted while waiting for " + what);
        }
      }
    }
  }

  /** Counts of the events read per type, dead letters and invalid records, for error messages. */
  public String summary() {
    synchronized (lock) {
      Map<String, Integer> counts = new LinkedHashMap<>();
      for (Observed o : events) {
        counts.merge(o.type().eventName(), 1, Integer::sum);
      }
      StringBuilder b = new StringBuilder("events seen: ").append(counts);
      if (!deadLetters.isEmpty()) {
        DeadLetter last = deadLetters.get(deadLetters.size() - 1);
        b.append("; ")
            .append(deadLetters.size())
            .append(" dead letters, the last from ")
            .append(last.sourceTopic())
            .append(": ")
            .append(last.reason());
      }
      if (!invalid.isEmpty()) {
        b.append("; ").append(invalid.size()).append(" invalid records");
      }
      return b.toString();
    }
  }

  private void poll() {
    try {
      while (!closed) {
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(250))) {
          accept(r);
        }
      }
    } catch (WakeupException e) {
      // close() woke the consumer up
    } catch (RuntimeException e) {
      failure = e;
    } finally {
      consumer.close(Duration.ofSeconds(5));
      synchronized (lock) {
        lock.notifyAll();
      }
    }
  }

  private void accept(ConsumerRecord<String, byte[]> r) {
    Map<String, byte[]> headers = new HashMap<>();
    for (Header h : r.headers()) {
      headers.put(h.key(), h.value());
    }
    Observed observed = null;
    synchronized (lock) {
      if (r.topic().endsWith(Topics.DEAD_LETTER_SUFFIX)) {
        byte[] reason = headers.get(Topics.DEAD_LETTER_REASON_HEADER);
        deadLetters.add(
            new DeadLetter(
                r.topic().substring(0, r.topic().length() - Topics.DEAD_LETTER_SUFFIX.length()),
                r.key(),
                reason == null ? "(no reason header)" : new String(reason, StandardCharsets.UTF_8),
                Instant.now()));
      } else {
        Optional<EventType> type = EventType.ofTopic(r.topic());
        if (type.isPresent()) {
          try {
            DistilleryEvent event =
                codec.decode(headers, r.value(), type.get().recordClass()).event();
            observed = new Observed(r.topic(), r.key(), type.get(), event, Instant.now());
            events.add(observed);
          } catch (InvalidEventException e) {
            invalid.add(r.topic() + "@" + r.offset() + ": " + e.getMessage());
          }
        }
      }
      lock.notifyAll();
    }
    if (observed != null) {
      for (Consumer<Observed> listener : listeners) {
        listener.accept(observed);
      }
    }
  }

  @Override
  public void close() {
    closed = true;
    consumer.wakeup();
    try {
      poller.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
