package io.distillery.devstack;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Reads and writes raw records on the devstack broker, for tests that check what a service
 * published or feed it what an upstream system would. Reading is exact, not time-based: it reads
 * every partition from the beginning up to the end offsets taken when the call starts.
 */
public final class TopicProbe {

  private final String bootstrapServers;

  public TopicProbe(String bootstrapServers) {
    this.bootstrapServers = bootstrapServers;
  }

  /** A probe on the JVM's shared devstack. */
  public static TopicProbe shared() {
    return new TopicProbe(SharedDevStack.get().bootstrapServers());
  }

  /** Every record of {@code topic} written so far (empty when the topic does not exist). */
  public List<ConsumerRecord<String, byte[]>> readAll(String topic) {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    props.put(ConsumerConfig.GROUP_ID_CONFIG, "probe-" + UUID.randomUUID());
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    props.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
    try (KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
      List<PartitionInfo> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(10));
      List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
      if (partitions == null || partitions.isEmpty()) {
        return records;
      }
      List<TopicPartition> tps =
          partitions.stream().map(p -> new TopicPartition(topic, p.partition())).toList();
      consumer.assign(tps);
      consumer.seekToBeginning(tps);
      Map<TopicPartition, Long> end = consumer.endOffsets(tps);
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (tps.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
        if (System.nanoTime() > deadline) {
          throw new DevStackException("timed out reading " + topic + " to its end offsets");
        }
        consumer.poll(Duration.ofMillis(200)).forEach(records::add);
      }
      return records;
    }
  }

  /** Sends one record and waits for the broker's acknowledgement. */
  public void send(String topic, String key, Map<String, byte[]> headers, byte[] payload) {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer())) {
      ProducerRecord<String, byte[]> record = new ProducerRecord<>(topic, key, payload);
      headers.forEach((name, value) -> record.headers().add(name, value));
      producer.send(record).get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DevStackException("interrupted while sending to " + topic, e);
    } catch (ExecutionException e) {
      throw new DevStackException("could not send to " + topic, e.getCause());
    }
  }
}
