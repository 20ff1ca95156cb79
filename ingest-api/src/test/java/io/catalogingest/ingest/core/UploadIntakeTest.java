package io.catalogingest.ingest.core;

import static io.catalogingest.ingest.core.UploadBodies.invalidUtf8Between;
import static io.catalogingest.ingest.core.UploadBodies.ndjson;
import static io.catalogingest.ingest.core.UploadBodies.open;
import static io.catalogingest.ingest.core.UploadBodies.product;
import static io.catalogingest.ingest.core.UploadBodies.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.groups.Tuple.tuple;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.catalogingest.common.api.Problem;
import io.catalogingest.schemas.ItemProcessed;
import io.catalogingest.schemas.Outcome;
import io.catalogingest.schemas.ProductImage;
import io.catalogingest.schemas.ProductSubmitted;
import io.catalogingest.schemas.Stage;
import io.catalogingest.schemas.UploadAccepted;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

class UploadIntakeTest {
    private static final String UPLOAD = "upload-1";
    private static final String MERCHANT = "merchant-1";
    private static final Instant AT = Instant.parse("2026-01-02T03:04:05Z");
    private static final String NO_TITLE = "{\"sku\":\"B\",\"price\":1,\"currency\":\"EUR\"}";

    private final RecordingUploadWriter writer = new RecordingUploadWriter();

    private UploadIntake.Result intake(int maxItems, byte[] body, ItemFormat format, boolean allOrNothing) throws Exception {
        return new UploadIntake(maxItems).intake(UPLOAD, MERCHANT, AT, open(format, body), allOrNothing, writer);
    }

    private UploadIntake.Result intake(String ndjson, boolean allOrNothing) throws Exception {
        return intake(1000, utf8(ndjson), ItemFormat.NDJSON, allOrNothing);
    }

    /**
     * The upload is refused whole with this status and code, and the upload record is never written: the
     * caller does not commit, so nothing written before the refusal becomes visible.
     */
    private Problem assertRefused(ThrowingCallable intake, int status, String code) {
        UploadRefusedException refusal = catchThrowableOfType(UploadRefusedException.class, intake);
        assertThat(refusal).as("refusal").isNotNull();
        assertThat(refusal.problem().status()).isEqualTo(status);
        assertThat(refusal.problem().code()).isEqualTo(code);
        assertThat(writer.records()).noneMatch(UploadAccepted.class::isInstance);
        return refusal.problem();
    }

    @Test
    void writesEachAcceptedItemWithItsIndexInOrderThenTheUploadRecord() throws Exception {
        UploadIntake.Result result = intake(ndjson(product("A"), "", product("B"), product("C")), false);

        assertThat(writer.summary()).containsExactly("product 0 A", "product 1 B", "product 2 C", "accepted 3 of which 0 refused");
        assertThat(result).isEqualTo(new UploadIntake.Result(3, 0, List.of()));
        assertThat(writer.records().get(3)).isEqualTo(new UploadAccepted(UPLOAD, MERCHANT, 3, 0, AT));
    }

    @Test
    void aProductRecordCarriesTheItemAsValidated() throws Exception {
        intake(ndjson("""
                {"sku":"A","title":"Mug","description":"Blue","price":12.5,"currency":"EUR","attributes":{"colour":"blue"},\
                "images":["https://cdn.example.com/1.jpg",{"url":"https://cdn.example.com/2.jpg"}]}"""), false);

        assertThat(writer.records().get(0)).isEqualTo(ProductSubmitted.newBuilder().setUploadId(UPLOAD).setMerchantId(MERCHANT)
                .setItemIndex(0).setSku("A").setTitle("Mug").setDescription("Blue").setPrice(new BigDecimal("12.5000"))
                .setCurrency("EUR").setAttributes(Map.of("colour", "blue"))
                .setImages(List.of(new ProductImage("https://cdn.example.com/1.jpg", 0), new ProductImage("https://cdn.example.com/2.jpg", 1)))
                .setAcceptedAt(AT).build());
    }

    @Test
    void refusesInvalidItemsOneByOneAndAcceptsTheRest() throws Exception {
        UploadIntake.Result result = intake(ndjson(product("A"), NO_TITLE, "[1]", "{\"sku\":", product("C")), false);

        assertThat(writer.summary()).containsExactly("product 0 A", "refused 1 B TITLE_MISSING", "refused 2  ITEM_NOT_AN_OBJECT",
                "refused 3  ITEM_MALFORMED", "product 4 C", "accepted 5 of which 3 refused");
        assertThat(result.totalItems()).isEqualTo(5);
        assertThat(result.refusedItems()).isEqualTo(3);
        assertThat(result.errors()).extracting(Problem.ItemError::index, Problem.ItemError::sku, Problem.ItemError::code)
                .containsExactly(tuple(1, "B", "TITLE_MISSING"),
                        tuple(2, null, "ITEM_NOT_AN_OBJECT"),
                        tuple(3, null, "ITEM_MALFORMED"));
        assertThat(writer.records().get(1)).isEqualTo(ItemProcessed.newBuilder().setUploadId(UPLOAD).setItemIndex(1).setSku("B")
                .setStage(Stage.VALIDATION).setOutcome(Outcome.FAILED).setErrorCode("TITLE_MISSING")
                .setErrorMessage(result.errors().get(0).message()).setProcessedAt(AT).build());
    }

