package io.catalogingest.status.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.Set;

import com.codahale.metrics.Meter;
import io.catalogingest.schemas.ItemOutcomes;
import io.catalogingest.schemas.ItemProcessed;
import io.catalogingest.schemas.Outcome;
import io.catalogingest.schemas.OutcomeBatch;
import io.catalogingest.schemas.RecordHeaders;
import io.catalogingest.schemas.Stage;
import io.catalogingest.schemas.Topics;
import io.catalogingest.schemas.UploadAccepted;
import io.catalogingest.schemas.UploadCancelled;
import io.catalogingest.schemas.UploadFinished;
import io.catalogingest.schemas.UploadSplit;
import io.catalogingest.schemas.serde.AvroSerdes;
import io.catalogingest.schemas.serde.AvroSerializer;
import io.catalogingest.schemas.serde.InMemorySchemaRegistry;
import io.catalogingest.schemas.serde.SchemaRegistry;
import io.catalogingest.status.api.ItemView;
import io.catalogingest.status.core.UploadStatus;
import io.catalogingest.status.store.ItemChunk;
import io.catalogingest.status.store.StoreKeys;
import io.catalogingest.status.store.StoreSerdes;
import io.catalogingest.status.store.StoredFailure;
import io.catalogingest.status.store.UploadProgress;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.roaringbitmap.RoaringBitmap;

/**
 * The status topology as deployed: wire-format Avro in on the five input topics, state in the
 * named stores under the keys the queries use, completion events out on the upload-events topic,
 * unreadable and unfoldable records out on the status dead-letter topic (with the handlers
 * production installs). Every time the fold shows is the timestamp of the record that set it:
 * records are piped with the timestamp {@link #at} last set, while the driver's mock wall clock,
 * which only the retention reads, stays at {@code T0} unless a test moves it. The arithmetic of one
 * chunk is {@code OutcomeChunkTest}'s subject, the lifecycle rules {@code ProgressFoldTest}'s.
 */
class StatusTopologyTest {
    private static final Instant T0 = Instant.parse("2025-03-01T10:00:00Z");
    private static final Duration KEEP = Duration.ofDays(7);
    private static final Duration CHECK_EVERY = Duration.ofMinutes(1);
    /** The item count of an upload accepted before its body was read: the splitter counts it. */
    private static final Integer STAGED = null;

    @TempDir
    Path stateDir;

    private SchemaRegistry registry;
    private AvroSerializer<SpecificRecord> values;
    private TopologyTestDriver driver;
    /** The timestamp of the records piped next. */
    private Instant clock = T0;
    /** The driver's mock wall clock. */
    private Instant wallClock = T0;
    private TestInputTopic<String, SpecificRecord> uploads;
    private TestInputTopic<String, SpecificRecord> splits;
    private TestInputTopic<String, SpecificRecord> outcomes;
    private TestInputTopic<String, SpecificRecord> results;
    private TestInputTopic<String, SpecificRecord> cancellations;
    private TestOutputTopic<String, UploadFinished> events;
    private TestOutputTopic<byte[], byte[]> deadLetters;
    private Meter deadLettered;

    @BeforeEach
    void startTopology() {
        start(new StatusTopology.Retention(KEEP, CHECK_EVERY));
    }

