package io.catalogingest.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import io.catalogingest.schemas.ProductSubmitted;
import io.catalogingest.schemas.Topics;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;

/**
 * The process that splits a 40,000-item upload is SIGKILLed three times while it splits, each
 * time once the products topic has grown by a further share of the upload, and restarted. Every
 * item reaches the products topic exactly once, and the status counts are exact. The process runs
 * the splitter alone, as a split deployment does, so the split's pace is its own.
 */
class SplitterCrashTest {
    private static final int ITEMS = 40_000;

    @Test
    void killingTheSplitterThreeTimesLosesAndRepeatsNothing() throws Exception {
        LocalStack stack = Pipeline.stack();
        String merchant = "m-split-crash-" + UUID.randomUUID();
        String key = stack.createMerchant(merchant, "Split crash");
        Path log = Files.createTempFile("splitter-crash", ".log");
        // The killed process only splits; the stack's own pools store the products once the split is done.
        Map<String, String> settings = WorkerProcess.settingsForKills(stack,
                Map.of("split.chunkSize", "2000", "catalog.enabled", "false", "images.enabled", "false"));
        StringBuilder body = new StringBuilder();
        for (int i = 0; i < ITEMS; i++) {
            body.append("{\"sku\":\"S-").append(i).append("\",\"title\":\"t ").append(i).append("\",\"price\":1,\"currency\":\"EUR\"}\n");
        }

        stack.stopWorkers();
        long before = productsEnd();
        WorkerProcess worker = WorkerProcess.start(settings, log);
        try {
            Pipeline.Reply accepted = Pipeline.upload(Pipeline.uploadsUrl(), key, "application/x-ndjson",
                    body.toString().getBytes(StandardCharsets.UTF_8));
            assertThat(accepted.status()).isEqualTo(202);
            String uploadId = accepted.body().path("uploadId").asText();
            String statusUrl = accepted.body().path("statusUrl").asText();

            // Kills when the products topic has grown by 1, 30 % and 60 % of the upload: mid-split each time.
            for (int threshold : new int[] {1, 3 * ITEMS / 10, 6 * ITEMS / 10}) {
                long reached = await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(50))
                        .until(() -> productsEnd() - before, grown -> grown >= threshold);
                worker.kill();
                System.out.printf("killed the splitter with the products topic %d records further%n", reached);
                worker = WorkerProcess.start(settings, log);
            }
            await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(200))
                    .until(() -> Files.readString(log).contains("upload " + uploadId + " split: "));
            stack.startWorkers();

            JsonNode done = await().atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofSeconds(1))
                    .until(() -> Pipeline.get(statusUrl, key).body(), s -> "DONE".equals(s.path("status").asText()));
            assertThat(done.path("totalItems").asInt()).isEqualTo(ITEMS);
            assertThat(done.path("succeeded").asInt()).isEqualTo(ITEMS);
            assertThat(done.path("failed").asInt()).isZero();

            assertThat(Files.readString(log)).as("a restarted splitter went on from a checkpoint")
                    .contains("resuming the split of upload " + uploadId);
            List<ProductSubmitted> products = TopicReader.products(merchant);
            assertThat(products).as("every item once on the products topic").hasSize(ITEMS);
            assertThat(products.stream().map(ProductSubmitted::getItemIndex).collect(Collectors.toSet())).hasSize(ITEMS);
        } finally {
            worker.kill();
            stack.startWorkers();
        }
    }

    /** The products topic's end, summed over partitions: it grows as the splitter produces. */
    private static long productsEnd() {
        Map<String, Object> props = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, Pipeline.infra().kafka.bootstrapServers());
        try (var consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(Topics.PRODUCTS).stream()
                    .map(p -> new TopicPartition(Topics.PRODUCTS, p.partition())).toList();
            return consumer.endOffsets(partitions).values().stream().mapToLong(Long::longValue).sum();
        }
    }
}
