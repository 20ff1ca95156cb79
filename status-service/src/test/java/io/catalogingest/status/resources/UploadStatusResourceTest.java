package io.catalogingest.status.resources;

import static io.catalogingest.status.resources.ServiceWiring.ADMIN_KEY;
import static io.catalogingest.status.resources.ServiceWiring.M1;
import static io.catalogingest.status.resources.ServiceWiring.M1_KEY;
import static io.catalogingest.status.resources.ServiceWiring.M2;
import static io.catalogingest.status.resources.ServiceWiring.M2_KEY;
import static io.catalogingest.status.resources.ServiceWiring.bearer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.io.IOException;
import java.net.URI;
import java.time.Instant;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.BiPredicate;
import java.util.function.Predicate;

import com.fasterxml.jackson.databind.JsonNode;
import io.catalogingest.common.api.Problem;
import io.catalogingest.common.db.CancellationDao;
import io.catalogingest.schemas.FailedItem;
import io.catalogingest.schemas.ItemOutcomes;
import io.catalogingest.schemas.OutcomeBatch;
import io.catalogingest.schemas.Stage;
import io.catalogingest.schemas.Topics;
import io.catalogingest.schemas.UploadAccepted;
import io.catalogingest.schemas.UploadCancelled;
import io.catalogingest.schemas.UploadSplit;
import io.catalogingest.schemas.serde.AvroDeserializer;
import io.catalogingest.schemas.serde.InMemorySchemaRegistry;
import io.catalogingest.schemas.serde.SchemaRegistry;
import io.catalogingest.status.api.ItemView;
import io.catalogingest.status.api.UploadListView;
import io.catalogingest.status.api.UploadStatusView;
import io.catalogingest.status.core.Cancellations;
import io.catalogingest.status.core.ListPosition;
import io.catalogingest.status.core.OutcomeChunk;
import io.catalogingest.status.core.ProgressFold;
import io.catalogingest.status.core.UploadStatus;
import io.catalogingest.status.store.StoredFailure;
import io.catalogingest.status.store.UploadProgress;
import io.catalogingest.status.streams.StatusQueries;
import io.catalogingest.status.streams.StatusStreams;
import io.catalogingest.status.streams.UploadOwnership;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import io.dropwizard.testing.junit5.ResourceExtension;
import jakarta.ws.rs.client.Entity;
import jakarta.ws.rs.client.Invocation;
import jakarta.ws.rs.client.WebTarget;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.roaringbitmap.RoaringBitmap;

@ExtendWith(DropwizardExtensionsSupport.class)
class UploadStatusResourceTest {
    private static final Instant T0 = Instant.parse("2025-03-01T10:00:00Z");

    private final FoldedUploads uploads = new FoldedUploads();
    private final RecordedCancellations cancellationDao = new RecordedCancellations();
    private final SchemaRegistry registry = new InMemorySchemaRegistry();
    private final MockProducer<String, byte[]> producer =
            new MockProducer<>(true, null, new StringSerializer(), new ByteArraySerializer());

    // One instance owns every upload here: forwarding is ForwardingFilter's concern, not the resource's.
    private final ResourceExtension resources = ServiceWiring.resources()
            .addResource(new UploadStatusResource(uploads, uploads, new InstanceClient(),
                    new Cancellations(cancellationDao, producer, registry), ServiceWiring.JSON))
            .addProvider(new NotReadyExceptionMapper())
            .build();

