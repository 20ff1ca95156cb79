package io.catalogingest.localstack;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import ch.qos.logback.classic.Level;
import io.catalogingest.common.kafka.KafkaFactory;
import io.catalogingest.common.kafka.Offsets;
import io.catalogingest.devstack.DevStack;
import io.catalogingest.devstack.FreePorts;
import io.catalogingest.schemas.ItemOutcomes;
import io.catalogingest.schemas.OutcomeBatch;
import io.catalogingest.schemas.Stage;
import io.catalogingest.schemas.Topics;
import io.catalogingest.schemas.UploadAccepted;
import io.catalogingest.schemas.serde.AvroDeserializer;
import io.catalogingest.schemas.serde.AvroSerializer;
import io.dropwizard.logging.common.BootstrapLogging;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The status service under load: the fold's throughput in item outcomes against a raw consumer
 * reading the same records, GET latency at a fixed request rate over a store of many uploads, and
 * one very large upload: how long after its last outcome it shows DONE, and its state on disk.
 */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = "Status fold outcomes/s against a raw consumer of the same topics; status GET p50/p99 at a fixed rate; "
                + "a large upload's time to DONE and state size.")
final class StatusBenchmark implements java.util.concurrent.Callable<Integer> {
    private static final List<String> FOLDED = List.of(Topics.UPLOADS, Topics.OUTCOMES);
    private static final List<Stage> STAGES = List.of(Stage.CATALOG, Stage.IMAGES);

    @Option(names = "--uploads", defaultValue = "10000", description = "Uploads in the store, default ${DEFAULT-VALUE}.")
    int uploads;

    @Option(names = "--items", defaultValue = "100",
            description = "Items per upload, reported in one outcome record per stage as the workers batch them; one image fails "
                    + "per upload; default ${DEFAULT-VALUE}.")
    int items;

    @Option(names = "--large-items", defaultValue = "1000000", description = "Items of the large upload, default ${DEFAULT-VALUE}.")
    int largeItems;

    @Option(names = "--large-failures", defaultValue = "100", description = "Failed images of the large upload, default ${DEFAULT-VALUE}.")
    int largeFailures;

    @Option(names = "--stream-threads", defaultValue = "1", description = "Stream threads of the measured fold, default ${DEFAULT-VALUE}.")
    int streamThreads;

    @Option(names = "--rate", defaultValue = "500", description = "Status GETs per second, default ${DEFAULT-VALUE}.")
    int rate;

    @Option(names = "--seconds", defaultValue = "30", description = "How long to send GETs, default ${DEFAULT-VALUE}.")
    int seconds;

    @Override
    public Integer call() throws Exception {
        BootstrapLogging.bootstrap(Level.WARN);
        try (DevStack infra = DevStack.start(); LocalStack stack = LocalStack.start(infra, LocalStack.Ports.ANY)) {
            KafkaFactory kafka = LocalStack.kafka(infra);
            String merchant = "bench-status";
            String key = stack.createMerchant(merchant, "Status benchmark");
            List<String> ids = produce(kafka, merchant);
            long records = (long) uploads * 3;
            long outcomes = (long) uploads * items * 2;
            awaitCaughtUp(kafka, "status-service", Duration.ofMinutes(10));

            double raw = rawConsumer(kafka, false);
            double decoded = rawConsumer(kafka, true);
            double fold;
            String applicationId = "bench-fold-" + UUID.randomUUID();
            Path foldState = Files.createTempDirectory(infra.workDir, "bench-fold");
            Map<String, String> foldSettings = Map.of("streamThreads", Integer.toString(streamThreads));
            try (LocalStack.StatusInstance fresh = stack.startExtraStatus("bench-fold", applicationId, FreePorts.next(),
                    foldState, foldSettings)) {
                // Kafka Streams commits as its application id's consumer group.
                fold = awaitCaughtUp(kafka, applicationId, Duration.ofMinutes(10));
            }
            long smallState = sizeOnDisk(foldState);

            Latency get = getLoad(stack.statusUrl(), key, ids);

            // The large upload: folded by the running service, then by the measuring instance again, whose state grows by it.
            String largeId = UUID.randomUUID().toString();
            produceLarge(kafka, merchant, largeId);
            long lastOutcomeAt = System.nanoTime();
            awaitDone(stack.statusUrl(), key, largeId, Duration.ofMinutes(10));
            double toDone = (System.nanoTime() - lastOutcomeAt) / 1e6;
            try (LocalStack.StatusInstance again = stack.startExtraStatus("bench-fold", applicationId, FreePorts.next(),
                    foldState, foldSettings)) {
                awaitCaughtUp(kafka, applicationId, Duration.ofMinutes(10));
            }
            long largeState = sizeOnDisk(foldState) - smallState;

            double perRecord = (double) outcomes / records;
            System.out.printf("%nstatus service, %,d uploads x %d items = %,d item outcomes in %,d records "
                    + "(per upload: UploadAccepted + one ItemOutcomes per stage)%n", uploads, items, outcomes, records);
            System.out.printf("  raw consumer, same topics, bytes only (baseline): %,11.0f records/s%n", raw);
            System.out.printf("  raw consumer + Avro decoding of every value:      %,11.0f records/s   ratio %.2f%n", decoded, decoded / raw);
            System.out.printf("  status fold (exactly-once, RocksDB, changelogs):  %,11.0f records/s   ratio %.2f (%.2f of decoding)%n",
                    fold, fold / raw, fold / decoded);
            System.out.printf("  status fold in item outcomes:                     %,11.0f outcomes/s  ratio %.2f to the raw consumer's records/s%n",
                    fold * perRecord, fold * perRecord / raw);
            System.out.printf("    (%d stream thread(s); fold rate from its first commit to its last, so the instance's start-up is not counted)%n", streamThreads);
            System.out.printf("%nGET /v1/uploads/{id} at %d requests/s for %d s over %,d uploads (open loop, from the scheduled time)%n",
                    rate, seconds, uploads);
            System.out.printf("  p50 %.1f ms   p99 %.1f ms   max %.1f ms   %,d requests, %d not 200, achieved %.0f requests/s%n",
                    IngestBenchmark.percentile(get.nanos(), 50), IngestBenchmark.percentile(get.nanos(), 99),
                    get.nanos().get(get.nanos().size() - 1) / 1e6, get.nanos().size(), get.errors(), get.achieved());
            System.out.printf("%nlarge upload, %,d items, %d failed images, outcomes in records of %,d items%n", largeItems,
                    largeFailures, OUTCOMES_PER_RECORD);
            System.out.printf("  last outcome produced -> DONE visible in GET: %,.0f ms%n", toDone);
            System.out.printf("  its state on disk (RocksDB files of all stores, growth of a closed instance): %,d bytes%n", largeState);
        }
        return 0;
    }

