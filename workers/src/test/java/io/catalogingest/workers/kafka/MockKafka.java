package io.catalogingest.workers.kafka;

import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.StreamSupport;

import io.catalogingest.schemas.FailedItem;
import io.catalogingest.schemas.ItemOutcomes;
import io.catalogingest.schemas.OutcomeBatch;
import io.catalogingest.schemas.ProductSubmitted;
import io.catalogingest.schemas.Topics;
import io.catalogingest.schemas.serde.AvroDeserializer;
import io.catalogingest.schemas.serde.AvroSerializer;
import io.catalogingest.schemas.serde.InMemorySchemaRegistry;
import io.catalogingest.schemas.serde.SchemaRegistry;
import io.catalogingest.workers.core.RetryPolicy;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;

/**
 * A pool's Kafka clients as test doubles (one {@link MockConsumer}, a {@link MockProducer}, an
 * in-memory schema registry that a test can make unavailable for a while), and the records they
 * carry in the Confluent wire format. As with a broker, the offsets a producer transaction commits
 * become the consumer group's committed offsets.
 */
final class MockKafka implements KafkaClients {
    static final TopicPartition PRODUCTS_0 = new TopicPartition(Topics.PRODUCTS, 0);
    static final TopicPartition UPLOADS_0 = new TopicPartition(Topics.UPLOADS, 0);
    static final String UPLOAD_ID = "upload-1";
    /** Attempts enough for any test, with delays no test waits for. */
    static final RetryPolicy RETRIES = new RetryPolicy(3, Duration.ofMinutes(1), Duration.ofMinutes(1), 3);

    final InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
    /** The registry the pool is given: {@link #registry}, unless a test makes it unavailable for a while. */
    final UnavailableRegistry poolRegistry = new UnavailableRegistry(registry);
    final MockConsumer<String, byte[]> consumer = new MockConsumer<>("earliest") {
        @Override
        public ConsumerRecords<String, byte[]> poll(Duration timeout) {
            ConsumerRecords<String, byte[]> records = super.poll(timeout);
            if (records.isEmpty()) {
                // As a broker would, wait a little before answering nothing, so the pool's loop does
                // not spin; outside the consumer's lock, which the test thread reads through.
                LockSupport.parkNanos(Math.min(timeout.toNanos(), Duration.ofMillis(5).toNanos()));
            }
            return records;
        }
    };
    final MockProducer<String, byte[]> producer;
    /** The producer's transactions in the order they committed, and those it aborted. */
    final List<Transaction> committedTransactions = new CopyOnWriteArrayList<>();
    final List<Transaction> abortedTransactions = new CopyOnWriteArrayList<>();
    private final AvroSerializer<ProductSubmitted> products = new AvroSerializer<>(registry);
    private final AvroDeserializer<ItemOutcomes> outcomes = new AvroDeserializer<>(registry, ItemOutcomes.class);

    /** With {@code autoAcknowledge} false, a send is acknowledged only by {@code producer.completeNext()}. */
    MockKafka(boolean autoAcknowledge) {
        producer = new MockProducer<>(autoAcknowledge, null, new StringSerializer(), new ByteArraySerializer()) {
            @Override
            public synchronized void flush() {
                // MockProducer's flush acknowledges every pending send; a broker is not that obliging.
            }

            // Synchronized, unlike MockProducer's own: the test thread reads the history while the pool commits or aborts.
            @Override
            public synchronized void commitTransaction() {
                Transaction transaction = openTransaction();
                super.commitTransaction();
                committedTransactions.add(transaction);
                consumer.commitSync(transaction.offsets());
            }

            @Override
            public synchronized void abortTransaction() {
                Transaction transaction = openTransaction();
                super.abortTransaction();
                abortedTransactions.add(transaction);
            }

            private Transaction openTransaction() {
                Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
                uncommittedOffsets().values().forEach(offsets::putAll);
                return new Transaction(uncommittedRecords(), Map.copyOf(offsets));
            }
        };
    }

    /** The records a producer transaction held and the consumer offsets it committed with them. */
    record Transaction(List<ProducerRecord<String, byte[]>> records, Map<TopicPartition, OffsetAndMetadata> offsets) {}

    @Override
    public Consumer<String, byte[]> consumer(String groupId, String clientId, int maxPollRecords) {
        consumer.setMaxPollRecords(maxPollRecords);
        return consumer;
    }

    @Override
    public Producer<String, byte[]> producer(String clientId) {
        return producer;
    }

    @Override
    public Producer<String, byte[]> transactionalProducer(String transactionalId) {
        return producer;
    }

    @Override
    public SchemaRegistry registry() {
        return poolRegistry;
    }

    static ProductSubmitted product(int itemIndex) {
        return ProductSubmitted.newBuilder().setUploadId(UPLOAD_ID).setMerchantId("m").setItemIndex(itemIndex)
                .setSku("sku-" + itemIndex).setTitle("t").setPrice(new BigDecimal("1.0000")).setCurrency("EUR")
                .setAcceptedAt(Instant.EPOCH).build();
    }