    @Test
    void aMerchantSeesItsOwnUploadWithItsCounts() {
        uploads.accept("u1", M1, 2, 0);
        uploads.report("u1", 0, Stage.CATALOG, Result.SUCCEEDED);

        Response response = as(M1_KEY, "/v1/uploads/u1").get();

        assertThat(response.getStatus()).isEqualTo(200);
        assertThat(response.getHeaderString("Retry-After")).as("still running: poll again").isEqualTo("2");
        JsonNode body = response.readEntity(JsonNode.class);
        assertThat(body.path("uploadId").asText()).isEqualTo("u1");
        assertThat(body.path("status").asText()).isEqualTo("IN_PROGRESS");
        assertThat(body.path("totalItems").asInt()).isEqualTo(2);
        assertThat(body.path("pending").asInt()).isEqualTo(2);
        assertThat(body.at("/stages/catalog/succeeded").asInt()).isEqualTo(1);
        assertThat(body.at("/stages/catalog/pending").asInt()).isEqualTo(1);
        assertThat(body.at("/stages/images/pending").asInt()).isEqualTo(2);
        assertThat(body.path("acceptedAt").asText()).isEqualTo("2025-03-01T10:00:00Z");
    }

    @Test
    void aStagedUploadShowsNoTotalAndNothingPendingUntilItsSplitCountsIt() {
        uploads.accept("u1", M1, null, 0);

        JsonNode uncounted = as(M1_KEY, "/v1/uploads/u1").get().readEntity(JsonNode.class);
        assertThat(uncounted.path("status").asText()).isEqualTo("IN_QUEUE");
        assertThat(uncounted.path("totalItems").isNull()).as("totalItems is null").isTrue();
        assertThat(uncounted.path("pending").isNull()).as("pending is null").isTrue();
        assertThat(uncounted.path("progress").asDouble()).isZero();

        uploads.split("u1", M1, 2);
        uploads.report("u1", 0, Stage.CATALOG, Result.SUCCEEDED);

        JsonNode counted = as(M1_KEY, "/v1/uploads/u1").get().readEntity(JsonNode.class);
        assertThat(counted.path("totalItems").asInt()).isEqualTo(2);
        assertThat(counted.path("pending").asInt()).isEqualTo(2);
        assertThat(counted.at("/stages/catalog/pending").asInt()).isEqualTo(1);
    }

    @Test
    void unknownAndForeignUploadIdsAnswer404Alike() {
        uploads.accept("u1", M1, 2, 0);
        // Outcomes ahead of their upload's record: nobody is known to own it yet.
        uploads.report("u2", 0, Stage.CATALOG, Result.SUCCEEDED);

        String foreign = notFoundBody(M2_KEY, "u1");
        String unknown = notFoundBody(M2_KEY, "u9");
        String ownerNotYetKnown = notFoundBody(M1_KEY, "u2");

        assertThat(foreign).isEqualTo(unknown).isEqualTo(ownerNotYetKnown);
        assertThat(as(M2_KEY, "/v1/uploads/u1/items").get().getStatus()).isEqualTo(404);
        assertThat(as(M2_KEY, "/v1/uploads/u1/report").get().getStatus()).isEqualTo(404);
        assertThat(as(M2_KEY, "/v1/uploads/u1/cancel").post(Entity.text("")).getStatus()).isEqualTo(404);
        assertThat(cancellationDao.cancelled).isEmpty();
        assertThat(producer.history()).isEmpty();
    }

    @Test
    void anAdminReadsAnyMerchantsUpload() {
        uploads.accept("u1", M1, 2, 0);

        assertThat(as(ADMIN_KEY, "/v1/uploads/u1").get().getStatus()).isEqualTo(200);
    }

    @Test
    void aMissingOrInvalidKeyAnswers401WithAProblem() {
        uploads.accept("u1", M1, 2, 0);

        Response missing = resources.target("/v1/uploads/u1").request().get();
        assertThat(problemCode(missing, 401)).isEqualTo("UNAUTHORIZED");
        assertThat(missing.getHeaderString(HttpHeaders.WWW_AUTHENTICATE)).startsWith("Bearer");
        assertThat(problemCode(as("cik_not-a-key", "/v1/uploads/u1").get(), 401)).isEqualTo("UNAUTHORIZED");
        assertThat(problemCode(resources.target("/v1/uploads").request().header(HttpHeaders.AUTHORIZATION, M1_KEY).get(), 401))
                .as("a key without the Bearer scheme").isEqualTo("UNAUTHORIZED");
    }

