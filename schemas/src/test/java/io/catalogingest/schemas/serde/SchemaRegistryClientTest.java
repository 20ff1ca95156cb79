package io.catalogingest.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.catalogingest.schemas.ProductSubmitted;
import org.apache.avro.Schema;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * How the client classifies what a registry answers, against a registry stand-in on 127.0.0.1 that
 * answers what each test tells it: only "no such schema" (404) and "not a valid schema" (422) are
 * verdicts on a record; anything else the registry cannot do now, and not reaching it at all, is an
 * outage ({@link SchemaRegistryClient.UnavailableException}) to wait out, never a reason to drop a record.
 */
class SchemaRegistryClientTest {
    private static final int SCHEMA_ID = 32_639;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The answers to give, in order; the last one is given again once the others are used up. */
    private final Queue<Answer> answers = new ConcurrentLinkedQueue<>();
    private final Queue<String> requests = new ConcurrentLinkedQueue<>();
    private final ExecutorService handlers = Executors.newCachedThreadPool();
    private HttpServer registry;
    private String url;

    private record Answer(int status, String body, CountDownLatch release) {}

    @BeforeEach
    void startRegistry() throws IOException {
        registry = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        registry.createContext("/", this::answer);
        registry.setExecutor(handlers);
        registry.start();
        url = "http://127.0.0.1:" + registry.getAddress().getPort();
    }

    @AfterEach
    void stopRegistry() throws InterruptedException {
        registry.stop(0);
        handlers.shutdownNow();
        handlers.awaitTermination(10, TimeUnit.SECONDS);
    }

    private void answer(HttpExchange exchange) throws IOException {
        requests.add(exchange.getRequestMethod() + " " + exchange.getRequestURI().getPath());
        Answer answer = answers.size() > 1 ? answers.poll() : answers.peek();
        try {
            if (answer.release() != null && !answer.release().await(30, TimeUnit.SECONDS)) {
                throw new IOException("never released");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        byte[] body = answer.body().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/vnd.schemaregistry.v1+json");
        exchange.sendResponseHeaders(answer.status(), body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    private void answers(int status, String body) {
        answers.add(new Answer(status, body, null));
    }

    private static String error(int code, String message) {
        return JSON.createObjectNode().put("error_code", code).put("message", message).toString();
    }

    private static String schema(Schema schema) {
        return JSON.createObjectNode().put("schema", schema.toString()).toString();
    }

    private Throwable lookUp() {
        return catchThrowable(() -> new SchemaRegistryClient(url).schemaById(SCHEMA_ID));
    }

    @Test
    void aSchemaIdTheRegistryDoesNotKnowIsAVerdictOnTheRecord() {
        answers(404, error(40403, "Schema " + SCHEMA_ID + " not found"));

        Throwable e = lookUp();

        assertThat(e).isExactlyInstanceOf(SerializationException.class).hasMessageContaining("HTTP 404");
        assertThat(SchemaRegistryClient.UnavailableException.in(e)).isFalse();
        assertThat(requests).containsExactly("GET /schemas/ids/" + SCHEMA_ID);
    }

    @Test
    void aSchemaTheRegistryFindsInvalidIsAVerdictOnTheRecord() {
        answers(422, error(42201, "Invalid schema"));

        Throwable e = catchThrowable(() -> new SchemaRegistryClient(url).register("t-value", ProductSubmitted.getClassSchema()));

        assertThat(e).isExactlyInstanceOf(SerializationException.class).hasMessageContaining("HTTP 422");
        assertThat(SchemaRegistryClient.UnavailableException.in(e)).isFalse();
    }

    @Test
    void anIncompatibleSchemaIsAConflictNotAnOutage() {
        answers(409, error(409, "Schema being registered is incompatible with an earlier schema"));

        Throwable e = catchThrowable(() -> new SchemaRegistryClient(url).register("t-value", ProductSubmitted.getClassSchema()));

        assertThat(e).isInstanceOf(SchemaRegistryClient.ConflictException.class).hasMessageContaining("HTTP 409");
        assertThat(SchemaRegistryClient.UnavailableException.in(e)).isFalse();
        assertThat(requests).as("asked again once, as after a registration race").hasSize(2);
    }

    @ParameterizedTest
    @ValueSource(ints = {429, 503, 500, 502, 401, 403, 408})
    void anyOtherRefusalIsAnOutageOfTheRegistry(int status) {
        answers(status, error(status * 100, "not now"));

        Throwable e = lookUp();

        assertThat(e).isInstanceOf(SchemaRegistryClient.UnavailableException.class).hasMessageContaining("HTTP " + status);
        assertThat(SchemaRegistryClient.UnavailableException.in(e)).isTrue();
        // Wrapped as the deserializer wraps what a look-up throws, it is still found.
        assertThat(SchemaRegistryClient.UnavailableException.in(new SerializationException("cannot read record", e))).isTrue();
    }

    @Test
    void aRegistryNobodyListensForIsAnOutage() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }

        Throwable e = catchThrowable(() -> new SchemaRegistryClient("http://127.0.0.1:" + closedPort).schemaById(SCHEMA_ID));

        assertThat(e).isInstanceOf(SchemaRegistryClient.UnavailableException.class).hasCauseInstanceOf(IOException.class)
                .hasMessageContaining("unreachable");
    }

    @Test
    void aLookUpInterruptedWhileWaitingForTheRegistryIsAnOutageAndKeepsTheInterrupt() {
        CountDownLatch release = new CountDownLatch(1);
        answers.add(new Answer(200, schema(ProductSubmitted.getClassSchema()), release));
        Throwable e;
        try {
            Thread.currentThread().interrupt();
            e = lookUp();
        } finally {
            assertThat(Thread.interrupted()).as("the interrupt is kept for the caller").isTrue();
            release.countDown();
        }

        assertThat(e).isInstanceOf(SchemaRegistryClient.UnavailableException.class).hasCauseInstanceOf(InterruptedException.class);
    }

    @Test
    void anOutageIsNotRememberedTheSchemaIsLookedUpAgainOnceTheRegistryAnswers() {
        SchemaRegistryClient client = new SchemaRegistryClient(url);
        answers(503, error(50301, "registry starting"));
        answers(200, schema(ProductSubmitted.getClassSchema()));

        Throwable outage = catchThrowable(() -> client.schemaById(SCHEMA_ID));
        Schema found = client.schemaById(SCHEMA_ID);

        assertThat(SchemaRegistryClient.UnavailableException.in(outage)).isTrue();
        assertThat(found).isEqualTo(ProductSubmitted.getClassSchema());
        assertThat(client.schemaById(SCHEMA_ID)).as("remembered once found").isEqualTo(found);
        assertThat(requests).hasSize(2);
    }

    @Test
    void registrationsAreClassifiedAlike() {
        answers(503, error(50301, "registry starting"));
        answers(200, "{\"id\":" + SCHEMA_ID + "}");
        SchemaRegistryClient client = new SchemaRegistryClient(url);

        Throwable outage = catchThrowable(() -> client.register("t-value", ProductSubmitted.getClassSchema()));

        assertThat(outage).isInstanceOf(SchemaRegistryClient.UnavailableException.class);
        assertThat(client.register("t-value", ProductSubmitted.getClassSchema())).isEqualTo(SCHEMA_ID);
        assertThat(requests).containsExactly("POST /subjects/t-value/versions", "POST /subjects/t-value/versions");
    }
}