    private void start(StatusTopology.Retention retention) {
        registry = new InMemorySchemaRegistry();
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "status-service");
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        deadLettered = new Meter();
        props.putAll(FoldDeadLetters.streamsConfig(deadLettered));
        driver = new TopologyTestDriver(StatusTopology.build(registry, retention), props, T0);
        // Written as the ingest API and the workers write them; only the registry is shared.
        values = new AvroSerializer<>(registry);
        uploads = driver.createInputTopic(Topics.UPLOADS, new StringSerializer(), values);
        splits = driver.createInputTopic(Topics.UPLOAD_SPLITS, new StringSerializer(), values);
        outcomes = driver.createInputTopic(Topics.OUTCOMES, new StringSerializer(), values);
        results = driver.createInputTopic(Topics.RESULTS, new StringSerializer(), values);
        cancellations = driver.createInputTopic(Topics.CANCELLATIONS, new StringSerializer(), values);
        events = driver.createOutputTopic(Topics.UPLOAD_EVENTS, new StringDeserializer(),
                AvroSerdes.of(registry, UploadFinished.class).deserializer());
        deadLetters = driver.createOutputTopic(Topics.STATUS_DEAD_LETTERS, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    @AfterEach
    void closeTopology() {
        driver.close();
    }

    // ---------------------------------------------------------------- upload records and the merchant index

    @Test
    void anAcceptedUploadIsQueuedWithItsTotalAndListedForItsMerchant() {
        accept("u1", "m1", 3, 0);

        UploadProgress p = progress("u1");
        assertThat(UploadStatus.of(p)).isEqualTo(UploadStatus.IN_QUEUE);
        assertThat(p.getMerchantId()).isEqualTo("m1");
        assertThat(p.getTotalItems()).isEqualTo(3);
        assertThat(p.getAcceptedAt()).isEqualTo(T0);
        assertThat(uploadsOf("m1")).containsExactly("u1");
        assertThat(items("u1")).isEmpty();
        assertThat(events.isEmpty()).isTrue();
    }

    @Test
    void aMerchantsUploadsAreIndexedNewestFirstAndApartFromOtherMerchants() {
        accept("u1", "m1", 1, 0);
        accept("u2", "m2", 1, 1);
        accept("u3", "m1", 1, 2);

        assertThat(uploadsOf("m1")).containsExactly("u3", "u1");
        assertThat(uploadsOf("m2")).containsExactly("u2");
    }

    /** A claim taken over accepts the same upload again, later: it is listed once, at its latest acceptance. */
    @Test
    void anUploadAcceptedAgainIsListedOnceAtItsLatestAcceptance() {
        accept("u1", "m1", 1, 0);
        accept("u2", "m1", 1, 1);
        accept("u1", "m1", 1, 2);

        assertThat(uploadsOf("m1")).containsExactly("u1", "u2");
        assertThat(progress("u1").getAcceptedAt()).isEqualTo(T0.plusSeconds(120));

        // Accepted again at a time the list cannot sort by: dead-lettered, and the upload stays listed.
        pipe(uploads, "u1", new UploadAccepted("u1", "m1", 1, 0, Instant.ofEpochMilli(-1), null, null));
        assertThat(deadLetters.readRecordsToList()).hasSize(1);
        assertThat(uploadsOf("m1")).containsExactly("u1", "u2");
    }

    // ---------------------------------------------------------------- outcomes

    @Test
    void outcomesMoveAnUploadThroughInProgressToDoneWithExactCountsPerStageAtTheirRecordsTimes() {
        accept("u1", "m1", 2, 0);

        at(1);
        report(succeeded("u1", Stage.CATALOG, 0));
        UploadProgress started = progress("u1");
        assertThat(UploadStatus.of(started)).isEqualTo(UploadStatus.IN_PROGRESS);
        assertThat(started.getCatalogSucceeded()).isEqualTo(1);
        assertThat(started.getStartedAt()).isEqualTo(T0.plusSeconds(1));

        at(2);
        report(succeeded("u1", Stage.IMAGES, 0), succeeded("u1", Stage.CATALOG, 1));
        assertThat(UploadStatus.of(progress("u1"))).isEqualTo(UploadStatus.IN_PROGRESS);
        at(4);
        report(failed("u1", Stage.IMAGES, 1, "IMAGE_NOT_FOUND"));

        UploadProgress done = progress("u1");
        assertThat(UploadStatus.of(done)).isEqualTo(UploadStatus.DONE);
        assertThat(List.of(done.getSucceeded(), done.getFailed())).containsExactly(1, 1);
        assertThat(List.of(done.getCatalogSucceeded(), done.getCatalogFailed())).containsExactly(2, 0);
        assertThat(List.of(done.getImagesSucceeded(), done.getImagesFailed())).containsExactly(1, 1);
        assertThat(done.getStartedAt()).isEqualTo(T0.plusSeconds(1));
        assertThat(done.getCompletedAt()).isEqualTo(T0.plusSeconds(4));
        assertThat(items("u1").get(1)).extracting(ItemView::stage, ItemView::outcome, ItemView::code, ItemView::sku)
                .containsExactly(tuple("CATALOG", "SUCCEEDED", null, null), tuple("IMAGES", "FAILED", "IMAGE_NOT_FOUND", "sku-1"));
        assertThat(events.readValuesToList()).extracting(UploadFinished::getEventId, UploadFinished::getFinishedAt)
                .containsExactly(tuple("u1:done", T0.plusSeconds(4)));
    }

    /** Acceptance: at-least-once delivery of an ItemOutcomes record. */
    @Test
    void duplicatesOfAnOutcomesRecordCountOnce() {
        accept("u1", "m1", 3, 0);
        ItemOutcomes catalog = batch("u1", Stage.CATALOG).succeeded(0).succeeded(1)
                .failed(OutcomeBatch.failure(2, "sku-2", "INVALID_PRICE", "price is negative", 1)).records().get(0);
        ItemOutcomes images = batch("u1", Stage.IMAGES).succeeded(0).succeeded(2)
                .failed(OutcomeBatch.failure(1, "sku-1", "IMAGE_NOT_FOUND", "origin answered 404", 3)).records().get(0);

        report(catalog, catalog);
        UploadProgress halfway = progress("u1");
        assertThat(List.of(halfway.getCatalogSucceeded(), halfway.getCatalogFailed())).containsExactly(2, 1);
        assertThat(UploadStatus.of(halfway)).isEqualTo(UploadStatus.IN_PROGRESS);

        // The same records again, as after a worker's crash, before and after completion.
        report(images, catalog, images, images, catalog);

        UploadProgress p = progress("u1");
        assertThat(List.of(p.getCatalogSucceeded(), p.getCatalogFailed())).containsExactly(2, 1);
        assertThat(List.of(p.getImagesSucceeded(), p.getImagesFailed())).containsExactly(2, 1);
        assertThat(List.of(p.getSucceeded(), p.getFailed())).containsExactly(1, 2);
        assertThat(UploadStatus.of(p)).isEqualTo(UploadStatus.DONE);
        assertThat(items("u1")).containsOnlyKeys(0, 1, 2);
        assertThat(keysOf(StatusTopology.FAILURES_STORE, "u1")).hasSize(2);
        assertThat(events.readValuesToList()).extracting(UploadFinished::getEventId, UploadFinished::getSucceeded,
                UploadFinished::getFailed).containsExactly(tuple("u1:done", 1, 2));
    }

    @Test
    void aDuplicateLegacyItemProcessedRecordNeverCountsTwice() {
        accept("u1", "m1", 2, 0);
        ItemProcessed catalog = processed("u1", 0, Stage.CATALOG, Outcome.SUCCEEDED);
        ItemProcessed images = processedFailure("u1", 0, Stage.IMAGES);

        report(catalog, images, catalog, images, catalog);

        UploadProgress p = progress("u1");
        assertThat(p.getCatalogSucceeded()).isEqualTo(1);
        assertThat(p.getImagesFailed()).isEqualTo(1);
        assertThat(List.of(p.getSucceeded(), p.getFailed())).containsExactly(0, 1);
        assertThat(UploadStatus.of(p)).isEqualTo(UploadStatus.IN_PROGRESS);
        assertThat(items("u1")).containsOnlyKeys(0);
    }

    @Test
    void legacyItemProcessedRecordsAndOutcomesOfTheSameUploadFoldTogether() {
        accept("u1", "m1", 2, 0);

        report(processed("u1", 0, Stage.CATALOG, Outcome.SUCCEEDED), processedFailure("u1", 1, Stage.IMAGES));
        report(succeeded("u1", Stage.IMAGES, 0, 1), succeeded("u1", Stage.CATALOG, 0, 1));

        UploadProgress p = progress("u1");
        assertThat(UploadStatus.of(p)).isEqualTo(UploadStatus.DONE);
        assertThat(List.of(p.getSucceeded(), p.getFailed())).containsExactly(2, 0);
        assertThat(keysOf(StatusTopology.FAILURES_STORE, "u1")).as("the legacy failure was cleared").isEmpty();
    }

    /**
     * Acceptance: outcomes of both stages in any order, a stale failure arriving after the success
     * of the same item among them, give the same counts and the same items.
     */
    @Test
    void outcomesInAnyOrderGiveTheSameCounts() {
        List<ItemOutcomes> records = List.of(
                succeeded("r", Stage.CATALOG, 0, 1, 2, 3),
                batch("r", Stage.IMAGES).succeeded(0).succeeded(2)
                        .failed(OutcomeBatch.failure(1, "sku-1", "IMAGE_TIMEOUT", "origin timed out", 1))
                        .failed(OutcomeBatch.failure(3, "sku-3", "IMAGE_NOT_FOUND", "origin answered 404", 3)).records().get(0),
                succeeded("r", Stage.IMAGES, 1), // the retry of item 1 succeeded
                failed("r", Stage.CATALOG, 2, "CATALOG_UNAVAILABLE")); // a stale failure of item 2's first attempt
        List<List<Integer>> orders = permutations(List.of(0, 1, 2, 3));
        assertThat(orders).hasSize(24);

        Map<Integer, List<ItemView>> firstItems = null;
        for (int o = 0; o < orders.size(); o++) {
            String uploadId = "order-" + o;
            accept(uploadId, "m1", 4, 0);
            for (int r : orders.get(o)) {
                ItemOutcomes record = ItemOutcomes.newBuilder(records.get(r)).setUploadId(uploadId).build();
                pipe(outcomes, uploadId, record);
            }

            UploadProgress p = progress(uploadId);
            assertThat(List.of(p.getCatalogSucceeded(), p.getCatalogFailed(), p.getImagesSucceeded(), p.getImagesFailed(),
                    p.getSucceeded(), p.getFailed())).as("order %s", orders.get(o)).containsExactly(4, 0, 3, 1, 3, 1);
            assertThat(UploadStatus.of(p)).isEqualTo(UploadStatus.DONE);
            Map<Integer, List<ItemView>> found = items(uploadId);
            if (firstItems == null) {
                firstItems = found;
            }
            assertThat(found).as("order %s", orders.get(o)).isEqualTo(firstItems);
            assertThat(keysOf(StatusTopology.FAILURES_STORE, uploadId)).as("order %s", orders.get(o))
                    .containsExactly(StoreKeys.failure(uploadId, 3, Stage.IMAGES));
        }
        assertThat(firstItems.get(3)).extracting(ItemView::stage, ItemView::outcome, ItemView::code)
                .containsExactly(tuple("CATALOG", "SUCCEEDED", null), tuple("IMAGES", "FAILED", "IMAGE_NOT_FOUND"));
        assertThat(events.readValuesToList()).extracting(UploadFinished::getStatus).hasSize(24).containsOnly("DONE");
    }

    /** Acceptance: an upload's outcomes can overtake its UploadAccepted. */
    @Test
    void outcomesThatArriveBeforeTheUploadIsAcceptedAreCountedOnceItArrives() {
        report(succeeded("u1", Stage.CATALOG, 0, 1), succeeded("u1", Stage.IMAGES, 0),
                failed("u1", Stage.IMAGES, 1, "IMAGE_NOT_FOUND"));
        UploadProgress early = progress("u1");
        assertThat(early.getMerchantId()).as("owner unknown until accepted").isNull();
        assertThat(List.of(early.getSucceeded(), early.getFailed())).containsExactly(1, 1);
        assertThat(UploadStatus.of(early)).isEqualTo(UploadStatus.IN_PROGRESS);
        assertThat(uploadsOf("m1")).isEmpty();
        assertThat(events.isEmpty()).as("nobody to tell yet").isTrue();

        at(5);
        accept("u1", "m1", 2, 0);

        UploadProgress p = progress("u1");
        assertThat(UploadStatus.of(p)).isEqualTo(UploadStatus.DONE);
        assertThat(List.of(p.getSucceeded(), p.getFailed(), p.getCatalogSucceeded(), p.getImagesSucceeded(), p.getImagesFailed()))
                .as("counted once").containsExactly(1, 1, 2, 1, 1);
        assertThat(p.getCompletedAt()).isEqualTo(T0.plusSeconds(5));
        assertThat(uploadsOf("m1")).containsExactly("u1");
        assertThat(events.readValuesToList()).extracting(UploadFinished::getMerchantId, UploadFinished::getSucceeded,
                UploadFinished::getFailed).containsExactly(tuple("m1", 1, 1));
    }

    /** Acceptance: a replayed dead letter that now succeeds replaces the failure everywhere. */
    @Test
    void aReplayedSuccessAfterAFailureTurnsFailedIntoSucceeded() {
        accept("u1", "m1", 2, 0);
        report(succeeded("u1", Stage.CATALOG, 0, 1), succeeded("u1", Stage.IMAGES, 0),
                failed("u1", Stage.IMAGES, 1, "IMAGE_NOT_FOUND"));
        UploadProgress failed = progress("u1");
        assertThat(List.of(failed.getSucceeded(), failed.getFailed())).containsExactly(1, 1);
        assertThat(failureReason("u1", 1, Stage.IMAGES)).isNotNull();
        assertThat(items("u1").get(1)).extracting(ItemView::stage, ItemView::outcome)
                .containsExactly(tuple("CATALOG", "SUCCEEDED"), tuple("IMAGES", "FAILED"));

        at(60);
        report(succeeded("u1", Stage.IMAGES, 1));

        UploadProgress p = progress("u1");
        assertThat(p.getSucceeded()).isEqualTo(failed.getSucceeded() + 1);
        assertThat(p.getFailed()).isEqualTo(failed.getFailed() - 1);
        assertThat(List.of(p.getImagesSucceeded(), p.getImagesFailed())).containsExactly(2, 0);
        assertThat(UploadStatus.of(p)).isEqualTo(UploadStatus.DONE);
        assertThat(p.getCompletedAt()).as("it finished when every item had an outcome").isEqualTo(failed.getCompletedAt());
        assertThat(items("u1").get(1)).extracting(ItemView::stage, ItemView::outcome, ItemView::code)
                .containsExactly(tuple("CATALOG", "SUCCEEDED", null), tuple("IMAGES", "SUCCEEDED", null));
        assertThat(failureReason("u1", 1, Stage.IMAGES)).as("no failure reason left").isNull();
        assertThat(keysOf(StatusTopology.FAILURES_STORE, "u1")).isEmpty();
    }

    @Test
    void theCompletionEventGoesToTheUploadEventsTopicOnce() {
        accept("u1", "m1", 1, 0);
        ItemOutcomes catalog = succeeded("u1", Stage.CATALOG, 0);
        ItemOutcomes images = succeeded("u1", Stage.IMAGES, 0);
        at(2);
        report(catalog, images);
        // Redelivered input after completion changes nothing and announces nothing.
        at(3);
        report(catalog, images);
        accept("u1", "m1", 1, 0);

        List<KeyValue<String, UploadFinished>> emitted = events.readKeyValuesToList();
        assertThat(emitted).hasSize(1);
        assertThat(emitted.get(0).key).isEqualTo("u1");
        UploadFinished event = emitted.get(0).value;
        assertThat(event.getEventId()).isEqualTo("u1:done");
        assertThat(event.getStatus()).isEqualTo("DONE");
        assertThat(List.of(event.getTotalItems(), event.getSucceeded(), event.getFailed())).containsExactly(1, 1, 0);
        assertThat(event.getFinishedAt()).isEqualTo(T0.plusSeconds(2));
    }

    @Test
    void anUploadsItemsAreStoredApartFromOtherUploadsAndReadInIndexOrderAcrossChunks() {
        accept("u1", "m1", 100_000, 0);
        accept("u10", "m1", 12, 1);
        report(succeeded("u1", Stage.CATALOG, 70_000, 10), succeeded("u1", Stage.CATALOG, 2),
                failed("u1", Stage.CATALOG, 65_536, "INVALID_PRICE"), succeeded("u1", Stage.CATALOG, 1, 65_535));
        report(succeeded("u10", Stage.IMAGES, 2));

        // Index 10 after 2, 65,536 in the next chunk, and no items of "u10" under "u1": what a
        // lexical key order or a prefix scan without its separator would get wrong.
        assertThat(items("u1").keySet()).containsExactly(1, 2, 10, 65_535, 65_536, 70_000);
        assertThat(items("u1", 11).keySet()).containsExactly(65_535, 65_536, 70_000);
        assertThat(items("u1", 65_536).keySet()).containsExactly(65_536, 70_000);
        assertThat(items("u10")).containsOnlyKeys(2);
        assertThat(keysOf(StatusTopology.CHUNKS_STORE, "u1")).containsExactly(StoreKeys.chunk("u1", 0), StoreKeys.chunk("u1", 1));
        assertThat(progress("u1").getCatalogSucceeded()).isEqualTo(5);
        assertThat(progress("u1").getCatalogFailed()).isEqualTo(1);
        assertThat(progress("u10").getImagesSucceeded()).isEqualTo(1);
    }

    @Test
    void refusalsAtValidationAreFailedItemsOfTheirOwn() {
        accept("u1", "m1", 3, 0);
        report(batch("u1", Stage.VALIDATION).failed(OutcomeBatch.failure(2, null, "MISSING_SKU", "item 2 has no sku", 1))
                .records().get(0));
        assertThat(UploadStatus.of(progress("u1"))).as("a refusal does not start the upload").isEqualTo(UploadStatus.IN_QUEUE);

        report(succeeded("u1", Stage.CATALOG, 0, 1), succeeded("u1", Stage.IMAGES, 0, 1));

        UploadProgress p = progress("u1");
        assertThat(UploadStatus.of(p)).isEqualTo(UploadStatus.DONE);
        assertThat(List.of(p.getSucceeded(), p.getFailed(), p.getRefused())).containsExactly(2, 1, 1);
        assertThat(items("u1").get(2)).extracting(ItemView::stage, ItemView::outcome, ItemView::code, ItemView::sku)
                .containsExactly(tuple("VALIDATION", "FAILED", "MISSING_SKU", null));
    }

    // ---------------------------------------------------------------- times

    /**
     * Acceptance: every time the fold shows is the timestamp of the record that set it, so two folds
     * of the same records (a restore from the changelog, a standby, another deployment) agree, however
     * far apart their wall clocks. Only the retention, never shown, follows each fold's own clock.
     */
    @Test
    void twoFoldsOfTheSameRecordsAgreeOnEveryTimeWhateverTheirWallClocks() {
        List<Timed> records = List.of(
                timed(1, Topics.UPLOADS, new UploadAccepted("done", "m1", 2, 0, T0, null, null)),
                timed(1, Topics.UPLOADS, new UploadAccepted("cancelled", "m1", 2, 0, T0, null, null)),
                timed(1, Topics.UPLOADS, new UploadAccepted("open", "m1", 2, 0, T0, null, null)),
                timed(2, Topics.OUTCOMES, succeeded("done", Stage.CATALOG, 0, 1)),
                timed(3, Topics.CANCELLATIONS, new UploadCancelled("done", "m1", T0)), // refused: it has started
                timed(4, Topics.CANCELLATIONS, new UploadCancelled("cancelled", "m1", T0)),
                timed(5, Topics.OUTCOMES, succeeded("done", Stage.IMAGES, 0)),
                timed(6, Topics.OUTCOMES, failed("open", Stage.CATALOG, 1, "INVALID_PRICE")),
                timed(7, Topics.OUTCOMES, failed("done", Stage.IMAGES, 1, "IMAGE_NOT_FOUND")),
                timed(8, Topics.OUTCOMES, succeeded("ghost", Stage.CATALOG, 0)));

        Fold here = fold(stateDir.resolve("here"), T0, Duration.ZERO, records);
        Fold elsewhere = fold(stateDir.resolve("elsewhere"), T0.plus(Duration.ofDays(3)), Duration.ofMinutes(7), records);

        assertThat(here.progress()).containsOnlyKeys("done", "cancelled", "open", "ghost");
        assertThat(withoutExpiry(elsewhere.progress())).isEqualTo(withoutExpiry(here.progress()));
        UploadProgress done = here.progress().get("done");
        assertThat(List.of(done.getStartedAt(), done.getCancelRefusedAt(), done.getCompletedAt()))
                .containsExactly(T0.plusSeconds(2), T0.plusSeconds(3), T0.plusSeconds(7));
        assertThat(here.progress().get("cancelled").getCancelledAt()).isEqualTo(T0.plusSeconds(4));
        assertThat(here.progress().get("open").getStartedAt()).isEqualTo(T0.plusSeconds(6));
        assertThat(elsewhere.events()).isEqualTo(here.events());
        assertThat(here.events()).extracting(kv -> kv.value.getEventId(), kv -> kv.value.getFinishedAt())
                .containsExactly(tuple("cancelled:cancelled", T0.plusSeconds(4)), tuple("done:done", T0.plusSeconds(7)));

        // The retention is the fold's own: kept for KEEP after it finished by its wall clock.
        assertThat(here.progress().get("done").getExpiresAt()).isEqualTo(T0.plus(KEEP));
        assertThat(elsewhere.progress().get("done").getExpiresAt())
                .isEqualTo(T0.plus(Duration.ofDays(3)).plus(Duration.ofMinutes(7).multipliedBy(9)).plus(KEEP)); // the ninth record finished it
    }

    // ---------------------------------------------------------------- cancellation

    /** Acceptance: a cancel that reaches the fold while the upload is IN_QUEUE cancels it, announced once. */
    @Test
    void aCancelWhileQueuedCancelsTheUploadAndAnnouncesItOnce() {
        accept("u1", "m1", 2, 0);
        accept("u2", "m1", 5, 1);

        at(30);
        UploadCancelled cancel = new UploadCancelled("u1", "m1", T0.plusSeconds(29));
        pipe(cancellations, "u1", cancel);
        at(31);
        pipe(cancellations, "u1", cancel);

        UploadProgress p = progress("u1");
        assertThat(UploadStatus.of(p)).isEqualTo(UploadStatus.CANCELLED);
        assertThat(p.getCancelledAt()).as("the first cancel record's time, not what it says").isEqualTo(T0.plusSeconds(30));
        assertThat(p.getCancelRefusedAt()).isNull();
        assertThat(UploadStatus.of(progress("u2"))).as("keyed by upload").isEqualTo(UploadStatus.IN_QUEUE);

        // What the workers made of the items they had: skipped. The upload stays CANCELLED.
        report(batch("u1", Stage.CATALOG).skipped(0).skipped(1).records().get(0),
                batch("u1", Stage.IMAGES).skipped(0).skipped(1).records().get(0));
        assertThat(UploadStatus.of(progress("u1"))).isEqualTo(UploadStatus.CANCELLED);

        assertThat(events.readKeyValuesToList()).extracting(kv -> kv.key, kv -> kv.value.getEventId(), kv -> kv.value.getStatus(),
                kv -> kv.value.getFinishedAt()).containsExactly(tuple("u1", "u1:cancelled", "CANCELLED", T0.plusSeconds(30)));
    }

    /**
     * Acceptance: the workers learn of a cancel (from the database) before the fold does (from the
     * cancellations topic), so the skips it causes can reach the fold first. Skips alone do not
     * start an upload: the cancel is still taken, and announced once; the upload is never DONE.
     */
    @Test
    void aCancelThatReachesTheFoldAfterTheSkipsItCausedStillCancelsTheUpload() {
        accept("u1", "m1", 2, 0);

        at(1);
        report(batch("u1", Stage.CATALOG).skipped(0).skipped(1).records().get(0));
        UploadProgress skipped = progress("u1");
        assertThat(UploadStatus.of(skipped)).as("skips alone do not start it").isEqualTo(UploadStatus.IN_QUEUE);
        assertThat(skipped.getStartedAt()).isNull();
        assertThat(List.of(skipped.getCatalogFailed(), skipped.getSkipped())).containsExactly(2, 2);

        at(2);
        pipe(cancellations, "u1", new UploadCancelled("u1", "m1", T0.plusSeconds(1)));
        assertThat(UploadStatus.of(progress("u1"))).isEqualTo(UploadStatus.CANCELLED);

        at(3);
        report(batch("u1", Stage.IMAGES).skipped(0).skipped(1).records().get(0));

        UploadProgress p = progress("u1");
        assertThat(UploadStatus.of(p)).isEqualTo(UploadStatus.CANCELLED);
        assertThat(p.getCancelledAt()).isEqualTo(T0.plusSeconds(2));
        assertThat(p.getCancelRefusedAt()).isNull();
        assertThat(p.getStartedAt()).isNull();
        assertThat(p.getCompletedAt()).isNull();
        assertThat(List.of(p.getCatalogFailed(), p.getImagesFailed(), p.getSkipped(), p.getSucceeded(), p.getFailed()))
                .containsExactly(2, 2, 4, 0, 2);
        assertThat(events.readValuesToList()).extracting(UploadFinished::getEventId, UploadFinished::getStatus,
                UploadFinished::getFinishedAt).containsExactly(tuple("u1:cancelled", "CANCELLED", T0.plusSeconds(2)));
    }

    /** Acceptance: once an outcome reached the fold, a cancel is refused and the upload runs to DONE. */
    @Test
    void aCancelAfterTheFirstOutcomeIsRefusedAndTheUploadFinishesDone() {
        accept("u1", "m1", 3, 0);
        at(1);
        report(succeeded("u1", Stage.CATALOG, 0));

        at(2);
        pipe(cancellations, "u1", new UploadCancelled("u1", "m1", T0.plusSeconds(2)));

        UploadProgress refused = progress("u1");
        assertThat(refused.getCancelRefusedAt()).isEqualTo(T0.plusSeconds(2));
        assertThat(refused.getCancelledAt()).isNull();
        assertThat(UploadStatus.of(refused)).isEqualTo(UploadStatus.IN_PROGRESS);
        assertThat(events.isEmpty()).isTrue();

        // The workers skip what they had not processed yet (they read the cancellation too).
        at(3);
        report(succeeded("u1", Stage.IMAGES, 0), batch("u1", Stage.CATALOG).skipped(1).skipped(2).records().get(0),
                batch("u1", Stage.IMAGES).skipped(1).skipped(2).records().get(0));

        UploadProgress p = progress("u1");
        assertThat(UploadStatus.of(p)).isEqualTo(UploadStatus.DONE);
        assertThat(List.of(p.getSucceeded(), p.getFailed())).containsExactly(1, 2);
        assertThat(p.getCancelledAt()).isNull();
        assertThat(events.readValuesToList()).extracting(UploadFinished::getEventId, UploadFinished::getStatus)
                .containsExactly(tuple("u1:done", "DONE"));
    }

    /** Acceptance: a cancel of a finished upload changes nothing and announces nothing. */
    @Test
    void aCancelAfterDoneChangesNothing() {
        accept("u1", "m1", 1, 0);
        at(1);
        report(succeeded("u1", Stage.CATALOG, 0), succeeded("u1", Stage.IMAGES, 0));
        UploadProgress done = progress("u1");
        assertThat(UploadStatus.of(done)).isEqualTo(UploadStatus.DONE);
        assertThat(events.readValuesToList()).extracting(UploadFinished::getEventId).containsExactly("u1:done");

        at(5);
        pipe(cancellations, "u1", new UploadCancelled("u1", "m1", T0.plusSeconds(5)));
        pipe(splits, "u1", new UploadSplit("u1", "m1", 1, 0, true, T0.plusSeconds(5)));

        UploadProgress p = progress("u1");
        assertThat(UploadStatus.of(p)).isEqualTo(UploadStatus.DONE);
        assertThat(p.getCancelledAt()).isNull();
        assertThat(UploadProgress.newBuilder(p).setCancelRefusedAt(null).build()).as("only the refusal is recorded")
                .isEqualTo(done);
        assertThat(events.isEmpty()).isTrue();
    }

    /** Acceptance: items a stage skipped for a cancellation are failed items, and they finish the upload. */
    @Test
    void skippedItemsCountAsFailedAndFinishTheUpload() {
        accept("u1", "m1", 3, 0);

        report(batch("u1", Stage.CATALOG).succeeded(0).skipped(1).skipped(2).records().get(0));
        assertThat(UploadStatus.of(progress("u1"))).isEqualTo(UploadStatus.IN_PROGRESS);
        at(7);
        report(batch("u1", Stage.IMAGES).succeeded(0).skipped(1).skipped(2).records().get(0));

        UploadProgress p = progress("u1");
        assertThat(UploadStatus.of(p)).isEqualTo(UploadStatus.DONE);
        assertThat(List.of(p.getSucceeded(), p.getFailed())).containsExactly(1, 2);
        assertThat(List.of(p.getCatalogSucceeded(), p.getCatalogFailed(), p.getImagesSucceeded(), p.getImagesFailed()))
                .containsExactly(1, 2, 1, 2);
        assertThat(items("u1").get(2)).extracting(ItemView::stage, ItemView::outcome, ItemView::code)
                .containsExactly(tuple("CATALOG", "FAILED", ItemView.CANCELLED), tuple("IMAGES", "FAILED", ItemView.CANCELLED));
        assertThat(keysOf(StatusTopology.FAILURES_STORE, "u1")).as("a skip has no reason to keep").isEmpty();
        assertThat(events.readValuesToList()).extracting(UploadFinished::getStatus, UploadFinished::getFailed,
                UploadFinished::getFinishedAt).containsExactly(tuple("DONE", 2, T0.plusSeconds(7)));
    }

    // ---------------------------------------------------------------- staged uploads and splits

    @Test
    void aStagedUploadIsQueuedUncountedUntilItsSplitAndDoneOnceItsItemsAre() {
        accept("u1", "m1", STAGED, 0);
        UploadProgress queued = progress("u1");
        assertThat(UploadStatus.of(queued)).isEqualTo(UploadStatus.IN_QUEUE);
        assertThat(queued.getTotalItems()).isNull();
        assertThat(uploadsOf("m1")).containsExactly("u1");

        report(succeeded("u1", Stage.CATALOG, 0), succeeded("u1", Stage.IMAGES, 0));
        assertThat(UploadStatus.of(progress("u1"))).as("more items may follow").isEqualTo(UploadStatus.IN_PROGRESS);

        split("u1", 2, false);
        assertThat(progress("u1").getTotalItems()).isEqualTo(2);
        assertThat(UploadStatus.of(progress("u1"))).isEqualTo(UploadStatus.IN_PROGRESS);
        assertThat(events.isEmpty()).isTrue();

        report(succeeded("u1", Stage.CATALOG, 1), failed("u1", Stage.IMAGES, 1, "IMAGE_NOT_FOUND"));
        assertThat(UploadStatus.of(progress("u1"))).isEqualTo(UploadStatus.DONE);
        assertThat(events.readValuesToList()).extracting(UploadFinished::getEventId, UploadFinished::getTotalItems)
                .containsExactly(tuple("u1:done", 2));
    }

    @Test
    void aSplitAheadOfItsUploadRecordCountsTheUploadAndTheRecordListsIt() {
        split("u1", 1, false);
        report(succeeded("u1", Stage.CATALOG, 0), succeeded("u1", Stage.IMAGES, 0));
        assertThat(UploadStatus.of(progress("u1"))).isEqualTo(UploadStatus.DONE);

        accept("u1", "m1", STAGED, 0);

        UploadProgress p = progress("u1");
        assertThat(p.getTotalItems()).isEqualTo(1);
        assertThat(UploadStatus.of(p)).isEqualTo(UploadStatus.DONE);
        assertThat(uploadsOf("m1")).containsExactly("u1");
        assertThat(events.readValuesToList()).extracting(UploadFinished::getEventId).containsExactly("u1:done");
    }

    @Test
    void anUploadSplitIntoNoItemsIsDoneAndAnnounced() {
        accept("u1", "m1", STAGED, 0);

        split("u1", 0, false);

        assertThat(UploadStatus.of(progress("u1"))).isEqualTo(UploadStatus.DONE);
        assertThat(events.readValuesToList()).extracting(UploadFinished::getEventId, UploadFinished::getTotalItems)
                .containsExactly(tuple("u1:done", 0));
    }

    @Test
    void aSplitStoppedByTheCancellationIsAnnouncedAsCancelledOnceEvenAheadOfTheCancellationRecord() {
        accept("u1", "m1", STAGED, 0);

        split("u1", 0, true);
        pipe(cancellations, "u1", new UploadCancelled("u1", "m1", T0.plusSeconds(2)));

        assertThat(UploadStatus.of(progress("u1"))).isEqualTo(UploadStatus.CANCELLED);
        assertThat(events.readValuesToList()).extracting(UploadFinished::getEventId).containsExactly("u1:cancelled");
    }

    // ---------------------------------------------------------------- retention

    /**
     * Acceptance: a finished upload's state leaves every store once its retention has passed by the
     * fold's wall clock, whatever the timestamps of its records; an unfinished one of the same age stays.
     */
    @Test
    void aFinishedUploadsStateIsRemovedFromEveryStoreOnceItsRetentionHasPassed() {
        accept("done", "m1", 2, 0);
        accept("open", "m1", 2, 0);
        report(succeeded("open", Stage.CATALOG, 0), failed("open", Stage.CATALOG, 1, "INVALID_PRICE"));
        // It finishes an hour later by the fold's clock, its records timestamped T0 all the same.
        wallClockPasses(Duration.ofHours(1));
        report(succeeded("done", Stage.CATALOG, 0, 1), succeeded("done", Stage.IMAGES, 0),
                failed("done", Stage.IMAGES, 1, "IMAGE_NOT_FOUND"));
        assertThat(UploadStatus.of(progress("done"))).isEqualTo(UploadStatus.DONE);
        assertThat(UploadStatus.of(progress("open"))).isEqualTo(UploadStatus.IN_PROGRESS);
        assertThat(progress("done").getCompletedAt()).as("the records' time").isEqualTo(T0);
        assertThat(progress("done").getExpiresAt()).as("the fold's clock").isEqualTo(wallClock.plus(KEEP));
        assertThat(progress("open").getExpiresAt()).isEqualTo(T0.plus(KEEP).plus(Topics.DEAD_LETTER_RETENTION));
        assertThat(stateOf("done")).containsOnlyKeys(StatusTopology.PROGRESS_STORE, StatusTopology.CHUNKS_STORE,
                StatusTopology.FAILURES_STORE, StatusTopology.MERCHANT_UPLOADS_STORE, StatusTopology.EXPIRY_STORE);
        assertThat(stateOf("done").get(StatusTopology.EXPIRY_STORE)).as("one expiry entry per upload").hasSize(1);

        wallClockPasses(KEEP.minus(CHECK_EVERY));
        assertThat(stateOf("done")).as("kept until its retention has passed").hasSize(5);

        wallClockPasses(CHECK_EVERY.multipliedBy(2));

        assertThat(stateOf("done")).as("nothing of the finished upload is left").isEmpty();
        assertThat(driver.getKeyValueStore(StatusTopology.PROGRESS_STORE).get("done")).isNull();
        assertThat(stateOf("open")).as("the unfinished upload of the same age is kept").containsOnlyKeys(
                StatusTopology.PROGRESS_STORE, StatusTopology.CHUNKS_STORE, StatusTopology.FAILURES_STORE,
                StatusTopology.MERCHANT_UPLOADS_STORE, StatusTopology.EXPIRY_STORE);
        assertThat(uploadsOf("m1")).containsExactly("open");
        assertThat(progress("open").getCatalogSucceeded()).isEqualTo(1);

        // Once it finishes, its own retention starts.
        report(succeeded("open", Stage.IMAGES, 0, 1));
        assertThat(UploadStatus.of(progress("open"))).isEqualTo(UploadStatus.DONE);
        assertThat(progress("open").getExpiresAt()).isEqualTo(wallClock.plus(KEEP));
        wallClockPasses(KEEP.minus(CHECK_EVERY));
        assertThat(stateOf("open")).containsKey(StatusTopology.PROGRESS_STORE);
        wallClockPasses(CHECK_EVERY.multipliedBy(2));
        assertThat(stateOf("open")).isEmpty();
        assertThat(uploadsOf("m1")).isEmpty();
    }

    /** One look deletes at most its budget of keys (but a whole upload), so it never holds the fold for long; later looks take the rest. */
    @Test
    void aLookForExpiredUploadsDeletesAtMostItsBudgetAndLeavesTheRestToTheNextLooks() {
        driver.close();
        start(new StatusTopology.Retention(KEEP, CHECK_EVERY, 1));
        List<String> ids = List.of("a", "b", "c");
        for (String id : ids) {
            accept(id, "m1", 1, 0);
            report(succeeded(id, Stage.CATALOG, 0), succeeded(id, Stage.IMAGES, 0));
            assertThat(UploadStatus.of(progress(id))).isEqualTo(UploadStatus.DONE);
        }
        wallClockPasses(KEEP.plus(CHECK_EVERY));
        assertThat(ids).filteredOn(id -> !stateOf(id).isEmpty()).hasSize(2);
        wallClockPasses(CHECK_EVERY);
        assertThat(ids).filteredOn(id -> !stateOf(id).isEmpty()).hasSize(1);
        wallClockPasses(CHECK_EVERY);
        assertThat(ids).filteredOn(id -> !stateOf(id).isEmpty()).isEmpty();
        assertThat(uploadsOf("m1")).isEmpty();
    }

    @Test
    void aCancelledUploadsStateIsRemovedOnceItsRetentionHasPassed() {
        accept("u1", "m1", 2, 0);
        pipe(cancellations, "u1", new UploadCancelled("u1", "m1", T0));
        assertThat(UploadStatus.of(progress("u1"))).isEqualTo(UploadStatus.CANCELLED);

        wallClockPasses(KEEP.plus(CHECK_EVERY));

        assertThat(stateOf("u1")).isEmpty();
    }

    /**
     * Acceptance: an accepted upload that never finishes (an item lost for good) is kept while a
     * replay of its dead letters could still finish it, then for the retention, then removed.
     */
    @Test
    void anAcceptedUploadThatNeverFinishesIsRemovedOnceItsDeadLettersAndTheRetentionHavePassed() {
        accept("stuck", "m1", 2, 0);
        report(succeeded("stuck", Stage.CATALOG, 0, 1), failed("stuck", Stage.IMAGES, 1, "IMAGE_NOT_FOUND"));
        assertThat(UploadStatus.of(progress("stuck"))).isEqualTo(UploadStatus.IN_PROGRESS);
        Duration bound = KEEP.plus(Topics.DEAD_LETTER_RETENTION);
        assertThat(progress("stuck").getExpiresAt()).isEqualTo(T0.plus(bound));

        wallClockPasses(KEEP.plus(CHECK_EVERY));
        assertThat(stateOf("stuck")).as("long past a finished upload's retention").hasSize(5);
        wallClockPasses(bound.minus(KEEP).minus(CHECK_EVERY.multipliedBy(2)));
        assertThat(stateOf("stuck")).as("its dead letters could still finish it").containsOnlyKeys(
                StatusTopology.PROGRESS_STORE, StatusTopology.CHUNKS_STORE, StatusTopology.FAILURES_STORE,
                StatusTopology.MERCHANT_UPLOADS_STORE, StatusTopology.EXPIRY_STORE);
        assertThat(uploadsOf("m1")).containsExactly("stuck");

        wallClockPasses(CHECK_EVERY.multipliedBy(2));

        assertThat(stateOf("stuck")).isEmpty();
        assertThat(uploadsOf("m1")).isEmpty();
    }

    @Test
    void outcomesOfAnUploadNeverAcceptedAreRemovedOnceTheRetentionHasPassed() {
        report(succeeded("ghost", Stage.CATALOG, 0), failed("ghost", Stage.IMAGES, 0, "IMAGE_NOT_FOUND"));
        accept("kept", "m1", 1, 0);
        assertThat(stateOf("ghost")).containsKeys(StatusTopology.PROGRESS_STORE, StatusTopology.CHUNKS_STORE,
                StatusTopology.FAILURES_STORE);
        assertThat(progress("ghost").getExpiresAt()).isEqualTo(T0.plus(KEEP));

        wallClockPasses(KEEP.plus(CHECK_EVERY));

        assertThat(stateOf("ghost")).isEmpty();
        assertThat(stateOf("kept")).containsKey(StatusTopology.PROGRESS_STORE);
    }

    /** Outcomes ahead of their upload record: once it arrives, the upload is kept as any accepted upload. */
    @Test
    void outcomesWhoseUploadIsAcceptedLaterAreKeptAsAnAcceptedUpload() {
        report(succeeded("late", Stage.CATALOG, 0));
        wallClockPasses(Duration.ofDays(1));
        accept("late", "m1", 2, 0);
        Instant acceptedByTheFold = wallClock;
        assertThat(progress("late").getExpiresAt()).isEqualTo(acceptedByTheFold.plus(KEEP).plus(Topics.DEAD_LETTER_RETENTION));

        wallClockPasses(KEEP);
        assertThat(stateOf("late")).as("its first expiry entry came due and moved").containsOnlyKeys(StatusTopology.PROGRESS_STORE,
                StatusTopology.CHUNKS_STORE, StatusTopology.MERCHANT_UPLOADS_STORE, StatusTopology.EXPIRY_STORE);
        assertThat(stateOf("late").get(StatusTopology.EXPIRY_STORE)).hasSize(1);

        wallClockPasses(Duration.between(wallClock, progress("late").getExpiresAt()).plus(CHECK_EVERY));

        assertThat(stateOf("late")).isEmpty();
    }

    /**
     * State stored by the version before expiresAt (none set; expiry entries due {@code keep} after
     * the upload appeared and after it finished) is expired as that version would have: a finished
     * upload once its retention has passed, an unfinished one kept.
     */
    @Test
    void stateStoredBeforeExpiresAtExistedIsExpiredAsItsVersionWould() {
        accept("finished", "m1", 1, 0);
        report(succeeded("finished", Stage.CATALOG, 0), succeeded("finished", Stage.IMAGES, 0));
        accept("open", "m1", 2, 0);
        report(succeeded("open", Stage.CATALOG, 0));
        asStoredByThePreviousVersion("finished");
        asStoredByThePreviousVersion("open");

        wallClockPasses(KEEP.plus(CHECK_EVERY));

        assertThat(stateOf("finished")).isEmpty();
        assertThat(stateOf("open")).as("unfinished: kept").containsKeys(StatusTopology.PROGRESS_STORE, StatusTopology.CHUNKS_STORE,
                StatusTopology.MERCHANT_UPLOADS_STORE, StatusTopology.EXPIRY_STORE);
        assertThat(uploadsOf("m1")).containsExactly("open");
    }

    /** The upload's progress without expiresAt and its expiry entries as the previous version wrote them. */
    private void asStoredByThePreviousVersion(String uploadId) {
        KeyValueStore<String, UploadProgress> progressStore = driver.getKeyValueStore(StatusTopology.PROGRESS_STORE);
        progressStore.put(uploadId, UploadProgress.newBuilder(progress(uploadId)).setExpiresAt(null).build());
        KeyValueStore<String, String> expiry = driver.getKeyValueStore(StatusTopology.EXPIRY_STORE);
        stateOf(uploadId).getOrDefault(StatusTopology.EXPIRY_STORE, List.of()).forEach(expiry::delete);
        expiry.put(StoreKeys.expiry(wallClock.plus(KEEP).toEpochMilli(), uploadId), uploadId);
    }

    // ---------------------------------------------------------------- poison records

    /**
     * Acceptance: on each input topic, one record of each kind the fold cannot read or fold goes to
     * the status dead-letter topic, byte for byte with headers saying where it came from and why, and
     * a good record right after it on the same topic is folded.
     */
    @ParameterizedTest
    @ValueSource(strings = {Topics.UPLOADS, Topics.UPLOAD_SPLITS, Topics.OUTCOMES, Topics.RESULTS, Topics.CANCELLATIONS})
    void poisonRecordsAreDeadLetteredWithTheirOriginAndTheNextRecordIsFolded(String topic) {
        TestInputTopic<String, byte[]> raw = driver.createInputTopic(topic, new StringSerializer(), new ByteArraySerializer(), T0,
                Duration.ZERO);
        record Poison(String kind, String key, byte[] value, String code) {}
        List<Poison> poisons = List.of(
                new Poison("bytes without the magic byte", "p0", "{\"uploadId\":\"p0\"}".getBytes(StandardCharsets.UTF_8),
                        "UNREADABLE_RECORD"),
                new Poison("an unknown schema id", "p1", new byte[] {0, 0, 0, 0x30, 0x39, 2, 'p', '1'}, "UNREADABLE_RECORD"),
                new Poison("a null key", null, values.serialize(topic, goodRecord(topic, "p2")), "UNFOLDABLE_RECORD"),
                new Poison("a tombstone", "p3", null, "UNFOLDABLE_RECORD"),
                new Poison("a record type the fold does not take", "p4", values.serialize(topic, new UploadFinished("p4:done", "p4",
                        "m1", "DONE", 1, 1, 0, T0)), "UNFOLDABLE_RECORD"));

        long offset = 0;
        for (int i = 0; i < poisons.size(); i++) {
            Poison poison = poisons.get(i);
            String good = "good-" + i;
            if (topic.equals(Topics.CANCELLATIONS)) {
                accept(good, "m1", 1, 0); // a queued upload to cancel
            }
            long poisonOffset = offset++;
            raw.pipeInput(poison.key(), poison.value());
            raw.pipeInput(good, values.serialize(topic, goodRecord(topic, good)));
            offset++;

            assertThat(deadLetters.getQueueSize()).as(poison.kind()).isEqualTo(1);
            assertThat(deadLettered.getCount()).as("the fold's dead-letter meter").isEqualTo(i + 1);
            TestRecord<byte[], byte[]> dead = deadLetters.readRecord();
            Headers headers = dead.headers();
            assertThat(RecordHeaders.string(headers, RecordHeaders.ORIGIN_TOPIC)).as(poison.kind()).isEqualTo(topic);
            assertThat(RecordHeaders.number(headers, RecordHeaders.ORIGIN_PARTITION, -1)).as(poison.kind()).isZero();
            assertThat(RecordHeaders.number(headers, RecordHeaders.ORIGIN_OFFSET, -1)).as(poison.kind()).isEqualTo(poisonOffset);
            assertThat(RecordHeaders.string(headers, RecordHeaders.ERROR_CODE)).as(poison.kind()).isEqualTo(poison.code());
            assertThat(RecordHeaders.string(headers, RecordHeaders.STAGE)).as(poison.kind()).isEqualTo("STATUS");
            assertThat(RecordHeaders.string(headers, RecordHeaders.ERROR_CLASS)).as(poison.kind()).isNotBlank();
            assertThat(RecordHeaders.string(headers, RecordHeaders.ERROR_MESSAGE)).as(poison.kind()).isNotBlank();
            assertThat(dead.key()).as(poison.kind()).isEqualTo(poison.key() == null ? null : poison.key().getBytes(StandardCharsets.UTF_8));
            assertThat(dead.value()).as(poison.kind() + ": the record as it came").isEqualTo(poison.value());

            assertFolded(topic, good);
            if (poison.key() != null) {
                assertThat(stateOf(poison.key())).as("%s leaves no trace", poison.kind()).isEmpty();
            }
        }
        assertThat(stateOf("p2")).as("the null-keyed record's upload").isEmpty();
        assertThat(deadLetters.isEmpty()).isTrue();
        assertThat(events.readValuesToList()).extracting(UploadFinished::getUploadId)
                .as("only the good records announce anything").allMatch(id -> id.startsWith("good-"));
    }

    @Test
    void outcomesWithACorruptSetOrAnImpossibleIndexAreDeadLetteredAndLeaveNoTrace() {
        accept("u1", "m1", 2, 0);
        ItemOutcomes corrupt = ItemOutcomes.newBuilder(succeeded("u1", Stage.CATALOG, 0))
                .setSucceeded(java.nio.ByteBuffer.wrap(new byte[] {1, 2, 3})).build();
        ItemOutcomes negative = batch("u1", Stage.CATALOG).failed(OutcomeBatch.failure(-1, "s", "X", null, 1)).succeeded(1)
                .records().get(0);
        ItemOutcomes past2to31 = ItemOutcomes.newBuilder(succeeded("u1", Stage.CATALOG, 0))
                .setSucceeded(OutcomeBatch.toBytes(RoaringBitmap.bitmapOf(0, -1))).build();

        report(corrupt, negative, past2to31);

        assertThat(deadLetters.readRecordsToList()).extracting(r -> RecordHeaders.string(r.headers(), RecordHeaders.ERROR_CODE),
                r -> RecordHeaders.number(r.headers(), RecordHeaders.ORIGIN_OFFSET, -1))
                .containsExactly(tuple("UNFOLDABLE_RECORD", 0L), tuple("UNFOLDABLE_RECORD", 1L), tuple("UNFOLDABLE_RECORD", 2L));
        assertThat(keysOf(StatusTopology.CHUNKS_STORE, "u1")).isEmpty();
        assertThat(UploadStatus.of(progress("u1"))).isEqualTo(UploadStatus.IN_QUEUE);

        report(succeeded("u1", Stage.CATALOG, 0));
        assertThat(progress("u1").getCatalogSucceeded()).isEqualTo(1);
    }

    // ---------------------------------------------------------------- scale

    /** Acceptance: a million items in 200 batches per stage, shuffled, fold exactly into a small state. */
    @Test
    void aMillionItemUploadReportedInBatchesIsDoneWithExactCountsAndSmallState() {
        int total = 1_000_000;
        int perRecord = 5_000;
        accept("big", "m1", total, 0);
        Random random = new Random(20250301);
        int[] catalogOrder = shuffled(total, random);
        int[] imagesOrder = shuffled(total, random);
        Set<Integer> failedImages = new HashSet<>();
        random.ints(0, total).distinct().limit(100).forEach(failedImages::add);
        List<ItemOutcomes> records = new ArrayList<>();
        for (int r = 0; r < total / perRecord; r++) {
            OutcomeBatch catalog = batch("big", Stage.CATALOG);
            OutcomeBatch images = batch("big", Stage.IMAGES);
            for (int i = r * perRecord; i < (r + 1) * perRecord; i++) {
                catalog.succeeded(catalogOrder[i]);
                int item = imagesOrder[i];
                if (failedImages.contains(item)) {
                    images.failed(OutcomeBatch.failure(item, "sku-" + item, "IMAGE_NOT_FOUND", "origin answered 404", 3));
                } else {
                    images.succeeded(item);
                }
            }
            records.addAll(catalog.records());
            records.addAll(images.records());
        }
        assertThat(records).hasSize(400);
        Collections.shuffle(records, random);

        records.forEach(record -> pipe(outcomes, "big", record));

        UploadProgress p = progress("big");
        assertThat(UploadStatus.of(p)).isEqualTo(UploadStatus.DONE);
        assertThat(List.of(p.getSucceeded(), p.getFailed())).containsExactly(999_900, 100);
        assertThat(List.of(p.getCatalogSucceeded(), p.getCatalogFailed(), p.getImagesSucceeded(), p.getImagesFailed()))
                .containsExactly(1_000_000, 0, 999_900, 100);
        assertThat(events.readValuesToList()).extracting(UploadFinished::getStatus, UploadFinished::getSucceeded,
                UploadFinished::getFailed).containsExactly(tuple("DONE", 999_900, 100));
        assertThat(keysOf(StatusTopology.FAILURES_STORE, "big")).hasSize(100);
        int[] listed = {0, 0};
        Set<Integer> listedFailures = new HashSet<>();
        StatusStores.visitItems(driver.getKeyValueStore(StatusTopology.CHUNKS_STORE),
                driver.getKeyValueStore(StatusTopology.FAILURES_STORE), "big", 0, (index, views) -> {
                    listed[0]++;
                    for (ItemView v : views) {
                        if (v.outcome().equals("FAILED")) {
                            listed[1]++;
                            assertThat(v.code()).isEqualTo("IMAGE_NOT_FOUND");
                            listedFailures.add(index);
                        }
                    }
                    return true;
                });
        assertThat(listed[0]).isEqualTo(total);
        assertThat(listedFailures).isEqualTo(failedImages);

        long size = stateSize("big");
        System.out.println("STATE SIZE 1M items 100 failures: " + size + " bytes");
        assertThat(size).isLessThan(1024L * 1024);
    }

    // ---------------------------------------------------------------- another fold of the same records

    /** A record for {@link #fold}: keyed by its upload id, with its timestamp. */
    private record Timed(String topic, String uploadId, SpecificRecord value, Instant timestamp) {}

    private static Timed timed(int secondsAfterT0, String topic, SpecificRecord value) {
        String uploadId = value instanceof ItemOutcomes o ? o.getUploadId() : String.valueOf(value.get(0));
        return new Timed(topic, uploadId, value, T0.plusSeconds(secondsAfterT0));
    }

    /** What a fold holds and announced. */
    private record Fold(Map<String, UploadProgress> progress, List<KeyValue<String, UploadFinished>> events) {}

    /**
     * The records through a fold of its own (its own state, the same registry), whose wall clock
     * starts at {@code wallClock} and moves on by {@code step} before each record.
     */
    private Fold fold(Path dir, Instant wallClock, Duration step, List<Timed> records) {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "status-service");
        props.put(StreamsConfig.STATE_DIR_CONFIG, dir.toString());
        props.putAll(FoldDeadLetters.streamsConfig(new Meter()));
        try (TopologyTestDriver other = new TopologyTestDriver(
                StatusTopology.build(registry, new StatusTopology.Retention(KEEP, CHECK_EVERY)), props, wallClock)) {
            Map<String, TestInputTopic<String, SpecificRecord>> topics = new LinkedHashMap<>();
            for (Timed r : records) {
                other.advanceWallClockTime(step);
                topics.computeIfAbsent(r.topic(), t -> other.createInputTopic(t, new StringSerializer(), values))
                        .pipeInput(r.uploadId(), r.value(), r.timestamp());
            }
            Map<String, UploadProgress> progress = new LinkedHashMap<>();
            KeyValueStore<String, UploadProgress> store = other.getKeyValueStore(StatusTopology.PROGRESS_STORE);
            try (KeyValueIterator<String, UploadProgress> it = store.all()) {
                it.forEachRemaining(kv -> progress.put(kv.key, kv.value));
            }
            List<KeyValue<String, UploadFinished>> announced = other.createOutputTopic(Topics.UPLOAD_EVENTS, new StringDeserializer(),
                    AvroSerdes.of(registry, UploadFinished.class).deserializer()).readKeyValuesToList();
            return new Fold(progress, announced);
        }
    }

