package io.catalogingest.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import io.catalogingest.schemas.ItemOutcomes;
import io.catalogingest.schemas.OutcomeBatch;
import io.catalogingest.schemas.RecordHeaders;
import io.catalogingest.schemas.Stage;
import io.catalogingest.schemas.Topics;
import io.catalogingest.schemas.UploadAccepted;
import io.catalogingest.schemas.serde.AvroSerializer;
import io.catalogingest.schemas.serde.SchemaRegistryClient;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * Poison on the outcomes topic, through the real broker and registry: garbage bytes, a record
 * without a key and one with a schema id the registry does not know. The fold sends each to the
 * status dead-letter topic and goes on: status queries answer 200 throughout, and the good
 * records behind the poison finish the upload.
 */
class StatusPoisonTest {
    private static final AvroSerializer<SpecificRecord> AVRO = new AvroSerializer<>(new SchemaRegistryClient(Pipeline.infra().registry.url()));

    @Test
    void poisonRecordsAreDeadLetteredWhileQueriesKeepAnswering() throws Exception {
        String uploadId = UUID.randomUUID().toString();
        String merchant = "m-poison-" + uploadId.substring(0, 8);
        String key = Pipeline.stack().createMerchant(merchant, "Poison");
        String url = Pipeline.stack().statusUrl() + "/v1/uploads/" + uploadId;
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, Pipeline.infra().kafka.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(Topics.UPLOADS, uploadId,
                    AVRO.serialize(Topics.UPLOADS, new UploadAccepted(uploadId, merchant, 1, 0, Instant.now(), null, null)))).get(10, TimeUnit.SECONDS);
            await().atMost(Duration.ofSeconds(30)).until(() -> Pipeline.get(url, key).status() == 200);

            AtomicBoolean polling = new AtomicBoolean(true);
            AtomicInteger answers = new AtomicInteger();
            AtomicInteger notOk = new AtomicInteger();
            Thread poller = new Thread(() -> {
                while (polling.get()) {
                    int status = Pipeline.get(url, key).status();
                    answers.incrementAndGet();
                    if (status != 200) {
                        notOk.incrementAndGet();
                    }
                }
            }, "status-poller");
            poller.start();
            try {
                ItemOutcomes good = new OutcomeBatch(uploadId, Stage.CATALOG).succeeded(0).records().get(0);
                String garbage = send(producer, uploadId, "not avro at all".getBytes(StandardCharsets.UTF_8));
                String keyless = send(producer, null, AVRO.serialize(Topics.OUTCOMES, good));
                String unknownSchema = send(producer, uploadId, ByteBuffer.allocate(6)
                        .put((byte) 0).putInt(987_654_321).put((byte) 0).array()); // magic byte, schema id, one byte
                int before = answers.get();
                send(producer, uploadId, AVRO.serialize(Topics.OUTCOMES, good));
                send(producer, uploadId, AVRO.serialize(Topics.OUTCOMES, new OutcomeBatch(uploadId, Stage.IMAGES).succeeded(0)
                        .records().get(0)));

                // The good records sit behind the poison in the upload's partition: DONE means the fold passed it.
                await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                        .until(() -> "DONE".equals(Pipeline.get(url, key).body().path("status").asText()));
                assertThat(answers.get()).as("queries while the poison was folded").isGreaterThan(before);

                List<ConsumerRecord<String, byte[]>> deadLetters = await().atMost(Duration.ofSeconds(30)).until(
                        () -> TopicReader.readCommitted(Topics.STATUS_DEAD_LETTERS).stream()
                                .filter(r -> Topics.OUTCOMES.equals(RecordHeaders.string(r.headers(), RecordHeaders.ORIGIN_TOPIC)))
                                .filter(r -> List.of(garbage, keyless, unknownSchema).contains(
                                        RecordHeaders.string(r.headers(), RecordHeaders.ORIGIN_PARTITION) + "@"
                                                + RecordHeaders.string(r.headers(), RecordHeaders.ORIGIN_OFFSET)))
                                .toList(),
                        found -> found.size() == 3);
                assertThat(deadLetters).extracting(r -> RecordHeaders.string(r.headers(), RecordHeaders.ERROR_CODE))
                        .containsExactlyInAnyOrder("UNREADABLE_RECORD", "UNFOLDABLE_RECORD", "UNREADABLE_RECORD");
                assertThat(deadLetters).filteredOn(r -> r.key() == null).singleElement()
                        .satisfies(r -> assertThat(RecordHeaders.string(r.headers(), RecordHeaders.ERROR_CODE)).isEqualTo("UNFOLDABLE_RECORD"));
                assertThat(deadLetters).filteredOn(r -> uploadId.equals(r.key()))
                        .anySatisfy(r -> assertThat(new String(r.value(), StandardCharsets.UTF_8)).isEqualTo("not avro at all"));
            } finally {
                polling.set(false);
                poller.join(30_000);
            }
            assertThat(notOk.get()).as("status answers other than 200, of %d", answers.get()).isZero();
        }
    }

    /** Sends and answers where the record landed, as partition@offset; a record without a key lands on any partition. */
    private static String send(KafkaProducer<String, byte[]> producer, String key, byte[] value) throws Exception {
        var sent = producer.send(new ProducerRecord<>(Topics.OUTCOMES, key, value)).get(10, TimeUnit.SECONDS);
        return sent.partition() + "@" + sent.offset();
    }
}