    /** As the workers batch them: outcomes of one upload and stage per record, at most this many. */
    private static final int OUTCOMES_PER_RECORD = 5000;

    private List<String> produce(KafkaFactory kafka, String merchant) throws Exception {
        AvroSerializer<SpecificRecord> avro = new AvroSerializer<>(kafka.registry());
        List<String> ids = new ArrayList<>(uploads);
        Instant start = Instant.now().minusSeconds(3600);
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(kafka.producer("bench-status"), new StringSerializer(),
                new ByteArraySerializer())) {
            for (int u = 0; u < uploads; u++) {
                String id = UUID.randomUUID().toString();
                ids.add(id);
                producer.send(new ProducerRecord<>(Topics.UPLOADS, id, avro.serialize(Topics.UPLOADS,
                        new UploadAccepted(id, merchant, items, 0, start.plusMillis(u), null, null))));
                for (Stage stage : STAGES) {
                    OutcomeBatch batch = new OutcomeBatch(id, stage);
                    for (int i = 0; i < items; i++) {
                        if (stage == Stage.IMAGES && i == items - 1) {
                            batch.failed(OutcomeBatch.failure(i, "sku-" + i, "IMAGE_NOT_FOUND", "origin answered 404", 1));
                        } else {
                            batch.succeeded(i);
                        }
                    }
                    send(producer, avro, batch);
                }
            }
            producer.flush();
        }
        return ids;
    }

    /** One upload of {@code largeItems}: each stage's outcomes in shuffled batches, as from many consumers. */
    private void produceLarge(KafkaFactory kafka, String merchant, String id) throws Exception {
        AvroSerializer<SpecificRecord> avro = new AvroSerializer<>(kafka.registry());
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(kafka.producer("bench-status-large"), new StringSerializer(),
                new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(Topics.UPLOADS, id, avro.serialize(Topics.UPLOADS,
                    new UploadAccepted(id, merchant, largeItems, 0, Instant.now(), null, null))));
            for (Stage stage : STAGES) {
                List<Integer> order = new ArrayList<>(largeItems);
                for (int i = 0; i < largeItems; i++) {
                    order.add(i);
                }
                Collections.shuffle(order, new java.util.Random(stage.ordinal()));
                for (int from = 0; from < largeItems; from += OUTCOMES_PER_RECORD) {
                    OutcomeBatch batch = new OutcomeBatch(id, stage);
                    for (int i : order.subList(from, Math.min(largeItems, from + OUTCOMES_PER_RECORD))) {
                        if (stage == Stage.IMAGES && i < largeFailures) {
                            batch.failed(OutcomeBatch.failure(i, "sku-" + i, "IMAGE_NOT_FOUND", "origin answered 404", 1));
                        } else {
                            batch.succeeded(i);
                        }
                    }
                    send(producer, avro, batch);
                }
            }
            producer.flush();
        }
    }

    private static void send(KafkaProducer<String, byte[]> producer, AvroSerializer<SpecificRecord> avro, OutcomeBatch batch) {
        for (ItemOutcomes record : batch.records()) {
            producer.send(new ProducerRecord<>(Topics.OUTCOMES, batch.uploadId(), avro.serialize(Topics.OUTCOMES, record)));
        }
    }

    private static void awaitDone(String statusUrl, String key, String uploadId, Duration timeout) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create(statusUrl + "/v1/uploads/" + uploadId))
                    .header("Authorization", "Bearer " + key).GET().build(), HttpResponse.BodyHandlers.ofString());
            if (answer.statusCode() == 200 && answer.body().contains("\"status\":\"DONE\"")) {
                return;
            }
            Thread.sleep(20);
        }
        throw new IllegalStateException("upload " + uploadId + " not DONE in " + timeout);
    }

    private static long sizeOnDisk(Path dir) throws java.io.IOException {
        try (var files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
        }
    }

    private static final long RAW_CONSUMER_MIN_NANOS = TimeUnit.SECONDS.toNanos(5);

    /** Records per second of a plain consumer reading both folded topics end to end (as often as fits in 5 s), as bytes or decoded. */
    private static double rawConsumer(KafkaFactory kafka, boolean decode) {
        AvroDeserializer<SpecificRecord> avro = AvroDeserializer.anyRecord(kafka.registry());
        Properties props = kafka.common("bench-raw");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "2000");
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            FOLDED.forEach(t -> consumer.partitionsFor(t).forEach(p -> partitions.add(new TopicPartition(t, p.partition()))));
            consumer.assign(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long count = 0;
            long started = System.nanoTime();
            // A few passes, so that a baseline of a fraction of a second is not all noise.
            do {
                consumer.seekToBeginning(partitions);
                while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                    for (var record : consumer.poll(Duration.ofMillis(200))) {
                        if (decode) {
                            avro.deserialize(record.topic(), record.value());
                        }
                        count++;
                    }
                }
            } while (System.nanoTime() - started < RAW_CONSUMER_MIN_NANOS);
            return count / ((System.nanoTime() - started) / 1e9);
        }
    }

    /**
     * Waits until the group has committed every record of the folded topics; returns its rate in
     * records/s from its first commit to its last.
     */
    private static double awaitCaughtUp(KafkaFactory kafka, String group, Duration timeout) throws Exception {
        try (Admin admin = Admin.create(kafka.common("bench-status-admin"))) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (var description : admin.describeTopics(FOLDED).allTopicNames().get().values()) {
                description.partitions().forEach(p -> partitions.add(new TopicPartition(description.name(), p.partition())));
            }
            Map<TopicPartition, Long> end = Offsets.of(admin, partitions, OffsetSpec.latest());
            long total = end.values().stream().mapToLong(Long::longValue).sum();
            long deadline = System.nanoTime() + timeout.toNanos();
            long firstAt = 0;
            long firstCount = 0;
            while (System.nanoTime() < deadline) {
                Map<TopicPartition, Long> committed = Offsets.committed(admin, group);
                long done = end.keySet().stream().mapToLong(tp -> Math.min(end.get(tp), committed.getOrDefault(tp, 0L))).sum();
                if (done > 0 && firstAt == 0) {
                    firstAt = System.nanoTime();
                    firstCount = done;
                }
                if (done >= total) {
                    double seconds = (System.nanoTime() - firstAt) / 1e9;
                    return seconds > 0 ? (total - firstCount) / seconds : Double.NaN;
                }
                Thread.sleep(50);
            }
            throw new IllegalStateException("group " + group + " did not catch up in " + timeout);
        }
    }

    private record Latency(List<Long> nanos, int errors, double achieved) {}

    /** Open loop: each request has a scheduled time; latency counts from it, so a slow server cannot hide queueing. */
    private Latency getLoad(String statusUrl, String key, List<String> ids) throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        for (int i = 0; i < 3_000; i++) { // warm-up: JIT, connection pools
            http.send(request(statusUrl, key, ids), HttpResponse.BodyHandlers.discarding());
        }
        int total = rate * seconds;
        ConcurrentLinkedQueue<Long> nanos = new ConcurrentLinkedQueue<>();
        AtomicInteger errors = new AtomicInteger();
        List<CompletableFuture<?>> inFlight = new ArrayList<>(total);
        long interval = TimeUnit.SECONDS.toNanos(1) / rate;
        long start = System.nanoTime();
        for (int i = 0; i < total; i++) {
            long scheduled = start + i * interval;
            long wait = scheduled - System.nanoTime();
            if (wait > 0) {
                TimeUnit.NANOSECONDS.sleep(wait);
            }
            inFlight.add(http.sendAsync(request(statusUrl, key, ids), HttpResponse.BodyHandlers.discarding()).whenComplete((r, e) -> {
                nanos.add(System.nanoTime() - scheduled);
                if (e != null || r.statusCode() != 200) {
                    errors.incrementAndGet();
                }
            }));
        }
        CompletableFuture.allOf(inFlight.toArray(CompletableFuture[]::new)).exceptionally(e -> null).join();
        double achieved = total / ((System.nanoTime() - start) / 1e9);
        List<Long> sorted = new ArrayList<>(nanos);
        Collections.sort(sorted);
        return new Latency(sorted, errors.get(), achieved);
    }

    private static HttpRequest request(String statusUrl, String key, List<String> ids) {
        String id = ids.get(ThreadLocalRandom.current().nextInt(ids.size()));
        return HttpRequest.newBuilder(URI.create(statusUrl + "/v1/uploads/" + id)).header("Authorization", "Bearer " + key).GET().build();
    }
}