    /** The progress as shown: all but the fold's own retention. */
    private static Map<String, UploadProgress> withoutExpiry(Map<String, UploadProgress> progress) {
        Map<String, UploadProgress> shown = new LinkedHashMap<>();
        progress.forEach((id, p) -> shown.put(id, UploadProgress.newBuilder(p).setExpiresAt(null).build()));
        return shown;
    }

    // ---------------------------------------------------------------- records in

    private void accept(String uploadId, String merchantId, Integer itemCount, int minutesAfterT0) {
        pipe(uploads, uploadId, new UploadAccepted(uploadId, merchantId, itemCount, 0, T0.plusSeconds(60L * minutesAfterT0), null, null));
    }

    /** The splitter's record, keyed by upload id. */
    private void split(String uploadId, int itemCount, boolean cancelled) {
        pipe(splits, uploadId, new UploadSplit(uploadId, "m1", itemCount, 0, cancelled, T0));
    }

    /** Outcomes, keyed by upload id as the workers write them, on the topic of their contract. */
    private void report(SpecificRecord... records) {
        for (SpecificRecord r : records) {
            if (r instanceof ItemOutcomes o) {
                pipe(outcomes, o.getUploadId(), o);
            } else {
                ItemProcessed p = (ItemProcessed) r;
                pipe(results, p.getUploadId(), p);
            }
        }
    }

