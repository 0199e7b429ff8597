package io.distillery.teacher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.distillery.contracts.EventCodec;
import io.distillery.contracts.ObjectKeys;
import io.distillery.contracts.events.TeacherOutputsProduced;
import io.distillery.contracts.events.VolumeIngested;
import io.distillery.devstack.DevStack;
import io.distillery.devstack.DevStackExtension;
import io.distillery.objectstore.MinioObjectStore;
import io.distillery.objectstore.ObjectStore;
import io.distillery.objectstore.S3Settings;
import io.distillery.teacher.service.TeacherOutputService.Outcome;
import io.distillery.teacher.service.TeacherRegistry;
import io.distillery.teacher.service.TeacherRunner;
import io.distillery.tensorcodec.ProbabilityEncoding;
import io.distillery.tensorcodec.TensorCodec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Scale-out: instances share the work through one consumer group (key = volume id). Instance 1
 * starts alone and is killed after its second volume, before committing that offset; instances 2
 * and 3 then share the partitions. One volume's soft labels were stored by an earlier attempt that
 * never announced them. Every volume must end with exactly one TeacherOutputsProduced.
 */
@ExtendWith(DevStackExtension.class)
class TwoInstancesExactlyOnceTest {

  static final int VOLUMES = 8;

  @Test
  void everyVolumeIsProducedAndAnnouncedOnceAcrossACrashAndARebalance(DevStack stack)
      throws Exception {
    String run = UUID.randomUUID().toString().substring(0, 8);
    String bucket = "scale-" + run;
    String inTopic = "test.volume.ingested." + run;
    String outTopic = "test.teacher-outputs.produced." + run;
    String group = "teacher-scale-" + run;
    try (Admin admin =
        Admin.create(
            Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers()))) {
      admin
          .createTopics(
              List.of(new NewTopic(inTopic, 4, (short) 1), new NewTopic(outTopic, 1, (short) 1)))
          .all()
          .get();
    }
    EventCodec codec = new EventCodec();
    List<VolumeIngested> volumes = new ArrayList<>();
    TeacherManifest manifest = TinyTeacher.manifest("scale-teacher", "1", List.of("scale"), 4, 1);
    try (ObjectStore store =
        MinioObjectStore.create(
            S3Settings.of(stack.endpoint(), stack.accessKey(), stack.secretKey()))) {
      store.ensureBucket(bucket);
      RegisteredTeacher teacher =
          new TeacherRegistry(store, bucket)
              .register(manifest, Map.of("onnx", TinyTeacher.onnx(42)));
      for (int i = 0; i < VOLUMES; i++) {
        volumes.add(
            TestVolumes.store(
                store,
                bucket,
                "vol-" + i,
                "scale",
                "case-" + i,
                TestVolumes.synthetic(i, 40, 36, 24)));
      }
      // An earlier attempt stored vol-5's soft labels and died before announcing them.
      try (TeacherRunner runner = new TeacherRunner(store, 1, 2)) {
        SoftLabels labels = runner.run(teacher, TestVolumes.synthetic(5, 40, 36, 24));
        store.put(
            bucket,
            ObjectKeys.teacherSoftLabels("scale-teacher", "1", "vol-5"),
            TensorCodec.encodeProbabilities(
                labels.data(), labels.codecShape(), ProbabilityEncoding.standard()),
            "application/x-distillery-tensor");
      }
    }
    try (KafkaProducer<String, byte[]> producer = TestVolumes.producer(stack.bootstrapServers())) {
      for (VolumeIngested v : volumes) {
        TestVolumes.send(producer, inTopic, codec.encode(v, "/test/ingest", null));
      }
    }

    List<TeacherInstance> instances = new ArrayList<>();
    try {
      TeacherInstance first =
          instance("instance-1", stack, bucket, group, inTopic, outTopic, new CountDownLatch(0));
      instances.add(first.crashAfter(2).start());
      await().atMost(Duration.ofMinutes(1)).until(() -> !first.isRunning());
      // Both survivors join the group before either may work, so they split the partitions.
      CountDownLatch go = new CountDownLatch(1);
      TeacherInstance second = instance("instance-2", stack, bucket, group, inTopic, outTopic, go);
      TeacherInstance third = instance("instance-3", stack, bucket, group, inTopic, outTopic, go);
      instances.add(second.start());
      instances.add(third.start());
      await()
          .atMost(Duration.ofMinutes(1))
          .until(() -> second.assignedPartitions() == 2 && third.assignedPartitions() == 2);
      go.countDown();
      await()
          .atMost(Duration.ofMinutes(2))
          .until(() -> announced(stack, outTopic, codec).size() >= VOLUMES);
      // Give a duplicate (if any) time to arrive before counting.
      Thread.sleep(2000);
      List<TeacherOutputsProduced> events = announced(stack, outTopic, codec);
      Map<String, Long> perVolume =
          events.stream()
              .collect(
                  Collectors.groupingBy(TeacherOutputsProduced::volumeId, Collectors.counting()));
      for (TeacherInstance i : instances) {
        System.out.printf("%s processed %s: %s%n", i.name, i.volumes, i.outcomes);
      }
      System.out.println("announcements per volume: " + perVolume);
      assertThat(perVolume)
          .hasSize(VOLUMES)
          .allSatisfy((volume, count) -> assertThat(count).isEqualTo(1L));
      List<Outcome> all = instances.stream().flatMap(i -> i.outcomes.stream()).toList();
      assertThat(second.volumes).as("instance-2 did part of the work").isNotEmpty();
      assertThat(third.volumes).as("instance-3 did part of the work").isNotEmpty();
      // The crashed instance's uncommitted volume was delivered again and found finished.
      assertThat(all).contains(Outcome.ALREADY_DONE);
      assertThat(all).containsOnlyOnce(Outcome.ANNOUNCED_EXISTING);
      assertThat(all.stream().filter(o -> o == Outcome.PRODUCED)).hasSize(VOLUMES - 1);
    } finally {
      for (TeacherInstance i : instances) {
        i.close();
      }
    }
  }

  private static TeacherInstance instance(
      String name,
      DevStack stack,
      String bucket,
      String group,
      String in,
      String out,
      CountDownLatch go) {
    return new TeacherInstance(
        name,
        stack.bootstrapServers(),
        stack.endpoint(),
        stack.accessKey(),
        stack.secretKey(),
        bucket,
        group,
        in,
        out,
        go);
  }

  private static List<TeacherOutputsProduced> announced(
      DevStack stack, String topic, EventCodec codec) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
    p.put(ConsumerConfig.GROUP_ID_CONFIG, "reader-" + UUID.randomUUID());
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    List<TeacherOutputsProduced> events = new ArrayList<>();
    try (KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer())) {
      consumer.subscribe(List.of(topic));
      long deadline = System.nanoTime() + Duration.ofSeconds(4).toNanos();
      while (System.nanoTime() < deadline) {
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          Map<String, byte[]> headers = new HashMap<>();
          for (Header h : r.headers()) {
            headers.put(h.key(), h.value());
          }
          events.add(codec.decode(headers, r.value(), TeacherOutputsProduced.class).event());
        }
      }
    }
    return events;
  }
}
