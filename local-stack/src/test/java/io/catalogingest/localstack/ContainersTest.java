package io.catalogingest.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import io.catalogingest.devstack.DevStack;
import io.catalogingest.devstack.EmbeddedDatabase;
import io.catalogingest.devstack.EmbeddedS3;
import io.catalogingest.devstack.FreePorts;
import io.catalogingest.schemas.Topics;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.output.Slf4jLogConsumer;
import org.testcontainers.containers.startupcheck.OneShotStartupCheckStrategy;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.lifecycle.Startables;
import org.testcontainers.utility.DockerImageName;

/**
 * The project's images (docker/) run against the embedded infrastructure, on the host's network so
 * every address is 127.0.0.1: each starts and reports healthy through its own HEALTHCHECK, an upload to
 * the containerised ingest API reaches DONE through the containerised workers and status service, and a
 * worker container SIGKILLed with work in flight and started again loses and duplicates nothing.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ContainersTest {
    /** Small heaps and the quick compiler: the service JVMs start beside the test's on two cores. */
    private static final String JVM_OPTIONS = "-Xmx256m " + String.join(" ", Pipeline.QUICK_START_JVM_OPTIONS);
    private final int ingestPort = FreePorts.next();
    private final int statusPort = FreePorts.next();
    private LocalStack stack;
    private GenericContainer<?> ingest;
    private GenericContainer<?> workers;
    private GenericContainer<?> status;

    @BeforeAll
    void startTheContainers() {
        ServiceImages.requireDocker();
        stack = Pipeline.stack();
        // The containerised workers take the stage consumer groups alone.
        stack.stopWorkers();
        status = service("status-service", "status-service", Map.of("HTTP_PORT", Integer.toString(statusPort),
                "ADVERTISED_URL", "http://127.0.0.1:" + statusPort,
                // A fold of its own, beside the stack's in-process one.
                "STREAMS_APPLICATION_ID", "status-in-container"));
        workers = service("upload-splitter", "workers", Map.of("JAVA_TOOL_OPTIONS", String.join(" ", JVM_OPTIONS,
                "-Ddw.images.allowedPrivateNetworks=127.0.0.1/32", "-Ddw.images.maxAttempts=50",
                "-Ddw.images.firstRetryDelay=200ms", "-Ddw.images.maxRetryDelay=1s",
                // A killed member's partitions move on after this session timeout.
                "-Ddw.kafka.properties.session\\.timeout\\.ms=6000", "-Ddw.kafka.properties.heartbeat\\.interval\\.ms=1000")));
        ingest = service("ingest-api", "ingest-api", Map.of("HTTP_PORT", Integer.toString(ingestPort),
                "STATUS_BASE_URL", "http://127.0.0.1:" + statusPort));
        long started = System.nanoTime();
        Startables.deepStart(status, workers, ingest).join();
        System.out.printf("three service containers started to healthy together in %.1f s%n", (System.nanoTime() - started) / 1e9);
    }

    @AfterAll
    void stopTheContainers() throws Exception {
        for (GenericContainer<?> container : new GenericContainer<?>[] {ingest, workers, status}) {
            if (container != null) {
                container.stop();
            }
        }
        if (stack != null) {
            stack.startWorkers();
        }
    }

    /** A service's image as compose builds it, configured through its environment variables only. */
    private static GenericContainer<?> service(String composeService, String module, Map<String, String> settings) {
        DevStack infra = Pipeline.infra();
        Map<String, String> env = new LinkedHashMap<>();
        env.put("BIND_HOST", "127.0.0.1");
        env.put("ADMIN_PORT", Integer.toString(FreePorts.next()));
        env.put("INSTANCE_ID", composeService + "-in-container");
        env.put("KAFKA_BOOTSTRAP_SERVERS", infra.kafka.bootstrapServers());
        env.put("SCHEMA_REGISTRY_URL", infra.registry.url());
        env.put("DATABASE_URL", infra.databaseUrl());
        env.put("DATABASE_USER", EmbeddedDatabase.USER);
        env.put("DATABASE_PASSWORD", EmbeddedDatabase.PASSWORD);
        env.put("S3_ENDPOINT", infra.s3.endpoint());
        env.put("S3_ACCESS_KEY", EmbeddedS3.ACCESS_KEY);
        env.put("S3_SECRET_KEY", EmbeddedS3.SECRET_KEY);
        env.put("JAVA_TOOL_OPTIONS", JVM_OPTIONS);
        env.putAll(settings);
        return new GenericContainer<>(DockerImageName.parse(ServiceImages.build(composeService))).withNetworkMode("host")
                .withEnv(env).withCommand("server", "/app/" + module + ".yml")
                .withLogConsumer(logs(module))
                .waitingFor(Wait.forHealthcheck().withStartupTimeout(Duration.ofMinutes(4)));
    }

    /** A container's output, into this class's test log. */
    private static Slf4jLogConsumer logs(String module) {
        return new Slf4jLogConsumer(LoggerFactory.getLogger("container." + module));
    }

    private static String health(GenericContainer<?> container) {
        var state = DockerClientFactory.lazyClient().inspectContainerCmd(container.getContainerId()).exec().getState();
        return state.getHealth() == null ? "none" : state.getHealth().getStatus();
    }

    @Test
    void eachImageStartsAndReportsHealthy() {
        for (GenericContainer<?> container : List.of(ingest, workers, status)) {
            assertThat(health(container)).as(container.getDockerImageName()).isEqualTo("healthy");
        }
        // The operator's image: topics apply against the same broker finds every topic in place.
        DevStack infra = Pipeline.infra();
        try (GenericContainer<?> topics = new GenericContainer<>(DockerImageName.parse(ServiceImages.build("topics")))
                .withNetworkMode("host").withCommand("topics", "apply")
                .withEnv(Map.of("KAFKA_BOOTSTRAP_SERVERS", infra.kafka.bootstrapServers(), "SCHEMA_REGISTRY_URL",
                        infra.registry.url(), "TOPIC_REPLICATION_FACTOR", "1", "TOPIC_MIN_INSYNC_REPLICAS", "1"))
                .withStartupCheckStrategy(new OneShotStartupCheckStrategy().withTimeout(Duration.ofMinutes(2)))) {
            topics.start();
            assertThat(topics.getLogs()).contains(Topics.all().size() + " topic(s) in spec").contains(" 0 drift(s)");
        }
    }

    @Test
    void anUploadToTheContainersReachesDone() {
        String merchant = "m-containers-" + UUID.randomUUID();
        String key = stack.createMerchant(merchant, "Containers");
        String statusUrl = upload(key, Pipeline.catalog("C", 100, i -> Pipeline.infra().imageOrigin.imageUrl(merchant + "-" + i)));
        assertThat(statusUrl).startsWith("http://127.0.0.1:" + statusPort + "/");

        JsonNode done = awaitDone(statusUrl, key);
        assertThat(done.path("succeeded").asInt()).isEqualTo(100);
        assertThat(done.path("stages").path("images").path("succeeded").asInt()).isEqualTo(100);
        assertThat(count("products", merchant)).isEqualTo(100);
        assertThat(count("product_images", merchant)).isEqualTo(100);
    }

    @Test
    void aWorkerContainerKilledWithWorkInFlightAndStartedAgainLosesNothing() {
        String merchant = "m-container-kill-" + UUID.randomUUID();
        String key = stack.createMerchant(merchant, "Container kill");
        int items = 300;
        DevStack infra = Pipeline.infra();
        // The origin answers 500 until the worker is killed, so every image is still in flight then.
        infra.imageOrigin.outage(true);
        String statusUrl;
        try {
            statusUrl = upload(key, Pipeline.catalog("K", items,
                    i -> infra.imageOrigin.baseUrl() + "/outage/" + merchant + "-" + i + ".png"));
            await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(200)).until(
                    () -> Pipeline.get(statusUrl, key).body().path("stages").path("catalog").path("succeeded").asInt(),
                    n -> n == items);
            DockerClientFactory.lazyClient().killContainerCmd(workers.getContainerId()).exec();
        } finally {
            infra.imageOrigin.outage(false);
        }
        try {
            assertThat(Pipeline.get(statusUrl, key).body().path("status").asText()).isNotEqualTo("DONE");
        } finally {
            // Started again whatever the assertion says, so the other tests keep their workers.
            DockerClientFactory.lazyClient().startContainerCmd(workers.getContainerId()).exec();
            workers.followOutput(logs("workers"));
        }
        JsonNode done = awaitDone(statusUrl, key);
        assertThat(done.path("succeeded").asInt()).isEqualTo(items);
        assertThat(done.path("failed").asInt()).isZero();
        assertThat(done.path("stages").path("images").path("succeeded").asInt()).isEqualTo(items);
        assertThat(count("products", merchant)).isEqualTo(items);
        assertThat(count("product_images", merchant)).isEqualTo(items);
        await().atMost(Duration.ofMinutes(2)).until(() -> health(workers), "healthy"::equals);
    }

    private String upload(String key, String catalog) {
        Pipeline.Reply reply = Pipeline.upload("http://127.0.0.1:" + ingestPort + "/v1/uploads", key, "application/json",
                catalog.getBytes(StandardCharsets.UTF_8));
        assertThat(reply.status()).as(reply.raw().body()).isEqualTo(202);
        return reply.body().path("statusUrl").asText();
    }

    private static JsonNode awaitDone(String statusUrl, String key) {
        return await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(500))
                .until(() -> Pipeline.get(statusUrl, key).body(), s -> "DONE".equals(s.path("status").asText()));
    }

    private int count(String table, String merchant) {
        return stack.jdbi().withHandle(h -> h.createQuery("SELECT count(*) FROM " + table + " WHERE merchant_id = :m")
                .bind("m", merchant).mapTo(Integer.class).one());
    }
}