    /** The product as a stage reads it from {@code topic}: keyed by merchant and SKU, in the wire format. */
    ConsumerRecord<String, byte[]> record(String topic, int partition, long offset, ProductSubmitted product) {
        return new ConsumerRecord<>(topic, partition, offset, Topics.productKey(product.getMerchantId(), product.getSku()),
                products.serialize(Topics.PRODUCTS, product));
    }

    /** Items 0 to {@code count - 1} at the same offsets of the first products partition. */
    List<ConsumerRecord<String, byte[]>> products(int count) {
        return IntStream.range(0, count).mapToObj(i -> record(Topics.PRODUCTS, 0, i, product(i))).toList();
    }

    /** Hands the pool the first products partition and these records at its first poll, once it has subscribed. */
    void deliverOnFirstPoll(List<ConsumerRecord<String, byte[]>> records) {
        deliverOnFirstPoll(PRODUCTS_0, records);
    }

    /** Hands the pool {@code partition} and these records of it at its first poll, once it has subscribed. */
    void deliverOnFirstPoll(TopicPartition partition, List<ConsumerRecord<String, byte[]>> records) {
        consumer.schedulePollTask(() -> {
            consumer.rebalance(List.of(partition));
            consumer.updateBeginningOffsets(Map.of(partition, 0L));
            records.forEach(consumer::addRecord);
        });
    }

    /**
     * Offsets the group had committed before the pool started, as a crashed predecessor left them. Set at the
     * pool's first poll: MockConsumer forgets commits made before it subscribes; schedule this before the records.
     */
    void committedBeforeStart(Map<TopicPartition, OffsetAndMetadata> offsets) {
        consumer.schedulePollTask(() -> consumer.commitSync(offsets));
    }

    /** Like the broker, serves the partition again at the next poll from wherever the pool's position now is. */
    void deliverAgainAtNextPoll(TopicPartition partition, List<ConsumerRecord<String, byte[]>> records) {
        consumer.schedulePollTask(() -> {
            long position = consumer.position(partition);
            records.stream().filter(r -> r.offset() >= position).forEach(consumer::addRecord);
        });
    }

    /** The committed offset of the partition, -1 before any commit. */
    long committed(TopicPartition tp) {
        OffsetAndMetadata offset = consumer.committed(Set.of(tp)).get(tp);
        return offset == null ? -1 : offset.offset();
    }

    List<ProducerRecord<String, byte[]>> sentTo(String topic) {
        return producer.history().stream().filter(r -> r.topic().equals(topic)).toList();
    }

    /** A record of the outcomes topic, read as the status fold reads it. */
    ItemOutcomes outcomes(ProducerRecord<String, byte[]> record) {
        return outcomes.deserialize(record.topic(), record.value());
    }

    /** The records sent to the outcomes topic for the upload (by key, checked against the value), in order. */
    List<ItemOutcomes> outcomesOf(String uploadId) {
        return sentTo(Topics.OUTCOMES).stream().filter(r -> uploadId.equals(r.key())).map(r -> {
            ItemOutcomes o = outcomes(r);
            if (!uploadId.equals(o.getUploadId())) {
                throw new AssertionError("outcomes of " + o.getUploadId() + " keyed " + r.key());
            }
            return o;
        }).toList();
    }

    /** The item indices the upload's outcome records report succeeded, all records together. */
    Set<Integer> succeeded(String uploadId) {
        return union(outcomesOf(uploadId).stream().map(ItemOutcomes::getSucceeded).toList());
    }

    /** The item indices the upload's outcome records report skipped (cancelled), all records together. */
    Set<Integer> skipped(String uploadId) {
        return union(outcomesOf(uploadId).stream().map(ItemOutcomes::getSkipped).toList());
    }

    /** The failures the upload's outcome records report, in the order they were sent. */
    List<FailedItem> failures(String uploadId) {
        return outcomesOf(uploadId).stream().flatMap(o -> o.getFailures().stream()).toList();
    }

    /** The indices of a set as sent, in order. */
    static Set<Integer> indices(ByteBuffer set) {
        return union(List.of(set));
    }

    private static Set<Integer> union(List<ByteBuffer> sets) {
        Set<Integer> union = new TreeSet<>();
        sets.forEach(set -> OutcomeBatch.fromBytes(set).forEach((int i) -> union.add(i)));
        return union;
    }

    /** The record's headers as text, the last value of each name. */
    static Map<String, String> headers(ProducerRecord<String, byte[]> record) {
        return StreamSupport.stream(record.headers().spliterator(), false)
                .collect(Collectors.toMap(Header::key, h -> new String(h.value(), StandardCharsets.UTF_8), (a, b) -> b));
    }

    /** Waits for what the pool's own thread does, checking often so that tests stay fast. */
    static ConditionFactory eventually() {
        return Awaitility.await().atMost(Duration.ofSeconds(30)).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(5));
    }
}
