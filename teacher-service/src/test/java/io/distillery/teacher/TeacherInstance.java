package io.distillery.teacher;

import io.distillery.contracts.EventCodec;
import io.distillery.contracts.events.VolumeIngested;
import io.distillery.objectstore.MinioObjectStore;
import io.distillery.objectstore.ObjectStore;
import io.distillery.objectstore.OutageRetry;
import io.distillery.objectstore.S3Settings;
import io.distillery.teacher.service.TeacherOutputService;
import io.distillery.teacher.service.TeacherRegistry;
import io.distillery.teacher.service.TeacherRunner;
import java.net.URI;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * One teacher-service instance outside Quarkus: its own object-store client, registry, runner and
 * {@link TeacherOutputService}, a Kafka consumer in the shared group (one record per poll, offset
 * committed after the outputs are announced, as the service's connector does), and a producer
 * announcing to the outputs topic. {@link #crashAfter} makes it stop without committing, as a
 * killed process would.
 */
final class TeacherInstance implements AutoCloseable {

  final String name;
  final List<TeacherOutputService.Outcome> outcomes = new CopyOnWriteArrayList<>();
  final List<String> volumes = new CopyOnWriteArrayList<>();
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final Thread thread;
  private final ObjectStore store;
  private final TeacherRunner runner;
  private final KafkaProducer<String, byte[]> producer;
  private volatile int crashAfter = Integer.MAX_VALUE;
  private final java.util.concurrent.CountDownLatch go;
  private volatile int assignedPartitions;

  TeacherInstance(
      String name,
      String bootstrap,
      URI s3,
      String accessKey,
      String secretKey,
      String bucket,
      String group,
      String inTopic,
      String outTopic,
      java.util.concurrent.CountDownLatch go) {
    this.name = name;
    this.go = go;
    EventCodec codec = new EventCodec();
    this.store = MinioObjectStore.create(S3Settings.of(s3, accessKey, secretKey));
    this.runner = new TeacherRunner(store, 1, 2);
    this.producer = TestVolumes.producer(bootstrap);
    TeacherOutputService outputs =
        new TeacherOutputService(
            store,
            bucket,
            codec,
            new TeacherRegistry(store, bucket),
            runner,
            (event, traceparent) -> {
              try {
                TestVolumes.send(producer, outTopic, codec.encode(event, "/test/" + name, null));
              } catch (Exception e) {
                throw new IllegalStateException("announcement not acknowledged", e);
              }
            });
    OutageRetry retry = new OutageRetry(3, Duration.ofMillis(200));
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ConsumerConfig.GROUP_ID_CONFIG, group);
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "1");
    thread =
        new Thread(
            () -> {
              try (KafkaConsumer<String, byte[]> consumer =
                  new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer())) {
                consumer.subscribe(
                    List.of(inTopic),
                    new ConsumerRebalanceListener() {
                      @Override
                      public void onPartitionsRevoked(Collection<TopicPartition> partitions) {}

                      @Override
                      public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                        assignedPartitions = consumer.assignment().size();
                        if (go.getCount() > 0) {
                          consumer.pause(partitions); // held until the test opens the gate
                        }
                      }
                    });
                boolean paused = true;
                while (running.get()) {
                  if (paused && go.getCount() == 0) {
                    consumer.resume(consumer.assignment());
                    paused = false;
                  }
                  for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                    Map<String, byte[]> headers = new HashMap<>();
                    for (Header h : r.headers()) {
                      headers.put(h.key(), h.value());
                    }
                    VolumeIngested event =
                        codec.decode(headers, r.value(), VolumeIngested.class).event();
                    outcomes.addAll(
                        retry.call(
                            "volume " + event.volumeId(),
                            () -> outputs.processVolume(event, null)));
                    volumes.add(event.volumeId());
                    if (volumes.size() >= crashAfter) {
                      running.set(false); // killed before committing this record
                      return;
                    }
                    consumer.commitSync(
                        Map.of(
                            new TopicPartition(r.topic(), r.partition()),
                            new OffsetAndMetadata(r.offset() + 1)));
                  }
                }
              } catch (Exception e) {
                throw new IllegalStateException(name + " failed", e);
              }
            },
            name);
  }

  TeacherInstance crashAfter(int records) {
    this.crashAfter = records;
    return this;
  }

  TeacherInstance start() {
    thread.start();
    return this;
  }

  /** Partitions assigned at the last rebalance. */
  int assignedPartitions() {
    return assignedPartitions;
  }

  boolean isRunning() {
    return thread.isAlive();
  }

  @Override
  public void close() throws InterruptedException {
    running.set(false);
    thread.join(30_000);
    runner.close();
    producer.close();
    store.close();
  }
}
