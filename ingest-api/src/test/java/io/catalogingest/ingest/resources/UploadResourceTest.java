package io.catalogingest.ingest.resources;

import static io.catalogingest.ingest.core.UploadBodies.gzip;
import static io.catalogingest.ingest.core.UploadBodies.invalidUtf8Between;
import static io.catalogingest.ingest.core.UploadBodies.ndjson;
import static io.catalogingest.ingest.core.UploadBodies.product;
import static io.catalogingest.ingest.core.UploadBodies.utf8;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import io.catalogingest.common.api.Problem;
import io.catalogingest.common.api.ProblemExceptionMapper;
import io.catalogingest.common.auth.Merchant;
import io.catalogingest.ingest.core.RecordingUploadWriter;
import io.catalogingest.ingest.core.UploadBodies;
import io.catalogingest.ingest.core.UploadIntake;
import io.catalogingest.ingest.core.UploadTransactions;
import io.catalogingest.ingest.db.IdempotencyDao;
import io.catalogingest.schemas.UploadAccepted;
import io.dropwizard.auth.AuthDynamicFeature;
import io.dropwizard.auth.AuthValueFactoryProvider;
import io.dropwizard.auth.oauth.OAuthCredentialAuthFilter;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import io.dropwizard.testing.junit5.ResourceExtension;
import jakarta.ws.rs.client.Entity;
import jakarta.ws.rs.client.Invocation;
import jakarta.ws.rs.client.WebTarget;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.Variant;
import org.glassfish.jersey.media.multipart.FormDataBodyPart;
import org.glassfish.jersey.media.multipart.FormDataContentDisposition;
import org.glassfish.jersey.media.multipart.FormDataMultiPart;
import org.glassfish.jersey.media.multipart.MultiPartFeature;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

@ExtendWith(DropwizardExtensionsSupport.class)
class UploadResourceTest {
    private static final String NDJSON = "application/x-ndjson";
    private static final String MERCHANT = "merchant-1";
    private static final Map<String, Merchant> KEYS = Map.of(
            "cik_key-1", new Merchant(MERCHANT, Merchant.MERCHANT),
            "cik_key-2", new Merchant("merchant-2", Merchant.MERCHANT));
    private static final String STATUS_BASE_URL = "https://status.example.com";
    private static final int MAX_BODY_BYTES = 64 * 1024;
    private static final int MAX_ITEMS = 5;
    private static final String NO_TITLE = "{\"sku\":\"X\",\"price\":1,\"currency\":\"EUR\"}";

    private static final FakeUploadTransactions TRANSACTIONS = new FakeUploadTransactions();
    private static final FakeIdempotencyDao IDEMPOTENCY = new FakeIdempotencyDao();

    private static final ResourceExtension RESOURCES = ResourceExtension.builder()
            .addProvider(new AuthDynamicFeature(new OAuthCredentialAuthFilter.Builder<Merchant>()
                    .setAuthenticator(key -> Optional.ofNullable(KEYS.get(key))).setPrefix("Bearer").buildAuthFilter()))
            .addProvider(new AuthValueFactoryProvider.Binder<>(Merchant.class))
            .addProvider(MultiPartFeature.class)
            .addProvider(new ProblemExceptionMapper())
            .addResource(new UploadResource(UploadBodies.JSON, TRANSACTIONS, new UploadIntake(MAX_ITEMS), IDEMPOTENCY,
                    new UploadResource.Limits(MAX_BODY_BYTES, 1_000_000, 86_400), STATUS_BASE_URL + "/"))
            .build();

    @BeforeEach
    void forgetEarlierUploads() {
        TRANSACTIONS.reset();
        IDEMPOTENCY.entries.clear();
    }

    private static Invocation.Builder uploads(String mode, String apiKey) {
        WebTarget target = RESOURCES.target("/v1/uploads").register(MultiPartFeature.class);
        return (mode == null ? target : target.queryParam("mode", mode)).request()
                .header(HttpHeaders.AUTHORIZATION, "Bearer " + apiKey);
    }

