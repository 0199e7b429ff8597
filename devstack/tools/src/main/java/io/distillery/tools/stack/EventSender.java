package io.distillery.tools.stack;

import io.distillery.contracts.EncodedEvent;
import io.distillery.contracts.EventCodec;
import io.distillery.contracts.events.DistilleryEvent;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Publishes events as an upstream system would: validated payload, key = aggregate id, CloudEvents
 * binary-mode headers, {@code acks=all} with idempotence, and each send awaits the broker's
 * acknowledgement.
 */
public final class EventSender implements AutoCloseable {

  private final EventCodec codec;
  private final String source;
  private final KafkaProducer<String, byte[]> producer;

  /**
   * @param bootstrapServers the broker
   * @param codec validates and encodes
   * @param source CloudEvents source of this tool, e.g. {@code /distillery/tools/demo}
   */
  public EventSender(String bootstrapServers, EventCodec codec, String source) {
    this.codec = codec;
    this.source = source;
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
  }

  /**
   * Sends {@code event} to its topic and waits (30 s at most) for the acknowledgement.
   *
   * @throws StackException when the broker does not acknowledge
   */
  public void send(DistilleryEvent event) {
    EncodedEvent encoded = codec.encode(event, source, null);
    ProducerRecord<String, byte[]> record =
        new ProducerRecord<>(encoded.topic(), encoded.key(), encoded.payload());
    encoded.headers().forEach((name, value) -> record.headers().add(name, value));
    try {
      producer.send(record).get(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StackException("interrupted while sending to " + encoded.topic(), e);
    } catch (ExecutionException | TimeoutException e) {
      throw new StackException(
          "the broker did not acknowledge " + encoded.topic() + " key " + encoded.key() + ": " + e,
          e);
    }
  }

  @Override
  public void close() {
    producer.close();
  }
}
