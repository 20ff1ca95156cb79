package io.catalogingest.ingest.core;

import static io.catalogingest.common.items.UploadBodies.gzip;
import static io.catalogingest.common.items.UploadBodies.invalidUtf8Between;
import static io.catalogingest.common.items.UploadBodies.ndjson;
import static io.catalogingest.common.items.UploadBodies.product;
import static io.catalogingest.common.items.UploadBodies.productOfBytes;
import static io.catalogingest.common.items.UploadBodies.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.groups.Tuple.tuple;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import io.catalogingest.common.api.Problem;
import io.catalogingest.common.items.ItemFormat;
import io.catalogingest.common.items.ItemScan;
import io.catalogingest.common.items.UploadBodies;
import io.catalogingest.common.items.UploadRefusedException;
import io.catalogingest.ingest.api.UploadTicket;
import io.catalogingest.ingest.db.FakeIdempotencyDao;
import io.catalogingest.schemas.FailedItem;
import io.catalogingest.schemas.ItemOutcomes;
import io.catalogingest.schemas.OutcomeBatch;
import io.catalogingest.schemas.ProductSubmitted;
import io.catalogingest.schemas.SpooledBody;
import io.catalogingest.schemas.Stage;
import io.catalogingest.schemas.UploadAccepted;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class UploadIntakeTest {
    private static final String MERCHANT = "merchant-1";
    private static final Instant AT = Instant.parse("2026-01-02T03:04:05Z");
    private static final int MAX_BODY_BYTES = 64 * 1024;
    private static final int MAX_ITEMS = 5;
    private static final long LEASE_SECONDS = 300;
    /** The inline limit of the intakes that commit small bodies with their products; the others commit none so. */
    private static final int INLINE_BODY_BYTES = 1024;
    private static final String NO_TITLE = "{\"sku\":\"B\",\"price\":1,\"currency\":\"EUR\"}";

    private final InMemoryBodyStore store = new InMemoryBodyStore();
    private final FakeUploadTransactions transactions = new FakeUploadTransactions();
    private final FakeIdempotencyDao idempotency = new FakeIdempotencyDao();
    private final java.util.concurrent.atomic.AtomicLong submissionOrder = new java.util.concurrent.atomic.AtomicLong(100);
    private UploadIntake intake = intake(MAX_ITEMS);

    private UploadIntake intake(int maxItems) {
        return intake(maxItems, 0, Clock.fixed(AT, ZoneOffset.UTC));
    }

    private UploadIntake intake(int maxItems, int inlineBodyBytes, Clock clock) {
        return new UploadIntake(UploadBodies.JSON, store, transactions, new Claims(idempotency, 86_400, LEASE_SECONDS),
                submissionOrder::incrementAndGet,
                new UploadIntake.Limits(MAX_BODY_BYTES, maxItems, inlineBodyBytes), clock);
    }

    /** An intake that commits bodies of up to {@link #INLINE_BODY_BYTES} with their products instead of storing them. */
    private UploadIntake inlining() {
        return intake(MAX_ITEMS, INLINE_BODY_BYTES, Clock.fixed(AT, ZoneOffset.UTC));
    }

    /** A clock one second later at every reading: records stamped from one reading are the only ones that agree. */
    private static Clock ticking() {
        return new Clock() {
            private Instant next = AT;

            @Override
            public ZoneId getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(ZoneId zone) {
                throw new UnsupportedOperationException();
            }

            @Override
            public synchronized Instant instant() {
                Instant now = next;
                next = next.plusSeconds(1);
                return now;
            }
        };
    }

    private static UploadIntake.Body body(ItemFormat format, boolean gzip, boolean allOrNothing, byte[] bytes) {
        return new UploadIntake.Body(format, gzip, allOrNothing, new ByteArrayInputStream(bytes));
    }

    private static UploadIntake.Body ndjsonBody(String ndjson) {
        return body(ItemFormat.NDJSON, false, false, utf8(ndjson));
    }

    private static UploadIntake.Body ndjsonBody(byte[] ndjson) {
        return body(ItemFormat.NDJSON, false, false, ndjson);
    }

    /** Products A and B as NDJSON of exactly {@code bytes} bytes; B is the padded one, so it spans any limit near the end. */
    private static byte[] ndjsonOfBytes(int bytes) {
        byte[] ndjson = utf8(ndjson(product("A"), productOfBytes("B", bytes - product("A").length() - 2)));
        assertThat(ndjson).hasSize(bytes);
        return ndjson;
    }

    private static UploadIntake.Staged staged(String stagedUploadId, boolean gzip) {
        return new UploadIntake.Staged(stagedUploadId, ItemFormat.NDJSON, gzip,
                utf8("{\"stagedUploadId\":\"" + stagedUploadId + "\",\"format\":\"ndjson\",\"gzip\":" + gzip + "}"));
    }

    private UploadIntake.Answer accept(UploadIntake.Submission submission) throws Exception {
        return intake.accept(MERCHANT, null, submission);
    }

    private UploadIntake.Answer accept(String idempotencyKey, UploadIntake.Submission submission) throws Exception {
        return intake.accept(MERCHANT, idempotencyKey, submission);
    }

    private static UploadTicket ticket(UploadIntake.Answer answer) {
        assertThat(answer.status()).isEqualTo(202);
        return (UploadTicket) answer.entity();
    }

    private static String uploadKey(String uploadId) {
        return "uploads/" + MERCHANT + "/" + uploadId;
    }

    private static String sha256(byte[] body) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body));
    }

    private static Problem refusal(ThrowingCallable intake, int status, String code) {
        UploadRefusedException refusal = catchThrowableOfType(UploadRefusedException.class, intake);
        assertThat(refusal).as("refusal").isNotNull();
        assertThat(refusal.problem().status()).isEqualTo(status);
        assertThat(refusal.problem().code()).isEqualTo(code);
        return refusal.problem();
    }

    private static void assertUnavailable(ThrowingCallable intake, String code) {
        IntakeUnavailableException unavailable = catchThrowableOfType(IntakeUnavailableException.class, intake);
        assertThat(unavailable).as("unavailable").isNotNull();
        assertThat(unavailable.code()).isEqualTo(code);
    }

    /** Nothing is enqueued and nothing is left in the store, not even an incomplete upload. */
    private void assertNothingKept() {
        assertThat(transactions.committed()).isEmpty();
        assertThat(transactions.products()).isEmpty();
        assertThat(transactions.refusals()).isEmpty();
        assertThat(store.keys()).isEmpty();
        assertThat(store.openWriters()).isEmpty();
    }

    /** The store was not even asked: no upload was begun in it, let alone kept. */
    private void assertNothingStored() {
        assertThat(store.createdWriters()).isEmpty();
        assertThat(store.keys()).isEmpty();
    }

    /** The body, then {@code atEnd} runs as the last byte has been read: something that happens while a client sends. */
    private static InputStream thenRun(byte[] body, Runnable atEnd) {
        return new SequenceInputStream(new ByteArrayInputStream(body), new InputStream() {
            private boolean ran;

            @Override
            public int read() {
                if (!ran) {
                    ran = true;
                    atEnd.run();
                }
                return -1;
            }
        });
    }

    @Test
    void storesTheBodyAndCommitsOneRecordNamingIt() throws Exception {
        byte[] sent = utf8(ndjson(product("A"), "", product("B"), product("C")));

        UploadIntake.Answer answer = accept(body(ItemFormat.NDJSON, false, false, sent));

        assertThat(answer.uploadId()).matches("[0-9a-f-]{36}");
        assertThat(answer.replayed()).isFalse();
        assertThat(ticket(answer)).isEqualTo(new UploadTicket(answer.uploadId(), "IN_QUEUE", 3, 3, 0, null, List.of()));
        assertThat(transactions.committed()).containsExactly(UploadAccepted.newBuilder().setUploadId(answer.uploadId())
                .setMerchantId(MERCHANT).setItemCount(3).setRefusedItems(0).setAcceptedAt(AT).setSubmissionOrder(101L)
                .setBody(new SpooledBody(InMemoryBodyStore.BUCKET, uploadKey(answer.uploadId()), "NDJSON", false, (long) sent.length))
                .build());
        assertThat(store.keys()).containsExactly(uploadKey(answer.uploadId()));
        assertThat(store.object(uploadKey(answer.uploadId()))).containsExactly(sent);
        assertThat(store.openWriters()).isEmpty();
    }

    @Test
    void storesAGzipBodyAsSentAndValidatesWhatItHolds() throws Exception {
        byte[] sent = gzip(utf8(ndjson(product("A"), NO_TITLE)));

        UploadIntake.Answer answer = accept(body(ItemFormat.NDJSON, true, false, sent));

        assertThat(ticket(answer)).extracting(UploadTicket::totalItems, UploadTicket::acceptedItems, UploadTicket::refusedItems)
                .containsExactly(2, 1, 1);
        assertThat(store.object(uploadKey(answer.uploadId()))).containsExactly(sent);
        assertThat(transactions.committed()).singleElement().extracting(UploadAccepted::getBody)
                .isEqualTo(new SpooledBody(InMemoryBodyStore.BUCKET, uploadKey(answer.uploadId()), "NDJSON", true, (long) sent.length));
    }

    @ParameterizedTest
    @EnumSource(ItemFormat.class)
    void storesEachFormatAsSentAndNamesIt(ItemFormat format) throws Exception {
        byte[] sent = utf8(switch (format) {
            case JSON -> "[" + product("A") + "]";
            case NDJSON -> product("A");
            case CSV -> "sku,title,price,currency\nA,Mug,1,EUR\n";
        });

        UploadIntake.Answer answer = accept(body(format, false, false, sent));

        assertThat(ticket(answer).totalItems()).isEqualTo(1);
        assertThat(store.object(uploadKey(answer.uploadId()))).containsExactly(sent);
        assertThat(transactions.committed()).singleElement().extracting(a -> a.getBody().getFormat()).isEqualTo(format.name());
    }

    @Test
    void refusesInvalidItemsOneByOneAndAcceptsTheRest() throws Exception {
        UploadIntake.Answer answer = accept(ndjsonBody(ndjson(product("A"), NO_TITLE, "[1]", "{\"sku\":", product("C"))));

        UploadTicket ticket = ticket(answer);
        assertThat(List.of(ticket.totalItems(), ticket.acceptedItems(), ticket.refusedItems())).containsExactly(5, 2, 3);
        assertThat(ticket.errors()).extracting(Problem.ItemError::index, Problem.ItemError::sku, Problem.ItemError::code)
                .containsExactly(tuple(1, "B", "TITLE_MISSING"), tuple(2, null, "ITEM_NOT_AN_OBJECT"), tuple(3, null, "ITEM_MALFORMED"));
        assertThat(transactions.committed()).singleElement()
                .extracting(UploadAccepted::getItemCount, UploadAccepted::getRefusedItems).containsExactly(5, 3);
    }

    @Test
    void anItemBreakingSeveralRulesIsRefusedOnceNamingThemAll() throws Exception {
        UploadTicket ticket = ticket(accept(ndjsonBody(ndjson(product("A"), "{\"sku\":\"B\",\"price\":-1,\"currency\":\"eur\"}"))));

        assertThat(ticket.errors()).singleElement().satisfies(error -> {
            assertThat(error.code()).isEqualTo("TITLE_MISSING");
            assertThat(error.message()).contains("title", "price", "currency");
        });
    }

    @Test
    void aRepeatedSkuIsRefusedAfterItsFirstOccurrence() throws Exception {
        UploadTicket ticket = ticket(accept(ndjsonBody(ndjson(product("A"), product("B"), product("A"), product("a")))));

        assertThat(ticket.errors()).extracting(Problem.ItemError::index, Problem.ItemError::code)
                .containsExactly(tuple(2, "DUPLICATE_SKU"));
        assertThat(ticket.acceptedItems()).isEqualTo(3);
    }

    @Test
    void theAnswerListsTheFirst100RefusedItemsAndCountsThemAll() throws Exception {
        intake = intake(1000);
        String invalid = String.join("\n", Collections.nCopies(ItemScan.MAX_LISTED_ERRORS + 1, "42"));

        UploadTicket ticket = ticket(accept(ndjsonBody(ndjson(invalid, product("A")))));

        assertThat(ticket.refusedItems()).isEqualTo(101);
        assertThat(ticket.errors()).extracting(Problem.ItemError::index).isEqualTo(IntStream.range(0, 100).boxed().toList());
        assertThat(transactions.committed()).singleElement().extracting(UploadAccepted::getRefusedItems).isEqualTo(101);
    }

    @Test
    void allOrNothingRefusesTheWholeUploadListingTheInvalidItems() {
        Problem problem = refusal(() -> accept(body(ItemFormat.NDJSON, false, true,
                utf8(ndjson(product("A"), NO_TITLE, product("C"), product("A"))))), 422, "INVALID_ITEMS");

        assertThat(problem.errors()).extracting(Problem.ItemError::index, Problem.ItemError::code)
                .containsExactly(tuple(1, "TITLE_MISSING"), tuple(3, "DUPLICATE_SKU"));
        assertNothingKept();
    }

    @Test
    void allOrNothingAcceptsAnUploadWithoutInvalidItems() throws Exception {
        UploadIntake.Answer answer = accept(body(ItemFormat.NDJSON, false, true, utf8(ndjson(product("A"), product("B")))));

        assertThat(ticket(answer).acceptedItems()).isEqualTo(2);
        assertThat(transactions.committed()).hasSize(1);
    }

    @Test
    void acceptsAsManyItemsAsAllowed() throws Exception {
        String five = ndjson(product("A"), product("B"), product("C"), product("D"), product("E"));

        assertThat(ticket(accept(ndjsonBody(five))).totalItems()).isEqualTo(MAX_ITEMS);
    }

    /** A body refused whole: the answer's status and code, and a fragment of its detail. */
    record Refusal(String name, ItemFormat format, boolean gzip, byte[] body, int status, String code, String detail) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Refusal> refusals() {
        byte[] gzipped = gzip(utf8(ndjson(product("A"), product("B"))));
        String tooLarge = product("A") + " ".repeat(MAX_BODY_BYTES);
        return Stream.of(
                new Refusal("every item invalid", ItemFormat.NDJSON, false, utf8(ndjson(NO_TITLE, "42")), 422, "INVALID_ITEMS", ""),
                new Refusal("no items", ItemFormat.NDJSON, false, utf8("\n  \n"), 422, "EMPTY_UPLOAD", ""),
                new Refusal("empty body", ItemFormat.NDJSON, false, new byte[0], 422, "EMPTY_UPLOAD", ""),
                new Refusal("too many items", ItemFormat.NDJSON, false,
                        utf8(ndjson(product("A"), product("B"), product("C"), product("D"), product("E"), product("F"))),
                        413, "TOO_MANY_ITEMS", "5"),
                new Refusal("body too large", ItemFormat.NDJSON, false, utf8(tooLarge), 413, "BODY_TOO_LARGE", ""),
                new Refusal("body too large once decompressed", ItemFormat.NDJSON, true, gzip(utf8(tooLarge)), 413,
                        "BODY_TOO_LARGE", ""),
                new Refusal("JSON turning malformed after some items", ItemFormat.JSON, false,
                        utf8("[" + product("A") + ",\n" + product("B") + ",\n{\"sku\" 1}]"), 400, "MALFORMED_BODY", "line 3"),
                new Refusal("invalid UTF-8 after some items", ItemFormat.NDJSON, false,
                        invalidUtf8Between(ndjson(product("A")) + "{\"sku\":\"B", "\"}\n"), 400, "MALFORMED_BODY", "UTF-8"),
                new Refusal("gzip that is not", ItemFormat.NDJSON, true, utf8(product("A")), 400, "BODY_NOT_GZIP", ""),
                new Refusal("truncated gzip", ItemFormat.NDJSON, true, Arrays.copyOf(gzipped, gzipped.length - 12), 400,
                        "BODY_UNREADABLE", ""));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refusals")
    void refusesABodyWholeAndKeepsNothingOfIt(Refusal refusal) {
        assertRefusedWhole(refusal);
    }

    private void assertRefusedWhole(Refusal refusal) {
        Problem problem = refusal(() -> accept(body(refusal.format(), refusal.gzip(), false, refusal.body())),
                refusal.status(), refusal.code());

        assertThat(problem.detail()).contains(refusal.detail());
        assertNothingKept();
    }

    @ParameterizedTest
    @EnumSource(value = InMemoryBodyStore.Outage.class, names = {"WRITE", "CLOSE"})
    void anObjectStoreOutageAnswers503AndKeepsNothing(InMemoryBodyStore.Outage outage) {
        store.outage(outage);

        assertUnavailable(() -> accept("k-1", ndjsonBody(ndjson(product("A")))), "OBJECT_STORE_UNAVAILABLE");

        assertNothingKept();
        assertThat(idempotency.isEmpty()).as("the key is released").isTrue();
    }

    @Test
    void aDatabaseOutageAnswers503BeforeTheBodyIsRead() {
        idempotency.down(true);

        assertUnavailable(() -> accept("k-1", ndjsonBody(ndjson(product("A")))), "DATABASE_UNAVAILABLE");

        assertNothingKept();
    }

    @Test
    void aCommitFailureAnswers503AndReleasesTheKey() throws Exception {
        transactions.failing(true);

        assertUnavailable(() -> accept("k-1", ndjsonBody(ndjson(product("A")))), "KAFKA_UNAVAILABLE");
        assertThat(transactions.committed()).isEmpty();

        transactions.failing(false);
        UploadIntake.Answer retry = accept("k-1", ndjsonBody(ndjson(product("A"))));

        assertThat(retry.replayed()).isFalse();
        assertThat(transactions.committed()).singleElement().extracting(UploadAccepted::getUploadId).isEqualTo(retry.uploadId());
    }

    @Test
    void sameKeyAndBodyGetTheFirstAnswerAgainAndEnqueueOnce() throws Exception {
        byte[] sent = gzip(utf8(ndjson(product("A"), NO_TITLE)));
        UploadIntake.Answer first = accept("k-1", body(ItemFormat.NDJSON, true, false, sent));

        UploadIntake.Answer again = accept("k-1", body(ItemFormat.NDJSON, true, false, sent));

        assertThat(again.replayed()).isTrue();
        assertThat(again.status()).isEqualTo(202);
        assertThat(again.uploadId()).isEqualTo(first.uploadId());
        assertThat(again.entity()).isEqualTo(first.entity());
        assertThat(transactions.committed()).hasSize(1);
        assertThat(store.keys()).hasSize(1);
    }

    @Test
    void sameKeyWithAnotherBodyIsRefused() throws Exception {
        accept("k-1", ndjsonBody(ndjson(product("A"))));

        refusal(() -> accept("k-1", ndjsonBody(ndjson(product("B")))), 422, "IDEMPOTENCY_KEY_REUSED");

        assertThat(transactions.committed()).hasSize(1);
        assertThat(store.keys()).hasSize(1);
        assertThat(store.openWriters()).isEmpty();
    }

    @Test
    void aKeyHeldByALiveRequestIsRefusedWith409AndRetryAfter() {
        idempotency.claim(MERCHANT, "k-1", "running-upload", "running-owner", 86_400, LEASE_SECONDS);

        UploadRefusedException refusal = catchThrowableOfType(UploadRefusedException.class,
                () -> accept("k-1", ndjsonBody(ndjson(product("A")))));

        assertThat(refusal.problem().status()).isEqualTo(409);
        assertThat(refusal.problem().code()).isEqualTo("IDEMPOTENCY_KEY_IN_USE");
        assertThat(refusal.retryAfterSeconds()).isPositive();
        assertNothingKept();
    }

    @Test
    void a422IsRememberedForTheKeyAndBody() throws Exception {
        String invalid = ndjson(NO_TITLE);
        refusal(() -> accept("k-1", ndjsonBody(invalid)), 422, "INVALID_ITEMS");

        UploadIntake.Answer again = accept("k-1", ndjsonBody(invalid));

        assertThat(again.replayed()).isTrue();
        assertThat(again.status()).isEqualTo(422);
        assertThat(UploadBodies.JSON.readTree((String) again.entity()).path("code").asText()).isEqualTo("INVALID_ITEMS");
        refusal(() -> accept("k-1", ndjsonBody(ndjson(product("A")))), 422, "IDEMPOTENCY_KEY_REUSED");
        assertNothingKept();
    }

    @Test
    void aRefusalOtherThan422DoesNotUseUpTheKey() throws Exception {
        refusal(() -> accept("k-1", body(ItemFormat.JSON, false, false, utf8("[not json"))), 400, "MALFORMED_BODY");

        assertThat(accept("k-1", ndjsonBody(ndjson(product("A")))).status()).isEqualTo(202);
    }

    /** A request that claimed the key, recorded its body's hash and died, perhaps after it committed. */
    private void deadOwnerRecorded(byte[] body) throws Exception {
        idempotency.claim(MERCHANT, "k-1", "dead-upload", "dead-owner", 86_400, LEASE_SECONDS);
        idempotency.recordBody(MERCHANT, "k-1", "dead-owner", sha256(body), LEASE_SECONDS);
        idempotency.passSeconds(LEASE_SECONDS + 1);
    }

    @Test
    void aClaimTakenOverWithTheSameBodyKeepsTheDeadOwnersUploadId() throws Exception {
        byte[] sent = utf8(ndjson(product("A")));
        deadOwnerRecorded(sent);

        UploadIntake.Answer answer = accept("k-1", body(ItemFormat.NDJSON, false, false, sent));

        assertThat(answer.uploadId()).isEqualTo("dead-upload");
        assertThat(transactions.committed()).singleElement().extracting(a -> a.getBody().getKey())
                .isEqualTo(uploadKey("dead-upload"));
    }

    @Test
    void aClaimTakenOverWithAnotherBodyIsRefusedKeepingNothingAndTheDeadOwnersUploadIdStaysWithTheKey() throws Exception {
        byte[] sent = utf8(ndjson(product("A")));
        deadOwnerRecorded(sent);

        refusal(() -> accept("k-1", ndjsonBody(ndjson(product("B")))), 422, "IDEMPOTENCY_KEY_REUSED");

        assertNothingKept();
        assertThat(accept("k-1", body(ItemFormat.NDJSON, false, false, sent)).uploadId()).isEqualTo("dead-upload");
    }

    @Test
    void aCommitFailureAfterATakeOverKeepsTheDeadOwnersUploadIdForTheRetry() throws Exception {
        byte[] sent = utf8(ndjson(product("A")));
        deadOwnerRecorded(sent);
        transactions.failing(true);
        assertUnavailable(() -> accept("k-1", body(ItemFormat.NDJSON, false, false, sent)), "KAFKA_UNAVAILABLE");

        transactions.failing(false);

        assertThat(accept("k-1", body(ItemFormat.NDJSON, false, false, sent)).uploadId()).isEqualTo("dead-upload");
    }

    @ParameterizedTest(name = "inline up to {0} bytes")
    @ValueSource(ints = {0, INLINE_BODY_BYTES})
    void aClaimLostWhileTheBodyIsReadAnswers503AndKeepsNothing(int inlineBodyBytes) {
        intake = intake(MAX_ITEMS, inlineBodyBytes, Clock.fixed(AT, ZoneOffset.UTC));
        InputStream slowClient = thenRun(utf8(ndjson(product("A"))), () -> {
            idempotency.passSeconds(LEASE_SECONDS + 1);
            idempotency.claim(MERCHANT, "k-1", "other-upload", "other-owner", 86_400, LEASE_SECONDS);
        });

        assertUnavailable(() -> accept("k-1", new UploadIntake.Body(ItemFormat.NDJSON, false, false, slowClient)),
                "DATABASE_UNAVAILABLE");

        assertNothingKept();
    }

    @Test
    void acceptsAStagedUploadWithoutCountingItsItems() throws Exception {
        String id = UUID.randomUUID().toString();
        byte[] file = gzip(utf8(ndjson(product("A"))));
        store.put("staged/" + MERCHANT + "/" + id, file);

        UploadIntake.Answer answer = accept(staged(id, true));

        assertThat(ticket(answer)).isEqualTo(new UploadTicket(answer.uploadId(), "IN_QUEUE", null, null, null, null, List.of()));
        assertThat(transactions.committed()).containsExactly(UploadAccepted.newBuilder().setUploadId(answer.uploadId())
                .setMerchantId(MERCHANT).setItemCount(null).setRefusedItems(0).setAcceptedAt(AT).setSubmissionOrder(101L)
                .setBody(new SpooledBody(InMemoryBodyStore.BUCKET, "staged/" + MERCHANT + "/" + id, "NDJSON", true,
                        (long) file.length))
                .build());
        assertThat(store.keys()).containsExactly("staged/" + MERCHANT + "/" + id);
    }

    @Test
    void aStagedUploadWithNothingPutIsRefusedWithoutUsingUpTheKey() throws Exception {
        String id = UUID.randomUUID().toString();

        refusal(() -> accept("k-1", staged(id, false)), 422, "STAGED_UPLOAD_MISSING");
        assertThat(transactions.committed()).isEmpty();

        store.put("staged/" + MERCHANT + "/" + id, utf8(ndjson(product("A"))));
        assertThat(accept("k-1", staged(id, false)).status()).isEqualTo(202);
    }

    @Test
    void aStagedUploadLargerThanTheLimitIsRefused() {
        String id = UUID.randomUUID().toString();
        store.put("staged/" + MERCHANT + "/" + id, new byte[MAX_BODY_BYTES + 1]);

        refusal(() -> accept(staged(id, false)), 413, "BODY_TOO_LARGE");

        assertThat(transactions.committed()).isEmpty();
    }

    @Test
    void aStagedUploadAnswers503WhenTheObjectStoreCannotBeAsked() {
        store.outage(InMemoryBodyStore.Outage.LOOKUP);

        assertUnavailable(() -> accept(staged(UUID.randomUUID().toString(), false)), "OBJECT_STORE_UNAVAILABLE");

        assertThat(transactions.committed()).isEmpty();
    }

    @Test
    void aStagedUploadIsReplayedForTheSameRequestOnly() throws Exception {
        String id = UUID.randomUUID().toString();
        store.put("staged/" + MERCHANT + "/" + id, utf8(ndjson(product("A"))));
        UploadIntake.Answer first = accept("k-1", staged(id, false));

        UploadIntake.Answer again = accept("k-1", staged(id, false));

        assertThat(again.replayed()).isTrue();
        assertThat(again.entity()).isEqualTo(first.entity());
        refusal(() -> accept("k-1", staged(id, true)), 422, "IDEMPOTENCY_KEY_REUSED");
        assertThat(transactions.committed()).hasSize(1);
    }

    // Small bodies: committed with their products and refusals, the object store left out.

    /**
     * The order of submissions is the order they were committed in, numbered just before the
     * commit: not any clock (here one running backwards), and not when the request started.
     */
    @Test
    void eachAcceptedUploadIsNumberedAfterTheOnesCommittedBeforeItWhateverTheClockSays() throws Exception {
        Clock backwards = Clock.offset(Clock.fixed(AT, ZoneOffset.UTC), Duration.ZERO);
        intake = intake(MAX_ITEMS, INLINE_BODY_BYTES, backwards);
        accept(ndjsonBody(ndjson(product("A"))));
        intake = intake(MAX_ITEMS, INLINE_BODY_BYTES, Clock.offset(backwards, Duration.ofHours(-1)));
        accept(ndjsonBody(ndjson(product("A"))));
        intake = intake(MAX_ITEMS, 0, Clock.offset(backwards, Duration.ofHours(-2)));
        accept(ndjsonBody(ndjson(product("A"))));

        assertThat(transactions.committed()).extracting(UploadAccepted::getSubmissionOrder).containsExactly(101L, 102L, 103L);
        assertThat(transactions.committed().get(1).getAcceptedAt()).isBefore(transactions.committed().get(0).getAcceptedAt());
        assertThat(transactions.products()).extracting(ProductSubmitted::getSubmissionOrder).containsExactly(101L, 102L);
    }

    @Test
    void aSmallBodyIsCommittedWithItsProductsAndRefusalsAndNothingIsStored() throws Exception {
        intake = intake(MAX_ITEMS, INLINE_BODY_BYTES, ticking());

        UploadIntake.Answer answer = accept(ndjsonBody(ndjson(product("A"), NO_TITLE, "[1]", product("C"))));

        String id = answer.uploadId();
        UploadTicket ticket = ticket(answer);
        assertThat(List.of(ticket.totalItems(), ticket.acceptedItems(), ticket.refusedItems())).containsExactly(4, 2, 2);
        assertThat(ticket.errors()).extracting(Problem.ItemError::index, Problem.ItemError::sku, Problem.ItemError::code)
                .containsExactly(tuple(1, "B", "TITLE_MISSING"), tuple(2, null, "ITEM_NOT_AN_OBJECT"));
        assertThat(transactions.committed()).hasSize(1);
        UploadAccepted accepted = transactions.committed().get(0);
        Instant at = accepted.getAcceptedAt();
        assertThat(accepted).isEqualTo(UploadAccepted.newBuilder().setUploadId(id).setMerchantId(MERCHANT).setItemCount(4)
                .setRefusedItems(2).setAcceptedAt(at).setSubmissionOrder(101L).setBody(null).build());
        assertThat(transactions.products())
                .extracting(ProductSubmitted::getItemIndex, ProductSubmitted::getSku, ProductSubmitted::getTitle,
                        ProductSubmitted::getUploadId, ProductSubmitted::getMerchantId, ProductSubmitted::getAcceptedAt,
                        ProductSubmitted::getSubmissionOrder)
                .containsExactly(tuple(0, "A", "Mug A", id, MERCHANT, at, 101L), tuple(3, "C", "Mug C", id, MERCHANT, at, 101L));
        ItemOutcomes refused = transactions.refusals().get(0);
        assertThat(transactions.refusals()).hasSize(1);
        assertThat(refused.getUploadId()).isEqualTo(id);
        assertThat(refused.getStage()).isEqualTo(Stage.VALIDATION);
        assertThat(OutcomeBatch.fromBytes(refused.getSucceeded()).isEmpty()).isTrue();
        assertThat(refused.getFailures())
                .extracting(FailedItem::getItemIndex, FailedItem::getSku, FailedItem::getErrorCode, FailedItem::getAttempt)
                .containsExactly(tuple(1, "B", "TITLE_MISSING", 1), tuple(2, "", "ITEM_NOT_AN_OBJECT", 1));
        assertThat(refused.getFailures()).extracting(FailedItem::getErrorMessage)
                .isEqualTo(ticket.errors().stream().map(Problem.ItemError::message).toList());
        assertNothingStored();
    }

    @Test
    void aGzipBodySmallOnceCompressedIsCommittedWithTheItemsItHolds() throws Exception {
        intake = inlining();
        byte[] content = utf8(ndjson(productOfBytes("A", INLINE_BODY_BYTES), productOfBytes("B", INLINE_BODY_BYTES)));
        byte[] sent = gzip(content);
        assertThat(sent.length).as("compressed").isLessThanOrEqualTo(INLINE_BODY_BYTES);
        assertThat(content.length).as("decompressed").isGreaterThan(2 * INLINE_BODY_BYTES);

        UploadIntake.Answer answer = accept(body(ItemFormat.NDJSON, true, false, sent));

        assertThat(ticket(answer).acceptedItems()).isEqualTo(2);
        assertThat(transactions.products()).extracting(ProductSubmitted::getItemIndex, ProductSubmitted::getSku,
                ProductSubmitted::getTitle, ProductSubmitted::getUploadId)
                .containsExactly(tuple(0, "A", "Mug A", answer.uploadId()), tuple(1, "B", "Mug B", answer.uploadId()));
        assertThat(transactions.committed()).singleElement().extracting(UploadAccepted::getBody).isNull();
        assertNothingStored();
    }

    static Stream<Refusal> smallRefusals() {
        return refusals().filter(refusal -> refusal.body().length <= INLINE_BODY_BYTES);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("smallRefusals")
    void refusesASmallBodyWholeAndCommitsNothing(Refusal refusal) {
        intake = inlining();

        assertRefusedWhole(refusal);

        assertNothingStored();
    }

    @Test
    void allOrNothingRefusesASmallBodyWithOneInvalidItemAndCommitsNothing() {
        intake = inlining();

        Problem problem = refusal(() -> accept(body(ItemFormat.NDJSON, false, true,
                utf8(ndjson(product("A"), NO_TITLE, product("C"))))), 422, "INVALID_ITEMS");

        assertThat(problem.errors()).extracting(Problem.ItemError::index, Problem.ItemError::code)
                .containsExactly(tuple(1, "TITLE_MISSING"));
        assertNothingKept();
        assertNothingStored();
    }

    @Test
    void aBodyOfExactlyTheInlineLimitIsCommittedWithItsProducts() throws Exception {
        intake = inlining();

        UploadIntake.Answer answer = accept(ndjsonBody(ndjsonOfBytes(INLINE_BODY_BYTES)));

        assertThat(transactions.committed()).singleElement().extracting(UploadAccepted::getBody).isNull();
        assertThat(transactions.products()).extracting(ProductSubmitted::getUploadId, ProductSubmitted::getSku)
                .containsExactly(tuple(answer.uploadId(), "A"), tuple(answer.uploadId(), "B"));
        assertNothingStored();
    }

    @ParameterizedTest(name = "{0} bytes")
    @ValueSource(ints = {INLINE_BODY_BYTES + 1, 3 * INLINE_BODY_BYTES})
    void aBodyOverTheInlineLimitIsStoredAsSentAndCommittedWithoutProducts(int bytes) throws Exception {
        intake = inlining();
        byte[] sent = ndjsonOfBytes(bytes);

        UploadIntake.Answer answer = accept(ndjsonBody(sent));

        assertThat(ticket(answer)).extracting(UploadTicket::totalItems, UploadTicket::acceptedItems, UploadTicket::refusedItems)
                .containsExactly(2, 2, 0);
        assertThat(transactions.committed()).singleElement().extracting(UploadAccepted::getBody)
                .isEqualTo(new SpooledBody(InMemoryBodyStore.BUCKET, uploadKey(answer.uploadId()), "NDJSON", false, (long) bytes));
        assertThat(store.object(uploadKey(answer.uploadId()))).containsExactly(sent);
        assertThat(store.openWriters()).isEmpty();
        assertThat(transactions.products()).isEmpty();
        assertThat(transactions.refusals()).isEmpty();
    }

    @Test
    void sameKeyAndSmallBodyGetTheFirstAnswerAgainAndCommitOnce() throws Exception {
        intake = inlining();
        byte[] sent = utf8(ndjson(product("A"), NO_TITLE));
        UploadIntake.Answer first = accept("k-1", ndjsonBody(sent));

        UploadIntake.Answer again = accept("k-1", ndjsonBody(sent));

        assertThat(again.replayed()).isTrue();
        assertThat(again.status()).isEqualTo(202);
        assertThat(again.uploadId()).isEqualTo(first.uploadId());
        assertThat(again.entity()).isEqualTo(first.entity());
        refusal(() -> accept("k-1", ndjsonBody(ndjson(product("B")))), 422, "IDEMPOTENCY_KEY_REUSED");
        assertThat(transactions.committed()).hasSize(1);
        assertThat(transactions.products()).extracting(ProductSubmitted::getSku).containsExactly("A");
        assertThat(transactions.refusals()).flatExtracting(ItemOutcomes::getFailures).extracting(FailedItem::getSku)
                .containsExactly("B");
        assertNothingStored();
    }

    @Test
    void aCommitFailureOfASmallBodyAnswers503AndTheSameKeyCanBeRetried() throws Exception {
        intake = inlining();
        byte[] sent = utf8(ndjson(product("A"), NO_TITLE));
        transactions.failing(true);

        assertUnavailable(() -> accept("k-1", ndjsonBody(sent)), "KAFKA_UNAVAILABLE");
        assertNothingKept();

        transactions.failing(false);
        UploadIntake.Answer retry = accept("k-1", ndjsonBody(sent));

        assertThat(retry.replayed()).isFalse();
        assertThat(ticket(retry).acceptedItems()).isEqualTo(1);
        assertThat(transactions.committed()).singleElement().extracting(UploadAccepted::getUploadId).isEqualTo(retry.uploadId());
        assertThat(transactions.products()).extracting(ProductSubmitted::getUploadId).containsExactly(retry.uploadId());
        assertThat(transactions.refusals()).extracting(ItemOutcomes::getUploadId).containsExactly(retry.uploadId());
        assertThat(accept("k-1", ndjsonBody(sent)).replayed()).isTrue();
        assertThat(transactions.committed()).hasSize(1);
        assertNothingStored();
    }

    @Test
    void aClaimTakenOverWithTheSameSmallBodyCommitsItsProductsUnderTheDeadOwnersUploadId() throws Exception {
        intake = inlining();
        byte[] sent = utf8(ndjson(product("A")));
        deadOwnerRecorded(sent);

        UploadIntake.Answer answer = accept("k-1", ndjsonBody(sent));

        assertThat(answer.uploadId()).isEqualTo("dead-upload");
        assertThat(transactions.committed()).singleElement().extracting(UploadAccepted::getUploadId).isEqualTo("dead-upload");
        assertThat(transactions.products()).extracting(ProductSubmitted::getUploadId).containsExactly("dead-upload");
        assertNothingStored();
    }
}
