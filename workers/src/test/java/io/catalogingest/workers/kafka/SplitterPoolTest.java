package io.catalogingest.workers.kafka;

import static io.catalogingest.common.items.UploadBodies.ndjson;
import static io.catalogingest.common.items.UploadBodies.product;
import static io.catalogingest.common.items.UploadBodies.utf8;
import static io.catalogingest.workers.kafka.MockKafka.UPLOADS_0;
import static io.catalogingest.workers.kafka.MockKafka.UPLOAD_ID;
import static io.catalogingest.workers.kafka.MockKafka.eventually;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Collectors;

import com.codahale.metrics.MetricRegistry;
import io.catalogingest.common.items.ItemFormat;
import io.catalogingest.common.items.UploadBodies;
import io.catalogingest.schemas.ItemOutcomes;
import io.catalogingest.schemas.ProductSubmitted;
import io.catalogingest.schemas.RecordHeaders;
import io.catalogingest.schemas.SpooledBody;
import io.catalogingest.schemas.Stage;
import io.catalogingest.schemas.Topics;
import io.catalogingest.schemas.UploadAccepted;
import io.catalogingest.schemas.UploadSplit;
import io.catalogingest.schemas.serde.AvroDeserializer;
import io.catalogingest.schemas.serde.AvroSerializer;
import io.catalogingest.workers.split.ObjectStoreFailures;
import io.catalogingest.workers.core.RetryPolicy;
import io.catalogingest.workers.split.UploadSplitter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The splitter pool over mock Kafka clients: which records and consumer offsets each producer
 * transaction commits together. The body's own splitting is {@code UploadSplitterTest}'s subject.
 */
class SplitterPoolTest {
    /** Not 0, so that the upload record's offset differs from the offset past it and from item indices. */
    private static final long OFFSET = 5;
    private static final List<String> LINES = List.of(product("A"), product("B"), product("C"),
            "{\"sku\":\"D\",\"title\":\"Mug D\",\"currency\":\"EUR\"}", product("E"));
    /** Five items, the fourth refused; split two per transaction. */
    private static final byte[] FIVE_ITEMS = utf8(ndjson(LINES.toArray(String[]::new)));

    private final MockKafka kafka = new MockKafka(true);
    private final AvroSerializer<SpecificRecord> serializer = new AvroSerializer<>(kafka.registry);
    private final AvroDeserializer<SpecificRecord> deserializer = AvroDeserializer.anyRecord(kafka.registry);
    /** What the object store answers to each open, in order. */
    private final BlockingQueue<InputStream> objects = new LinkedBlockingQueue<>();
    private final AtomicInteger opened = new AtomicInteger();
    private Function<Set<String>, Set<String>> cancelledAmong = ids -> Set.of();
    private final MetricRegistry metrics = new MetricRegistry();
    private SplitterPool pool;

    private void start(List<ConsumerRecord<String, byte[]>> uploads) {
        kafka.deliverOnFirstPoll(UPLOADS_0, uploads);
        startPool();
    }

    private void startPool() {
        pool = new SplitterPool(kafka, "test", new UploadSplitter(UploadBodies.JSON, 100, 2), body -> {
            opened.incrementAndGet();
            return objects.remove();
        }, cancelledAmong, 1, new RetryPolicy(2, Duration.ZERO, Duration.ZERO, 3), metrics);
        pool.start();
    }

    /** The staged upload at {@code OFFSET} is polled again after its first read fails, and split until committed. */
    private void splitUntilCommittedReadingItTwice() {
        List<ConsumerRecord<String, byte[]>> uploads = List.of(upload(OFFSET, staged(UPLOAD_ID)));
        kafka.deliverOnFirstPoll(UPLOADS_0, uploads);
        kafka.deliverAgainAtNextPoll(UPLOADS_0, uploads);
        startPool();
        awaitCommitted(OFFSET + 1);
    }

    /** Waits until the pool has committed the uploads partition up to {@code offset}, its last transaction done. */
    private void awaitCommitted(long offset) {
        eventually().until(() -> kafka.committed(UPLOADS_0) == offset);
    }

    @AfterEach
    void stop() throws InterruptedException {
        pool.stop();
    }