    @Test
    void anUnchangedStatusAnswers304ToItsETag() {
        uploads.accept("u1", M1, 2, 0);
        String tag = as(M1_KEY, "/v1/uploads/u1").get().getHeaderString(HttpHeaders.ETAG);
        assertThat(tag).isNotBlank();

        Response unchanged = as(M1_KEY, "/v1/uploads/u1").header(HttpHeaders.IF_NONE_MATCH, tag).get();
        assertThat(unchanged.getStatus()).isEqualTo(304);
        assertThat(unchanged.getHeaderString(HttpHeaders.ETAG)).isEqualTo(tag);
        assertThat(unchanged.hasEntity()).isFalse();

        uploads.report("u1", 0, Stage.CATALOG, Result.SUCCEEDED);
        Response changed = as(M1_KEY, "/v1/uploads/u1").header(HttpHeaders.IF_NONE_MATCH, tag).get();
        assertThat(changed.getStatus()).isEqualTo(200);
        assertThat(changed.getHeaderString(HttpHeaders.ETAG)).isNotEqualTo(tag);
    }

    @Test
    void itemsArePagedInItemOrderAndFilteredByOutcome() {
        threeItemsWithFailures();

        ItemView.Page first = items(as(M1_KEY, target("/v1/uploads/u1/items").queryParam("limit", 2)));
        assertThat(first.items()).extracting(ItemView::itemIndex, ItemView::stage, ItemView::outcome)
                .containsExactly(tuple(0, "CATALOG", "SUCCEEDED"), tuple(0, "IMAGES", "SUCCEEDED"));
        assertThat(first.nextCursor()).isEqualTo("1");

        ItemView.Page second = items(as(M1_KEY, target("/v1/uploads/u1/items").queryParam("limit", 2)
                .queryParam("cursor", first.nextCursor())));
        // Successes are kept as sets: they name no SKU and no attempt; failures name both.
        assertThat(second.items())
                .extracting(ItemView::itemIndex, ItemView::stage, ItemView::outcome, ItemView::code, ItemView::sku, ItemView::attempt)
                .containsExactly(tuple(1, "CATALOG", "SUCCEEDED", null, null, null),
                        tuple(1, "IMAGES", "FAILED", "IMAGE_NOT_FOUND", "sku-1", 1));
        assertThat(second.nextCursor()).isEqualTo("2");

        ItemView.Page failures = items(as(M1_KEY, target("/v1/uploads/u1/items").queryParam("outcome", "FAILED")));
        assertThat(failures.items()).extracting(ItemView::itemIndex, ItemView::stage, ItemView::sku, ItemView::message)
                .containsExactly(tuple(1, "IMAGES", "sku-1", "origin answered 404"), tuple(2, "CATALOG", "sku-2", "price is negative"));
        assertThat(failures.nextCursor()).isNull();

        ItemView.Page successes = items(as(M1_KEY, target("/v1/uploads/u1/items").queryParam("outcome", "SUCCEEDED")));
        assertThat(successes.items()).extracting(ItemView::itemIndex, ItemView::stage)
                .containsExactly(tuple(0, "CATALOG"), tuple(0, "IMAGES"), tuple(1, "CATALOG"));
    }

    @Test
    void itemsAStageSkippedForACancellationAreListedAsFailedWithUploadCancelled() {
        uploads.accept("u1", M1, 2, 0);
        uploads.report("u1", 0, Stage.CATALOG, Result.SUCCEEDED);
        uploads.report("u1", 0, Stage.IMAGES, Result.SKIPPED);
        uploads.report("u1", 1, Stage.CATALOG, Result.SKIPPED);
        uploads.report("u1", 1, Stage.IMAGES, Result.SKIPPED);

        JsonNode status = as(M1_KEY, "/v1/uploads/u1").get().readEntity(JsonNode.class);
        assertThat(status.path("status").asText()).isEqualTo("DONE");
        assertThat(List.of(status.path("succeeded").asInt(), status.path("failed").asInt())).containsExactly(0, 2);

        ItemView.Page failed = items(as(M1_KEY, target("/v1/uploads/u1/items").queryParam("outcome", "FAILED")));
        assertThat(failed.items()).extracting(ItemView::itemIndex, ItemView::stage, ItemView::code, ItemView::sku)
                .containsExactly(tuple(0, "IMAGES", ItemView.CANCELLED, null), tuple(1, "CATALOG", ItemView.CANCELLED, null),
                        tuple(1, "IMAGES", ItemView.CANCELLED, null));
    }