    /**
     * Timestamps the records piped from now on with {@code T0 + secondsAfterT0}, as their producers
     * would; the fold's wall clock does not move.
     */
    private void at(int secondsAfterT0) {
        Instant target = T0.plusSeconds(secondsAfterT0);
        assertThat(target).isAfterOrEqualTo(clock);
        clock = target;
    }

    /** Moves the fold's wall clock (only the retention reads it) by {@code duration}. */
    private void wallClockPasses(Duration duration) {
        driver.advanceWallClockTime(duration);
        wallClock = wallClock.plus(duration);
    }

    /** One record in, with the record timestamp {@link #at} set. */
    private void pipe(TestInputTopic<String, SpecificRecord> topic, String key, SpecificRecord value) {
        topic.pipeInput(key, value, clock);
    }

    private static OutcomeBatch batch(String uploadId, Stage stage) {
        return new OutcomeBatch(uploadId, stage);
    }

    private static ItemOutcomes succeeded(String uploadId, Stage stage, int... items) {
        OutcomeBatch batch = batch(uploadId, stage);
        for (int item : items) {
            batch.succeeded(item);
        }
        return batch.records().get(0);
    }

    private static ItemOutcomes failed(String uploadId, Stage stage, int item, String code) {
        return batch(uploadId, stage).failed(OutcomeBatch.failure(item, "sku-" + item, code, "failed: " + code, 1)).records().get(0);
    }

