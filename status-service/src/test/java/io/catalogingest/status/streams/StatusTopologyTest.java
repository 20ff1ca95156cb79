package io.catalogingest.status.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import io.catalogingest.schemas.ItemProcessed;
import io.catalogingest.schemas.ItemState;
import io.catalogingest.schemas.Outcome;
import io.catalogingest.schemas.Stage;
import io.catalogingest.schemas.Topics;
import io.catalogingest.schemas.UploadAccepted;
import io.catalogingest.schemas.UploadCancelled;
import io.catalogingest.schemas.UploadFinished;
import io.catalogingest.schemas.UploadProgress;
import io.catalogingest.schemas.UploadSplit;
import io.catalogingest.schemas.serde.AvroSerdes;
import io.catalogingest.schemas.serde.AvroSerializer;
import io.catalogingest.schemas.serde.InMemorySchemaRegistry;
import io.catalogingest.schemas.serde.SchemaRegistry;
import io.catalogingest.status.core.UploadStatus;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The status topology as deployed: wire-format Avro in on the four input topics, state in the
 * named stores under the keys the queries use, completion events out on the upload-events topic.
 * The fold's arithmetic itself is {@code ProgressFoldTest}'s subject.
 */
class StatusTopologyTest {
    private static final Instant T0 = Instant.parse("2025-03-01T10:00:00Z");
    /** The item count of an upload accepted before its body was read: the splitter counts it. */
    private static final Integer STAGED = null;

    @TempDir
    Path stateDir;

    private TopologyTestDriver driver;
    private TestInputTopic<String, SpecificRecord> uploads;
    private TestInputTopic<String, SpecificRecord> splits;
    private TestInputTopic<String, SpecificRecord> results;
    private TestInputTopic<String, SpecificRecord> cancellations;
    private TestOutputTopic<String, UploadFinished> events;