    @Test
    void badQueriesAnswer400WithAMachineReadableCode() {
        uploads.accept("u1", M1, 2, 0);
        WebTarget items = target("/v1/uploads/u1/items");

        assertThat(problemCode(as(M1_KEY, items.queryParam("outcome", "MAYBE")).get(), 400)).isEqualTo("INVALID_OUTCOME");
        assertThat(problemCode(as(M1_KEY, items.queryParam("cursor", "abc")).get(), 400)).isEqualTo("INVALID_CURSOR");
        assertThat(problemCode(as(M1_KEY, items.queryParam("cursor", "-1")).get(), 400)).isEqualTo("INVALID_CURSOR");
        assertThat(problemCode(as(M1_KEY, items.queryParam("limit", 0)).get(), 400)).isEqualTo("INVALID_LIMIT");
        assertThat(problemCode(as(M1_KEY, target("/v1/uploads").queryParam("limit", 1001)).get(), 400)).isEqualTo("INVALID_LIMIT");
        assertThat(problemCode(as(M1_KEY, target("/v1/uploads").queryParam("status", "FINISHED")).get(), 400))
                .isEqualTo("INVALID_STATUS");
    }

    @Test
    void theReportListsEveryOutcomeAsNdjson() throws Exception {
        threeItemsWithFailures();

        Response response = as(M1_KEY, "/v1/uploads/u1/report").get();

        assertThat(response.getStatus()).isEqualTo(200);
        assertThat(response.getMediaType().toString()).isEqualTo("application/x-ndjson");
        assertThat(response.getHeaderString("Content-Disposition")).contains("upload-u1-report.ndjson");
        List<ItemView> lines = response.readEntity(String.class).lines().map(this::itemView).toList();
        assertThat(lines).extracting(ItemView::itemIndex, ItemView::stage, ItemView::outcome).containsExactly(
                tuple(0, "CATALOG", "SUCCEEDED"), tuple(0, "IMAGES", "SUCCEEDED"),
                tuple(1, "CATALOG", "SUCCEEDED"), tuple(1, "IMAGES", "FAILED"),
                tuple(2, "CATALOG", "FAILED"));
    }

    @Test
    void cancellingAQueuedUploadTellsTheWorkersAndTheFold() {
        uploads.accept("u1", M1, 3, 0);

        Response response = as(M1_KEY, "/v1/uploads/u1/cancel").post(Entity.text(""));

        assertThat(response.getStatus()).isEqualTo(202);
        assertThat(response.getHeaderString("Retry-After")).isEqualTo("2");
        // The fold decides, when the cancel reaches it: until then the answer is the upload as it is.
        UploadStatusView view = response.readEntity(UploadStatusView.class);
        assertThat(view.status()).isEqualTo(UploadStatus.IN_QUEUE);
        assertThat(view.cancelledAt()).isNull();
        assertThat(cancellationDao.cancelled).containsExactly(Map.entry("u1", M1));
        assertThat(producer.history()).hasSize(1);
        ProducerRecord<String, byte[]> sent = producer.history().get(0);
        assertThat(sent.topic()).isEqualTo(Topics.CANCELLATIONS);
        assertThat(sent.key()).isEqualTo("u1");
        UploadCancelled event = new AvroDeserializer<>(registry, UploadCancelled.class).deserialize(sent.topic(), sent.value());
        assertThat(List.of(event.getUploadId(), event.getMerchantId())).containsExactly("u1", M1);
    }