    private static ItemProcessed processed(String uploadId, int index, Stage stage, Outcome outcome) {
        return ItemProcessed.newBuilder().setUploadId(uploadId).setItemIndex(index).setSku("sku-" + index).setStage(stage)
                .setOutcome(outcome).setProcessedAt(T0).build();
    }

    private static ItemProcessed processedFailure(String uploadId, int index, Stage stage) {
        return ItemProcessed.newBuilder(processed(uploadId, index, stage, Outcome.FAILED))
                .setErrorCode("IMAGE_NOT_FOUND").setErrorMessage("origin answered 404").build();
    }

    /** A record each input topic carries, that changes the state of {@code uploadId} visibly. */
    private static SpecificRecord goodRecord(String topic, String uploadId) {
        return switch (topic) {
            case Topics.UPLOADS -> new UploadAccepted(uploadId, "m1", 1, 0, T0, null, null);
            case Topics.UPLOAD_SPLITS -> new UploadSplit(uploadId, "m1", 3, 0, false, T0);
            case Topics.OUTCOMES -> succeeded(uploadId, Stage.CATALOG, 0);
            case Topics.RESULTS -> processed(uploadId, 0, Stage.CATALOG, Outcome.SUCCEEDED);
            case Topics.CANCELLATIONS -> new UploadCancelled(uploadId, "m1", T0);
            default -> throw new IllegalArgumentException(topic);
        };
    }