    /** A request of merchant-1. */
    private static Invocation.Builder uploads(String mode) {
        return uploads(mode, "cik_key-1");
    }

    private static Invocation.Builder uploads() {
        return uploads(null);
    }

    private static Response post(Invocation.Builder request, String contentType, String contentEncoding, byte[] body) {
        // The client takes Content-Encoding from the entity's variant, not from a request header.
        return request.post(Entity.entity(body, new Variant(MediaType.valueOf(contentType), (String) null, contentEncoding)));
    }

    private static Response post(Invocation.Builder request, String contentType, byte[] body) {
        return post(request, contentType, null, body);
    }

    private static Response post(Invocation.Builder request, String ndjson) {
        return post(request, NDJSON, utf8(ndjson));
    }

    private static Invocation.Builder withKey(String idempotencyKey) {
        return uploads().header("Idempotency-Key", idempotencyKey);
    }

    private static JsonNode assertTicket(Response response) {
        assertThat(response.getStatus()).isEqualTo(202);
        JsonNode ticket = response.readEntity(JsonNode.class);
        assertThat(ticket.path("status").asText()).isEqualTo("IN_QUEUE");
        String statusUrl = STATUS_BASE_URL + "/v1/uploads/" + ticket.path("uploadId").asText();
        assertThat(ticket.path("statusUrl").asText()).isEqualTo(statusUrl);
        assertThat(response.getLocation()).hasToString(statusUrl);
        return ticket;
    }

    private static JsonNode assertProblem(Response response, int status, String code) {
        assertThat(response.getStatus()).isEqualTo(status);
        assertThat(response.getMediaType().toString()).isEqualTo(Problem.MEDIA_TYPE);
        JsonNode problem = response.readEntity(JsonNode.class);
        assertThat(problem.path("code").asText()).isEqualTo(code);
        assertThat(problem.path("status").asInt()).isEqualTo(status);
        return problem;
    }

    private static void assertNothingEnqueued() {
        assertThat(TRANSACTIONS.committed()).isEmpty();
        assertThat(TRANSACTIONS.begun).allMatch(tx -> tx.closed);
    }

    @Test
    void acceptsAnUploadWithA202TicketAndTheStatusUrlAsLocation() {
        JsonNode ticket = assertTicket(post(uploads(), ndjson(product("A"), product("B"), NO_TITLE)));

        assertThat(ticket.path("uploadId").asText()).matches("[0-9a-f-]{36}");
        assertThat(List.of(ticket.path("totalItems").asInt(), ticket.path("acceptedItems").asInt(), ticket.path("refusedItems").asInt()))
                .containsExactly(3, 2, 1);
        assertThat(ticket.path("errors")).hasSize(1);
        assertThat(ticket.path("errors").get(0).path("index").asInt()).isEqualTo(2);
        assertThat(ticket.path("errors").get(0).path("sku").asText()).isEqualTo("X");
        assertThat(ticket.path("errors").get(0).path("code").asText()).isEqualTo("TITLE_MISSING");
        assertThat(TRANSACTIONS.committed())
                .containsExactly("product 0 A", "product 1 B", "refused 2 X TITLE_MISSING", "accepted 3 of which 1 refused");
        UploadAccepted accepted = (UploadAccepted) TRANSACTIONS.begun.get(0).records().get(3);
        assertThat(List.of(accepted.getUploadId(), accepted.getMerchantId())).containsExactly(ticket.path("uploadId").asText(), MERCHANT);
        assertThat(TRANSACTIONS.begun.get(0).closed).isTrue();
    }

    record Upload(String contentType, String body) {}

