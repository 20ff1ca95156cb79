package io.catalogingest.ingest.resources;

import static io.catalogingest.common.items.UploadBodies.gzip;
import static io.catalogingest.common.items.UploadBodies.invalidUtf8Between;
import static io.catalogingest.common.items.UploadBodies.ndjson;
import static io.catalogingest.common.items.UploadBodies.product;
import static io.catalogingest.common.items.UploadBodies.utf8;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;

import com.codahale.metrics.MetricRegistry;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.catalogingest.common.api.Problem;
import io.catalogingest.common.api.ProblemExceptionMapper;
import io.catalogingest.common.auth.Merchant;
import io.catalogingest.common.items.UploadBodies;
import io.catalogingest.ingest.core.Claims;
import io.catalogingest.ingest.core.FakeUploadTransactions;
import io.catalogingest.ingest.core.InMemoryBodyStore;
import io.catalogingest.ingest.core.StagedUploads;
import io.catalogingest.ingest.core.UploadIntake;
import io.catalogingest.ingest.db.FakeIdempotencyDao;
import io.catalogingest.schemas.UploadAccepted;
import io.dropwizard.auth.AuthDynamicFeature;
import io.dropwizard.auth.AuthValueFactoryProvider;
import io.dropwizard.auth.oauth.OAuthCredentialAuthFilter;
import io.dropwizard.jackson.Jackson;
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

/** The upload endpoints over the real intake, with the object store, Kafka and the database in memory. */
@ExtendWith(DropwizardExtensionsSupport.class)
class UploadResourceTest {
    private static final String NDJSON = "application/x-ndjson";
    private static final String MERCHANT = "merchant-1";
    private static final Map<String, Merchant> KEYS = Map.of(
            "cik_key-1", new Merchant(MERCHANT, Merchant.MERCHANT),
            "cik_key-2", new Merchant("merchant-2", Merchant.MERCHANT));
    private static final String STATUS_BASE_URL = "https://status.example.com";
    private static final Instant AT = Instant.parse("2026-01-02T03:04:05Z");
    private static final Duration STAGED_UPLOAD_VALIDITY = Duration.ofHours(1);
    private static final int MAX_BODY_BYTES = 64 * 1024;
    private static final int MAX_ITEMS = 5;
    private static final String NO_TITLE = "{\"sku\":\"X\",\"price\":1,\"currency\":\"EUR\"}";

    private static final MetricRegistry METRICS = new MetricRegistry();
    private static final InMemoryBodyStore STORE = new InMemoryBodyStore();
    private static final FakeUploadTransactions TRANSACTIONS = new FakeUploadTransactions();
    private static final FakeIdempotencyDao IDEMPOTENCY = new FakeIdempotencyDao();
    private static final UploadIntake INTAKE = new UploadIntake(UploadBodies.JSON, STORE, TRANSACTIONS,
            new Claims(IDEMPOTENCY, 86_400, 300), new java.util.concurrent.atomic.AtomicLong()::incrementAndGet, new UploadIntake.Limits(MAX_BODY_BYTES, MAX_ITEMS, 0),
            Clock.fixed(AT, ZoneOffset.UTC));

    private static final ResourceExtension RESOURCES = resources(1_000);
    /** The same endpoints allowing one upload per minute. */
    private static final ResourceExtension RATE_LIMITED = resources(1);

