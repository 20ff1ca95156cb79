package io.catalogingest.workers.split;

import static io.catalogingest.common.items.UploadBodies.gzip;
import static io.catalogingest.common.items.UploadBodies.ndjson;
import static io.catalogingest.common.items.UploadBodies.product;
import static io.catalogingest.common.items.UploadBodies.utf8;
import static io.catalogingest.workers.split.ObjectStoreFailures.cutOff;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import io.catalogingest.common.items.ItemFormat;
import io.catalogingest.common.items.ItemScan;
import io.catalogingest.common.items.ProductRequest;
import io.catalogingest.common.items.Products;
import io.catalogingest.common.items.UploadBodies;
import io.catalogingest.common.items.Violation;
import io.catalogingest.schemas.FailedItem;
import io.catalogingest.schemas.ProductSubmitted;
import io.catalogingest.schemas.SpooledBody;
import io.catalogingest.schemas.UploadAccepted;
import io.catalogingest.workers.split.ObjectStoreFailures.ReadFailure;
import io.catalogingest.workers.split.UploadSplitter.Result;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class UploadSplitterTest {
    private static final String UPLOAD_ID = "upload-1";
    private static final String MERCHANT_ID = "m1";
    private static final Instant ACCEPTED_AT = Instant.parse("2025-03-01T10:00:00Z");
    private static final String ACCEPTED = "ACCEPTED";
    private static final int CHUNK = 3;

    /** Eight items with every kind of refusal; item 6 repeats the SKU of item 0, from another chunk. */
    private static final byte[] MIXED_NDJSON = utf8(ndjson(
            product("A"), product("B"), "{not json",
            product("C"), "{\"sku\":\"D\",\"title\":\"Mug D\",\"currency\":\"EUR\"}", product("E"),
            product("A"), product("F")));

    /** A JSON array that breaks off in its fifth item. */
    private static final byte[] JSON_BROKEN_AT_4 = utf8("[" + String.join(",", product("A"), product("B"), product("C"),
            product("D")) + ",{\"sku\":\"E\",");

    private final UploadSplitter splitter = new UploadSplitter(UploadBodies.JSON, 100, CHUNK);

    @Test
    void eachItemIsProducedOrRefusedUnderItsIndexAndFirstViolation() throws Exception {
        Split split = split(splitter, upload(ItemFormat.NDJSON, false), MIXED_NDJSON, 0);

        assertThat(split.verdicts()).containsExactly(
                new Verdict(0, "A", ACCEPTED), new Verdict(1, "B", ACCEPTED), new Verdict(2, "", "ITEM_MALFORMED"),
                new Verdict(3, "C", ACCEPTED), new Verdict(4, "D", "PRICE_MISSING"), new Verdict(5, "E", ACCEPTED),
                new Verdict(6, "A", "DUPLICATE_SKU"), new Verdict(7, "F", ACCEPTED));
        assertThat(split.result()).isEqualTo(new Result(8, 3, false));
    }

    @Test
    void aRefusalIsTheItemsValidationFailureOnItsFirstAndOnlyAttempt() throws Exception {
        Split split = split(splitter, upload(ItemFormat.NDJSON, false), MIXED_NDJSON, 0);

        FailedItem refusal = split.refusals().get(1);
        assertThat(refusal.getItemIndex()).isEqualTo(4);
        assertThat(refusal.getSku()).isEqualTo("D");
        assertThat(refusal.getErrorCode()).isEqualTo("PRICE_MISSING");
        assertThat(refusal.getErrorMessage()).isEqualTo("price is required");
        assertThat(refusal.getAttempt()).isEqualTo(1);
        assertThat(split.refusals().get(0).getSku()).as("an item without an SKU is refused with an empty one").isEmpty();
    }

    @Test
    void ndjsonIsSplitAsTheIngestScanJudgesIt() throws Exception {
        assertSplitAsScanned(ItemFormat.NDJSON, MIXED_NDJSON);
    }

    @Test
    void aJsonArrayIsSplitAsTheIngestScanJudgesIt() throws Exception {
        assertSplitAsScanned(ItemFormat.JSON, utf8("[" + String.join(",", product("A"), "42", product("B"),
                "{\"sku\":\"C\",\"title\":\"Mug C\",\"price\":\"cheap\",\"currency\":\"EUR\"}", product("A")) + "]"));
    }

    @Test
    void csvIsSplitAsTheIngestScanJudgesIt() throws Exception {
        assertSplitAsScanned(ItemFormat.CSV, utf8("""
                sku,title,description,price,currency,images,attr.colour
                A,Mug A,,12.5,EUR,https://img.example/a.png|https://img.example/a2.png,red
                B,Mug B,,abc,EUR,,
                C,,,3,EUR,,
                A,Mug A again,,1,EUR,,
                D,Mug D,"a ""quoted"" description",4,USD,,blue
                """));
    }

    @Test
    void theOutputIsCheckpointedAfterEveryChunkOfItems() throws Exception {
        Split split = split(splitter, upload(ItemFormat.NDJSON, false), MIXED_NDJSON, 0);

        assertThat(split.checkpoints()).containsExactly(3, 6);
        // Each checkpoint follows the last record of its chunk and precedes the next chunk's first.
        assertThat(split.emitted().get(3)).isEqualTo(new Checkpoint(3));
        assertThat(split.emitted().get(7)).isEqualTo(new Checkpoint(6));
    }

    static Stream<Arguments> bodiesWithCheckpoints() {
        return Stream.of(Arguments.of(ItemFormat.NDJSON, MIXED_NDJSON), Arguments.of(ItemFormat.JSON, JSON_BROKEN_AT_4));
    }

    @ParameterizedTest
    @MethodSource("bodiesWithCheckpoints")
    void aSplitResumedAtACheckpointEmitsExactlyTheRestOfTheUninterruptedSplit(ItemFormat format, byte[] body) throws Exception {
        UploadSplitter twoPerChunk = new UploadSplitter(UploadBodies.JSON, 100, 2);
        Split whole = split(twoPerChunk, upload(format, false), body, 0);
        assertThat(whole.checkpoints()).isNotEmpty();

        for (int checkpoint : whole.checkpoints()) {
            Split rest = split(twoPerChunk, upload(format, false), body, checkpoint);

            // Records equal, not just verdicts: a duplicate of an SKU before the checkpoint is still refused after it.
            assertThat(rest.records()).as("resumed at %d", checkpoint)
                    .containsExactlyElementsOf(whole.records().stream().filter(r -> index(r) >= checkpoint).toList());
            assertThat(rest.checkpoints()).containsExactlyElementsOf(
                    whole.checkpoints().stream().filter(c -> c > checkpoint).toList());
            assertThat(rest.result()).isEqualTo(whole.result());
        }
    }

    @Test
    void aCheckpointAnsweredNoStopsTheSplitThere() throws Exception {
        Recorder out = new Recorder(6);

        Result result = splitter.split(upload(ItemFormat.NDJSON, false), new ByteArrayInputStream(MIXED_NDJSON), 0, out);

        assertThat(result).isEqualTo(new Result(6, 2, true));
        assertThat(out.split(result).records()).extracting(UploadSplitterTest::index).containsExactly(0, 1, 2, 3, 4, 5);
    }

    static Stream<Arguments> bodiesThatBreakOff() {
        return Stream.of(
                Arguments.of("a JSON array cut short", ItemFormat.JSON, JSON_BROKEN_AT_4, 100, 4, "MALFORMED_BODY"),
                Arguments.of("content after the array", ItemFormat.JSON, utf8("[" + product("A") + "] []"), 100, 1,
                        "MALFORMED_BODY"),
                Arguments.of("more items than allowed", ItemFormat.NDJSON, utf8(ndjson(product("A"), product("B"), product("C"))),
                        2, 2, "TOO_MANY_ITEMS"),
                Arguments.of("a CSV header without a price", ItemFormat.CSV, utf8("sku,title,currency\nA,Mug,EUR\n"), 100, 0,
                        "MALFORMED_BODY"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("bodiesThatBreakOff")
    void aBodyThatBreaksOffEndsWithOneRefusalAtTheNextIndexUnderTheBodysCode(String name, ItemFormat format, byte[] body,
            int maxItems, int breaksAt, String code) throws Exception {
        Split split = split(new UploadSplitter(UploadBodies.JSON, maxItems, CHUNK), upload(format, false), body, 0);

        assertEndsWithBodyRefusal(split, breaksAt, code);
    }

    @Test
    void aTruncatedGzipBodyEndsWithARefusalWhereItsContentBreaksOff() throws Exception {
        String[] items = IntStream.range(0, 2_000).mapToObj(i -> product("sku-" + i)).toArray(String[]::new);
        byte[] compressed = gzip(utf8(ndjson(items)));

        Split split = split(new UploadSplitter(UploadBodies.JSON, 10_000, 500), upload(ItemFormat.NDJSON, true),
                Arrays.copyOf(compressed, compressed.length / 2), 0);

        int breaksAt = split.records().size() - 1;
        assertThat(breaksAt).as("items before the cut").isBetween(1, items.length - 1);
        assertEndsWithBodyRefusal(split, breaksAt, "MALFORMED_BODY");
    }

    @Test
    void anEmptyBodySplitsIntoNothing() throws Exception {
        Split split = split(splitter, upload(ItemFormat.JSON, true), gzip(utf8("[]")), 0);

        assertThat(split.emitted()).isEmpty();
        assertThat(split.result()).isEqualTo(new Result(0, 0, false));
    }

    static Stream<Arguments> sourcesThatFail() {
        ReadFailure reset = () -> {
            throw new IOException("connection reset");
        };
        ReadFailure clientFailure = () -> {
            throw new UncheckedIOException(new IOException("premature end of chunk coded message body"));
        };
        byte[] ndjsonHalf = Arrays.copyOf(MIXED_NDJSON, MIXED_NDJSON.length / 2);
        byte[] json = utf8("[" + String.join(",", product("A"), product("B"), product("C")) + "]");
        byte[] csv = utf8("sku,title,price,currency\nA,Mug A,1,EUR\nB,Mug B,2,EUR\n");
        return Stream.of(
                Arguments.of("NDJSON, connection reset", ItemFormat.NDJSON, false, ndjsonHalf, reset),
                Arguments.of("JSON, client failure", ItemFormat.JSON, false, Arrays.copyOf(json, json.length / 2), clientFailure),
                Arguments.of("CSV, connection reset", ItemFormat.CSV, false, Arrays.copyOf(csv, csv.length / 2), reset),
                Arguments.of("gzip, client failure", ItemFormat.NDJSON, true, Arrays.copyOf(gzip(MIXED_NDJSON), 20), clientFailure),
                Arguments.of("gzip, before the header", ItemFormat.JSON, true, new byte[0], reset));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("sourcesThatFail")
    void aReadFailureOfTheSourceIsRaisedForARetryNotReportedAsAMalformedBody(String name, ItemFormat format, boolean gzip,
            byte[] served, ReadFailure failure) {
        Recorder out = new Recorder(-1);

        assertThatThrownBy(() -> splitter.split(upload(format, gzip), cutOff(served, failure), 0, out))
                .isInstanceOf(UploadSplitter.SourceException.class);
        assertThat(out.emitted).filteredOn(FailedItem.class::isInstance).extracting(r -> ((FailedItem) r).getErrorCode())
                .as("refusals of items read before the failure only").doesNotContain("MALFORMED_BODY");
    }

    /** A connection closed mid-body looks like the end of the object to the client; the size tells. */
    @ParameterizedTest(name = "gzip {0}")
    @ValueSource(booleans = {false, true})
    void anObjectThatEndsBeforeItsSizeIsASourceFailureNotTheEndOfTheBody(boolean gzip) throws Exception {
        byte[] whole = gzip ? gzip(MIXED_NDJSON) : MIXED_NDJSON;
        UploadAccepted upload = upload(ItemFormat.NDJSON, gzip);
        upload.getBody().setSizeBytes((long) whole.length);

        assertThatThrownBy(() -> splitter.split(upload, new ByteArrayInputStream(Arrays.copyOf(whole, whole.length / 2)), 0,
                new Recorder(-1))).isInstanceOf(UploadSplitter.SourceException.class).hasMessageContaining("ended after");
        assertThat(split(splitter, upload, whole, 0).result().stopped()).as("the whole object splits").isFalse();
    }

    @Test
    void aSourceThatFailsToCloseIsASourceFailureNotOneMoreRefusedItem() {
        Recorder out = new Recorder(-1);
        InputStream source = new ByteArrayInputStream(MIXED_NDJSON) {
            @Override
            public void close() throws IOException {
                throw new IOException("connection reset while draining the response");
            }
        };

        assertThatThrownBy(() -> splitter.split(upload(ItemFormat.NDJSON, false), source, 0, out))
                .isInstanceOf(UploadSplitter.SourceException.class);
        assertThat(out.emitted).filteredOn(FailedItem.class::isInstance).extracting(UploadSplitterTest::index)
                .as("the body's own refusals only").containsExactly(2, 4, 6);
    }

    @Test
    void anOutputFailureFailsTheSplitAsItIsNotTakenForAMalformedBody() {
        IOException unreachable = new IOException("broker unreachable");
        Recorder out = new Recorder(-1) {
            @Override
            public void product(ProductSubmitted product) throws IOException {
                throw unreachable;
            }
        };

        assertThatThrownBy(() -> splitter.split(upload(ItemFormat.NDJSON, false), new ByteArrayInputStream(MIXED_NDJSON), 0, out))
                .isSameAs(unreachable);
        assertThat(out.emitted).isEmpty();
    }

    /** The split must agree with the ingest API's scan of the same body, record for record; gzipped or not. */
    private void assertSplitAsScanned(ItemFormat format, byte[] body) throws Exception {
        List<Verdict> verdicts = new ArrayList<>();
        List<ProductSubmitted> products = new ArrayList<>();
        ItemScan.Counts counts = ItemScan.scan(format.open(UploadBodies.JSON, new ByteArrayInputStream(body)), 100,
                new ItemScan.Sink() {
                    @Override
                    public void accepted(int index, ProductRequest product) {
                        verdicts.add(new Verdict(index, product.sku(), ACCEPTED));
                        products.add(Products.submitted(UPLOAD_ID, MERCHANT_ID, index, product, ACCEPTED_AT, null));
                    }

                    @Override
                    public void refused(int index, String sku, Violation violation) {
                        // A refusal record has an empty SKU where the item had none.
                        verdicts.add(new Verdict(index, sku == null ? "" : sku, violation.code()));
                    }
                });
        assertThat(counts.refused()).as("a body with refusals").isPositive();

        Split plain = split(splitter, upload(format, false), body, 0);
        Split gzipped = split(splitter, upload(format, true), gzip(body), 0);

        assertThat(plain.verdicts()).containsExactlyElementsOf(verdicts);
        assertThat(plain.records()).filteredOn(ProductSubmitted.class::isInstance).containsExactlyElementsOf(products);
        assertThat(plain.result()).isEqualTo(new Result(counts.total(), counts.refused(), false));
        assertThat(gzipped).isEqualTo(plain);
    }

    private static void assertEndsWithBodyRefusal(Split split, int breaksAt, String code) {
        List<SpecificRecord> records = split.records();
        assertThat(records).extracting(UploadSplitterTest::index)
                .containsExactlyElementsOf(IntStream.rangeClosed(0, breaksAt).boxed().toList());
        assertThat(records.subList(0, breaksAt)).allMatch(ProductSubmitted.class::isInstance);
        assertThat(records.get(breaksAt)).isInstanceOfSatisfying(FailedItem.class, refusal -> {
            assertThat(refusal.getErrorCode()).isEqualTo(code);
            assertThat(refusal.getSku()).isEmpty();
            assertThat(refusal.getAttempt()).isEqualTo(1);
        });
        assertThat(split.result()).isEqualTo(new Result(breaksAt + 1, 1, false));
    }

    private static UploadAccepted upload(ItemFormat format, boolean gzip) {
        SpooledBody body = SpooledBody.newBuilder().setBucket("spool").setKey("uploads/" + UPLOAD_ID).setFormat(format.name())
                .setGzip(gzip).setSizeBytes(0).build();
        return UploadAccepted.newBuilder().setUploadId(UPLOAD_ID).setMerchantId(MERCHANT_ID).setItemCount(null)
                .setAcceptedAt(ACCEPTED_AT).setBody(body).build();
    }

    private static Split split(UploadSplitter splitter, UploadAccepted upload, byte[] object, int resumeFrom) throws Exception {
        Recorder out = new Recorder(-1);
        return out.split(splitter.split(upload, new ByteArrayInputStream(object), resumeFrom, out));
    }

    private static int index(Object record) {
        return record instanceof ProductSubmitted p ? p.getItemIndex() : ((FailedItem) record).getItemIndex();
    }

    /** What the split and the scan say of one item: ACCEPTED or the refusal's code. */
    private record Verdict(int index, String sku, String code) {}

    private record Checkpoint(int nextIndex) {}

    /** A split's outcome: its result and what it emitted, records and checkpoints in order. */
    private record Split(Result result, List<Object> emitted) {
        List<SpecificRecord> records() {
            return emitted.stream().filter(SpecificRecord.class::isInstance).map(SpecificRecord.class::cast).toList();
        }

        List<FailedItem> refusals() {
            return emitted.stream().filter(FailedItem.class::isInstance).map(FailedItem.class::cast).toList();
        }

        List<Integer> checkpoints() {
            return emitted.stream().filter(Checkpoint.class::isInstance).map(c -> ((Checkpoint) c).nextIndex()).toList();
        }

        List<Verdict> verdicts() {
            return records().stream().map(r -> r instanceof ProductSubmitted p ? new Verdict(p.getItemIndex(), p.getSku(), ACCEPTED)
                    : new Verdict(index(r), ((FailedItem) r).getSku(), ((FailedItem) r).getErrorCode())).toList();
        }
    }

    /** Records the output in order; answers no to the checkpoint at {@code stopAt} (-1: never), as for a cancelled upload. */
    private static class Recorder implements UploadSplitter.Output {
        final List<Object> emitted = new ArrayList<>();
        private final int stopAt;

        Recorder(int stopAt) {
            this.stopAt = stopAt;
        }

        @Override
        public void product(ProductSubmitted product) throws IOException {
            emitted.add(product);
        }

        @Override
        public void refused(FailedItem refusal) {
            emitted.add(refusal);
        }

        @Override
        public boolean checkpoint(int nextIndex) {
            emitted.add(new Checkpoint(nextIndex));
            return nextIndex != stopAt;
        }

        Split split(Result result) {
            return new Split(result, List.copyOf(emitted));
        }
    }
}
