package io.catalogingest.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import com.fasterxml.jackson.databind.JsonNode;
import io.catalogingest.devstack.FreePorts;
import io.catalogingest.devstack.TcpRelay;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Status-service instances beside the stack's own, fed by the same topics: restarted mid-upload
 * they end with exact counts (state restored from the changelog); two of them answer every query
 * alike, forwarding to the owner; during a rebalance they answer right or 503, never wrong.
 */
class StatusScaleOutTest {
    @TempDir
    Path dir;

    private static Pipeline.Reply upload(String key, String run, int items) {
        return Pipeline.upload(key, "application/json",
                Pipeline.catalog(run, items, i -> Pipeline.infra().imageOrigin.imageUrl(run + "-" + (i % 7))));
    }

    private static JsonNode awaitDone(String url, String key) {
        return await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(250))
                .until(() -> Pipeline.get(url, key).body(), s -> "DONE".equals(s.path("status").asText()));
    }

    @Test
    void aRestartedInstanceRestoresItsStateAndEndsWithExactCounts() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String key = Pipeline.stack().createMerchant("m-restart-" + run, "Restart");
        String appId = "status-restart-" + run;
        int items = 200;
        int port = FreePorts.next();
        LocalStack.StatusInstance first = Pipeline.stack().startExtraStatus("status-r1-" + run, appId, port, dir.resolve("first"));
        String path;
        TcpRelay objectStore = Pipeline.infra().s3Relay;
        // Without the object store the image stage holds every item (it pauses, spending no
        // attempts), so the upload stays IN_PROGRESS for as long as the test needs.
        objectStore.cut();
        try {
            try {
                path = "/v1/uploads/" + upload(key, run, items).body().path("uploadId").asText();
                JsonNode midway = await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(250))
                        .until(() -> Pipeline.get(first.url() + path, key).body(),
                                s -> s.path("stages").path("catalog").path("succeeded").asInt() == items);
                assertThat(midway.path("status").asText()).isEqualTo("IN_PROGRESS");
                assertThat(midway.path("stages").path("images").path("succeeded").asInt()).isZero();
            } finally {
                first.close();
            }
            // A new, empty state directory: everything comes back from the changelog topics.
            try (LocalStack.StatusInstance second = Pipeline.stack().startExtraStatus("status-r2-" + run, appId, port,
                    dir.resolve("second"))) {
                JsonNode restored = await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(250))
                        .until(() -> Pipeline.get(second.url() + path, key), r -> r.status() == 200).body();
                assertThat(restored.path("stages").path("catalog").path("succeeded").asInt()).isEqualTo(items);
                assertThat(restored.path("status").asText()).isEqualTo("IN_PROGRESS");
                objectStore.restore();
                JsonNode done = awaitDone(second.url() + path, key);
                assertThat(done.path("succeeded").asInt()).isEqualTo(items);
                assertThat(done.path("failed").asInt()).isZero();
                assertThat(done).isEqualTo(awaitDone(Pipeline.stack().statusUrl() + path, key));
            }
            // Dropwizard resets the JVM's logging when a service stops; the stack puts it back.
            assertThat(LoggerFactory.getLogger("org.eclipse.jetty").isDebugEnabled()).isFalse();
        } finally {
            objectStore.restore();
        }
    }

    @Test
    void instancesAnswerAlikeAndNeverWrongDuringARebalance() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String key = Pipeline.stack().createMerchant("m-scale-" + run, "Scale");
        Map<String, JsonNode> truth = new LinkedHashMap<>();
        for (int u = 0; u < 4; u++) {
            String id = upload(key, run + "-" + u, 20).body().path("uploadId").asText();
            truth.put(id, null);
        }
        for (String id : truth.keySet()) {
            truth.put(id, awaitDone(Pipeline.stack().statusUrl() + "/v1/uploads/" + id, key));
        }

        String appId = "status-scale-" + run;
        LocalStack.StatusInstance one = Pipeline.stack().startExtraStatus("status-s1-" + run, appId, FreePorts.next(), dir.resolve("one"));
        LocalStack.StatusInstance two = Pipeline.stack().startExtraStatus("status-s2-" + run, appId, FreePorts.next(), dir.resolve("two"));
        LocalStack.StatusInstance three = null;
        try {
            awaitAllAnswer(List.of(one, two), truth.keySet(), key);
            // Kafka Streams may follow the first assignment with another rebalance: 503 then, so ask again.
            for (String id : truth.keySet()) {
                Pipeline.Reply a = answered(one.url() + "/v1/uploads/" + id, key);
                Pipeline.Reply b = answered(two.url() + "/v1/uploads/" + id, key);
                assertThat(a.body()).isEqualTo(truth.get(id)).isEqualTo(b.body());
                assertThat(a.raw().headers().firstValue("ETag")).isEqualTo(b.raw().headers().firstValue("ETag"));
                assertThat(answered(one.url() + "/v1/uploads/" + id + "/report", key).raw().body())
                        .isEqualTo(answered(two.url() + "/v1/uploads/" + id + "/report", key).raw().body());
            }
            JsonNode listOne = answered(one.url() + "/v1/uploads", key).body();
            assertThat(listOne).isEqualTo(answered(two.url() + "/v1/uploads", key).body());
            assertThat(listOne.path("uploads")).extracting(u -> u.path("uploadId").asText())
                    .containsExactlyInAnyOrderElementsOf(truth.keySet());

            // Rebalance twice while a client keeps asking: one instance leaves, another joins.
            AtomicBoolean polling = new AtomicBoolean(true);
            ConcurrentLinkedQueue<String> wrong = new ConcurrentLinkedQueue<>();
            List<Integer> codes = new java.util.concurrent.CopyOnWriteArrayList<>();
            CompletableFuture<Void> client = CompletableFuture.runAsync(() -> {
                while (polling.get()) {
                    for (String id : truth.keySet()) {
                        Pipeline.Reply r = Pipeline.get(one.url() + "/v1/uploads/" + id, key);
                        codes.add(r.status());
                        if (r.status() == 200 && !r.body().equals(truth.get(id)) || r.status() != 200 && r.status() != 503) {
                            wrong.add(r.status() + " " + r.body());
                        }
                    }
                }
            });
            await().atMost(Duration.ofSeconds(30)).until(() -> !codes.isEmpty());
            int askedBeforeTheRebalance = codes.size();
            two.close();
            three = Pipeline.stack().startExtraStatus("status-s3-" + run, appId, FreePorts.next(), dir.resolve("three"));
            awaitAllAnswer(List.of(one, three), truth.keySet(), key);
            await().atMost(Duration.ofSeconds(30)).until(() -> codes.size() > askedBeforeTheRebalance + truth.size());
            polling.set(false);
            client.get(1, TimeUnit.MINUTES); // rethrows what failed the client
            assertThat(wrong).isEmpty();
            assertThat(codes).contains(200);
        } finally {
            one.close();
            if (three != null) {
                three.close();
            }
        }
    }

    /** The first answer that is not 503 (the only answer allowed while ownership moves). */
    private static Pipeline.Reply answered(String url, String key) {
        return await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                .until(() -> Pipeline.get(url, key), r -> r.status() != 503);
    }

    private static void awaitAllAnswer(List<LocalStack.StatusInstance> instances, Iterable<String> ids, String key) {
        await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(250)).until(() -> {
            List<Integer> codes = new ArrayList<>();
            for (LocalStack.StatusInstance instance : instances) {
                for (String id : ids) {
                    codes.add(Pipeline.get(instance.url() + "/v1/uploads/" + id, key).status());
                }
            }
            return codes.stream().allMatch(c -> c == 200);
        });
    }
}