    private static ResourceExtension resources(int uploadsPerMinute) {
        // As the services' bootstrap does: times as ISO-8601.
        ObjectMapper mapper = Jackson.newObjectMapper().disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
        return ResourceExtension.builder()
                .setMapper(mapper)
                .addProvider(new AuthDynamicFeature(new OAuthCredentialAuthFilter.Builder<Merchant>()
                        .setAuthenticator(key -> Optional.ofNullable(KEYS.get(key))).setPrefix("Bearer").buildAuthFilter()))
                .addProvider(new AuthValueFactoryProvider.Binder<>(Merchant.class))
                .addProvider(MultiPartFeature.class)
                .addProvider(new ProblemExceptionMapper())
                .addProvider(new IntakeExceptionMappers.Refused())
                .addProvider(new IntakeExceptionMappers.Unavailable())
                .addResource(new UploadResource(mapper, INTAKE, uploadsPerMinute, STATUS_BASE_URL + "/", METRICS))
                .addResource(new StagedUploadResource(new StagedUploads(STORE, STAGED_UPLOAD_VALIDITY, Clock.fixed(AT, ZoneOffset.UTC))))
                .build();
    }

    @BeforeEach
    void forgetEarlierUploads() {
        STORE.reset();
        TRANSACTIONS.reset();
        IDEMPOTENCY.reset();
    }

    private static Invocation.Builder uploads(ResourceExtension resources, String mode, String apiKey) {
        WebTarget target = resources.target("/v1/uploads").register(MultiPartFeature.class);
        return (mode == null ? target : target.queryParam("mode", mode)).request()
                .header(HttpHeaders.AUTHORIZATION, "Bearer " + apiKey);
    }

