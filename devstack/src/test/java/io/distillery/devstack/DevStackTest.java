package io.distillery.devstack;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

@ExtendWith(DevStackExtension.class)
class DevStackTest {

  @Test
  void sharedStackIsOneInstanceAndMatchesTheTestResource(DevStack stack) {
    assertThat(DevStackExtension.devStack()).isSameAs(stack);
    assertThat(new DevStackTestResource().start()).isEqualTo(stack.config());
  }

  @Test
  void configAndEnvironmentNameTheSameValues(DevStack stack) {
    assertThat(stack.config())
        .containsEntry("kafka.bootstrap.servers", stack.bootstrapServers())
        .containsEntry("distillery.s3.endpoint", stack.endpoint().toString())
        .containsEntry("distillery.s3.access-key", stack.accessKey())
        .containsEntry("distillery.s3.secret-key", stack.secretKey())
        .containsEntry("distillery.s3.bucket", "distillery")
        .hasSize(5);
    assertThat(stack.environment())
        .containsEntry("KAFKA_BOOTSTRAP_SERVERS", stack.bootstrapServers())
        .containsEntry("DISTILLERY_S3_ENDPOINT", stack.endpoint().toString())
        .containsEntry("DISTILLERY_S3_ACCESS_KEY", stack.accessKey())
        .containsEntry("DISTILLERY_S3_SECRET_KEY", stack.secretKey())
        .containsEntry("DISTILLERY_S3_BUCKET", "distillery")
        .hasSize(5);
    assertThat(stack.bootstrapServers()).startsWith("127.0.0.1:");
    assertThat(stack.endpoint().getHost()).isEqualTo("127.0.0.1");
    assertThat(stack.endpoint().getPort()).isPositive();
  }

  @Test
  void brokerCreatesTopicsAndDeliversRecords(DevStack stack) throws Exception {
    String topic = "devstack-test-" + UUID.randomUUID();
    RecordMetadata sent = produce(stack.bootstrapServers(), topic, "volume-1", "hello");
    assertThat(sent.offset()).isZero();
    assertThat(consume(stack.bootstrapServers(), topic, 1))
        .extracting(ConsumerRecord::key, ConsumerRecord::value)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("volume-1", "hello"));
  }

  @Test
  void s3ServerStoresAndReturnsObjects(DevStack stack) {
    String bucket = "devstack-test-" + UUID.randomUUID();
    try (S3Client s3 = s3Client(stack.endpoint(), stack.accessKey(), stack.secretKey())) {
      s3.createBucket(b -> b.bucket(bucket));
      s3.putObject(
          b -> b.bucket(bucket).key("a/b.txt").metadata(Map.of("sha256", "abc")),
          RequestBody.fromString("content", StandardCharsets.UTF_8));
      assertThat(s3.getObjectAsBytes(b -> b.bucket(bucket).key("a/b.txt")).asUtf8String())
          .isEqualTo("content");
      assertThat(s3.headObject(b -> b.bucket(bucket).key("a/b.txt")).metadata())
          .containsEntry("sha256", "abc");
    }
  }

  @Test
  void persistentStateSurvivesARestart(@TempDir Path state) throws Exception {
    String topic = "persisted";
    try (DevStack first = DevStack.builder().stateDir(state).start()) {
      produce(first.bootstrapServers(), topic, "k", "kept");
      try (S3Client s3 = s3Client(first.endpoint(), first.accessKey(), first.secretKey())) {
        s3.createBucket(b -> b.bucket("kept"));
        s3.putObject(b -> b.bucket("kept").key("x"), RequestBody.fromString("still here"));
      }
    }
    assertThat(state.resolve("kafka")).isDirectory();
    assertThat(state.resolve("s3").resolve("kept")).isDirectory();

    try (DevStack second = DevStack.builder().stateDir(state).start()) {
      assertThat(consume(second.bootstrapServers(), topic, 1))
          .extracting(ConsumerRecord::value)
          .containsExactly("kept");
      try (S3Client s3 = s3Client(second.endpoint(), second.accessKey(), second.secretKey())) {
        assertThat(s3.getObjectAsBytes(b -> b.bucket("kept").key("x")).asUtf8String())
            .isEqualTo("still here");
      }
    }
  }

  static RecordMetadata produce(String bootstrap, String topic, String key, String value)
      throws Exception {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(p)) {
      return producer.send(new ProducerRecord<>(topic, key, value)).get();
    }
  }

  static List<ConsumerRecord<String, String>> consume(String bootstrap, String topic, int count) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ConsumerConfig.GROUP_ID_CONFIG, "devstack-test-" + UUID.randomUUID());
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    List<ConsumerRecord<String, String>> records = new ArrayList<>();
    try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(p)) {
      consumer.subscribe(List.of(topic));
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (records.size() < count && System.nanoTime() < deadline) {
        consumer.poll(Duration.ofMillis(200)).forEach(records::add);
      }
    }
    return records;
  }

  static S3Client s3Client(URI endpoint, String accessKey, String secretKey) {
    return S3Client.builder()
        .endpointOverride(endpoint)
        .region(Region.US_EAST_1)
        .forcePathStyle(true)
        .credentialsProvider(
            StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKey, secretKey)))
        .build();
  }
}
