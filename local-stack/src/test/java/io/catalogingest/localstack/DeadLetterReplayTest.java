package io.catalogingest.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import com.fasterxml.jackson.databind.JsonNode;
import io.catalogingest.ops.PipelineCtl;
import io.catalogingest.schemas.ProductSubmitted;
import io.catalogingest.schemas.RecordHeaders;
import io.catalogingest.schemas.Stage;
import io.catalogingest.schemas.Topics;
import io.catalogingest.schemas.serde.AvroDeserializer;
import io.catalogingest.schemas.serde.SchemaRegistryClient;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * An image origin outage and the operator's way out of it: failed images reach the dead-letter
 * topic and show FAILED; after the origin is fixed, {@code pipelinectl dlq replay --stage images}
 * turns them into SUCCEEDED without the catalog stage seeing them again. Along the way: a dry run
 * changes nothing, an interrupted replay resumes where it stopped and republishes each record
 * once, and a record replayed too often is refused and reported.
 */
class DeadLetterReplayTest {
    private static final int ITEMS = 6;
    private static final SchemaRegistryClient REGISTRY = new SchemaRegistryClient(Pipeline.infra().registry.url());

    @AfterEach
    void originBack() {
        Pipeline.infra().imageOrigin.outage(false);
    }

    @Test
    void replayAfterAnOriginOutageRerunsOnlyTheImageStage() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String merchant = "m-replay-" + run;
        String key = Pipeline.stack().createMerchant(merchant, "Replay");
        Pipeline.infra().imageOrigin.outage(true);

        Pipeline.Reply accepted = Pipeline.upload(key, "application/json",
                Pipeline.catalog("sku", ITEMS, i -> Pipeline.infra().imageOrigin.baseUrl() + "/outage/" + run + "-" + i + ".png"));
        assertThat(accepted.status()).isEqualTo(202);
        String uploadId = accepted.body().path("uploadId").asText();
        String statusUrl = accepted.body().path("statusUrl").asText();

        JsonNode failed = awaitDone(statusUrl, key, s -> s.path("failed").asInt() == ITEMS);
        assertThat(failed.path("stages").path("catalog").path("succeeded").asInt()).isEqualTo(ITEMS);
        assertThat(failed.path("stages").path("images").path("failed").asInt()).isEqualTo(ITEMS);
        JsonNode failedItems = Pipeline.get(statusUrl + "/items?outcome=FAILED", key).body().path("items");
        assertThat(failedItems).hasSize(ITEMS);
        assertThat(failedItems.get(0).path("stage").asText()).isEqualTo("IMAGES");
        String code = failedItems.get(0).path("code").asText();
        assertThat(deadLetters(uploadId)).hasSize(ITEMS);

        Cli.Run summary = Cli.withKafka("dlq", "summary", "--stage", "images", "--upload", uploadId);
        assertThat(summary.out()).contains(ITEMS + " record(s)").contains(code).contains(uploadId);
        Cli.Run shown = Cli.withKafka("dlq", "show", "--stage", "images", "--upload", uploadId, "--limit", "2");
        assertThat(shown.out()).contains("2 record(s) shown").contains(RecordHeaders.ORIGIN_OFFSET).contains("sku-");

        // A dry run reports and touches nothing: nothing in the replay ledger, nothing republished.
        int ledgerBefore = TopicReader.readCommitted(Topics.REPLAYS).size();
        Cli.Run dry = Cli.withKafka("dlq", "replay", "--stage", "images", "--upload", uploadId, "--dry-run");
        assertThat(dry.exit()).isZero();
        assertThat(dry.out()).contains("would replay " + ITEMS + " record(s)");
        assertThat(TopicReader.readCommitted(Topics.REPLAYS)).hasSize(ledgerBefore);
        assertThat(replayed(uploadId)).isEmpty();

        // A filtered replay consumes only what it replays: what its filter skips stays for the next one.
        Cli.Run otherCode = Cli.withKafka("dlq", "replay", "--stage", "images", "--upload", uploadId, "--error-code", "NO_SUCH_CODE");
        assertThat(otherCode.out()).contains("replayed 0 record(s)").contains(ITEMS + " skipped by the filters");

        // Interrupted half way (--max), still during the outage: those two fail again, replay count 1.
        Cli.Run firstHalf = Cli.withKafka("dlq", "replay", "--stage", "images", "--upload", uploadId, "--max", "2");
        assertThat(firstHalf.exit()).as(firstHalf.out() + firstHalf.err()).isZero();
        assertThat(firstHalf.out()).contains("replayed 2 record(s)").contains("stopped at --max 2");
        assertThat(TopicReader.readCommitted(Topics.REPLAYS)).hasSize(ledgerBefore + 2);
        await().atMost(Duration.ofMinutes(1)).until(() -> deadLetters(uploadId).size() == ITEMS + 2);

