package io.distillery.tools.bench;

import static io.distillery.tools.bench.BenchSection.f;

import io.distillery.contracts.EncodedEvent;
import io.distillery.contracts.EventCodec;
import io.distillery.contracts.EventType;
import io.distillery.contracts.events.DistilleryEvent;
import io.distillery.contracts.events.TrainingProgressed;
import io.distillery.devstack.KafkaBroker;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Publish → consume latency of platform events on a real Kafka broker (devstack's in-process KRaft
 * broker): one {@code TrainingProgressed} event at a time (the contracts' example, encoded and
 * validated by {@link EventCodec}), produced as the services do ({@code acks=all}, idempotence on)
 * and consumed and decoded by a consumer polling in its own thread. Latency is from the start of
 * {@code send} to the decoded record in the consumer, on one clock.
 */
final class EventLatency {

  private EventLatency() {}

  static BenchSection measure(int events, int warmup) throws IOException, InterruptedException {
    EventCodec codec = new EventCodec();
    TrainingProgressed example = example(codec);
    try (KafkaBroker broker = KafkaBroker.builder().start()) {
      String servers = broker.bootstrapServers();
      BlockingQueue<Long> received = new ArrayBlockingQueue<>(events + warmup);
      AtomicBoolean stop = new AtomicBoolean();
      String topic = EventType.of(TrainingProgressed.class).topic();
      Thread consumer =
          new Thread(() -> consume(servers, topic, codec, received, stop), "bench-consumer");
      consumer.setDaemon(true);
      consumer.start();
      double[] latencyMs = new double[events];
      try (KafkaProducer<String, byte[]> producer = producer(servers)) {
        for (int i = 0; i < warmup + events; i++) {
          EncodedEvent e = codec.encode(example, "/distillery/bench", null);
          ProducerRecord<String, byte[]> record =
              new ProducerRecord<>(e.topic(), e.key(), e.payload());
          e.headers().forEach((k, v) -> record.headers().add(k, v));
          long t0 = System.nanoTime();
          producer.send(record);
          Long t1 = received.poll(60, TimeUnit.SECONDS);
          if (t1 == null) {
            throw new IllegalStateException("event " + i + " was not consumed within 60 s");
          }
          if (i >= warmup) {
            latencyMs[i - warmup] = (t1 - t0) / 1e6;
          }
        }
      } finally {
        stop.set(true);
        consumer.join(10_000);
      }
      double[] sorted = latencyMs.clone();
      Arrays.sort(sorted);
      double p50 = percentile(sorted, 50);
      double p99 = percentile(sorted, 99);
      return new BenchSection(
              "event latency, publish → consume (real Kafka, in-process KRaft broker)",
              "events",
              "p50 (ms)",
              "p99 (ms)",
              "max (ms)",
              "p99 / p50")
          .row(
              Integer.toString(events),
              f("%.2f", p50),
              f("%.2f", p99),
              f("%.2f", sorted[sorted.length - 1]),
              f("%.2f", p99 / p50))
          .value("events", events)
          .value("p50Ms", p50)
          .value("p99Ms", p99)
          .value("maxMs", sorted[sorted.length - 1])
          .note(
              f(
                  "One %s event at a time (acks=all, idempotent producer; consumer decodes and"
                      + " validates), after %d warm-up events.",
                  TrainingProgressed.class.getSimpleName(), warmup));
    }
  }

  private static TrainingProgressed example(EventCodec codec) throws IOException {
    String resource = "/io/distillery/contracts/examples/TrainingProgressed.json";
    try (InputStream in = EventCodec.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IOException("missing resource " + resource);
      }
      DistilleryEvent e = codec.fromJson(in.readAllBytes(), EventType.of(TrainingProgressed.class));
      return (TrainingProgressed) e;
    }
  }

  private static KafkaProducer<String, byte[]> producer(String servers) {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, servers);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    p.put(ProducerConfig.LINGER_MS_CONFIG, "0");
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    return new KafkaProducer<>(p);
  }

  private static void consume(
      String servers,
      String topic,
      EventCodec codec,
      BlockingQueue<Long> received,
      AtomicBoolean stop) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, servers);
    p.put(ConsumerConfig.GROUP_ID_CONFIG, "bench-latency");
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(p)) {
      consumer.subscribe(List.of(topic));
      while (!stop.get()) {
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(100))) {
          Map<String, byte[]> headers = new HashMap<>();
          for (Header h : r.headers()) {
            headers.put(h.key(), h.value());
          }
          codec.decode(headers, r.value(), TrainingProgressed.class);
          received.add(System.nanoTime());
        }
      }
    }
  }

  /** Linear interpolation between order statistics (numpy's default). */
  static double percentile(double[] sorted, double p) {
    double rank = p / 100 * (sorted.length - 1);
    int lo = (int) Math.floor(rank);
    int hi = (int) Math.ceil(rank);
    return sorted[lo] + (sorted[hi] - sorted[lo]) * (rank - lo);
  }
}