    @BeforeEach
    void startTopology() {
        SchemaRegistry registry = new InMemorySchemaRegistry();
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "status-service");
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        driver = new TopologyTestDriver(StatusTopology.build(registry), props);
        // Written as the ingest API and the workers write them; only the registry is shared.
        AvroSerializer<SpecificRecord> values = new AvroSerializer<>(registry);
        uploads = driver.createInputTopic(Topics.UPLOADS, new StringSerializer(), values);
        splits = driver.createInputTopic(Topics.UPLOAD_SPLITS, new StringSerializer(), values);
        results = driver.createInputTopic(Topics.RESULTS, new StringSerializer(), values);
        cancellations = driver.createInputTopic(Topics.CANCELLATIONS, new StringSerializer(), values);
        events = driver.createOutputTopic(Topics.UPLOAD_EVENTS, new StringDeserializer(),
                AvroSerdes.of(registry, UploadFinished.class).deserializer());
    }

    @AfterEach
    void closeTopology() {
        driver.close();
    }

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

    @Test
    void outcomesMoveAnUploadThroughInProgressToDoneWithExactCountsPerStage() {
        accept("u1", "m1", 2, 0);

        report(outcome("u1", 0, Stage.CATALOG, Outcome.SUCCEEDED, 1));
        UploadProgress started = progress("u1");
        assertThat(UploadStatus.of(started)).isEqualTo(UploadStatus.IN_PROGRESS);
        assertThat(started.getCatalogSucceeded()).isEqualTo(1);
        assertThat(started.getStartedAt()).isEqualTo(T0.plusSeconds(1));

        report(outcome("u1", 0, Stage.IMAGES, Outcome.SUCCEEDED, 2));
        report(outcome("u1", 1, Stage.CATALOG, Outcome.SUCCEEDED, 3));
        assertThat(UploadStatus.of(progress("u1"))).isEqualTo(UploadStatus.IN_PROGRESS);
        report(failure("u1", 1, Stage.IMAGES, 4));

        UploadProgress done = progress("u1");
        assertThat(UploadStatus.of(done)).isEqualTo(UploadStatus.DONE);
        assertThat(List.of(done.getSucceeded(), done.getFailed())).containsExactly(1, 1);
        assertThat(List.of(done.getCatalogSucceeded(), done.getCatalogFailed())).containsExactly(2, 0);
        assertThat(List.of(done.getImagesSucceeded(), done.getImagesFailed())).containsExactly(1, 1);
        assertThat(done.getCompletedAt()).isEqualTo(T0.plusSeconds(4));
        ItemState failed = items("u1").get(1);
        assertThat(failed.getImages().getOutcome()).isEqualTo(Outcome.FAILED);
        assertThat(failed.getImages().getErrorCode()).isEqualTo("IMAGE_NOT_FOUND");
    }

    @Test
    void aDuplicateOutcomeNeverCountsTwice() {
        accept("u1", "m1", 2, 0);
        ItemProcessed catalog = outcome("u1", 0, Stage.CATALOG, Outcome.SUCCEEDED, 1);
        ItemProcessed images = failure("u1", 0, Stage.IMAGES, 2);

        // At-least-once delivery: the same records again, as after a worker's crash.
        report(catalog, images, catalog, images, catalog);

        UploadProgress p = progress("u1");
        assertThat(p.getCatalogSucceeded()).isEqualTo(1);
        assertThat(p.getImagesFailed()).isEqualTo(1);
        assertThat(List.of(p.getSucceeded(), p.getFailed())).containsExactly(0, 1);
        assertThat(UploadStatus.of(p)).isEqualTo(UploadStatus.IN_PROGRESS);
        assertThat(items("u1")).containsOnlyKeys(0);
    }

    @Test
    void aReplayedSuccessAfterAFailureTurnsFailedIntoSucceeded() {
        accept("u1", "m1", 1, 0);
        report(outcome("u1", 0, Stage.CATALOG, Outcome.SUCCEEDED, 1), failure("u1", 0, Stage.IMAGES, 2));
        assertThat(progress("u1").getFailed()).isEqualTo(1);

        report(outcome("u1", 0, Stage.IMAGES, Outcome.SUCCEEDED, 60));

        UploadProgress p = progress("u1");
        assertThat(List.of(p.getSucceeded(), p.getFailed())).containsExactly(1, 0);
        assertThat(List.of(p.getImagesSucceeded(), p.getImagesFailed())).containsExactly(1, 0);
        assertThat(UploadStatus.of(p)).isEqualTo(UploadStatus.DONE);
        assertThat(items("u1").get(0).getImages().getOutcome()).isEqualTo(Outcome.SUCCEEDED);
    }

    @Test
    void outcomesThatArriveBeforeTheUploadIsAcceptedStillCount() {
        report(outcome("u1", 0, Stage.CATALOG, Outcome.SUCCEEDED, 1), outcome("u1", 0, Stage.IMAGES, Outcome.SUCCEEDED, 2));
        UploadProgress early = progress("u1");
        assertThat(early.getMerchantId()).as("owner unknown until accepted").isNull();
        assertThat(early.getSucceeded()).isEqualTo(1);
        assertThat(events.isEmpty()).as("nobody to tell yet").isTrue();

        accept("u1", "m1", 1, 0);

        UploadProgress p = progress("u1");
        assertThat(UploadStatus.of(p)).isEqualTo(UploadStatus.DONE);
        assertThat(p.getSucceeded()).isEqualTo(1);
        assertThat(uploadsOf("m1")).containsExactly("u1");
        assertThat(events.readValuesToList()).extracting(UploadFinished::getMerchantId).containsExactly("m1");
    }

    @Test
    void theCompletionEventGoesToTheUploadEventsTopicOnce() {
        accept("u1", "m1", 1, 0);
        ItemProcessed catalog = outcome("u1", 0, Stage.CATALOG, Outcome.SUCCEEDED, 1);
        ItemProcessed images = outcome("u1", 0, Stage.IMAGES, Outcome.SUCCEEDED, 2);
        report(catalog, images);
        // Redelivered input after completion changes nothing and announces nothing.
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
    void aCancelledUploadIsCancelledAndAnnouncedOnce() {
        accept("u1", "m1", 5, 0);
        accept("u2", "m1", 5, 1);

        UploadCancelled cancel = new UploadCancelled("u1", "m1", T0.plusSeconds(30));
        cancellations.pipeInput("u1", cancel);
        cancellations.pipeInput("u1", cancel);

        assertThat(UploadStatus.of(progress("u1"))).isEqualTo(UploadStatus.CANCELLED);
        assertThat(progress("u1").getCancelledAt()).isEqualTo(T0.plusSeconds(30));
        assertThat(UploadStatus.of(progress("u2"))).as("keyed by upload").isEqualTo(UploadStatus.IN_QUEUE);
        assertThat(events.readKeyValuesToList()).extracting(kv -> kv.key, kv -> kv.value.getEventId())
                .containsExactly(tuple("u1", "u1:cancelled"));
    }

    @Test
    void anUploadsItemsAreStoredApartFromOtherUploadsAndReadInIndexOrder() {
        accept("u1", "m1", 12, 0);
        accept("u10", "m1", 12, 1);
        report(outcome("u1", 10, Stage.CATALOG, Outcome.SUCCEEDED, 1), outcome("u1", 2, Stage.CATALOG, Outcome.SUCCEEDED, 2),
                outcome("u1", 1, Stage.CATALOG, Outcome.SUCCEEDED, 3));
        results.pipeInput("u10", outcome("u10", 2, Stage.IMAGES, Outcome.SUCCEEDED, 4));

        // Index 10 after 2, and no items of "u10" under "u1": what a lexical key order would get wrong.
        assertThat(items("u1").keySet()).containsExactly(1, 2, 10);
        assertThat(items("u10")).containsOnlyKeys(2);
        assertThat(progress("u1").getCatalogSucceeded()).isEqualTo(3);
        assertThat(progress("u10").getImagesSucceeded()).isEqualTo(1);
    }

    @Test
    void aStagedUploadIsQueuedUncountedUntilItsSplitAndDoneOnceItsItemsAre() {
        accept("u1", "m1", STAGED, 0);
        UploadProgress queued = progress("u1");
        assertThat(UploadStatus.of(queued)).isEqualTo(UploadStatus.IN_QUEUE);
        assertThat(queued.getTotalItems()).isNull();
        assertThat(uploadsOf("m1")).containsExactly("u1");

        report(outcome("u1", 0, Stage.CATALOG, Outcome.SUCCEEDED, 1), outcome("u1", 0, Stage.IMAGES, Outcome.SUCCEEDED, 2));
        assertThat(UploadStatus.of(progress("u1"))).as("more items may follow").isEqualTo(UploadStatus.IN_PROGRESS);

        split("u1", 2, false, 3);
        assertThat(progress("u1").getTotalItems()).isEqualTo(2);
        assertThat(UploadStatus.of(progress("u1"))).isEqualTo(UploadStatus.IN_PROGRESS);
        assertThat(events.isEmpty()).isTrue();

        report(outcome("u1", 1, Stage.CATALOG, Outcome.SUCCEEDED, 4), failure("u1", 1, Stage.IMAGES, 5));
        assertThat(UploadStatus.of(progress("u1"))).isEqualTo(UploadStatus.DONE);
        assertThat(events.readValuesToList()).extracting(UploadFinished::getEventId, UploadFinished::getTotalItems)
                .containsExactly(tuple("u1:done", 2));
    }

    @Test
    void aSplitAheadOfItsUploadRecordCountsTheUploadAndTheRecordListsIt() {
        split("u1", 1, false, 1);
        report(outcome("u1", 0, Stage.CATALOG, Outcome.SUCCEEDED, 2), outcome("u1", 0, Stage.IMAGES, Outcome.SUCCEEDED, 3));
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

        split("u1", 0, false, 1);

        assertThat(UploadStatus.of(progress("u1"))).isEqualTo(UploadStatus.DONE);
        assertThat(events.readValuesToList()).extracting(UploadFinished::getEventId, UploadFinished::getTotalItems)
                .containsExactly(tuple("u1:done", 0));
    }

    @Test
    void aSplitStoppedByTheCancellationIsAnnouncedAsCancelledOnceEvenAheadOfTheCancellationRecord() {
        accept("u1", "m1", STAGED, 0);

        split("u1", 0, true, 1);
        cancellations.pipeInput("u1", new UploadCancelled("u1", "m1", T0.plusSeconds(2)));

        assertThat(UploadStatus.of(progress("u1"))).isEqualTo(UploadStatus.CANCELLED);
        assertThat(events.readValuesToList()).extracting(UploadFinished::getEventId).containsExactly("u1:cancelled");
    }

    private void accept(String uploadId, String merchantId, Integer itemCount, int minutesAfterT0) {
        uploads.pipeInput(uploadId, new UploadAccepted(uploadId, merchantId, itemCount, 0, T0.plusSeconds(60L * minutesAfterT0), null));
    }

    /** The splitter's record, keyed by upload id. */
    private void split(String uploadId, int itemCount, boolean cancelled, int secondsAfterT0) {
        splits.pipeInput(uploadId, new UploadSplit(uploadId, "m1", itemCount, 0, cancelled, T0.plusSeconds(secondsAfterT0)));
    }

    /** Results are keyed by upload id, as the workers write them. */
    private void report(ItemProcessed... outcomes) {
        for (ItemProcessed o : outcomes) {
            results.pipeInput(o.getUploadId(), o);
        }
    }

    private static ItemProcessed outcome(String uploadId, int index, Stage stage, Outcome outcome, int secondsAfterT0) {
        return ItemProcessed.newBuilder().setUploadId(uploadId).setItemIndex(index).setSku("sku-" + index).setStage(stage)
                .setOutcome(outcome).setProcessedAt(T0.plusSeconds(secondsAfterT0)).build();
    }

    private static ItemProcessed failure(String uploadId, int index, Stage stage, int secondsAfterT0) {
        return ItemProcessed.newBuilder(outcome(uploadId, index, stage, Outcome.FAILED, secondsAfterT0))
                .setErrorCode("IMAGE_NOT_FOUND").setErrorMessage("origin answered 404").build();
    }

    // The reads below use the stores and keys as StatusStreams queries them.

    private UploadProgress progress(String uploadId) {
        KeyValueStore<String, UploadProgress> store = driver.getKeyValueStore(StatusTopology.PROGRESS_STORE);
        UploadProgress p = store.get(uploadId);
        assertThat(p).as("progress of %s", uploadId).isNotNull();
        return p;
    }

    private Map<Integer, ItemState> items(String uploadId) {
        Map<Integer, ItemState> found = new LinkedHashMap<>();
        StatusTopology.visitItems(driver.getKeyValueStore(StatusTopology.ITEMS_STORE), uploadId, 0, (index, item) -> {
            found.put(index, item);
            return true;
        });
        return found;
    }

    private List<String> uploadsOf(String merchantId) {
        List<String> uploadIds = new ArrayList<>();
        StatusTopology.visitMerchantUploads(driver.getKeyValueStore(StatusTopology.MERCHANT_UPLOADS_STORE), merchantId, null,
                (position, uploadId) -> uploadIds.add(uploadId));
        return uploadIds;
    }
}
