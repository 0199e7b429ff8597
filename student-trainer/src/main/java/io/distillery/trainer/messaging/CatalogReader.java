package io.distillery.trainer.messaging;

import io.distillery.contracts.EventCodec;
import io.distillery.contracts.InvalidEventException;
import io.distillery.contracts.Topics;
import io.distillery.contracts.events.DistilleryEvent;
import io.distillery.contracts.events.TeacherOutputsProduced;
import io.distillery.contracts.events.VolumeIngested;
import io.distillery.trainer.training.DataIndex;
import io.distillery.trainer.training.TrainingException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Rebuilds the trainer's {@link DataIndex} from the event log when a job starts: a plain consumer
 * with no group assigns every partition of {@code volume.ingested} and {@code
 * teacher-outputs.produced}, seeks to the beginning and reads up to the end offsets taken at the
 * start. The log is the source of truth; there is no second store to keep consistent, and a job
 * sees exactly what was published before it started. Invalid records are skipped (their producers'
 * consumers dead-letter them).
 */
@ApplicationScoped
public class CatalogReader {
  private static final Logger LOG = Logger.getLogger(CatalogReader.class);

  @Inject EventCodec codec;

  @ConfigProperty(name = "kafka.bootstrap.servers")
  String bootstrapServers;

  /** A fresh index of everything published so far. */
  public DataIndex read() {
    List<VolumeIngested> volumes = readAll(Topics.VOLUME_INGESTED, VolumeIngested.class);
    List<TeacherOutputsProduced> outputs =
        readAll(Topics.TEACHER_OUTPUTS_PRODUCED, TeacherOutputsProduced.class);
    DataIndex index = new DataIndex(volumes, outputs);
    LOG.infof("catalogue rebuilt from the topics: %s", index.summary());
    return index;
  }

  private <T extends DistilleryEvent> List<T> readAll(String topic, Class<T> type) {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    props.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
    List<T> events = new ArrayList<>();
    try (KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
      List<PartitionInfo> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(10));
      if (partitions == null || partitions.isEmpty()) {
        return events;
      }
      List<TopicPartition> tps =
          partitions.stream().map(p -> new TopicPartition(topic, p.partition())).toList();
      consumer.assign(tps);
      consumer.seekToBeginning(tps);
      Map<TopicPartition, Long> end = consumer.endOffsets(tps);
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (tps.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
        if (System.nanoTime() > deadline) {
          throw new TrainingException("timed out reading " + topic + " to its end offsets");
        }
        for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
          if (record.offset() >= end.get(new TopicPartition(topic, record.partition()))) {
            continue;
          }
          Map<String, byte[]> headers = new HashMap<>();
          for (Header h : record.headers()) {
            headers.put(h.key(), h.value());
          }
          try {
            events.add(codec.decode(headers, record.value(), type).event());
          } catch (InvalidEventException e) {
            LOG.debugf("skipping an invalid record of %s: %s", topic, e.getMessage());
          }
        }
      }
    }
    return events;
  }
}