    private void assertFolded(String topic, String uploadId) {
        UploadProgress p = progress(uploadId);
        switch (topic) {
            case Topics.UPLOADS -> assertThat(p.getMerchantId()).isEqualTo("m1");
            case Topics.UPLOAD_SPLITS -> assertThat(p.getTotalItems()).isEqualTo(3);
            case Topics.OUTCOMES, Topics.RESULTS -> assertThat(p.getCatalogSucceeded()).isEqualTo(1);
            case Topics.CANCELLATIONS -> assertThat(UploadStatus.of(p)).isEqualTo(UploadStatus.CANCELLED);
            default -> throw new IllegalArgumentException(topic);
        }
    }

    // ---------------------------------------------------------------- state read back, as StatusStores reads it

    private UploadProgress progress(String uploadId) {
        KeyValueStore<String, UploadProgress> store = driver.getKeyValueStore(StatusTopology.PROGRESS_STORE);
        UploadProgress p = store.get(uploadId);
        assertThat(p).as("progress of %s", uploadId).isNotNull();
        return p;
    }

    private Map<Integer, List<ItemView>> items(String uploadId) {
        return items(uploadId, 0);
    }

    private Map<Integer, List<ItemView>> items(String uploadId, int fromIndex) {
        Map<Integer, List<ItemView>> found = new LinkedHashMap<>();
        StatusStores.visitItems(driver.getKeyValueStore(StatusTopology.CHUNKS_STORE), driver.getKeyValueStore(StatusTopology.FAILURES_STORE),
                uploadId, fromIndex, (index, views) -> {
                    found.put(index, views);
                    return true;
                });
        return found;
    }

