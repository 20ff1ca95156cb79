package io.catalogingest.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;

import io.catalogingest.devstack.DevStack;
import io.catalogingest.schemas.UploadAccepted;
import org.junit.jupiter.api.Test;

/**
 * Kafka stalls (a relay holds every byte) while uploads commit, so commits time out. Whatever
 * the ingest API answers, it is true: every upload answered 202 exists exactly once, none
 * answered 503 exists, and a retry with the same Idempotency-Key answers the same upload.
 */
class CommitTimeoutTest {
    private static final int UPLOADS = 8;

    private final DevStack infra = Pipeline.infra();
    private final String name = "ingest-stalled-kafka-" + UUID.randomUUID();
    private final String merchant = "m-stalled-" + UUID.randomUUID();
    private String ingestUrl;
    private String apiKey;

    private static byte[] body(String key) {
        return ("{\"sku\":\"" + key + "\",\"title\":\"t\",\"price\":1,\"currency\":\"EUR\"}\n").getBytes(StandardCharsets.UTF_8);
    }

    private Pipeline.Reply upload(String key) {
        return Pipeline.upload(ingestUrl + "/v1/uploads", apiKey, "application/x-ndjson", body(key), "Idempotency-Key", key);
    }

    private long meter(String name) {
        return Pipeline.get(Pipeline.stack().adminUrl(this.name) + "/metrics", "").body().path("meters").path(name)
                .path("count").asLong();
    }

    /** Sends UPLOADS uploads at once and returns their answers by Idempotency-Key, once all are in. */
    private Map<String, CompletableFuture<Pipeline.Reply>> uploadAll(String round) {
        Map<String, CompletableFuture<Pipeline.Reply>> answers = new HashMap<>();
        for (int i = 0; i < UPLOADS; i++) {
            String key = round + "-" + i;
            answers.put(key, CompletableFuture.supplyAsync(() -> upload(key)));
        }
        return answers;
    }

    private void start() throws Exception {
        ingestUrl = Pipeline.stack().startExtraIngestApi(name, Map.of("kafka.bootstrapServers", infra.relayedKafka(),
                "kafkaTimeout", "1s", "commitDeadline", "10s", "producerPoolSize", Integer.toString(UPLOADS)));
        apiKey = Pipeline.stack().createMerchant(merchant, "Stalled");
        // Every pooled producer has met the broker before it stalls (slots are used in turn).
        for (int i = 0; i < UPLOADS; i++) {
            assertThat(upload("warm-" + i).status()).isEqualTo(202);
        }
    }

    @Test
    void commitsThatTimeOutAreSettledBeforeTheAnswerAndRetriesNameTheSameUpload() throws Exception {
        start();

        // A short stall: every commit times out at least once, then goes through when Kafka answers again.
        infra.kafkaRelay.freeze();
        Map<String, CompletableFuture<Pipeline.Reply>> shortStall;
        try {
            long before = meter("uploads.commit-timeouts");
            shortStall = uploadAll("short");
            await().atMost(Duration.ofMinutes(1)).until(() -> meter("uploads.commit-timeouts") - before >= UPLOADS);
        } finally {
            infra.kafkaRelay.thaw();
        }
        CompletableFuture.allOf(shortStall.values().toArray(CompletableFuture[]::new)).join();

        // A stall past the commit deadline: every upload is answered while Kafka is still away, and
        // none can have been committed, whether its commit failed or could not be settled.
        infra.kafkaRelay.freeze();
        Map<String, CompletableFuture<Pipeline.Reply>> longStall;
        try {
            longStall = uploadAll("long");
            CompletableFuture.allOf(longStall.values().toArray(CompletableFuture[]::new)).join();
        } finally {
            infra.kafkaRelay.thaw();
        }

        Map<String, Pipeline.Reply> answers = new HashMap<>();
        shortStall.forEach((key, reply) -> answers.put(key, reply.join()));
        longStall.forEach((key, reply) -> answers.put(key, reply.join()));
        System.out.println("answers while Kafka stalled, by status: " + answers.values().stream()
                .collect(Collectors.groupingBy(Pipeline.Reply::status, Collectors.counting())));
        assertThat(shortStall.values()).as("a stall shorter than the commit deadline only delays")
                .allSatisfy(reply -> assertThat(reply.join().status()).isEqualTo(202));
        assertThat(longStall.values()).as("an unsettled commit is never answered 202")
                .allSatisfy(reply -> assertThat(reply.join().status()).isEqualTo(503));
        assertThat(answers.values()).filteredOn(r -> r.status() == 503)
                .allSatisfy(r -> assertThat(r.raw().headers().firstValue("Retry-After")).isPresent());

        Map<String, String> ticketed = new HashMap<>();
        answers.forEach((key, reply) -> {
            if (reply.status() == 202) {
                ticketed.put(key, reply.body().path("uploadId").asText());
            }
        });
        Set<String> warmedUp = uploadIdsOfKeys("warm-%");
        List<String> stalledOnTopic = TopicReader.uploads(merchant).stream().map(UploadAccepted::getUploadId)
                .filter(id -> !warmedUp.contains(id)).toList();
        assertThat(stalledOnTopic).as("the answered-202 uploads, each once, and nothing else")
                .containsExactlyInAnyOrderElementsOf(ticketed.values());

        // Kafka is back: every retry with the same key is accepted, under the id its claim holds.
        for (String key : answers.keySet()) {
            Set<String> claimed = uploadIdsOfKeys(key);
            Pipeline.Reply retry = upload(key);
            assertThat(retry.status()).as(key + ": " + retry.body()).isEqualTo(202);
            if (ticketed.containsKey(key)) {
                assertThat(retry.body().path("uploadId").asText()).isEqualTo(ticketed.get(key));
            } else if (!claimed.isEmpty()) {
                assertThat(retry.body().path("uploadId").asText()).as("the id kept for an unsettled commit").isIn(claimed);
            }
        }
        List<String> finallyOnTopic = TopicReader.uploads(merchant).stream().map(UploadAccepted::getUploadId).toList();
        assertThat(finallyOnTopic).as("every upload once").doesNotHaveDuplicates().hasSize(UPLOADS + 2 * UPLOADS);
    }

    /** The upload ids the claims of keys LIKE {@code pattern} hold; a failed request may have kept one for its retry. */
    private Set<String> uploadIdsOfKeys(String pattern) {
        return Pipeline.stack().jdbi().withHandle(h -> h.createQuery(
                "SELECT upload_id FROM idempotency_keys WHERE merchant_id = :m AND idempotency_key LIKE :k")
                .bind("m", merchant).bind("k", pattern).mapTo(String.class).set());
    }
}