    @Test
    void anItemBreakingSeveralRulesIsRefusedOnceNamingThemAll() throws Exception {
        UploadIntake.Result result = intake(ndjson(product("A"), "{\"sku\":\"B\",\"price\":-1,\"currency\":\"eur\"}"), false);

        assertThat(writer.summary()).containsExactly("product 0 A", "refused 1 B TITLE_MISSING", "accepted 2 of which 1 refused");
        assertThat(result.errors().get(0).message()).contains("title", "price", "currency");
    }

    @Test
    void aRepeatedSkuIsRefusedAfterItsFirstOccurrence() throws Exception {
        UploadIntake.Result result = intake(ndjson(product("A"), product("B"), product("A"), product("a")), false);

        assertThat(writer.summary()).containsExactly("product 0 A", "product 1 B", "refused 2 A DUPLICATE_SKU", "product 3 a",
                "accepted 4 of which 1 refused");
        assertThat(result.errors()).extracting(Problem.ItemError::code).containsExactly("DUPLICATE_SKU");
    }

    @Test
    void allOrNothingRefusesTheWholeUploadListingTheInvalidItems() {
        Problem problem = assertRefused(() -> intake(ndjson(product("A"), NO_TITLE, product("C"), product("A")), true),
                422, "INVALID_ITEMS");

        assertThat(problem.errors()).extracting(Problem.ItemError::index, Problem.ItemError::code)
                .containsExactly(tuple(1, "TITLE_MISSING"), tuple(3, "DUPLICATE_SKU"));
        assertThat(writer.records()).noneMatch(ItemProcessed.class::isInstance);
    }

    @Test
    void allOrNothingAcceptsAnUploadWithoutInvalidItems() throws Exception {
        intake(ndjson(product("A"), product("B")), true);

        assertThat(writer.summary()).containsExactly("product 0 A", "product 1 B", "accepted 2 of which 0 refused");
    }

    @Test
    void anUploadWhoseEveryItemIsInvalidIsRefusedEvenInPartialMode() {
        assertRefused(() -> intake(ndjson(NO_TITLE, "42"), false), 422, "INVALID_ITEMS");
    }

    @Test
    void anUploadWithoutItemsIsRefused() {
        assertRefused(() -> intake("\n  \n", false), 422, "EMPTY_UPLOAD");
    }

    @Test
    void moreItemsThanAllowedRefuseTheUpload() throws Exception {
        String three = ndjson(product("A"), product("B"), product("C"));

        assertRefused(() -> intake(2, utf8(three), ItemFormat.NDJSON, false), 413, "TOO_MANY_ITEMS");
        assertThat(intake(3, utf8(three), ItemFormat.NDJSON, false).totalItems()).isEqualTo(3);
    }

    @Test
    void aBodyThatTurnsMalformedAfterSomeItemsWritesNoUploadRecord() {
        byte[] json = utf8("[" + product("A") + ", " + product("B") + ", {\"sku\" 1}]");

        assertThatThrownBy(() -> intake(1000, json, ItemFormat.JSON, false)).isInstanceOf(JsonProcessingException.class);
        assertThat(writer.records()).noneMatch(UploadAccepted.class::isInstance);
    }

    @Test
    void invalidUtf8AfterSomeItemsRefusesTheUpload() {
        byte[] body = invalidUtf8Between(ndjson(product("A")) + "{\"sku\":\"B", "\"}\n");

        assertRefused(() -> intake(1000, body, ItemFormat.NDJSON, false), 400, "MALFORMED_BODY");
    }

    @Test
    void theAnswerListsTheFirst100RefusedItemsAndCountsThemAll() throws Exception {
        String invalid = String.join("\n", Collections.nCopies(UploadIntake.MAX_LISTED_ERRORS + 1, "42"));

        UploadIntake.Result result = intake(ndjson(invalid, product("A")), false);

        assertThat(result.refusedItems()).isEqualTo(101);
        assertThat(result.errors()).hasSize(100).extracting(Problem.ItemError::index)
                .isEqualTo(IntStream.range(0, 100).boxed().toList());
        assertThat(writer.records()).filteredOn(ItemProcessed.class::isInstance).hasSize(101);
        assertThat(writer.summary()).endsWith("product 101 A", "accepted 102 of which 101 refused");
    }
}