    @Test
    void eachChunkCommitsWithTheUploadRecordsOffsetAndTheNextIndexAndTheLastWithTheOffsetPastIt() {
        objects.add(new ByteArrayInputStream(FIVE_ITEMS));
        start(List.of(upload(OFFSET, staged(UPLOAD_ID))));

        awaitCommitted(OFFSET + 1);

        assertThat(committed()).containsExactly(
                new Tx(List.of("product 0", "product 1"), checkpoint(2)),
                new Tx(List.of("product 2", "refused 3 PRICE_MISSING"), checkpoint(4)),
                new Tx(List.of("product 4", "split of 5 items, 1 refused"), past(OFFSET)));
        assertThat(aborted()).isEmpty();
        assertThat(kafka.producer.history()).extracting(ProducerRecord::topic, ProducerRecord::key).containsExactly(
                tuple(Topics.PRODUCTS, "m1/A"), tuple(Topics.PRODUCTS, "m1/B"), tuple(Topics.PRODUCTS, "m1/C"),
                tuple(Topics.OUTCOMES, UPLOAD_ID), tuple(Topics.PRODUCTS, "m1/E"), tuple(Topics.UPLOAD_SPLITS, UPLOAD_ID));
    }

    @Test
    void theRefusalsOfTheLastChunkCommitWithTheUploadSplit() {
        // Five items, the last refused: alone in the last chunk.
        objects.add(new ByteArrayInputStream(utf8(ndjson(product("A"), product("B"), product("C"), product("E"),
                "{\"sku\":\"D\",\"title\":\"Mug D\",\"currency\":\"EUR\"}"))));
        start(List.of(upload(OFFSET, staged(UPLOAD_ID))));

        awaitCommitted(OFFSET + 1);

        assertThat(committed()).containsExactly(
                new Tx(List.of("product 0", "product 1"), checkpoint(2)),
                new Tx(List.of("product 2", "product 3"), checkpoint(4)),
                new Tx(List.of("refused 4 PRICE_MISSING", "split of 5 items, 1 refused"), past(OFFSET)));
    }

    @Test
    void theRefusalsOfAnAbortedChunkAreSentOnceWithItsRetryNotCarriedOver() {
        List<String> lines = List.of(product("A"), product("B"), "{\"sku\":\"D\",\"title\":\"Mug D\",\"currency\":\"EUR\"}",
                product("C"), product("E"));
        byte[] body = utf8(ndjson(lines.toArray(String[]::new)));
        // Cut off after item 2, refused in the second chunk before its checkpoint.
        byte[] firstThreeLines = Arrays.copyOf(body, utf8(ndjson(lines.subList(0, 3).toArray(String[]::new))).length);
        objects.add(ObjectStoreFailures.cutOff(firstThreeLines, () -> {
            throw new IOException("connection reset");
        }));
        objects.add(new ByteArrayInputStream(body));
        splitUntilCommittedReadingItTwice();

        assertThat(aborted()).containsExactly(new Tx(List.of(), Map.of()));
        assertThat(committed()).containsExactly(
                new Tx(List.of("product 0", "product 1"), checkpoint(2)),
                new Tx(List.of("product 3", "refused 2 PRICE_MISSING"), checkpoint(4)),
                new Tx(List.of("product 4", "split of 5 items, 1 refused"), past(OFFSET)));
    }

    @Test
    void aRestartedSplitResumesAtItsCommittedCheckpointAndStillCountsTheWholeBody() {
        // What the crashed predecessor's second transaction left committed.
        kafka.committedBeforeStart(checkpoint(4));
        objects.add(new ByteArrayInputStream(FIVE_ITEMS));
        start(List.of(upload(OFFSET, staged(UPLOAD_ID))));

        awaitCommitted(OFFSET + 1);

        assertThat(committed()).containsExactly(
                new Tx(List.of("product 4", "split of 5 items, 1 refused"), past(OFFSET)));
    }

    @Test
    void aCheckpointOfAnotherUploadIsNotResumed() {
        kafka.committedBeforeStart(Map.of(UPLOADS_0, new OffsetAndMetadata(OFFSET, "split:upload-0:4")));
        objects.add(new ByteArrayInputStream(FIVE_ITEMS));
        start(List.of(upload(OFFSET, staged(UPLOAD_ID))));

        awaitCommitted(OFFSET + 1);

        assertThat(committed()).first().isEqualTo(new Tx(List.of("product 0", "product 1"), checkpoint(2)));
    }

    @Test
    void anUploadAcceptedBeforeBodiesWereSpooledIsSkippedPastItsOffset() {
        start(List.of(upload(OFFSET, UploadAccepted.newBuilder(staged(UPLOAD_ID)).setItemCount(1).setBody(null).build())));

        awaitCommitted(OFFSET + 1);

        assertThat(committed()).containsExactly(new Tx(List.of(), past(OFFSET)));
        assertThat(opened).hasValue(0);
    }