    private StoredFailure failureReason(String uploadId, int item, Stage stage) {
        KeyValueStore<String, StoredFailure> store = driver.getKeyValueStore(StatusTopology.FAILURES_STORE);
        return store.get(StoreKeys.failure(uploadId, item, stage));
    }

    private List<String> uploadsOf(String merchantId) {
        List<String> uploadIds = new ArrayList<>();
        StatusStores.visitMerchantUploads(driver.getKeyValueStore(StatusTopology.MERCHANT_UPLOADS_STORE), merchantId, null,
                (position, uploadId) -> uploadIds.add(uploadId));
        return uploadIds;
    }

    /** The keys of one upload in a store keyed by upload prefix (chunks, failures). */
    private List<String> keysOf(String store, String uploadId) {
        List<String> keys = new ArrayList<>();
        KeyValueStore<String, Object> kv = driver.getKeyValueStore(store);
        try (KeyValueIterator<String, Object> it = kv.range(StoreKeys.uploadPrefix(uploadId), StoreKeys.uploadEnd(uploadId))) {
            it.forEachRemaining(e -> keys.add(e.key));
        }
        return keys;
    }

    /** Every entry of the upload in every store, by store; stores that hold nothing of it are left out. */
    private Map<String, List<String>> stateOf(String uploadId) {
        Map<String, List<String>> state = new LinkedHashMap<>();
        if (driver.getKeyValueStore(StatusTopology.PROGRESS_STORE).get(uploadId) != null) {
            state.put(StatusTopology.PROGRESS_STORE, List.of(uploadId));
        }
        for (String store : List.of(StatusTopology.CHUNKS_STORE, StatusTopology.FAILURES_STORE)) {
            List<String> keys = keysOf(store, uploadId);
            if (!keys.isEmpty()) {
                state.put(store, keys);
            }
        }
        // The indexes name the upload in their values, whatever their keys.
        for (String store : List.of(StatusTopology.MERCHANT_UPLOADS_STORE, StatusTopology.EXPIRY_STORE)) {
            List<String> keys = new ArrayList<>();
            KeyValueStore<String, String> kv = driver.getKeyValueStore(store);
            try (KeyValueIterator<String, String> it = kv.all()) {
                it.forEachRemaining(e -> {
                    if (e.value.equals(uploadId)) {
                        keys.add(e.key);
                    }
                });
            }
            if (!keys.isEmpty()) {
                state.put(store, keys);
            }
        }
        return state;
    }

