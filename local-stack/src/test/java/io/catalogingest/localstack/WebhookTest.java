package io.catalogingest.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.catalogingest.status.core.WebhookSignature;
import org.junit.jupiter.api.Test;

/**
 * Completion webhooks: the receiver checks every signature, fails the first two deliveries and
 * acknowledges the third; it sees one event id throughout and exactly one acknowledged delivery.
 */
class WebhookTest {
    private record Delivery(String eventId, boolean validSignature, JsonNode body, int answered) {}

    @Test
    void anUnacknowledgedEventIsRetriedUntilAcknowledgedOnceWithTheSameIdAndAValidSignature() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String key = Pipeline.stack().createMerchant("m-hook-" + run, "Hooks");
        List<Delivery> deliveries = new CopyOnWriteArrayList<>();
        String[] secret = {null};
        HttpServer receiver = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        receiver.createContext("/hooks", exchange -> {
            try (exchange) {
                String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
                long timestamp = Long.parseLong(exchange.getRequestHeaders().getFirst("Catalog-Timestamp"));
                boolean valid = WebhookSignature.verify(secret[0], timestamp, body, exchange.getRequestHeaders().getFirst("Catalog-Signature"))
                        && Math.abs(System.currentTimeMillis() / 1000 - timestamp) < 300;
                int answer = deliveries.size() < 2 ? 500 : 204;
                deliveries.add(new Delivery(exchange.getRequestHeaders().getFirst("Catalog-Event-Id"), valid,
                        Pipeline.JSON.readTree(body), answer));
                exchange.sendResponseHeaders(answer, -1);
            }
        });
        receiver.start();
        try {
            String hookUrl = "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hooks";
            Pipeline.Reply registered = Pipeline.put(Pipeline.stack().statusUrl() + "/v1/webhook", key, "{\"url\":\"" + hookUrl + "\"}");
            assertThat(registered.status()).isEqualTo(200);
            secret[0] = registered.body().path("secret").asText();
            assertThat(secret[0]).startsWith("whsec_");
            JsonNode shown = Pipeline.get(Pipeline.stack().statusUrl() + "/v1/webhook", key).body();
            assertThat(shown.path("url").asText()).isEqualTo(hookUrl);
            assertThat(shown.has("secret")).isFalse();
            assertThat(Pipeline.put(Pipeline.stack().statusUrl() + "/v1/webhook", key, "{\"url\":\"ftp://example.invalid/x\"}").status())
                    .isEqualTo(422);

            Pipeline.Reply accepted = Pipeline.upload(key, "application/json",
                    "[{\"sku\":\"a\",\"title\":\"A\",\"price\":1,\"currency\":\"EUR\"},{\"sku\":\"b\",\"title\":\"B\",\"price\":1,\"currency\":\"EUR\"}]");
            String uploadId = accepted.body().path("uploadId").asText();

            // Once the outbox has recorded the acknowledgement, it never claims the delivery again;
            // a delivery made after the acknowledgement had been missed would count a fourth attempt.
            int attempts = await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(200)).until(() -> Pipeline.stack()
                    .jdbi().withHandle(h -> h.createQuery("SELECT attempts FROM webhook_deliveries WHERE event_id = :e AND delivered_at IS NOT NULL")
                            .bind("e", uploadId + ":done").mapTo(Integer.class).findOne()), a -> a.isPresent()).orElseThrow();
            assertThat(attempts).isEqualTo(3);
            assertThat(deliveries).hasSize(3);
            assertThat(deliveries).allSatisfy(d -> {
                assertThat(d.validSignature()).isTrue();
                assertThat(d.eventId()).isEqualTo(uploadId + ":done");
                assertThat(d.body()).isEqualTo(deliveries.get(0).body());
            });
            assertThat(deliveries).extracting(Delivery::answered).containsExactly(500, 500, 204);
            JsonNode event = deliveries.get(2).body();
            assertThat(event.path("type").asText()).isEqualTo("upload.done");
            assertThat(event.path("uploadId").asText()).isEqualTo(uploadId);
            assertThat(event.path("succeeded").asInt()).isEqualTo(2);
        } finally {
            receiver.stop(0);
            Pipeline.stack().jdbi().useHandle(h -> h.execute("DELETE FROM webhooks WHERE merchant_id = ?", "m-hook-" + run));
        }
    }

    @Test
    void deliveriesToAddressesOutsideTheAllowedNetworksAreRefusedBeforeConnecting() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String merchant = "m-hook-ssrf-" + run;
        String key = Pipeline.stack().createMerchant(merchant, "Hooks");
        List<String> reached = new CopyOnWriteArrayList<>();
        // 127.0.0.2 is loopback too, but outside the stack's allowlist (127.0.0.1/32): it stands for a private address.
        HttpServer receiver = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.2"), 0), 0);
        receiver.createContext("/hooks", exchange -> {
            try (exchange) {
                reached.add(exchange.getRequestURI().toString());
                exchange.sendResponseHeaders(204, -1);
            }
        });
        receiver.start();
        try {
            String hookUrl = "http://127.0.0.2:" + receiver.getAddress().getPort() + "/hooks";
            assertThat(Pipeline.put(Pipeline.stack().statusUrl() + "/v1/webhook", key, "{\"url\":\"" + hookUrl + "\"}").status()).isEqualTo(200);
            String uploadId = Pipeline.upload(key, "application/json", "[{\"sku\":\"a\",\"title\":\"A\",\"price\":1,\"currency\":\"EUR\"}]")
                    .body().path("uploadId").asText();
            String error = await().atMost(Duration.ofMinutes(1)).until(() -> Pipeline.stack().jdbi().withHandle(h -> h.createQuery(
                    "SELECT last_error FROM webhook_deliveries WHERE event_id = :id").bind("id", uploadId + ":done")
                    .mapTo(String.class).findOne().orElse(null)), e -> e != null);
            assertThat(error).contains("127.0.0.2");
            assertThat(reached).isEmpty();
        } finally {
            receiver.stop(0);
            Pipeline.stack().jdbi().useHandle(h -> h.execute("DELETE FROM webhooks WHERE merchant_id = ?", merchant));
        }
    }
}
