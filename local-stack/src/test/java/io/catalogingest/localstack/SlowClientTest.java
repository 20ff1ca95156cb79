package io.catalogingest.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Slow clients hold nothing that other merchants need: while clients trickle their uploads (100
 * items, then one more every two seconds, so no idle timeout ends them), another merchant's upload
 * is accepted and reaches DONE within 5 s of its 202. Bodies are spooled to the object store, and
 * no Kafka transaction is open while a client sends.
 */
class SlowClientTest {
    private static String item(String sku) {
        return "{\"sku\":\"" + sku + "\",\"title\":\"t\",\"price\":1,\"currency\":\"EUR\"}\n";
    }

    /** One client sending an NDJSON upload slowly; {@link #finish()} ends its body. */
    private static final class Trickle implements AutoCloseable {
        private final PipedOutputStream body = new PipedOutputStream();
        private final CompletableFuture<HttpResponse<String>> response;
        private final AtomicBoolean sending = new AtomicBoolean(true);
        private final AtomicInteger sent = new AtomicInteger();
        private final Thread sender;

        Trickle() throws IOException {
            String apiKey = Pipeline.stack().createMerchant("m-trickle-" + UUID.randomUUID(), "Trickle");
            // A pipe of 1 KiB: writes return only once the client has taken nearly all of them.
            PipedInputStream source = new PipedInputStream(body, 1024);
            // Created after Pipeline is loaded: it allows the Connection header that its uploads send.
            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            response = client.sendAsync(HttpRequest.newBuilder(URI.create(Pipeline.uploadsUrl()))
                    .header("Authorization", "Bearer " + apiKey).header("Content-Type", "application/x-ndjson")
                    .POST(HttpRequest.BodyPublishers.ofInputStream(() -> source)).build(), HttpResponse.BodyHandlers.ofString());
            sender = new Thread(this::send, "trickle");
            sender.setDaemon(true);
            sender.start();
        }

        private void send() {
            try {
                for (int i = 0; i < 100; i++) {
                    write(i);
                }
                for (int i = 100; sending.get(); i++) {
                    write(i);
                    TimeUnit.SECONDS.sleep(2);
                }
                body.close();
            } catch (IOException | InterruptedException e) {
                throw new IllegalStateException("the trickle stopped", e);
            }
        }

        private void write(int i) throws IOException {
            body.write(item("T-" + i).getBytes(StandardCharsets.UTF_8));
            body.flush();
            sent.incrementAndGet();
        }

        boolean started() {
            return sent.get() > 100;
        }

        boolean answered() {
            return response.isDone();
        }

        /** Ends the body; the upload is then accepted with every item sent. */
        HttpResponse<String> finish() throws Exception {
            sending.set(false);
            return response.get(1, TimeUnit.MINUTES);
        }

        int itemsSent() {
            return sent.get();
        }

        @Override
        public void close() throws InterruptedException {
            sending.set(false);
            sender.join(10_000);
        }
    }

    private static String catalog(String skuPrefix) {
        StringBuilder catalog = new StringBuilder();
        for (int i = 0; i < 100; i++) {
            catalog.append(item(skuPrefix + "-" + i));
        }
        return catalog.toString();
    }

    /** Uploads 100 items for a new merchant and returns the answer; the caller follows it with the key. */
    private static JsonNode await100ItemsDone(Duration limit) {
        String apiKey = Pipeline.stack().createMerchant("m-prompt-" + UUID.randomUUID(), "Prompt");
        Pipeline.Reply accepted = Pipeline.upload(Pipeline.uploadsUrl(), apiKey, "application/x-ndjson",
                catalog("P").getBytes(StandardCharsets.UTF_8));
        long acceptedAt = System.nanoTime();
        assertThat(accepted.status()).isEqualTo(202);
        String statusUrl = accepted.body().path("statusUrl").asText();
        JsonNode done = await().atMost(limit).pollInterval(Duration.ofMillis(100))
                .until(() -> Pipeline.get(statusUrl, apiKey).body(), s -> "DONE".equals(s.path("status").asText()));
        System.out.printf("DONE %d ms after the 202%n", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - acceptedAt));
        return done;
    }

    @ParameterizedTest(name = "{0} trickling client(s)")
    @ValueSource(ints = {1, 8})
    void anotherMerchantsUploadIsDoneWithinFiveSecondsWhileClientsTrickle(int clients) throws Exception {
        // The pipeline at work, as merchants find it: every consumer group has joined, every producer is ready.
        await100ItemsDone(Duration.ofMinutes(1));
        List<Trickle> trickles = new ArrayList<>();
        try {
            for (int i = 0; i < clients; i++) {
                trickles.add(new Trickle());
            }
            await().atMost(Duration.ofMinutes(1)).until(() -> trickles.stream().allMatch(Trickle::started));

            JsonNode done = await100ItemsDone(Duration.ofSeconds(5));
            assertThat(done.path("succeeded").asInt()).isEqualTo(100);
            assertThat(trickles).as("the slow clients were still sending").noneMatch(Trickle::answered);

            for (Trickle trickle : trickles) {
                HttpResponse<String> slow = trickle.finish();
                assertThat(slow.statusCode()).as(slow.body()).isEqualTo(202);
                assertThat(Pipeline.JSON.readTree(slow.body()).path("totalItems").asInt()).isEqualTo(trickle.itemsSent());
            }
        } finally {
            for (Trickle trickle : trickles) {
                trickle.close();
            }
        }
    }
}
