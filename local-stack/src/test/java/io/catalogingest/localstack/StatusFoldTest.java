package io.catalogingest.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import com.fasterxml.jackson.databind.JsonNode;
import io.catalogingest.common.auth.Merchant;
import io.catalogingest.common.auth.MerchantAuth;
import io.catalogingest.schemas.FailedItem;
import io.catalogingest.schemas.ItemOutcomes;
import io.catalogingest.schemas.ItemProcessed;
import io.catalogingest.schemas.OutcomeBatch;
import io.catalogingest.schemas.Outcome;
import io.catalogingest.schemas.Stage;
import io.catalogingest.schemas.Topics;
import io.catalogingest.schemas.UploadAccepted;
import io.catalogingest.schemas.UploadCancelled;
import io.catalogingest.schemas.serde.AvroSerializer;
import io.catalogingest.schemas.serde.SchemaRegistryClient;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The status fold on hand-made records through the real broker: batches of outcomes
 * ({@link ItemOutcomes} on the outcomes topic) sent twice, outcomes before their upload, a failure
 * and a success of the same item and stage in either order (the success wins), a refusal at
 * validation; and what the REST API makes of the result (exact counts, list, failed items, paging,
 * report, ETag, cancel refused once started, 404 for strangers, admin access); a cancel the fold
 * refuses because the upload started, whose skipped items then finish it. Per-item
 * {@link ItemProcessed} records on the old results topic are still folded (the upgrade path).
 */
class StatusFoldTest {
    private static final KafkaProducer<String, byte[]> PRODUCER = new KafkaProducer<>(Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, Pipeline.infra().kafka.bootstrapServers(),
            ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new ByteArraySerializer());
    private static final AvroSerializer<SpecificRecord> AVRO = new AvroSerializer<>(new SchemaRegistryClient(Pipeline.infra().registry.url()));

    private final String uploadId = UUID.randomUUID().toString();
    private final Instant t0 = Instant.now().minusSeconds(60);

    @AfterAll
    static void close() {
        PRODUCER.close();
    }

    private void send(String topic, SpecificRecord value) throws Exception {
        PRODUCER.send(new ProducerRecord<>(topic, uploadId, AVRO.serialize(topic, value))).get(10, TimeUnit.SECONDS);
    }

    /** Sends the batch's record(s), {@code times} times over: a batch delivered again. */
    private void send(OutcomeBatch batch, int times) throws Exception {
        List<ItemOutcomes> records = batch.records();
        assertThat(records).hasSize(1);
        for (int i = 0; i < times; i++) {
            send(Topics.OUTCOMES, records.get(0));
        }
    }

    private OutcomeBatch batch(Stage stage) {
        return new OutcomeBatch(uploadId, stage);
    }

    private static FailedItem broken(int item, String code, int attempt) {
        return OutcomeBatch.failure(item, "sku-" + item, code, "item " + item + " broke", attempt);
    }

    private JsonNode awaitStatus(String url, String key, Predicate<JsonNode> until) {
        return await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .until(() -> Pipeline.get(url, key).body(), until);
    }