    static Stream<Upload> eachFormat() {
        return Stream.of(
                new Upload("application/json", "[" + product("A") + "]"),
                new Upload("application/json; charset=UTF-8", "[" + product("A") + "]"),
                new Upload(NDJSON, product("A")),
                new Upload("application/jsonl", product("A")),
                new Upload("text/csv", "sku,title,price,currency\nA,Mug,1,EUR\n"));
    }

    @ParameterizedTest
    @MethodSource("eachFormat")
    void acceptsEachFormat(Upload upload) {
        assertTicket(post(uploads(), upload.contentType(), utf8(upload.body())));

        assertThat(TRANSACTIONS.committed()).containsExactly("product 0 A", "accepted 1 of which 0 refused");
    }

    @Test
    void decompressesAGzipBody() {
        assertTicket(post(uploads(), "text/csv", "gzip", gzip(utf8("sku,title,price,currency\nA,Mug,1,EUR\n"))));

        assertThat(TRANSACTIONS.committed()).containsExactly("product 0 A", "accepted 1 of which 0 refused");
    }

    /** A request that is refused whole: the answer's status and code, and a fragment of its detail. */
    record Refusal(String name, String mode, String contentType, String encoding, byte[] body, int status, String code,
            String detail) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Refusal> refusals() {
        byte[] gzipped = gzip(utf8(ndjson(product("A"), product("B"))));
        String six = ndjson(product("A"), product("B"), product("C"), product("D"), product("E"), product("F"));
        return Stream.of(
                new Refusal("no upload format", null, "text/plain", null, utf8(product("A")), 415, "UNSUPPORTED_MEDIA_TYPE", ""),
                new Refusal("unknown encoding", null, NDJSON, "br", utf8(product("A")), 415, "UNSUPPORTED_FORMAT", "br"),
                new Refusal("gzip that is not", null, NDJSON, "gzip", utf8(product("A")), 400, "BODY_NOT_GZIP", ""),
                new Refusal("truncated gzip", null, NDJSON, "gzip", Arrays.copyOf(gzipped, gzipped.length - 12), 400,
                        "BODY_UNREADABLE", ""),
                new Refusal("unknown mode", "some", NDJSON, null, utf8(product("A")), 400, "INVALID_MODE", ""),
                new Refusal("JSON syntax", null, "application/json", null, utf8("[\n" + product("A") + ",\n{\"sku\" 1}]"), 400,
                        "MALFORMED_BODY", "line 3"),
                new Refusal("JSON that is no array", null, "application/json", null, utf8(product("A")), 400, "MALFORMED_BODY",
                        "JSON array"),
                new Refusal("number over 64 digits", null, "application/json", null,
                        utf8("[{\"sku\":\"A\",\"price\":" + "1".repeat(65) + "}]"), 400, "MALFORMED_BODY", ""),
                new Refusal("invalid UTF-8 in NDJSON", null, NDJSON, null,
                        invalidUtf8Between(product("A") + "\n{\"sku\":\"B", "\"}\n"), 400, "MALFORMED_BODY", "UTF-8"),
                new Refusal("invalid UTF-8 in JSON", null, "application/json", null,
                        invalidUtf8Between("[" + product("A") + ",\n{\"sku\":\"B", "\"}]"), 400, "MALFORMED_BODY", "line 2"),
                new Refusal("CSV row too short", null, "text/csv", null, utf8("sku,title,price,currency\nA,Mug,1,EUR\nB,Cup,2\n"),
                        400, "MALFORMED_BODY", "line 3"),
                new Refusal("CSV without required column", null, "text/csv", null, utf8("sku,title,price\nA,Mug,1\n"),
                        400, "MALFORMED_BODY", "currency"),
                new Refusal("no items", null, "application/json", null, utf8("[]"), 422, "EMPTY_UPLOAD", ""),
                new Refusal("every item invalid", null, NDJSON, null, utf8(ndjson(NO_TITLE, "42")), 422, "INVALID_ITEMS", ""),
                new Refusal("one invalid item, all or nothing", "all-or-nothing", NDJSON, null,
                        utf8(ndjson(product("A"), NO_TITLE)), 422, "INVALID_ITEMS", ""),
                new Refusal("too many items", null, NDJSON, null, utf8(six), 413, "TOO_MANY_ITEMS", "5"),
                new Refusal("body too large", null, NDJSON, null, utf8(product("A") + " ".repeat(MAX_BODY_BYTES)), 413,
                        "BODY_TOO_LARGE", ""),
                new Refusal("body too large once decompressed", null, NDJSON, "gzip",
                        gzip(utf8(product("A") + " ".repeat(MAX_BODY_BYTES))), 413, "BODY_TOO_LARGE", ""));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refusals")
    void refusesBadInputWithAProblemAndEnqueuesNothing(Refusal refusal) {
        Response response = post(uploads(refusal.mode()), refusal.contentType(), refusal.encoding(), refusal.body());

        JsonNode problem = assertProblem(response, refusal.status(), refusal.code());

        assertThat(problem.path("detail").asText()).contains(refusal.detail());
        assertNothingEnqueued();
    }

    @Test
    void allOrNothingListsTheInvalidItemsWithTheirIndex() {
        JsonNode problem = assertProblem(post(uploads("all-or-nothing"), ndjson(product("A"), NO_TITLE, product("C"))),
                422, "INVALID_ITEMS");

        assertThat(problem.path("errors")).hasSize(1);
        assertThat(problem.path("errors").get(0).path("index").asInt()).isEqualTo(1);
        assertThat(problem.path("errors").get(0).path("code").asText()).isEqualTo("TITLE_MISSING");
        assertNothingEnqueued();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "Bearer cik_unknown", "Basic Y2lrX2tleS0xOg=="})
    void refusesARequestWithoutAValidKey(String authorization) {
        Invocation.Builder request = RESOURCES.target("/v1/uploads").request();
        if (!authorization.isEmpty()) {
            request.header(HttpHeaders.AUTHORIZATION, authorization);
        }

        assertThat(post(request, ndjson(product("A"))).getStatus()).isEqualTo(401);
        assertThat(TRANSACTIONS.begun).isEmpty();
        assertThat(IDEMPOTENCY.entries).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(value = FakeUploadTransactions.Failure.class, names = {"BEGIN", "COMMIT"})
    void answers503WhenKafkaCannotStoreTheUploadAndTheKeyMayBeRetried(FakeUploadTransactions.Failure failure) {
        TRANSACTIONS.failure = failure;

        Response unavailable = post(withKey("k-1"), ndjson(product("A")));

        assertProblem(unavailable, 503, "KAFKA_UNAVAILABLE");
        assertThat(unavailable.getHeaderString("Retry-After")).isNotBlank();
        assertNothingEnqueued();

        TRANSACTIONS.failure = FakeUploadTransactions.Failure.NONE;
        assertTicket(post(withKey("k-1"), ndjson(product("A"))));
        assertThat(TRANSACTIONS.committed()).containsExactly("product 0 A", "accepted 1 of which 0 refused");
    }

    @Test
    void sameKeyAndBodyAnswerTheFirstTicketAgainAndEnqueueNothingTwice() {
        Response first = post(withKey("k-1"), ndjson(product("A")));
        JsonNode ticket = assertTicket(first);

        Response again = post(withKey("k-1"), ndjson(product("A")));

        assertThat(assertTicket(again)).isEqualTo(ticket);
        assertThat(again.getLocation()).isEqualTo(first.getLocation());
        assertThat(again.getHeaderString("Idempotent-Replayed")).isEqualTo("true");
        assertThat(first.getHeaderString("Idempotent-Replayed")).isNull();
        assertThat(TRANSACTIONS.begun).hasSize(1);
        assertThat(TRANSACTIONS.committed()).containsExactly("product 0 A", "accepted 1 of which 0 refused");
    }

    @Test
    void sameKeyWithAnotherBodyIsRefusedAndEnqueuesNothing() {
        assertTicket(post(withKey("k-1"), ndjson(product("A"))));

        assertProblem(post(withKey("k-1"), ndjson(product("B"))), 422, "IDEMPOTENCY_KEY_REUSED");

        assertThat(TRANSACTIONS.begun).hasSize(1);
        assertThat(TRANSACTIONS.committed()).containsExactly("product 0 A", "accepted 1 of which 0 refused");
    }

    @Test
    void keysArePerMerchant() {
        String first = assertTicket(post(withKey("k-1"), ndjson(product("A")))).path("uploadId").asText();

        JsonNode other = assertTicket(post(uploads(null, "cik_key-2").header("Idempotency-Key", "k-1"), ndjson(product("A"))));

        assertThat(other.path("uploadId").asText()).isNotEqualTo(first);
        assertThat(TRANSACTIONS.committed()).hasSize(4);
    }

    @Test
    void aKeyStillInUseAnswers409() {
        IDEMPOTENCY.claim(MERCHANT, "k-1", "running-upload", 86_400, 300);

        Response response = post(withKey("k-1"), ndjson(product("A")));

        assertProblem(response, 409, "IDEMPOTENCY_KEY_IN_USE");
        assertThat(response.getHeaderString("Retry-After")).isNotBlank();
        assertThat(TRANSACTIONS.begun).isEmpty();
    }

    @Test
    void aRefusalWith422IsRememberedForTheKey() {
        String invalid = ndjson(NO_TITLE);
        assertProblem(post(withKey("k-1"), invalid), 422, "INVALID_ITEMS");

        Response again = post(withKey("k-1"), invalid);
        assertProblem(again, 422, "INVALID_ITEMS");
        assertThat(again.getHeaderString("Idempotent-Replayed")).isEqualTo("true");

        assertProblem(post(withKey("k-1"), ndjson(product("A"))), 422, "IDEMPOTENCY_KEY_REUSED");
        assertNothingEnqueued();
        assertThat(TRANSACTIONS.begun).hasSize(1);
    }

    @Test
    void aMalformedBodyDoesNotUseUpTheKey() {
        assertProblem(post(withKey("k-1"), "application/json", utf8("[not json")), 400, "MALFORMED_BODY");

        assertTicket(post(withKey("k-1"), ndjson(product("A"))));
        assertThat(TRANSACTIONS.committed()).containsExactly("product 0 A", "accepted 1 of which 0 refused");
    }

    @ParameterizedTest
    @ValueSource(strings = {"has space", "tab\tkey", "é"})
    void refusesAnInvalidIdempotencyKey(String key) {
        assertProblem(post(withKey(key), ndjson(product("A"))), 400, "IDEMPOTENCY_KEY_INVALID");
        assertThat(TRANSACTIONS.begun).isEmpty();
    }

    @Test
    void refusesAnIdempotencyKeyOver255Characters() {
        assertTicket(post(withKey("k".repeat(255)), ndjson(product("A"))));

        assertProblem(post(withKey("k".repeat(256)), ndjson(product("A"))), 400, "IDEMPOTENCY_KEY_INVALID");
        assertThat(TRANSACTIONS.begun).hasSize(1);
    }

    private static Response postFile(String fieldName, String fileName, String type, byte[] content) {
        FormDataMultiPart form = new FormDataMultiPart();
        form.bodyPart(new FormDataBodyPart(FormDataContentDisposition.name(fieldName).fileName(fileName).build(), content,
                MediaType.valueOf(type)));
        return uploads().post(Entity.entity(form, MediaType.MULTIPART_FORM_DATA_TYPE));
    }

    @Test
    void acceptsAFileFormFieldTellingItsFormatAndCompressionByName() {
        assertTicket(postFile("file", "catalog.csv.gz", MediaType.APPLICATION_OCTET_STREAM,
                gzip(utf8("sku,title,price,currency\nA,Mug,1,EUR\n"))));

        assertThat(TRANSACTIONS.committed()).containsExactly("product 0 A", "accepted 1 of which 0 refused");
    }

    @Test
    void acceptsAFileFormFieldTellingItsFormatByType() {
        assertTicket(postFile("file", "upload", NDJSON, utf8(ndjson(product("A")))));

        assertThat(TRANSACTIONS.committed()).containsExactly("product 0 A", "accepted 1 of which 0 refused");
    }

    @Test
    void refusesAFormWithoutTheFileField() {
        assertProblem(postFile("catalog", "catalog.csv", "text/csv", utf8("sku\n")), 400, "FILE_MISSING");
        assertThat(TRANSACTIONS.begun).isEmpty();
    }

    @Test
    void refusesAFileOfUnknownFormat() {
        assertProblem(postFile("file", "catalog.xlsx", MediaType.APPLICATION_OCTET_STREAM, utf8("PK")), 415, "UNSUPPORTED_FORMAT");
        assertThat(TRANSACTIONS.begun).isEmpty();
    }

    /** Transactions that keep their records in memory; begin or commit can fail as with Kafka down. */
    static final class FakeUploadTransactions implements UploadTransactions {
        enum Failure { NONE, BEGIN, COMMIT }

        final List<FakeTransaction> begun = Collections.synchronizedList(new ArrayList<>());
        volatile Failure failure = Failure.NONE;

        void reset() {
            begun.clear();
            failure = Failure.NONE;
        }

        @Override
        public FakeTransaction begin() throws UnavailableException {
            if (failure == Failure.BEGIN) {
                throw new UnavailableException("no producer in time", null);
            }
            FakeTransaction tx = new FakeTransaction(failure == Failure.COMMIT);
            begun.add(tx);
            return tx;
        }

        /** What consumers would see: the records of committed transactions, in order. */
        List<String> committed() {
            return begun.stream().filter(tx -> tx.committed).flatMap(tx -> tx.summary().stream()).toList();
        }
    }

    static final class FakeTransaction extends RecordingUploadWriter implements UploadTransactions.Transaction {
        private final boolean commitFails;
        volatile boolean committed;
        volatile boolean closed;

        FakeTransaction(boolean commitFails) {
            this.commitFails = commitFails;
        }

        @Override
        public void commit() throws UploadTransactions.UnavailableException {
            if (closed) {
                throw new IllegalStateException("committed after close");
            }
            if (commitFails) {
                throw new UploadTransactions.UnavailableException("commit timed out", null);
            }
            committed = true;
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    /** The idempotency table in memory; expiry and stale claims are the SQL's business and not modelled. */
    static final class FakeIdempotencyDao implements IdempotencyDao {
        final Map<List<String>, Entry> entries = Collections.synchronizedMap(new HashMap<>());

        @Override
        public Optional<String> claim(String merchantId, String key, String newUploadId, long retentionSeconds, long staleSeconds) {
            if (entries.putIfAbsent(List.of(merchantId, key), new Entry(newUploadId, "PENDING", null, null, null)) != null) {
                return Optional.empty();
            }
            return Optional.of(newUploadId);
        }

        @Override
        public Optional<Entry> find(String merchantId, String key) {
            return Optional.ofNullable(entries.get(List.of(merchantId, key)));
        }

        @Override
        public void complete(String merchantId, String key, String bodySha256, int status, String responseBody) {
            entries.computeIfPresent(List.of(merchantId, key),
                    (k, claimed) -> new Entry(claimed.uploadId(), "DONE", bodySha256, status, responseBody));
        }

        @Override
        public void release(String merchantId, String key) {
            entries.computeIfPresent(List.of(merchantId, key), (k, claimed) -> claimed.state().equals("PENDING") ? null : claimed);
        }

        @Override
        public int expire(long retentionSeconds) {
            throw new UnsupportedOperationException("expiry is not part of an upload");
        }
    }
}