    @ParameterizedTest
    @NullSource
    @ValueSource(strings = "not in the wire format")
    void anUnreadableRecordIsDeadLetteredPastItsOffsetAndTheNextUploadSplit(String value) {
        objects.add(new ByteArrayInputStream(FIVE_ITEMS));
        start(List.of(new ConsumerRecord<>(Topics.UPLOADS, 0, OFFSET, UPLOAD_ID, value == null ? null : utf8(value)),
                upload(OFFSET + 1, staged("upload-2"))));

        awaitCommitted(OFFSET + 2);

        List<Tx> transactions = committed();
        assertThat(transactions.get(0)).isEqualTo(new Tx(List.of("dead letter UNREADABLE_RECORD after 1"), past(OFFSET)));
        assertThat(transactions.get(transactions.size() - 1).records()).last().isEqualTo("split of 5 items, 1 refused");
    }

    /**
     * Acceptance: an upload record the registry cannot read for now (unreachable, 5xx, 429) is not
     * unreadable: nothing is committed past it, and it is read again and split once the registry answers.
     */
    @Test
    void anUploadTheRegistryCannotReadForNowIsReadAgainAndSplitNotSkipped() {
        kafka.poolRegistry.outage(1);
        objects.add(new ByteArrayInputStream(FIVE_ITEMS));
        splitUntilCommittedReadingItTwice();

        assertThat(kafka.poolRegistry.refused()).as("the first read met the outage").isEqualTo(1);
        assertThat(committed()).as("no transaction skipped it").containsExactly(
                new Tx(List.of("product 0", "product 1"), checkpoint(2)),
                new Tx(List.of("product 2", "refused 3 PRICE_MISSING"), checkpoint(4)),
                new Tx(List.of("product 4", "split of 5 items, 1 refused"), past(OFFSET)));
        assertThat(aborted()).isEmpty();
        assertThat(opened).hasValue(1);
        assertThat(metrics.meter("stage.upload-splitter.unreadable").getCount()).isZero();
        assertThat(metrics.meter("stage.upload-splitter.dependency-faults").getCount()).isEqualTo(1);
    }

    @Test
    void anUploadCancelledBeforeItsSplitProducesOnlyItsCancelledSplitRecord() {
        cancelledAmong = ids -> ids;
        start(List.of(upload(OFFSET, staged(UPLOAD_ID))));

        awaitCommitted(OFFSET + 1);

        assertThat(committed()).containsExactly(
                new Tx(List.of("split of 0 items, 0 refused, cancelled"), past(OFFSET)));
        assertThat(opened).hasValue(0);
    }

    @Test
    void anUploadCancelledDuringItsSplitStopsAtTheNextCheckpoint() {
        AtomicInteger asked = new AtomicInteger();
        cancelledAmong = ids -> asked.incrementAndGet() == 1 ? Set.of() : ids; // cancelled once the split has begun
        objects.add(new ByteArrayInputStream(FIVE_ITEMS));
        start(List.of(upload(OFFSET, staged(UPLOAD_ID))));

        awaitCommitted(OFFSET + 1);

        assertThat(committed()).containsExactly(
                new Tx(List.of("product 0", "product 1"), checkpoint(2)),
                new Tx(List.of("split of 2 items, 0 refused, cancelled"), past(OFFSET)));
    }

    @Test
    void aSourceFailureAbortsTheOpenChunkAndTheSameUploadIsSplitAgainFromItsLastCheckpoint() {
        byte[] firstThreeLines = Arrays.copyOf(FIVE_ITEMS, utf8(ndjson(LINES.subList(0, 3).toArray(String[]::new))).length);
        objects.add(ObjectStoreFailures.cutOff(firstThreeLines, () -> {
            throw new IOException("connection reset");
        }));
        objects.add(new ByteArrayInputStream(FIVE_ITEMS));
        splitUntilCommittedReadingItTwice();

        assertThat(aborted()).containsExactly(new Tx(List.of("product 2"), Map.of()));
        assertThat(committed()).containsExactly(
                new Tx(List.of("product 0", "product 1"), checkpoint(2)),
                new Tx(List.of("product 2", "refused 3 PRICE_MISSING"), checkpoint(4)),
                new Tx(List.of("product 4", "split of 5 items, 1 refused"), past(OFFSET)));
        assertThat(opened).hasValue(2);
    }