    @Test
    void duplicatesReorderingAndEarlyOutcomesGiveExactCounts() throws Exception {
        Instant testStart = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        String merchant = "m-fold-" + uploadId.substring(0, 8);
        String key = Pipeline.stack().createMerchant(merchant, "Fold");
        String url = Pipeline.stack().statusUrl() + "/v1/uploads/" + uploadId;

        // Five items; item 4 is refused at validation. Outcomes before their upload are counted once
        // it arrives; a batch delivered three times counts once.
        send(batch(Stage.CATALOG).succeeded(0).succeeded(1), 3);
        send(batch(Stage.IMAGES).failed(broken(0, "BROKEN", 1)), 1);
        send(batch(Stage.VALIDATION).failed(OutcomeBatch.failure(4, "sku-4", "PRICE_INVALID", "price must be positive", 1)), 1);
        send(Topics.UPLOADS, new UploadAccepted(uploadId, merchant, 5, 1, t0, null, null));
        send(batch(Stage.IMAGES).succeeded(1), 2);
        // Item 2: a failure, then a success of the same stage: the success wins.
        send(batch(Stage.CATALOG).failed(broken(2, "BROKEN", 1)), 1);
        send(batch(Stage.CATALOG).succeeded(2), 1);
        // Item 3: a success, then a late failure of the same stage: the success still wins.
        send(batch(Stage.CATALOG).succeeded(3), 1);
        send(batch(Stage.CATALOG).failed(broken(3, "LATE", 2)), 1);
        // Item 2's images fail for good: the record that makes 3 items failed, so the await below
        // passes only once every record above (all in this upload's partition, in order) is folded.
        send(batch(Stage.IMAGES).failed(broken(2, "BROKEN", 3)), 1);

        JsonNode partial = awaitStatus(url, key, s -> s.path("failed").asInt() == 3);
        assertThat(partial.path("status").asText()).isEqualTo("IN_PROGRESS");
        assertThat(partial.path("totalItems").asInt()).isEqualTo(5);
        assertThat(partial.path("succeeded").asInt()).isEqualTo(1); // item 1
        assertThat(partial.path("failed").asInt()).isEqualTo(3); // items 0 and 2 (images), 4 (refused)
        assertThat(partial.path("refused").asInt()).isEqualTo(1);
        assertThat(partial.path("pending").asInt()).isEqualTo(1); // item 3: no images outcome yet
        assertThat(partial.path("stages").path("catalog").path("succeeded").asInt()).isEqualTo(4);
        assertThat(partial.path("stages").path("catalog").path("failed").asInt()).isZero();
        assertThat(partial.path("stages").path("catalog").path("pending").asInt()).isZero();
        assertThat(partial.path("stages").path("images").path("succeeded").asInt()).isEqualTo(1);
        assertThat(partial.path("stages").path("images").path("failed").asInt()).isEqualTo(2);
        assertThat(partial.path("stages").path("images").path("pending").asInt()).isEqualTo(1);
        assertThat(partial.hasNonNull("completedAt")).isFalse();
        Instant startedAt = Instant.parse(partial.path("startedAt").asText());
        assertThat(startedAt).as("the fold's clock, not a record's").isAfterOrEqualTo(testStart).isBeforeOrEqualTo(Instant.now());

        // A replayed failure that now succeeds clears it; the last item finishes the upload.
        Instant beforeLast = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        send(batch(Stage.IMAGES).succeeded(0).succeeded(3), 2);
        JsonNode done = awaitStatus(url, key, s -> "DONE".equals(s.path("status").asText()));
        assertThat(done.path("succeeded").asInt()).isEqualTo(3);
        assertThat(done.path("failed").asInt()).isEqualTo(2);
        assertThat(done.path("refused").asInt()).isEqualTo(1);
        assertThat(done.path("pending").asInt()).isZero();
        assertThat(done.path("progress").asDouble()).isEqualTo(1.0);
        assertThat(done.path("stages").path("catalog").path("succeeded").asInt()).isEqualTo(4);
        assertThat(done.path("stages").path("catalog").path("failed").asInt()).isZero();
        assertThat(done.path("stages").path("images").path("succeeded").asInt()).isEqualTo(3);
        assertThat(done.path("stages").path("images").path("failed").asInt()).isEqualTo(1);
        Instant completedAt = Instant.parse(done.path("completedAt").asText());
        assertThat(completedAt).as("the fold's clock: after the acceptance and the last outcome, not in the future")
                .isAfter(Instant.parse(done.path("acceptedAt").asText())).isAfterOrEqualTo(beforeLast)
                .isBeforeOrEqualTo(Instant.now());
        assertThat(Instant.parse(done.path("startedAt").asText())).isEqualTo(startedAt).isBeforeOrEqualTo(completedAt);
        assertThat(Instant.parse(done.path("acceptedAt").asText())).isEqualTo(t0.truncatedTo(ChronoUnit.MILLIS));

        Pipeline.Reply first = Pipeline.get(url, key);
        String etag = first.raw().headers().firstValue("ETag").orElseThrow();
        assertThat(first.raw().headers().firstValue("Retry-After")).isEmpty();
        assertThat(Pipeline.get(url, key, "If-None-Match", etag).status()).isEqualTo(304);
        assertThat(Pipeline.get(url, key, "If-None-Match", "\"other\"").status()).isEqualTo(200);

        // The failures that stand, with their reasons; a cleared or overruled failure is gone.
        JsonNode failed = Pipeline.get(url + "/items?outcome=FAILED", key).body();
        assertThat(failed.path("items")).hasSize(2);
        assertThat(failed.path("nextCursor").isNull()).isTrue();
        assertItem(failed.path("items").get(0), 2, "IMAGES", "FAILED", "sku-2", "BROKEN", "item 2 broke", 3);
        assertItem(failed.path("items").get(1), 4, "VALIDATION", "FAILED", "sku-4", "PRICE_INVALID", "price must be positive", 1);
        JsonNode succeeded = Pipeline.get(url + "/items?outcome=SUCCEEDED", key).body();
        assertThat(succeeded.path("items")).hasSize(7).allSatisfy(i -> {
            assertThat(i.path("outcome").asText()).isEqualTo("SUCCEEDED");
            assertThat(i.hasNonNull("sku")).as("a success names no SKU").isFalse();
            assertThat(i.hasNonNull("attempt")).as("a success names no attempt").isFalse();
            assertThat(i.hasNonNull("code")).isFalse();
        });

        // Paging keeps an item's stages together: 3 asked for, whole items given.
        JsonNode page1 = Pipeline.get(url + "/items?limit=3", key).body();
        assertThat(page1.path("items")).extracting(i -> i.path("itemIndex").asInt()).containsExactly(0, 0, 1, 1);
        assertThat(page1.path("nextCursor").asText()).isEqualTo("2");
        JsonNode page2 = Pipeline.get(url + "/items?limit=3&cursor=" + page1.path("nextCursor").asText(), key).body();
        assertThat(page2.path("items")).extracting(i -> i.path("itemIndex").asInt()).containsExactly(2, 2, 3, 3);
        assertThat(page2.path("nextCursor").asText()).isEqualTo("4");
        JsonNode page3 = Pipeline.get(url + "/items?limit=3&cursor=" + page2.path("nextCursor").asText(), key).body();
        assertThat(page3.path("items")).extracting(i -> i.path("itemIndex").asInt()).containsExactly(4);
        assertThat(page3.path("nextCursor").isNull()).isTrue();
        assertItem(page2.path("items").get(0), 2, "CATALOG", "SUCCEEDED", null, null, null, null);
        assertItem(page2.path("items").get(2), 3, "CATALOG", "SUCCEEDED", null, null, null, null);

        // The report: every item's outcome per stage, in item then stage order.
        Pipeline.Reply report = Pipeline.get(url + "/report", key);
        assertThat(report.raw().headers().firstValue("Content-Type").orElse("")).startsWith("application/x-ndjson");
        List<JsonNode> lines = report.raw().body().lines().map(l -> {
            try {
                return Pipeline.JSON.readTree(l);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }).toList();
        assertThat(lines).extracting(l -> l.path("itemIndex").asInt() + " " + l.path("stage").asText() + " " + l.path("outcome").asText())
                .containsExactly("0 CATALOG SUCCEEDED", "0 IMAGES SUCCEEDED", "1 CATALOG SUCCEEDED", "1 IMAGES SUCCEEDED",
                        "2 CATALOG SUCCEEDED", "2 IMAGES FAILED", "3 CATALOG SUCCEEDED", "3 IMAGES SUCCEEDED", "4 VALIDATION FAILED");
        assertItem(lines.get(5), 2, "IMAGES", "FAILED", "sku-2", "BROKEN", "item 2 broke", 3);
        assertItem(lines.get(8), 4, "VALIDATION", "FAILED", "sku-4", "PRICE_INVALID", "price must be positive", 1);
        assertItem(lines.get(0), 0, "CATALOG", "SUCCEEDED", null, null, null, null);

        JsonNode list = Pipeline.get(Pipeline.stack().statusUrl() + "/v1/uploads?status=DONE", key).body();
        assertThat(list.path("uploads")).hasSize(1);
        assertThat(list.path("uploads").get(0).path("uploadId").asText()).isEqualTo(uploadId);

        Pipeline.Reply cancel = Pipeline.post(url + "/cancel", key);
        assertThat(cancel.status()).isEqualTo(409);
        assertThat(cancel.body().path("code").asText()).isEqualTo("UPLOAD_NOT_CANCELLABLE");

        String admin = MerchantAuth.createMerchantWithKey(Pipeline.stack().jdbi(), "ops-" + uploadId.substring(0, 8), "Operators",
                Merchant.ADMIN);
        assertThat(Pipeline.get(url, admin).body()).isEqualTo(Pipeline.get(url, key).body());
        assertThat(Pipeline.get(url + "/items?outcome=FAILED", admin).body()).isEqualTo(failed);
        assertThat(Pipeline.get(Pipeline.stack().statusUrl() + "/v1/uploads?merchant=" + merchant, admin).body().path("uploads"))
                .extracting(u -> u.path("uploadId").asText()).containsExactly(uploadId);

        String stranger = Pipeline.stack().createMerchant("m-stranger-" + uploadId.substring(0, 8), "Stranger");
        for (String path : List.of("", "/items", "/report")) {
            assertThat(Pipeline.get(url + path, stranger).status()).as(path).isEqualTo(404);
        }
        assertThat(Pipeline.post(url + "/cancel", stranger).status()).isEqualTo(404);
        assertThat(Pipeline.get(Pipeline.stack().statusUrl() + "/v1/uploads?merchant=" + merchant, stranger).body().path("uploads"))
                .as("a merchant's list is its own, whatever it asks for").isEmpty();
    }

    /**
     * The fold decides a cancel: one that reaches it after the upload started is refused, the upload
     * goes on, and the items the workers then skip finish it DONE, FAILED with UPLOAD_CANCELLED; a
     * skip then a success of the same item and stage is a success.
     */
    @Test
    void aCancelThatReachesTheFoldAfterTheStartIsRefusedAndSkippedItemsFail() throws Exception {
        String merchant = "m-fold-late-" + uploadId.substring(0, 8);
        String key = Pipeline.stack().createMerchant(merchant, "Fold late cancel");
        String url = Pipeline.stack().statusUrl() + "/v1/uploads/" + uploadId;

        send(Topics.UPLOADS, new UploadAccepted(uploadId, merchant, 3, 0, t0, null, null));
        send(batch(Stage.CATALOG).succeeded(0), 1);
        awaitStatus(url, key, s -> "IN_PROGRESS".equals(s.path("status").asText()));

        // The cancel an API instance sends when it read IN_QUEUE a moment before the fold moved on.
        RecordMetadata cancel = PRODUCER.send(new ProducerRecord<>(Topics.CANCELLATIONS, uploadId, AVRO.serialize(
                Topics.CANCELLATIONS, new UploadCancelled(uploadId, merchant, Instant.now())))).get(10, TimeUnit.SECONDS);
        TopicPartition cancellations = new TopicPartition(Topics.CANCELLATIONS, cancel.partition());
        await("the fold passed the cancel").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .until(() -> foldCommitted(cancellations) > cancel.offset());
        JsonNode refused = Pipeline.get(url, key).body();
        assertThat(refused.path("status").asText()).isEqualTo("IN_PROGRESS");
        assertThat(refused.hasNonNull("cancelledAt")).isFalse();

        // The workers skip what they had not done yet; item 0's images, skipped, then succeed after all.
        send(batch(Stage.IMAGES).skipped(0), 1);
        send(batch(Stage.IMAGES).succeeded(0), 1);
        send(batch(Stage.CATALOG).skipped(1).skipped(2), 1);
        send(batch(Stage.IMAGES).skipped(1).skipped(2), 1);
        JsonNode done = awaitStatus(url, key, s -> "DONE".equals(s.path("status").asText()));
        assertThat(done.hasNonNull("cancelledAt")).isFalse();
        assertThat(done.path("succeeded").asInt()).isEqualTo(1);
        assertThat(done.path("failed").asInt()).isEqualTo(2);
        assertThat(done.path("pending").asInt()).isZero();
        for (String stage : List.of("catalog", "images")) {
            assertThat(done.path("stages").path(stage).path("succeeded").asInt()).as(stage).isEqualTo(1);
            assertThat(done.path("stages").path(stage).path("failed").asInt()).as(stage).isEqualTo(2);
        }
        JsonNode failed = Pipeline.get(url + "/items?outcome=FAILED", key).body().path("items");
        assertThat(failed).extracting(i -> i.path("itemIndex").asInt() + " " + i.path("stage").asText())
                .containsExactly("1 CATALOG", "1 IMAGES", "2 CATALOG", "2 IMAGES");
        assertThat(failed).allSatisfy(i -> {
            assertThat(i.path("code").asText()).isEqualTo("UPLOAD_CANCELLED");
            assertThat(i.hasNonNull("sku")).isFalse();
            assertThat(i.hasNonNull("attempt")).isFalse();
        });
        assertThat(Pipeline.get(url + "/items?outcome=SUCCEEDED", key).body().path("items"))
                .extracting(i -> i.path("itemIndex").asInt() + " " + i.path("stage").asText()).containsExactly("0 CATALOG", "0 IMAGES");
        assertThat(Pipeline.post(url + "/cancel", key).status()).isEqualTo(409);
    }

    /** The next offset of {@code partition} the main status instance (application id status-service) has committed; -1 if none. */
    private static long foldCommitted(TopicPartition partition) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, Pipeline.infra().kafka.bootstrapServers()))) {
            OffsetAndMetadata committed = admin.listConsumerGroupOffsets("status-service").partitionsToOffsetAndMetadata()
                    .get(30, TimeUnit.SECONDS).get(partition);
            return committed == null ? -1 : committed.offset();
        }
    }

    /**
     * The upgrade path: per-item ItemProcessed records on the old results topic, as written before
     * outcomes were batched, are still folded, into the same sets as batches: a duplicate counts
     * once, a failure keeps its SKU, code and attempt, and a later success as a batch clears it.
     */
    @Test
    void perItemRecordsOnTheOldResultsTopicAreStillFolded() throws Exception {
        String merchant = "m-fold-old-" + uploadId.substring(0, 8);
        String key = Pipeline.stack().createMerchant(merchant, "Fold old");
        String url = Pipeline.stack().statusUrl() + "/v1/uploads/" + uploadId;

        send(Topics.UPLOADS, new UploadAccepted(uploadId, merchant, 2, 0, t0, null, null));
        old(0, Stage.CATALOG, Outcome.SUCCEEDED, 1);
        old(0, Stage.IMAGES, Outcome.SUCCEEDED, 1);
        old(0, Stage.IMAGES, Outcome.SUCCEEDED, 1);
        old(1, Stage.CATALOG, Outcome.SUCCEEDED, 1);
        old(1, Stage.IMAGES, Outcome.FAILED, 2);

        JsonNode done = awaitStatus(url, key, s -> "DONE".equals(s.path("status").asText()));
        assertThat(done.path("succeeded").asInt()).isEqualTo(1);
        assertThat(done.path("failed").asInt()).isEqualTo(1);
        assertThat(done.path("stages").path("catalog").path("succeeded").asInt()).isEqualTo(2);
        assertThat(done.path("stages").path("images").path("succeeded").asInt()).isEqualTo(1);
        assertThat(done.path("stages").path("images").path("failed").asInt()).isEqualTo(1);
        JsonNode failed = Pipeline.get(url + "/items?outcome=FAILED", key).body().path("items");
        assertThat(failed).hasSize(1);
        assertItem(failed.get(0), 1, "IMAGES", "FAILED", "sku-1", "BROKEN", "item 1 broke", 2);

        // The same item replayed on the new contract: its success clears the old failure.
        send(batch(Stage.IMAGES).succeeded(1), 1);
        JsonNode after = awaitStatus(url, key, s -> s.path("succeeded").asInt() == 2);
        assertThat(after.path("status").asText()).isEqualTo("DONE");
        assertThat(after.path("failed").asInt()).isZero();
        assertThat(after.path("stages").path("images").path("failed").asInt()).isZero();
        assertThat(Pipeline.get(url + "/items?outcome=FAILED", key).body().path("items")).isEmpty();
    }

    private void old(int item, Stage stage, Outcome outcome, int attempt) throws Exception {
        send(Topics.RESULTS, ItemProcessed.newBuilder().setUploadId(uploadId).setItemIndex(item).setSku("sku-" + item).setStage(stage)
                .setOutcome(outcome).setErrorCode(outcome == Outcome.FAILED ? "BROKEN" : null)
                .setErrorMessage(outcome == Outcome.FAILED ? "item " + item + " broke" : null).setAttempt(attempt)
                .setProcessedAt(t0.plusSeconds(item)).build());
    }

    private static void assertItem(JsonNode item, int index, String stage, String outcome, String sku, String code, String message,
            Integer attempt) {
        assertThat(item.path("itemIndex").asInt()).as("item of %s", item).isEqualTo(index);
        assertThat(item.path("stage").asText()).as("stage of %s", item).isEqualTo(stage);
        assertThat(item.path("outcome").asText()).as("outcome of %s", item).isEqualTo(outcome);
        assertThat(item.hasNonNull("sku") ? item.path("sku").asText() : null).as("sku of %s", item).isEqualTo(sku);
        assertThat(item.hasNonNull("code") ? item.path("code").asText() : null).as("code of %s", item).isEqualTo(code);
        assertThat(item.hasNonNull("message") ? item.path("message").asText() : null).as("message of %s", item).isEqualTo(message);
        assertThat(item.hasNonNull("attempt") ? (Integer) item.path("attempt").asInt() : null).as("attempt of %s", item)
                .isEqualTo(attempt);
    }

    @Test
    void aMerchantsUploadsAreListedNewestFirstInPages() throws Exception {
        String merchant = "m-list-" + uploadId.substring(0, 8);
        String key = Pipeline.stack().createMerchant(merchant, "List");
        List<String> ids = new java.util.ArrayList<>();
        for (int i = 0; i < 5; i++) {
            String id = UUID.randomUUID().toString();
            ids.add(0, id);
            PRODUCER.send(new ProducerRecord<>(Topics.UPLOADS, id,
                    AVRO.serialize(Topics.UPLOADS, new UploadAccepted(id, merchant, 1, 0, t0.plusSeconds(i), null, null)))).get(10, TimeUnit.SECONDS);
        }
        String base = Pipeline.stack().statusUrl() + "/v1/uploads";
        await().atMost(Duration.ofSeconds(30)).until(() -> Pipeline.get(base + "?limit=10", key).body().path("uploads").size() == 5);
        JsonNode first = Pipeline.get(base + "?limit=2", key).body();
        JsonNode second = Pipeline.get(base + "?limit=2&cursor=" + first.path("nextCursor").asText(), key).body();
        JsonNode third = Pipeline.get(base + "?limit=2&cursor=" + second.path("nextCursor").asText(), key).body();
        List<String> listed = new java.util.ArrayList<>();
        for (JsonNode page : List.of(first, second, third)) {
            page.path("uploads").forEach(u -> listed.add(u.path("uploadId").asText()));
        }
        assertThat(listed).containsExactlyElementsOf(ids);
        assertThat(third.path("nextCursor").isNull()).isTrue();
        assertThat(Pipeline.get(base + "?status=IN_QUEUE&limit=10", key).body().path("uploads")).hasSize(5);
        assertThat(Pipeline.get(base + "?status=DONE", key).body().path("uploads")).isEmpty();
        assertThat(Pipeline.get(base + "?status=SOMETIMES", key).status()).isEqualTo(400);
    }
}