    @Test
    void cancellingAnUploadThatIsNoLongerQueuedAnswers409() {
        uploads.accept("u1", M1, 3, 0);
        uploads.report("u1", 0, Stage.CATALOG, Result.SUCCEEDED);

        Response response = as(M1_KEY, "/v1/uploads/u1/cancel").post(Entity.text(""));

        assertThat(problemCode(response, 409)).isEqualTo("UPLOAD_NOT_CANCELLABLE");
        assertThat(cancellationDao.cancelled).isEmpty();
        assertThat(producer.history()).isEmpty();
    }

    @Test
    void cancellingACancelledUploadAgainAnswers200AndSendsNothing() {
        uploads.accept("u1", M1, 3, 0);
        uploads.cancel("u1", M1);

        Response response = as(M1_KEY, "/v1/uploads/u1/cancel").post(Entity.text(""));

        assertThat(response.getStatus()).isEqualTo(200);
        assertThat(response.readEntity(UploadStatusView.class).status()).isEqualTo(UploadStatus.CANCELLED);
        assertThat(cancellationDao.cancelled).isEmpty();
        assertThat(producer.history()).isEmpty();
    }

    @Test
    void theListHoldsOnlyTheMerchantsOwnUploadsNewestFirstPagedByCursor() {
        uploads.accept("u1", M1, 1, 0);
        uploads.accept("u2", M2, 1, 1);
        uploads.accept("u3", M1, 1, 2);
        uploads.accept("u4", M1, 1, 3);
        uploads.report("u3", 0, Stage.CATALOG, Result.SUCCEEDED);

        UploadListView first = list(M1_KEY, target("/v1/uploads").queryParam("limit", 2));
        assertThat(first.uploads()).extracting(UploadStatusView::uploadId).containsExactly("u4", "u3");
        UploadListView rest = list(M1_KEY, target("/v1/uploads").queryParam("limit", 2).queryParam("cursor", first.nextCursor()));
        assertThat(rest.uploads()).extracting(UploadStatusView::uploadId).containsExactly("u1");
        assertThat(rest.nextCursor()).isNull();

        assertThat(list(M1_KEY, target("/v1/uploads").queryParam("status", "IN_PROGRESS")).uploads())
                .extracting(UploadStatusView::uploadId).containsExactly("u3");
        assertThat(list(M1_KEY, target("/v1/uploads").queryParam("merchant", M2)).uploads())
                .as("only admins choose the merchant").extracting(UploadStatusView::uploadId).containsExactly("u4", "u3", "u1");
        assertThat(list(ADMIN_KEY, target("/v1/uploads").queryParam("merchant", M2)).uploads())
                .extracting(UploadStatusView::uploadId).containsExactly("u2");
    }

    @Test
    void aStoreThatCannotAnswerYetAnswers503WithRetryAfter() {
        uploads.accept("u1", M1, 1, 0);
        uploads.ready = false;

        Response response = as(M1_KEY, "/v1/uploads/u1").get();

        assertThat(problemCode(response, 503)).isEqualTo("STATUS_NOT_READY");
        assertThat(response.getHeaderString("Retry-After")).isEqualTo("1");
    }

    /** Item 0 fully succeeded, item 1's images failed, item 2's catalog write failed. */
    private void threeItemsWithFailures() {
        uploads.accept("u1", M1, 3, 0);
        uploads.report("u1", 2, Stage.CATALOG, Result.FAILED);
        uploads.report("u1", 0, Stage.CATALOG, Result.SUCCEEDED);
        uploads.report("u1", 1, Stage.CATALOG, Result.SUCCEEDED);
        uploads.report("u1", 0, Stage.IMAGES, Result.SUCCEEDED);
        uploads.report("u1", 1, Stage.IMAGES, Result.FAILED);
    }

    private WebTarget target(String path) {
        return resources.target(path);
    }

    private Invocation.Builder as(String key, String path) {
        return as(key, target(path));
    }