        // The origin is fixed; the rerun resumes after the first two and refuses their second failures.
        Pipeline.infra().imageOrigin.outage(false);
        Cli.Run rest = Cli.withKafka("dlq", "replay", "--stage", "images", "--upload", uploadId, "--max-replays", "1");
        assertThat(rest.exit()).as(rest.out() + rest.err()).isEqualTo(3);
        assertThat(rest.out()).contains("replayed 4 record(s)").contains("2 replayed by an earlier run").contains("2 refused");
        assertThat(rest.out().lines().filter(l -> l.contains("refused ") && l.contains("(replays 1)"))).hasSize(2);

        // Each dead letter was republished exactly once, with one replay counted.
        Map<Integer, Long> republishedPerItem = replayed(uploadId).stream()
                .collect(Collectors.groupingBy(ProductSubmitted::getItemIndex, Collectors.counting()));
        assertThat(republishedPerItem).hasSize(ITEMS).allSatisfy((item, count) -> assertThat(count).isEqualTo(1L));

        JsonNode done = awaitDone(statusUrl, key, s -> s.path("succeeded").asInt() == ITEMS - 2);
        assertThat(done.path("failed").asInt()).isEqualTo(2);

        // The two records replayed during the outage failed again: the dead-letter topic holds each item's
        // first failure and, for those two, a second one with a replay counted; nothing of the catalog stage.
        List<ConsumerRecord<String, byte[]>> finalDeadLetters = deadLetters(uploadId);
        assertThat(finalDeadLetters).hasSize(ITEMS + 2);
        Map<Integer, Long> deadLettersPerItem = finalDeadLetters.stream()
                .collect(Collectors.groupingBy(DeadLetterReplayTest::itemIndex, Collectors.counting()));
        assertThat(deadLettersPerItem).hasSize(ITEMS);
        Set<Integer> failedTwice = finalDeadLetters.stream()
                .filter(r -> RecordHeaders.number(r.headers(), RecordHeaders.REPLAY_COUNT, 0) == 1).map(DeadLetterReplayTest::itemIndex)
                .collect(Collectors.toSet());
        assertThat(failedTwice).hasSize(2);
        assertThat(deadLettersPerItem).allSatisfy((item, count) -> assertThat(count).isEqualTo(failedTwice.contains(item) ? 2L : 1L));
        assertThat(ofUpload(Topics.deadLetter(Stage.CATALOG), uploadId, r -> true)).isEmpty();

        // The reported outcomes are exact, and equal the status service's counts: the catalog stage
        // succeeded for every item, the images stage for all but the two that failed again, whose
        // failures stand; the replayed successes cleared the outage's failures of the rest.
        Set<Integer> all = IntStream.range(0, ITEMS).boxed().collect(Collectors.toSet());
        Map<Stage, TopicReader.StageOutcomes> reported = TopicReader.outcomes(uploadId);
        TopicReader.StageOutcomes catalog = reported.get(Stage.CATALOG);
        assertThat(catalog.succeeded()).isEqualTo(all);
        assertThat(catalog.failures()).isEmpty();
        assertThat(catalog.skipped()).isEmpty();
        TopicReader.StageOutcomes images = reported.get(Stage.IMAGES);
        assertThat(images.skipped()).isEmpty();
        assertThat(images.failures().keySet()).as("every item failed during the outage").isEqualTo(all);
        assertThat(images.failed().keySet()).isEqualTo(failedTwice);
        assertThat(images.succeeded()).isEqualTo(difference(all, failedTwice));
        assertThat(images.failed().values()).allSatisfy(f -> assertThat(f.getErrorCode()).isEqualTo(code));
        assertThat(done.path("stages").path("catalog").path("succeeded").asInt()).isEqualTo(catalog.succeeded().size());
        assertThat(done.path("stages").path("catalog").path("failed").asInt()).isZero();
        assertThat(done.path("stages").path("images").path("succeeded").asInt()).isEqualTo(images.succeeded().size());
        assertThat(done.path("stages").path("images").path("failed").asInt()).isEqualTo(images.failed().size());
        JsonNode stillFailed = Pipeline.get(statusUrl + "/items?outcome=FAILED", key).body().path("items");
        assertThat(stillFailed).extracting(i -> i.path("itemIndex").asInt()).containsExactlyInAnyOrderElementsOf(failedTwice);
        assertThat(stillFailed).allSatisfy(i -> assertThat(i.path("stage").asText()).isEqualTo("IMAGES"));

