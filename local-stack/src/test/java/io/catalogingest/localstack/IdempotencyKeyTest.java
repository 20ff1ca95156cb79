package io.catalogingest.localstack;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.Test;

/** Idempotency-Key: same key and body, same ticket and nothing enqueued twice; another body, 422. */
class IdempotencyKeyTest {
    private static final byte[] BODY = "[{\"sku\":\"I-1\",\"title\":\"T\",\"price\":1,\"currency\":\"EUR\"},{\"sku\":\"I-2\",\"title\":\"T\",\"price\":2,\"currency\":\"EUR\"}]"
            .getBytes(StandardCharsets.UTF_8);

    @Test
    void aRetryWithTheSameKeyAndBodyGetsTheSameTicketAndEnqueuesNothing() {
        String merchant = "m-idem-" + UUID.randomUUID();
        String apiKey = Pipeline.stack().createMerchant(merchant, "Idem");
        String key = "order-" + UUID.randomUUID();

        Pipeline.Reply first = Pipeline.upload(Pipeline.uploadsUrl(), apiKey, "application/json", BODY, "Idempotency-Key", key);
        Pipeline.Reply retry = Pipeline.upload(Pipeline.uploadsUrl(), apiKey, "application/json", BODY, "Idempotency-Key", key);

        assertThat(first.status()).isEqualTo(202);
        assertThat(retry.status()).isEqualTo(202);
        assertThat(retry.body()).isEqualTo(first.body());
        assertThat(retry.raw().headers().firstValue("Idempotent-Replayed")).hasValue("true");
        assertThat(retry.raw().headers().firstValue("Location")).isEqualTo(first.raw().headers().firstValue("Location"));
        assertThat(TopicReader.products(merchant)).hasSize(2);
        assertThat(TopicReader.uploads(merchant)).hasSize(1);
    }

    @Test
    void theSameKeyWithAnotherBodyIsRefused() {
        String apiKey = Pipeline.stack().createMerchant("m-idem-" + UUID.randomUUID(), "Idem");
        String key = "order-" + UUID.randomUUID();
        Pipeline.upload(Pipeline.uploadsUrl(), apiKey, "application/json", BODY, "Idempotency-Key", key);

        byte[] other = new String(BODY, StandardCharsets.UTF_8).replace("I-2", "I-3").getBytes(StandardCharsets.UTF_8);
        Pipeline.Reply reused = Pipeline.upload(Pipeline.uploadsUrl(), apiKey, "application/json", other, "Idempotency-Key", key);

        assertThat(reused.status()).isEqualTo(422);
        assertThat(reused.body().path("code").asText()).isEqualTo("IDEMPOTENCY_KEY_REUSED");
    }

    @Test
    void aClaimLeftByARequestThatDiedIsTakenOverWithItsUploadId() {
        String merchant = "m-idem-dead-" + UUID.randomUUID();
        String apiKey = Pipeline.stack().createMerchant(merchant, "Dead");
        String key = "dead-" + UUID.randomUUID();
        String deadUploadId = UUID.randomUUID().toString();
        // What a request leaves behind when its process dies between claim and bookkeeping: its
        // lease is no longer renewed and has run out.
        Pipeline.stack().jdbi().useHandle(h -> h.execute("INSERT INTO idempotency_keys (merchant_id, idempotency_key, "
                + "upload_id, state, created_at, owner_token, lease_until) VALUES (?, ?, ?, 'PENDING', now() - interval '10 minutes', "
                + "'dead-owner', now() - interval '1 second')", merchant, key, deadUploadId));

        Pipeline.Reply retry = Pipeline.upload(Pipeline.uploadsUrl(), apiKey, "application/json", BODY, "Idempotency-Key", key);

        assertThat(retry.status()).isEqualTo(202);
        assertThat(retry.body().path("uploadId").asText()).isEqualTo(deadUploadId);
    }