    /** A request of merchant-1. */
    private static Invocation.Builder uploads(String mode) {
        return uploads(RESOURCES, mode, "cik_key-1");
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

    private static byte[] stagedRequest(String stagedUploadId) {
        return utf8("{\"stagedUploadId\": \"" + stagedUploadId + "\", \"format\": \"ndjson\"}");
    }

    private static String stagedKey(String stagedUploadId) {
        return "staged/" + MERCHANT + "/" + stagedUploadId;
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

    /** The one record committed, naming the body stored under the ticket's upload id. */
    private static UploadAccepted assertOneUploadAccepted(JsonNode ticket) {
        assertThat(TRANSACTIONS.committed()).hasSize(1);
        UploadAccepted accepted = TRANSACTIONS.committed().get(0);
        assertThat(List.of(accepted.getUploadId(), accepted.getMerchantId()))
                .containsExactly(ticket.path("uploadId").asText(), MERCHANT);
        return accepted;
    }

    private static void assertNothingKept() {
        assertThat(TRANSACTIONS.committed()).isEmpty();
        assertThat(STORE.keys()).isEmpty();
        assertThat(STORE.openWriters()).isEmpty();
    }

    @Test
    void acceptsAnUploadWithA202TicketAndStoresTheBodyAsSent() {
        byte[] sent = utf8(ndjson(product("A"), product("B"), NO_TITLE));

        JsonNode ticket = assertTicket(post(uploads(), NDJSON, sent));

        assertThat(ticket.path("uploadId").asText()).matches("[0-9a-f-]{36}");
        assertThat(List.of(ticket.path("totalItems").asInt(), ticket.path("acceptedItems").asInt(), ticket.path("refusedItems").asInt()))
                .containsExactly(3, 2, 1);
        assertThat(ticket.path("errors")).hasSize(1);
        assertThat(ticket.path("errors").get(0).path("index").asInt()).isEqualTo(2);
        assertThat(ticket.path("errors").get(0).path("sku").asText()).isEqualTo("X");
        assertThat(ticket.path("errors").get(0).path("code").asText()).isEqualTo("TITLE_MISSING");
        UploadAccepted accepted = assertOneUploadAccepted(ticket);
        assertThat(STORE.object(accepted.getBody().getKey())).containsExactly(sent);
    }

    record Upload(String contentType, String body, String format) {}

    static Stream<Upload> eachFormat() {
        return Stream.of(
                new Upload("application/json", "[" + product("A") + "]", "JSON"),
                new Upload("application/json; charset=UTF-8", "[" + product("A") + "]", "JSON"),
                new Upload(NDJSON, product("A"), "NDJSON"),
                new Upload("application/jsonl", product("A"), "NDJSON"),
                new Upload("text/csv", "sku,title,price,currency\nA,Mug,1,EUR\n", "CSV"));
    }

    @ParameterizedTest
    @MethodSource("eachFormat")
    void acceptsEachFormat(Upload upload) {
        JsonNode ticket = assertTicket(post(uploads(), upload.contentType(), utf8(upload.body())));

        assertThat(ticket.path("acceptedItems").asInt()).isEqualTo(1);
        assertThat(assertOneUploadAccepted(ticket).getBody().getFormat()).isEqualTo(upload.format());
    }

    @Test
    void validatesAGzipBodyAndStoresItCompressedAsSent() {
        byte[] sent = gzip(utf8("sku,title,price,currency\nA,Mug,1,EUR\n"));

        JsonNode ticket = assertTicket(post(uploads(), "text/csv", "gzip", sent));

        assertThat(ticket.path("acceptedItems").asInt()).isEqualTo(1);
        UploadAccepted accepted = assertOneUploadAccepted(ticket);
        assertThat(accepted.getBody().getGzip()).isTrue();
        assertThat(STORE.object(accepted.getBody().getKey())).containsExactly(sent);
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
        String stagedUploadId = UUID.randomUUID().toString();
        return Stream.of(
                new Refusal("no upload format", null, "text/plain", null, utf8(product("A")), 415, "UNSUPPORTED_MEDIA_TYPE", ""),
                new Refusal("unknown encoding", null, NDJSON, "br", utf8(product("A")), 415, "UNSUPPORTED_FORMAT", "br"),
                new Refusal("gzip that is not", null, NDJSON, "gzip", utf8(product("A")), 400, "BODY_NOT_GZIP", ""),
                new Refusal("truncated gzip", null, NDJSON, "gzip", Arrays.copyOf(gzipped, gzipped.length - 12), 400,
                        "BODY_UNREADABLE", ""),
                new Refusal("unknown mode", "some", NDJSON, null, utf8(product("A")), 400, "INVALID_MODE", ""),
                new Refusal("JSON syntax", null, "application/json", null, utf8("[\n" + product("A") + ",\n{\"sku\" 1}]"), 400,
                        "MALFORMED_BODY", "line 3"),
                new Refusal("JSON that is neither array nor object", null, "application/json", null, utf8("\"A\""), 400,
                        "MALFORMED_BODY", "JSON array"),
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
                        gzip(utf8(product("A") + " ".repeat(MAX_BODY_BYTES))), 413, "BODY_TOO_LARGE", ""),
                new Refusal("staged upload, malformed request", null, "application/json", null, utf8("{\"stagedUploadId\":"),
                        400, "MALFORMED_BODY", "stagedUploadId"),
                new Refusal("JSON object naming no staged upload", null, "application/json", null, utf8(product("A")), 400,
                        "STAGED_UPLOAD_ID_INVALID", ""),
                new Refusal("staged upload id that is no id", null, "application/json", null, stagedRequest("../merchant-2/x"),
                        400, "STAGED_UPLOAD_ID_INVALID", ""),
                new Refusal("staged upload, all or nothing", "all-or-nothing", "application/json", null,
                        stagedRequest(stagedUploadId), 400, "INVALID_MODE", "staged"),
                new Refusal("staged upload of unknown format", null, "application/json", null,
                        utf8("{\"stagedUploadId\":\"" + stagedUploadId + "\",\"format\":\"xlsx\"}"), 415, "UNSUPPORTED_FORMAT", "xlsx"),
                new Refusal("staged upload with nothing PUT", null, "application/json", null, stagedRequest(stagedUploadId),
                        422, "STAGED_UPLOAD_MISSING", stagedUploadId));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refusals")
    void refusesBadInputWithAProblemAndKeepsNothing(Refusal refusal) {
        Response response = post(uploads(refusal.mode()), refusal.contentType(), refusal.encoding(), refusal.body());

        JsonNode problem = assertProblem(response, refusal.status(), refusal.code());

        assertThat(problem.path("detail").asText()).contains(refusal.detail());
        assertNothingKept();
    }

    @Test
    void allOrNothingListsTheInvalidItemsWithTheirIndex() {
        JsonNode problem = assertProblem(post(uploads("all-or-nothing"), ndjson(product("A"), NO_TITLE, product("C"))),
                422, "INVALID_ITEMS");

        assertThat(problem.path("errors")).hasSize(1);
        assertThat(problem.path("errors").get(0).path("index").asInt()).isEqualTo(1);
        assertThat(problem.path("errors").get(0).path("code").asText()).isEqualTo("TITLE_MISSING");
        assertNothingKept();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "Bearer cik_unknown", "Basic Y2lrX2tleS0xOg=="})
    void refusesARequestWithoutAValidKey(String authorization) {
        Invocation.Builder request = RESOURCES.target("/v1/uploads").request();
        if (!authorization.isEmpty()) {
            request.header(HttpHeaders.AUTHORIZATION, authorization);
        }

        assertThat(post(request, ndjson(product("A"))).getStatus()).isEqualTo(401);
        assertNothingKept();
        assertThat(IDEMPOTENCY.isEmpty()).isTrue();
    }

    @Test
    void answers429WithRetryAfterOnceAMerchantUsedItsUploadsOfTheMinute() {
        assertTicket(post(uploads(RATE_LIMITED, null, "cik_key-1"), ndjson(product("A"))));

        Response limited = post(uploads(RATE_LIMITED, null, "cik_key-1"), ndjson(product("B")));

        assertProblem(limited, 429, "RATE_LIMITED");
        assertThat(Long.parseLong(limited.getHeaderString("Retry-After"))).isBetween(1L, 60L);
        assertTicket(post(uploads(RATE_LIMITED, null, "cik_key-2"), ndjson(product("B"))));
        assertThat(TRANSACTIONS.committed()).hasSize(2);
    }

    enum Outage {
        KAFKA("KAFKA_UNAVAILABLE"), OBJECT_STORE("OBJECT_STORE_UNAVAILABLE"), DATABASE("DATABASE_UNAVAILABLE");

        final String code;

        Outage(String code) {
            this.code = code;
        }

        void set(boolean down) {
            switch (this) {
                case KAFKA -> TRANSACTIONS.failing(down);
                case OBJECT_STORE -> STORE.outage(down ? InMemoryBodyStore.Outage.WRITE : InMemoryBodyStore.Outage.NONE);
                case DATABASE -> IDEMPOTENCY.down(down);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Outage.class)
    void answers503WithRetryAfterWhenADependencyFailsAndTheKeyMayBeRetried(Outage outage) {
        outage.set(true);

        Response unavailable = post(withKey("k-1"), ndjson(product("A")));

        assertProblem(unavailable, 503, outage.code);
        assertThat(unavailable.getHeaderString("Retry-After")).isEqualTo(Integer.toString(IntakeExceptionMappers.UNAVAILABLE_RETRY_AFTER));
        assertThat(TRANSACTIONS.committed()).isEmpty();
        assertThat(STORE.openWriters()).isEmpty();

        outage.set(false);
        assertOneUploadAccepted(assertTicket(post(withKey("k-1"), ndjson(product("A")))));
    }

    @Test
    void sameKeyAndBodyAnswerTheFirstTicketAgainAndEnqueueNothingTwice() {
        long uploadsBefore = METRICS.meter("uploads.accepted").getCount();
        long itemsBefore = METRICS.meter("uploads.items-accepted").getCount();
        Response first = post(withKey("k-1"), ndjson(product("A")));
        JsonNode ticket = assertTicket(first);

        Response again = post(withKey("k-1"), ndjson(product("A")));

        assertThat(assertTicket(again)).isEqualTo(ticket);
        assertThat(again.getLocation()).isEqualTo(first.getLocation());
        assertThat(again.getHeaderString("Idempotent-Replayed")).isEqualTo("true");
        assertThat(first.getHeaderString("Idempotent-Replayed")).isNull();
        assertOneUploadAccepted(ticket);
        // The replay is not counted as another accepted upload.
        assertThat(METRICS.meter("uploads.accepted").getCount()).isEqualTo(uploadsBefore + 1);
        assertThat(METRICS.meter("uploads.items-accepted").getCount()).isEqualTo(itemsBefore + 1);
    }

    @Test
    void sameKeyWithAnotherBodyIsRefusedAndEnqueuesNothing() {
        JsonNode ticket = assertTicket(post(withKey("k-1"), ndjson(product("A"))));

        assertProblem(post(withKey("k-1"), ndjson(product("B"))), 422, "IDEMPOTENCY_KEY_REUSED");

        assertOneUploadAccepted(ticket);
    }

    @Test
    void keysArePerMerchant() {
        String first = assertTicket(post(withKey("k-1"), ndjson(product("A")))).path("uploadId").asText();

        JsonNode other = assertTicket(post(uploads(RESOURCES, null, "cik_key-2").header("Idempotency-Key", "k-1"),
                ndjson(product("A"))));

        assertThat(other.path("uploadId").asText()).isNotEqualTo(first);
        assertThat(TRANSACTIONS.committed()).hasSize(2);
    }

    @Test
    void aKeyStillInUseAnswers409WithRetryAfter() {
        IDEMPOTENCY.claim(MERCHANT, "k-1", "running-upload", "running-owner", 86_400, 300);

        Response response = post(withKey("k-1"), ndjson(product("A")));

        assertProblem(response, 409, "IDEMPOTENCY_KEY_IN_USE");
        assertThat(Long.parseLong(response.getHeaderString("Retry-After"))).isPositive();
        assertNothingKept();
    }

    @Test
    void aRefusalWith422IsRememberedForTheKey() {
        String invalid = ndjson(NO_TITLE);
        assertProblem(post(withKey("k-1"), invalid), 422, "INVALID_ITEMS");

        Response again = post(withKey("k-1"), invalid);
        assertProblem(again, 422, "INVALID_ITEMS");
        assertThat(again.getHeaderString("Idempotent-Replayed")).isEqualTo("true");

        assertProblem(post(withKey("k-1"), ndjson(product("A"))), 422, "IDEMPOTENCY_KEY_REUSED");
        assertNothingKept();
    }

    @Test
    void aMalformedBodyDoesNotUseUpTheKey() {
        assertProblem(post(withKey("k-1"), "application/json", utf8("[not json")), 400, "MALFORMED_BODY");

        assertOneUploadAccepted(assertTicket(post(withKey("k-1"), ndjson(product("A")))));
    }

    @ParameterizedTest
    @ValueSource(strings = {"has space", "tab\tkey", "é"})
    void refusesAnInvalidIdempotencyKey(String key) {
        assertProblem(post(withKey(key), ndjson(product("A"))), 400, "IDEMPOTENCY_KEY_INVALID");
        assertNothingKept();
    }

    @Test
    void refusesAnIdempotencyKeyOver255Characters() {
        assertTicket(post(withKey("k".repeat(255)), ndjson(product("A"))));

        assertProblem(post(withKey("k".repeat(256)), ndjson(product("A"))), 400, "IDEMPOTENCY_KEY_INVALID");
        assertThat(TRANSACTIONS.committed()).hasSize(1);
    }

    private static Response postFile(String fieldName, String fileName, String type, byte[] content) {
        FormDataMultiPart form = new FormDataMultiPart();
        form.bodyPart(new FormDataBodyPart(FormDataContentDisposition.name(fieldName).fileName(fileName).build(), content,
                MediaType.valueOf(type)));
        return uploads().post(Entity.entity(form, MediaType.MULTIPART_FORM_DATA_TYPE));
    }

    @Test
    void acceptsAFileFormFieldTellingItsFormatAndCompressionByName() {
        byte[] sent = gzip(utf8("sku,title,price,currency\nA,Mug,1,EUR\n"));

        JsonNode ticket = assertTicket(postFile("file", "catalog.csv.gz", MediaType.APPLICATION_OCTET_STREAM, sent));

        UploadAccepted accepted = assertOneUploadAccepted(ticket);
        assertThat(List.of(accepted.getBody().getFormat(), accepted.getBody().getGzip())).containsExactly("CSV", true);
        assertThat(STORE.object(accepted.getBody().getKey())).containsExactly(sent);
    }

    @Test
    void acceptsAFileFormFieldTellingItsFormatByType() {
        JsonNode ticket = assertTicket(postFile("file", "upload", NDJSON, utf8(ndjson(product("A")))));

        assertThat(assertOneUploadAccepted(ticket).getBody().getFormat()).isEqualTo("NDJSON");
    }

    @Test
    void refusesAFormWithoutTheFileField() {
        assertProblem(postFile("catalog", "catalog.csv", "text/csv", utf8("sku\n")), 400, "FILE_MISSING");
        assertNothingKept();
    }

    @Test
    void refusesAFileOfUnknownFormat() {
        assertProblem(postFile("file", "catalog.xlsx", MediaType.APPLICATION_OCTET_STREAM, utf8("PK")), 415, "UNSUPPORTED_FORMAT");
        assertNothingKept();
    }

    @Test
    void createsAStagedUploadWhoseFileIsThenAcceptedWithoutCounts() {
        Response created = RESOURCES.target("/v1/staged-uploads").request()
                .header(HttpHeaders.AUTHORIZATION, "Bearer cik_key-1").post(Entity.json(""));
        assertThat(created.getStatus()).isEqualTo(201);
        JsonNode staged = created.readEntity(JsonNode.class);
        String id = staged.path("stagedUploadId").asText();
        assertThat(id).matches("[0-9a-f-]{36}");
        assertThat(staged.path("url").asText()).isEqualTo(STORE.presignPut(stagedKey(id), STAGED_UPLOAD_VALIDITY).toString());
        assertThat(staged.path("method").asText()).isEqualTo("PUT");
        assertThat(Instant.parse(staged.path("expiresAt").asText())).isEqualTo(AT.plus(STAGED_UPLOAD_VALIDITY));
        byte[] file = utf8(ndjson(product("A"), product("B")));
        STORE.put(stagedKey(id), file);

        JsonNode ticket = assertTicket(post(uploads(), "application/json", stagedRequest(id)));

        assertThat(ticket.has("totalItems")).isFalse();
        assertThat(ticket.has("refusedItems")).isFalse();
        UploadAccepted accepted = assertOneUploadAccepted(ticket);
        assertThat(accepted.getItemCount()).isNull();
        assertThat(List.of(accepted.getBody().getKey(), accepted.getBody().getSizeBytes())).containsExactly(stagedKey(id),
                (long) file.length);
    }

    @Test
    void refusesAStagedUploadLargerThanTheLimit() {
        String id = UUID.randomUUID().toString();
        STORE.put(stagedKey(id), new byte[MAX_BODY_BYTES + 1]);

        assertProblem(post(uploads(), "application/json", stagedRequest(id)), 413, "BODY_TOO_LARGE");
        assertThat(TRANSACTIONS.committed()).isEmpty();
    }

    @Test
    void aMerchantCannotNameAnotherMerchantsStagedUpload() {
        String id = UUID.randomUUID().toString();
        STORE.put(stagedKey(id), utf8(ndjson(product("A"))));

        Response response = post(uploads(RESOURCES, null, "cik_key-2"), "application/json", stagedRequest(id));

        assertProblem(response, 422, "STAGED_UPLOAD_MISSING");
        assertThat(TRANSACTIONS.committed()).isEmpty();
    }
}
