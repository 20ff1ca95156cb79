package io.catalogingest.localstack;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Collectors;

import io.catalogingest.schemas.FailedItem;
import io.catalogingest.schemas.ItemOutcomes;
import io.catalogingest.schemas.OutcomeBatch;
import io.catalogingest.schemas.ProductSubmitted;
import io.catalogingest.schemas.Stage;
import io.catalogingest.schemas.Topics;
import io.catalogingest.schemas.UploadAccepted;
import io.catalogingest.schemas.UploadSplit;
import io.catalogingest.schemas.serde.AvroDeserializer;
import io.catalogingest.schemas.serde.SchemaRegistryClient;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.awaitility.Awaitility;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/** Reads every committed record of a topic, as raw bytes, up to its end at the time of the call. */
final class TopicReader {
    private TopicReader() {}

    private static final SchemaRegistryClient REGISTRY = new SchemaRegistryClient(Pipeline.infra().registry.url());

    /**
     * The committed products of one merchant, in topic order per partition, once every accepted
     * upload of the merchant is split: the splitter commits an upload's last products with its
     * UploadSplit record, so none of them can arrive later.
     */
    static List<ProductSubmitted> products(String merchantId) {
        Set<String> accepted = uploads(merchantId).stream().filter(u -> u.getBody() != null)
                .map(UploadAccepted::getUploadId).collect(Collectors.toSet());
        Awaitility.await("uploads of " + merchantId + " split").atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(200))
                .until(() -> splitUploads().containsAll(accepted));
        var reader = new AvroDeserializer<>(REGISTRY, ProductSubmitted.class);
        return readCommitted(Topics.PRODUCTS).stream().map(r -> reader.deserialize(Topics.PRODUCTS, r.value()))
                .filter(p -> p.getMerchantId().equals(merchantId)).toList();
    }

    /** The committed upload records of one merchant. */
    static List<UploadAccepted> uploads(String merchantId) {
        var reader = new AvroDeserializer<>(REGISTRY, UploadAccepted.class);
        return readCommitted(Topics.UPLOADS).stream().map(r -> reader.deserialize(Topics.UPLOADS, r.value()))
                .filter(u -> u.getMerchantId().equals(merchantId)).toList();
    }

    /** The ids of every upload the splitter has finished. */
    static Set<String> splitUploads() {
        var reader = new AvroDeserializer<>(REGISTRY, UploadSplit.class);
        return readCommitted(Topics.UPLOAD_SPLITS).stream().map(r -> reader.deserialize(Topics.UPLOAD_SPLITS, r.value()))
                .map(UploadSplit::getUploadId).collect(Collectors.toSet());
    }

    /**
     * What one stage reported for one upload's items, folded from every committed ItemOutcomes
     * record: the union of the succeeded and of the skipped sets, and each failure by index (the
     * last one in topic order wins; an upload's records share one partition). Nothing is taken
     * out: an item a stage failed and then succeeded (a replay) is in both {@code succeeded} and
     * {@code failures}; {@link #failed()} is what stands.
     */
    record StageOutcomes(Set<Integer> succeeded, Set<Integer> skipped, Map<Integer, FailedItem> failures) {
        static StageOutcomes none() {
            return new StageOutcomes(new TreeSet<>(), new TreeSet<>(), new TreeMap<>());
        }

        /** The failures no success of the same item cleared: the status service's FAILED items of this stage. */
        Map<Integer, FailedItem> failed() {
            Map<Integer, FailedItem> standing = new TreeMap<>(failures);
            standing.keySet().removeAll(succeeded);
            return standing;
        }

        boolean isEmpty() {
            return succeeded.isEmpty() && skipped.isEmpty() && failures.isEmpty();
        }
    }

    /** The committed ItemOutcomes of one upload, per stage; a stage that reported nothing is {@link StageOutcomes#none()}. */
    static Map<Stage, StageOutcomes> outcomes(String uploadId) {
        var reader = new AvroDeserializer<>(REGISTRY, ItemOutcomes.class);
        Map<Stage, StageOutcomes> byStage = new EnumMap<>(Stage.class);
        for (Stage stage : Stage.values()) {
            byStage.put(stage, StageOutcomes.none());
        }
        for (ConsumerRecord<String, byte[]> r : readCommitted(Topics.OUTCOMES)) {
            if (!uploadId.equals(r.key())) {
                continue;
            }
            ItemOutcomes batch = reader.deserialize(Topics.OUTCOMES, r.value());
            StageOutcomes stage = byStage.get(batch.getStage());
            OutcomeBatch.fromBytes(batch.getSucceeded()).forEach((int i) -> stage.succeeded().add(i));
            OutcomeBatch.fromBytes(batch.getSkipped()).forEach((int i) -> stage.skipped().add(i));
            for (FailedItem f : batch.getFailures()) {
                stage.failures().put(f.getItemIndex(), f);
            }
        }
        return byStage;
    }

    static List<ConsumerRecord<String, byte[]>> readCommitted(String topic) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, Pipeline.infra().kafka.bootstrapServers());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "test-reader-" + UUID.randomUUID());
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        List<ConsumerRecord<String, byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(i -> new TopicPartition(topic, i.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                if (System.nanoTime() > deadline) {
                    // A partial read would let "nothing was enqueued" pass without looking at everything.
                    throw new IllegalStateException("could not read " + topic + " to its end within 2 minutes");
                }
                consumer.poll(Duration.ofMillis(200)).forEach(out::add);
            }
        }
        return out;
    }
}