    @Test
    void aClaimLeftByARequestThatDiedWithAnotherBodyIsNotTakenOver() {
        String merchant = "m-idem-other-" + UUID.randomUUID();
        String apiKey = Pipeline.stack().createMerchant(merchant, "Other");
        String key = "other-" + UUID.randomUUID();
        // The dead request had read its whole body and was about to commit it: its upload may exist.
        Pipeline.stack().jdbi().useHandle(h -> h.execute("INSERT INTO idempotency_keys (merchant_id, idempotency_key, "
                + "upload_id, state, body_sha256, owner_token, lease_until) VALUES (?, ?, ?, 'PENDING', ?, 'dead-owner', "
                + "now() - interval '1 second')", merchant, key, UUID.randomUUID().toString(), "0".repeat(64)));

        Pipeline.Reply retry = Pipeline.upload(Pipeline.uploadsUrl(), apiKey, "application/json", BODY, "Idempotency-Key", key);

        assertThat(retry.status()).isEqualTo(422);
        assertThat(retry.body().path("code").asText()).isEqualTo("IDEMPOTENCY_KEY_REUSED");
        assertThat(TopicReader.uploads(merchant)).isEmpty();
    }

    @Test
    void aClaimWhoseOwnerLivesAnswers409HoweverOld() {
        String merchant = "m-idem-busy-" + UUID.randomUUID();
        String apiKey = Pipeline.stack().createMerchant(merchant, "Busy");
        String key = "busy-" + UUID.randomUUID();
        // A live owner's claim, however old: its lease is being renewed.
        Pipeline.stack().jdbi().useHandle(h -> h.execute("INSERT INTO idempotency_keys (merchant_id, idempotency_key, "
                + "upload_id, state, created_at, owner_token, lease_until) VALUES (?, ?, ?, 'PENDING', now() - interval '20 minutes', "
                + "'live-owner', now() + interval '1 minute')", merchant, key, "in-flight"));

        Pipeline.Reply r = Pipeline.upload(Pipeline.uploadsUrl(), apiKey, "application/json", BODY, "Idempotency-Key", key);

        assertThat(r.status()).isEqualTo(409);
        assertThat(r.body().path("code").asText()).isEqualTo("IDEMPOTENCY_KEY_IN_USE");
        assertThat(r.raw().headers().firstValue("Retry-After")).hasValue("1");
        assertThat(TopicReader.products(merchant)).isEmpty();
    }

    @Test
    void keysBelongToOneMerchant() {
        String key = "shared-" + UUID.randomUUID();
        String a = Pipeline.stack().createMerchant("m-idem-a-" + UUID.randomUUID(), "A");
        String b = Pipeline.stack().createMerchant("m-idem-b-" + UUID.randomUUID(), "B");
        Pipeline.Reply first = Pipeline.upload(Pipeline.uploadsUrl(), a, "application/json", BODY, "Idempotency-Key", key);
        Pipeline.Reply second = Pipeline.upload(Pipeline.uploadsUrl(), b, "application/json", BODY, "Idempotency-Key", key);
        assertThat(second.status()).isEqualTo(202);
        assertThat(second.body().path("uploadId").asText()).isNotEqualTo(first.body().path("uploadId").asText());
    }

    @Test
    void concurrentRequestsWithOneKeyEnqueueTheUploadOnce() throws Exception {
        String merchant = "m-idem-race-" + UUID.randomUUID();
        String apiKey = Pipeline.stack().createMerchant(merchant, "Race");
        String key = "race-" + UUID.randomUUID();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Future<Pipeline.Reply>> replies = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            Callable<Pipeline.Reply> call = () -> Pipeline.upload(Pipeline.uploadsUrl(), apiKey, "application/json", BODY,
                    "Idempotency-Key", key);
            replies.add(pool.submit(call));
        }
        List<Integer> statuses = new ArrayList<>();
        List<String> uploadIds = new ArrayList<>();
        for (Future<Pipeline.Reply> f : replies) {
            Pipeline.Reply r = f.get();
            statuses.add(r.status());
            if (r.status() == 202) {
                uploadIds.add(r.body().path("uploadId").asText());
            }
        }
        pool.shutdown();

        assertThat(statuses).containsOnly(202, 409).contains(202);
        assertThat(uploadIds).containsOnly(uploadIds.get(0));
        assertThat(TopicReader.uploads(merchant)).hasSize(1);
        assertThat(TopicReader.products(merchant)).hasSize(2);
    }
}