    /**
     * A crafted record the splitter throws on (a body format no reader knows) is split again only
     * {@code maxAttempts} times, then dead-lettered and finished where it stopped, with that item
     * refused, so the upload reaches DONE and the partition moves on.
     */
    @Test
    void anUploadTheSplitterThrowsOnIsDeadLetteredAfterItsAttemptsAndFinishedWithTheItemItStoppedAt() {
        UploadAccepted crafted = staged(UPLOAD_ID);
        crafted.getBody().setFormat("XML");
        objects.add(new ByteArrayInputStream(FIVE_ITEMS));
        objects.add(new ByteArrayInputStream(FIVE_ITEMS));
        ConsumerRecord<String, byte[]> record = upload(OFFSET, crafted);
        kafka.deliverOnFirstPoll(UPLOADS_0, List.of(record));
        kafka.deliverAgainAtNextPoll(UPLOADS_0, List.of(record));
        kafka.deliverAgainAtNextPoll(UPLOADS_0, List.of(record));
        startPool();

        awaitCommitted(OFFSET + 1);

        assertThat(committed()).containsExactly(new Tx(List.of("dead letter SPLIT_FAILED after 2", "refused 0 SPLIT_FAILED",
                "split of 1 items, 1 refused"), past(OFFSET)));
        assertThat(opened).as("one body opened per attempt").hasValue(2);
        assertThat(metrics.meter("stage.upload-splitter.dead-lettered").getCount()).isEqualTo(1);
    }

    /** A staged upload: its body in the object store, its items not counted yet. */
    private static UploadAccepted staged(String uploadId) {
        SpooledBody body = SpooledBody.newBuilder().setBucket("spool").setKey("uploads/" + uploadId)
                .setFormat(ItemFormat.NDJSON.name()).setGzip(false).setSizeBytes(FIVE_ITEMS.length).build();
        return UploadAccepted.newBuilder().setUploadId(uploadId).setMerchantId("m1").setItemCount(null)
                .setAcceptedAt(Instant.EPOCH).setBody(body).build();
    }

    /** The upload as the ingest API writes it: keyed by upload id, in the wire format. */
    private ConsumerRecord<String, byte[]> upload(long offset, UploadAccepted upload) {
        return new ConsumerRecord<>(Topics.UPLOADS, 0, offset, upload.getUploadId(), serializer.serialize(Topics.UPLOADS, upload));
    }

    /** The offset a chunk commits: the upload record's own, with where its split goes on. */
    private static Map<TopicPartition, OffsetAndMetadata> checkpoint(int nextIndex) {
        return Map.of(UPLOADS_0, new OffsetAndMetadata(OFFSET, "split:" + UPLOAD_ID + ":" + nextIndex));
    }

    private static Map<TopicPartition, OffsetAndMetadata> past(long offset) {
        return Map.of(UPLOADS_0, new OffsetAndMetadata(offset + 1));
    }

    /** A producer transaction: its records, described in order, and the consumer offsets it committed with them. */
    private record Tx(List<String> records, Map<TopicPartition, OffsetAndMetadata> offsets) {}

    private List<Tx> committed() {
        return kafka.committedTransactions.stream().map(this::describe).toList();
    }

    private List<Tx> aborted() {
        return kafka.abortedTransactions.stream().map(this::describe).toList();
    }

    private Tx describe(MockKafka.Transaction transaction) {
        return new Tx(transaction.records().stream().map(this::describe).toList(), transaction.offsets());
    }

    /** The record by what it is, checked against the topic it went to. */
    private String describe(ProducerRecord<String, byte[]> record) {
        if (record.topic().equals(Topics.SPLIT_DEAD_LETTERS)) {
            return "dead letter " + RecordHeaders.string(record.headers(), RecordHeaders.ERROR_CODE) + " after "
                    + RecordHeaders.number(record.headers(), RecordHeaders.ATTEMPT, -1);
        }
        SpecificRecord value = deserializer.deserialize(record.topic(), record.value());
        if (value instanceof ProductSubmitted p && record.topic().equals(Topics.PRODUCTS)) {
            return "product " + p.getItemIndex();
        }
        if (value instanceof ItemOutcomes refusals && record.topic().equals(Topics.OUTCOMES)) {
            // The splitter reports refusals only: VALIDATION failures of the upload, nothing succeeded or skipped.
            if (!record.key().equals(refusals.getUploadId()) || refusals.getStage() != Stage.VALIDATION
                    || refusals.getSucceeded().hasRemaining() || refusals.getSkipped().hasRemaining()
                    || refusals.getFailures().isEmpty()
                    || refusals.getFailures().stream().anyMatch(f -> f.getAttempt() != 1 && !f.getErrorCode().equals("SPLIT_FAILED"))) {
                throw new AssertionError(refusals + " keyed " + record.key());
            }
            return "refused " + refusals.getFailures().stream().map(f -> f.getItemIndex() + " " + f.getErrorCode())
                    .collect(Collectors.joining(", "));
        }
        if (value instanceof UploadSplit split && record.topic().equals(Topics.UPLOAD_SPLITS)) {
            return "split of " + split.getItemCount() + " items, " + split.getRefusedItems() + " refused"
                    + (split.getCancelled() ? ", cancelled" : "");
        }
        throw new AssertionError(value + " on " + record.topic());
    }
}