    private static Invocation.Builder as(String key, WebTarget target) {
        return target.request().header(HttpHeaders.AUTHORIZATION, bearer(key));
    }

    private static ItemView.Page items(Invocation.Builder request) {
        Response response = request.get();
        assertThat(response.getStatus()).isEqualTo(200);
        return response.readEntity(ItemView.Page.class);
    }

    private static UploadListView list(String key, WebTarget target) {
        Response response = as(key, target).get();
        assertThat(response.getStatus()).isEqualTo(200);
        return response.readEntity(UploadListView.class);
    }

    private ItemView itemView(String line) {
        try {
            return ServiceWiring.JSON.readValue(line, ItemView.class);
        } catch (IOException e) {
            throw new AssertionError("not an item: " + line, e);
        }
    }

    /** The problem document's code, after checking the status and the problem media type. */
    private static String problemCode(Response response, int status) {
        assertThat(response.getStatus()).isEqualTo(status);
        assertThat(response.getMediaType().toString()).isEqualTo(Problem.MEDIA_TYPE);
        return response.readEntity(Problem.class).code();
    }

    /** The 404 answer with the asked id masked, so that answers about different ids compare. */
    private String notFoundBody(String key, String uploadId) {
        Response response = as(key, "/v1/uploads/" + uploadId).get();
        assertThat(response.getStatus()).isEqualTo(404);
        assertThat(response.getMediaType().toString()).isEqualTo(Problem.MEDIA_TYPE);
        return response.readEntity(String.class).replace(uploadId, "{id}");
    }

    private enum Result { SUCCEEDED, FAILED, SKIPPED }

    /**
     * The fold's state in memory, changed by the fold's own functions ({@link OutcomeChunk},
     * {@link ProgressFold}) in the order the topology applies them, from {@link ItemOutcomes} records
     * as the workers send them. One instance owns every upload.
     */
    private static final class FoldedUploads implements StatusQueries, UploadOwnership {
        private final Map<String, UploadProgress> progress = new HashMap<>();
        private final Map<String, NavigableMap<Integer, OutcomeChunk>> chunks = new HashMap<>();
        /** Keyed by upload id, item index and stage order, like the fold's failure store. */
        private final Map<String, StoredFailure> failures = new HashMap<>();
        private Instant clock = T0;
        boolean ready = true;

        /** A null {@code itemCount}: a staged upload, counted by the splitter. */
        void accept(String uploadId, String merchantId, Integer itemCount, int minutesAfterT0) {
            progress.put(uploadId, ProgressFold.accepted(current(uploadId),
                    new UploadAccepted(uploadId, merchantId, itemCount, 0, T0.plusSeconds(60L * minutesAfterT0), null, null), tick()));
        }

        void split(String uploadId, String merchantId, int itemCount) {
            progress.put(uploadId, ProgressFold.split(current(uploadId),
                    new UploadSplit(uploadId, merchantId, itemCount, 0, false, clock), tick()));
        }

        void report(String uploadId, int index, Stage stage, Result result) {
            OutcomeBatch batch = new OutcomeBatch(uploadId, stage);
            switch (result) {
                case SUCCEEDED -> batch.succeeded(index);
                case SKIPPED -> batch.skipped(index);
                case FAILED -> batch.failed(stage == Stage.IMAGES
                        ? OutcomeBatch.failure(index, "sku-" + index, "IMAGE_NOT_FOUND", "origin answered 404", 1)
                        : OutcomeBatch.failure(index, "sku-" + index, "INVALID_PRICE", "price is negative", 1));
            }
            batch.records().forEach(this::fold);
        }