    /** Key and value bytes of the upload's entries over every store, as the store serdes write them. */
    private long stateSize(String uploadId) {
        long size = 0;
        KeyValueStore<String, UploadProgress> progress = driver.getKeyValueStore(StatusTopology.PROGRESS_STORE);
        size += utf8(uploadId) + StoreSerdes.progress().serializer().serialize(StatusTopology.PROGRESS_STORE, progress.get(uploadId)).length;
        KeyValueStore<String, ItemChunk> chunks = driver.getKeyValueStore(StatusTopology.CHUNKS_STORE);
        try (KeyValueIterator<String, ItemChunk> it = chunks.range(StoreKeys.uploadPrefix(uploadId), StoreKeys.uploadEnd(uploadId))) {
            while (it.hasNext()) {
                KeyValue<String, ItemChunk> e = it.next();
                size += utf8(e.key) + StoreSerdes.chunks().serializer().serialize(StatusTopology.CHUNKS_STORE, e.value).length;
            }
        }
        KeyValueStore<String, StoredFailure> failures = driver.getKeyValueStore(StatusTopology.FAILURES_STORE);
        try (KeyValueIterator<String, StoredFailure> it = failures.range(StoreKeys.uploadPrefix(uploadId),
                StoreKeys.uploadEnd(uploadId))) {
            while (it.hasNext()) {
                KeyValue<String, StoredFailure> e = it.next();
                size += utf8(e.key) + StoreSerdes.failures().serializer().serialize(StatusTopology.FAILURES_STORE, e.value).length;
            }
        }
        for (Map.Entry<String, List<String>> index : stateOf(uploadId).entrySet()) {
            if (index.getKey().equals(StatusTopology.MERCHANT_UPLOADS_STORE) || index.getKey().equals(StatusTopology.EXPIRY_STORE)) {
                for (String key : index.getValue()) {
                    size += utf8(key) + utf8(uploadId);
                }
            }
        }
        return size;
    }

    private static int utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }

    private static int[] shuffled(int n, Random random) {
        int[] a = new int[n];
        for (int i = 0; i < n; i++) {
            a[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
        return a;
    }

    private static List<List<Integer>> permutations(List<Integer> items) {
        if (items.isEmpty()) {
            return List.of(List.of());
        }
        List<List<Integer>> all = new ArrayList<>();
        for (Integer first : items) {
            List<Integer> rest = new ArrayList<>(items);
            rest.remove(first);
            for (List<Integer> tail : permutations(rest)) {
                List<Integer> p = new ArrayList<>();
                p.add(first);
                p.addAll(tail);
                all.add(p);
            }
        }
        return all;
    }
}