        // Nothing left within the bound: a third run finds nothing new, and reading from the start does not
        // republish the first failures again: the bound counts the replays of each original over all runs.
        Cli.Run again = Cli.withKafka("dlq", "replay", "--stage", "images", "--upload", uploadId, "--max-replays", "1");
        assertThat(again.out()).contains("replayed 0 record(s)").contains(ITEMS + " replayed by an earlier run");
        Cli.Run fromStart = Cli.withKafka("dlq", "replay", "--stage", "images", "--upload", uploadId, "--max-replays", "1",
                "--from-start");
        assertThat(fromStart.out()).contains("replayed 0 record(s)").contains((ITEMS + 2) + " refused");
    }

    @Test
    void aReplayKilledMidwayResumesAndRepublishesEachRecordOnce() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String key = Pipeline.stack().createMerchant("m-replay-kill-" + run, "Replay");
        int items = 30;
        Pipeline.Reply accepted = Pipeline.upload(key, "application/json",
                Pipeline.catalog("sku", items, i -> Pipeline.infra().imageOrigin.baseUrl() + "/status/404?" + run + "-" + i));
        String uploadId = accepted.body().path("uploadId").asText();
        await().atMost(Duration.ofMinutes(1)).until(() -> deadLetters(uploadId).size() == items);

        // The operator's jar in its own JVM, held inside its send of record 24, then killed without
        // warning. At 8 records/s (after a burst of at most 9) a second has passed by record 18, so
        // it has committed a transaction (one a second) before that send; the records after the
        // last commit are in the open transaction the kill leaves behind.
        String classpath = Path.of("../ops/target/pipelinectl.jar").toAbsolutePath() + java.io.File.pathSeparator
                + Path.of(HaltingInterceptor.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Process replay = new ProcessBuilder("java", "-cp", classpath, PipelineCtl.class.getName(),
                "dlq", "replay", "--stage", "images", "--upload", uploadId, "--rate", "8",
                "--kafka-property", "interceptor.classes=" + HaltingInterceptor.class.getName(),
                "--kafka-property", HaltingInterceptor.HALT_AT + "=47", // two sends a record: it and its ledger entry
                "--bootstrap-servers", Pipeline.infra().kafka.bootstrapServers(), "--schema-registry", Pipeline.infra().registry.url())
                .redirectError(ProcessBuilder.Redirect.appendTo(Path.of("target", "replay-killed.log").toFile())).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(replay.getInputStream(), StandardCharsets.UTF_8));
        CompletableFuture<Boolean> halted = CompletableFuture.supplyAsync(() -> out.lines().anyMatch(HaltingInterceptor.HALTED::equals));
        try {
            assertThat(halted.get(2, TimeUnit.MINUTES)).as("replay halted (its errors: target/replay-killed.log)").isTrue();
        } finally {
            replay.destroyForcibly().waitFor(); // also ends the read of its output
        }
        int before = replayed(uploadId).size();
        assertThat(before).as("committed before the kill").isBetween(1, 23);

        // The rerun refuses the records that failed again after their first replay and finishes the rest.
        Cli.Run rest = Cli.withKafka("dlq", "replay", "--stage", "images", "--upload", uploadId, "--max-replays", "1");
        assertThat(rest.out()).contains("replayed " + (items - before) + " record(s)");
        Map<Integer, Long> perItem = replayed(uploadId).stream()
                .collect(Collectors.groupingBy(ProductSubmitted::getItemIndex, Collectors.counting()));
        assertThat(perItem).hasSize(items).allSatisfy((item, count) -> assertThat(count).isEqualTo(1L));
    }

    private static JsonNode awaitDone(String statusUrl, String key, java.util.function.Predicate<JsonNode> also) {
        return await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(300))
                .until(() -> Pipeline.get(statusUrl, key).body(), s -> "DONE".equals(s.path("status").asText()) && also.test(s));
    }

    private static List<ConsumerRecord<String, byte[]>> deadLetters(String uploadId) {
        return ofUpload(Topics.deadLetter(Stage.IMAGES), uploadId, r -> true);
    }

    /** Products republished by a replay into the images retry topic. */
    private static List<ProductSubmitted> replayed(String uploadId) {
        var products = new AvroDeserializer<>(REGISTRY, ProductSubmitted.class);
        return ofUpload(Topics.retry(Stage.IMAGES), uploadId,
                r -> RecordHeaders.number(r.headers(), RecordHeaders.REPLAY_COUNT, 0) == 1
                        && RecordHeaders.number(r.headers(), RecordHeaders.ATTEMPT, 0) == 1).stream()
                .map(r -> products.deserialize(r.topic(), r.value())).toList();
    }

    private static List<ConsumerRecord<String, byte[]>> ofUpload(String topic, String uploadId,
            java.util.function.Predicate<ConsumerRecord<String, byte[]>> filter) {
        var products = new AvroDeserializer<>(REGISTRY, ProductSubmitted.class);
        return TopicReader.readCommitted(topic).stream().filter(filter)
                .filter(r -> products.deserialize(r.topic(), r.value()).getUploadId().equals(uploadId)).toList();
    }

    private static int itemIndex(ConsumerRecord<String, byte[]> record) {
        return new AvroDeserializer<>(REGISTRY, ProductSubmitted.class).deserialize(record.topic(), record.value()).getItemIndex();
    }

    private static Set<Integer> difference(Set<Integer> all, Set<Integer> without) {
        Set<Integer> rest = new TreeSet<>(all);
        rest.removeAll(without);
        return rest;
    }
}