        /** One record, as the topology folds it (all items here fall in one chunk per record). */
        private void fold(ItemOutcomes outcomes) {
            String uploadId = outcomes.getUploadId();
            Stage stage = outcomes.getStage();
            RoaringBitmap succeeded = OutcomeBatch.fromBytes(outcomes.getSucceeded());
            RoaringBitmap skipped = OutcomeBatch.fromBytes(outcomes.getSkipped());
            RoaringBitmap touched = RoaringBitmap.or(succeeded, skipped);
            outcomes.getFailures().forEach(f -> touched.add(f.getItemIndex()));
            OutcomeChunk.Counts change = OutcomeChunk.Counts.NONE;
            for (int c : touched.stream().map(OutcomeChunk::chunkOf).distinct().toArray()) {
                OutcomeChunk chunk = chunks.computeIfAbsent(uploadId, id -> new TreeMap<>()).computeIfAbsent(c, k -> OutcomeChunk.empty());
                OutcomeChunk.Counts was = chunk.counts();
                chunk.succeeded(stage, OutcomeChunk.within(succeeded, c))
                        .forEach((int item) -> failures.remove(failureKey(uploadId, item, stage)));
                for (FailedItem f : outcomes.getFailures()) {
                    if (OutcomeChunk.chunkOf(f.getItemIndex()) == c && chunk.failed(stage, f.getItemIndex())) {
                        failures.put(failureKey(uploadId, f.getItemIndex(), stage),
                                new StoredFailure(f.getSku(), f.getErrorCode(), f.getErrorMessage(), f.getAttempt()));
                    }
                }
                chunk.skipped(stage, OutcomeChunk.within(skipped, c));
                change = change.plus(chunk.counts().minus(was));
            }
            progress.put(uploadId, ProgressFold.counted(current(uploadId), change, tick()));
        }

        void cancel(String uploadId, String merchantId) {
            progress.put(uploadId, ProgressFold.cancelled(current(uploadId), tick()));
        }

        private Instant tick() {
            clock = clock.plusSeconds(1);
            return clock;
        }

        private static String failureKey(String uploadId, int item, Stage stage) {
            return uploadId + "/" + item + "/" + stage;
        }

        private UploadProgress current(String uploadId) {
            return progress.getOrDefault(uploadId, ProgressFold.empty(uploadId));
        }

        @Override
        public Optional<UploadProgress> progress(String uploadId) {
            requireReady();
            return Optional.ofNullable(progress.get(uploadId));
        }

        @Override
        public void items(String uploadId, int fromIndex, BiPredicate<Integer, List<ItemView>> visitor) {
            requireReady();
            for (OutcomeChunk chunk : chunks.getOrDefault(uploadId, new TreeMap<>()).tailMap(OutcomeChunk.chunkOf(fromIndex), true)
                    .values()) {
                for (int item : chunk.items().toArray()) {
                    if (item < fromIndex) {
                        continue;
                    }
                    List<ItemView> views = ItemView.of(item, chunk, stage -> failures.get(failureKey(uploadId, item, stage)));
                    if (!visitor.test(item, views)) {
                        return;
                    }
                }
            }
        }

        @Override
        public List<ListedUpload> merchantUploads(String merchantId, String after, int limit, Predicate<UploadProgress> filter) {
            requireReady();
            return progress.values().stream()
                    .filter(p -> merchantId.equals(p.getMerchantId()) && filter.test(p))
                    .map(p -> new ListedUpload(ListPosition.of(p.getAcceptedAt(), p.getUploadId()), p))
                    .filter(u -> after == null || u.position().compareTo(after) > 0)
                    .sorted(Comparator.comparing(ListedUpload::position))
                    .limit(limit)
                    .toList();
        }

        @Override
        public Owner ownerOf(String uploadId) {
            return new Owner.Local();
        }

        @Override
        public List<URI> otherInstances() {
            return List.of();
        }

        private void requireReady() {
            if (!ready) {
                throw new StatusStreams.NotReadyException("restoring");
            }
        }
    }

    private static final class RecordedCancellations implements CancellationDao {
        final Map<String, String> cancelled = new LinkedHashMap<>();

        @Override
        public void cancel(String uploadId, String merchantId) {
            cancelled.put(uploadId, merchantId);
        }

        @Override
        public Set<String> cancelled(Collection<String> uploadIds) {
            throw new UnsupportedOperationException();
        }
    }
}
