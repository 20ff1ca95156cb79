package io.catalogingest.localstack;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import ch.qos.logback.classic.Level;
import com.codahale.metrics.MetricRegistry;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.catalogingest.common.items.ItemFormat;
import io.catalogingest.devstack.EmbeddedS3;
import io.catalogingest.schemas.UploadSplit;
import io.catalogingest.schemas.serde.AvroDeserializer;
import io.catalogingest.workers.core.RetryPolicy;
import io.catalogingest.workers.split.UploadSplitter;
import io.catalogingest.workers.kafka.KafkaClients;
import io.catalogingest.workers.kafka.SplitterPool;
import io.dropwizard.jackson.Jackson;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import io.catalogingest.common.auth.Merchant;
import io.catalogingest.common.auth.MerchantAuth;
import io.catalogingest.common.db.Migrations;
import io.catalogingest.common.kafka.KafkaFactory;
import io.catalogingest.common.kafka.TopicSetup;
import io.catalogingest.devstack.DevStack;
import io.catalogingest.devstack.EmbeddedDatabase;
import io.catalogingest.devstack.FreePorts;
import io.catalogingest.schemas.ProductSubmitted;
import io.catalogingest.schemas.Topics;
import io.catalogingest.schemas.serde.AvroSerializer;
import io.dropwizard.logging.common.BootstrapLogging;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.jdbi.v3.core.Jdbi;
import org.postgresql.ds.PGSimpleDataSource;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Measures the intake as a separate process with a small heap, and the splitter, each against the
 * raw operation it is built on, measured in the same run: the upload to its 202 against a raw S3
 * PUT of the same bytes to the same store, and the split against a raw transactional producer
 * writing the same records in transactions of the same size.
 */
@Command(name = "ingest", mixinStandardHelpOptions = true,
        description = "Benchmark the intake: upload to 202 against a raw S3 PUT, the splitter against a raw "
                + "transactional producer, accept latency under concurrency, and a large upload with a small heap.")
final class IngestBenchmark implements Callable<Integer> {
    @Option(names = "--ingest-classpath", required = true, description = "Class path of the ingest-api service.")
    String ingestClasspath;

    @Option(names = "--heap", defaultValue = "256m", description = "Ingest API heap (-Xmx), default ${DEFAULT-VALUE}.")
    String heap;

    @Option(names = "--bulk-items", defaultValue = "100000", description = "Items of the bulk upload, default ${DEFAULT-VALUE}.")
    int bulkItems;

    @Option(names = "--clients", defaultValue = "50", description = "Concurrent clients, default ${DEFAULT-VALUE}.")
    int clients;

    @Option(names = "--uploads-per-client", defaultValue = "20", description = "100-item uploads per client, default ${DEFAULT-VALUE}.")
    int uploadsPerClient;

    @Option(names = "--large-upload-mib", defaultValue = "1024", description = "Size of the large NDJSON upload in MiB (0 skips it), default ${DEFAULT-VALUE}.")
    long largeUploadMib;

    @Option(names = "--ingest-env", description = "Extra environment of the ingest API, e.g. PRODUCER_POOL_SIZE=16 (repeatable).")
    Map<String, String> ingestEnv = Map.of();

    private static final String SPOOL_BUCKET = "catalog-uploads";
    private static final int SPLIT_CHUNK = 5000;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final int httpPort = FreePorts.next();

    @Override
    public Integer call() throws Exception {
        BootstrapLogging.bootstrap(Level.WARN);
        try (DevStack infra = DevStack.start()) {
            KafkaFactory kafka = LocalStack.kafka(infra);
            TopicSetup.createMissing(kafka, (short) 1);
            Jdbi jdbi = migratedDatabase(infra);
            Process ingest = startIngestApi(infra);
            try {
                awaitStarted(ingest);
                String url = "http://127.0.0.1:" + httpPort + "/v1/uploads";
                String key = MerchantAuth.createMerchantWithKey(jdbi, "bench", "Bench", Merchant.MERCHANT);
                System.out.printf("ingest API: separate JVM, -Xmx%s, %d cores%n%n", heap, Runtime.getRuntime().availableProcessors());

                intake(infra, url, key);
                split(infra, kafka, url, key);
                latency(jdbi, url);
                if (largeUploadMib > 0) {
                    large(url, key, ingest);
                }
            } finally {
                ingest.destroy();
                ingest.waitFor();
            }
        }
        return 0;
    }

    private static Jdbi migratedDatabase(DevStack infra) {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setUrl(infra.database.jdbcUrl());
        ds.setUser(EmbeddedDatabase.USER);
        ds.setPassword(EmbeddedDatabase.PASSWORD);
        Migrations.migrate(ds);
        return Jdbi.create(ds).installPlugins();
    }

    private Process startIngestApi(DevStack infra) throws IOException {
        Path config = infra.workDir.resolve("ingest-api.yml");
        try (InputStream in = IngestBenchmark.class.getResourceAsStream("/ingest-api.yml")) {
            Files.copy(in, config);
        }
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx" + heap, "-cp", ingestClasspath, "io.catalogingest.ingest.IngestApiApplication", "server", config.toString());
        pb.environment().putAll(Map.of(
                "DATABASE_URL", infra.database.jdbcUrl(), "DATABASE_USER", EmbeddedDatabase.USER,
                "DATABASE_PASSWORD", EmbeddedDatabase.PASSWORD, "KAFKA_BOOTSTRAP_SERVERS", infra.kafka.bootstrapServers(),
                "SCHEMA_REGISTRY_URL", infra.registry.url(), "HTTP_PORT", Integer.toString(httpPort),
                "ADMIN_PORT", Integer.toString(FreePorts.next()), "UPLOADS_PER_MINUTE", "1000000",
                "MAX_ITEMS_PER_UPLOAD", "10000000", "MAX_BODY_SIZE", "4GiB"));
        pb.environment().putAll(Map.of("S3_ENDPOINT", infra.s3.endpoint(), "S3_ACCESS_KEY", EmbeddedS3.ACCESS_KEY,
                "S3_SECRET_KEY", EmbeddedS3.SECRET_KEY, "SPOOL_BUCKET", SPOOL_BUCKET));
        pb.environment().putAll(ingestEnv);
        // Kept after the run, for whoever investigates a figure.
        Path log = Files.createTempFile("bench-ingest-api", ".log");
        System.out.println("ingest API log: " + log);
        pb.redirectErrorStream(true).redirectOutput(log.toFile());
        return pb.start();
    }

    private void awaitStarted(Process ingest) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            if (!ingest.isAlive()) {
                throw new IllegalStateException("ingest API exited with " + ingest.exitValue());
            }
            try {
                http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/openapi.yaml")).build(),
                        HttpResponse.BodyHandlers.discarding());
                return;
            } catch (IOException notYet) {
                Thread.sleep(200);
            }
        }
        throw new IllegalStateException("ingest API did not start within 60 s");
    }

    private static String line(int i, int descriptionLength) {
        return "{\"sku\":\"B-" + i + "\",\"title\":\"Bench product " + i + "\",\"description\":\"" + "d".repeat(descriptionLength)
                + "\",\"price\":" + (i % 1000) + ".99,\"currency\":\"EUR\",\"attributes\":{\"size\":\"" + (i % 7)
                + "\"},\"images\":[\"https://cdn.example.com/b/" + i + ".jpg\"]}\n";
    }

    private static ProductSubmitted record(int i, int descriptionLength, Instant at) {
        return ProductSubmitted.newBuilder().setUploadId("raw-baseline").setMerchantId("bench").setItemIndex(i)
                .setSku("B-" + i).setTitle("Bench product " + i).setDescription("d".repeat(descriptionLength))
                .setPrice(new BigDecimal((i % 1000) + ".9900")).setCurrency("EUR").setAttributes(Map.of("size", Integer.toString(i % 7)))
                .setImages(List.of(new io.catalogingest.schemas.ProductImage("https://cdn.example.com/b/" + i + ".jpg", 0)))
                .setAcceptedAt(at).build();
    }

    /** A bulk NDJSON upload to its 202 against a raw S3 PUT of the same bytes. */
    private void intake(DevStack infra, String url, String key) throws Exception {
        byte[] warmup = ndjson(Math.max(1, bulkItems / 10));
        byte[] body = ndjson(bulkItems);
        try (S3Client s3 = LocalStack.objectStore(infra, SPOOL_BUCKET).build()) {
            rawPut(s3, warmup);
            upload(url, key, warmup);
            double raw = rawPut(s3, body);
            long started = System.nanoTime();
            HttpResponse<String> answer = send(url, key, body);
            double intake = (System.nanoTime() - started) / 1e9;
            System.out.printf("bulk upload, %,d items NDJSON (%.1f MiB), answered %d%n", bulkItems, body.length / 1048576.0,
                    answer.statusCode());
            System.out.printf("  raw S3 PUT of the same bytes to the same store: %8.0f ms%n", raw * 1000);
            System.out.printf("  ingest API, upload to 202 (stored and validated): %6.0f ms  (%,.0f items/s)%n", intake * 1000,
                    bulkItems / intake);
            System.out.printf("  ratio raw PUT time / upload time: %.2f%n%n", raw / intake);
        }
    }

    private static double rawPut(S3Client s3, byte[] body) {
        long started = System.nanoTime();
        s3.putObject(b -> b.bucket(SPOOL_BUCKET).key("bench/raw-" + UUID.randomUUID()).contentLength((long) body.length),
                RequestBody.fromBytes(body));
        return (System.nanoTime() - started) / 1e9;
    }

    /**
     * The splitter pool (in this JVM) first splits what the intake measurement accepted; then the
     * bulk body is uploaded once more, and the split rate is its items over the time from its 202
     * to its UploadSplit. Against a raw transactional producer sending the same records in
     * transactions of the same size.
     */
    private void split(DevStack infra, KafkaFactory kafka, String url, String key) throws Exception {
        double raw = rawProducer(kafka, bulkItems);
        byte[] body = ndjson(bulkItems);
        Map<String, Instant> splitAt = new java.util.concurrent.ConcurrentHashMap<>();
        Instant accepted;
        String uploadId;
        try (S3Client s3 = LocalStack.objectStore(infra, SPOOL_BUCKET).build();
                KafkaConsumer<String, byte[]> splits = new KafkaConsumer<>(readCommitted(kafka), new StringDeserializer(),
                        new ByteArrayDeserializer())) {
            splits.subscribe(List.of(Topics.UPLOAD_SPLITS));
            SplitterPool pool = new SplitterPool(KafkaClients.of(kafka), "bench", new UploadSplitter(
                    ItemFormat.constrained(Jackson.newObjectMapper()), 10_000_000, SPLIT_CHUNK),
                    object -> s3.getObject(b -> b.bucket(object.getBucket()).key(object.getKey())), ids -> Set.of(), 1,
                    new RetryPolicy(3, Duration.ZERO, Duration.ZERO, 25), new MetricRegistry());
            pool.start();
            try {
                var reader = new AvroDeserializer<>(kafka.registry(), UploadSplit.class);
                Runnable poll = () -> splits.poll(Duration.ofMillis(100)).forEach(r -> {
                    UploadSplit split = reader.deserialize(r.topic(), r.value());
                    splitAt.put(split.getUploadId(), split.getSplitAt());
                });
                awaitSplits(poll, () -> splitAt.size() >= 2); // the intake measurement's warm-up and bulk upload
                HttpResponse<String> answer = send(url, key, body);
                accepted = Instant.now();
                uploadId = JSON.readTree(answer.body()).path("uploadId").asText();
                awaitSplits(poll, () -> splitAt.containsKey(uploadId));
            } finally {
                pool.stop();
            }
        }
        double split = bulkItems / (Duration.between(accepted, splitAt.get(uploadId)).toNanos() / 1e9);
        System.out.printf("split, %,d items into products, transactions of %,d items%n", bulkItems, SPLIT_CHUNK);
        System.out.printf("  raw transactional producer (same records, same transactions): %,10.0f items/s%n", raw);
        System.out.printf("  splitter (object store -> validated -> products), 202 to split: %,9.0f items/s%n", split);
        System.out.printf("  ratio splitter / raw: %.2f%n%n", split / raw);
    }

    private static void awaitSplits(Runnable poll, java.util.function.BooleanSupplier done) {
        long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the splitter did not finish within 10 minutes");
            }
            poll.run();
        }
    }

    private static Map<String, Object> readCommitted(KafkaFactory kafka) {
        Map<String, Object> props = new java.util.HashMap<>();
        kafka.consumer("bench-splits-" + UUID.randomUUID(), "bench-splits").forEach((k, v) -> props.put((String) k, v));
        return props;
    }

    private static double rawProducer(KafkaFactory kafka, int items) {
        Instant at = Instant.now();
        try (KafkaProducer<String, SpecificRecord> producer = new KafkaProducer<>(
                kafka.transactionalProducer("bench-raw"), new StringSerializer(), new AvroSerializer<>(kafka.registry()))) {
            producer.initTransactions();
            long started = System.nanoTime();
            for (int first = 0; first < items; first += SPLIT_CHUNK) {
                producer.beginTransaction();
                for (int i = first; i < Math.min(items, first + SPLIT_CHUNK); i++) {
                    producer.send(new ProducerRecord<>(Topics.PRODUCTS, Topics.productKey("bench", "B-" + i), record(i, 100, at)));
                }
                producer.commitTransaction();
            }
            return items / ((System.nanoTime() - started) / 1e9);
        }
    }


    private static byte[] ndjson(int items) {
        StringBuilder b = new StringBuilder(items * 300);
        for (int i = 0; i < items; i++) {
            b.append(line(i, 100));
        }
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }

    private int upload(String url, String key, byte[] body) throws Exception {
        return send(url, key, body).statusCode();
    }

    private HttpResponse<String> send(String url, String key, byte[] body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + key)
                .header("Content-Type", "application/x-ndjson").POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** Accept latency of 100-item uploads from concurrent clients, one merchant each. */
    private void latency(Jdbi jdbi, String url) throws Exception {
        byte[] body = ndjson(100);
        List<String> keys = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            keys.add(MerchantAuth.createMerchantWithKey(jdbi, "bench-client-" + c, "Bench client " + c, Merchant.MERCHANT));
        }
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        List<Future<List<Long>>> results = new ArrayList<>();
        long started = System.nanoTime();
        for (String key : keys) {
            results.add(pool.submit(() -> {
                upload(url, key, body); // warm-up, not counted
                List<Long> nanos = new ArrayList<>();
                for (int i = 0; i < uploadsPerClient; i++) {
                    long t = System.nanoTime();
                    int status = upload(url, key, body);
                    if (status != 202) {
                        throw new IllegalStateException("upload answered " + status);
                    }
                    nanos.add(System.nanoTime() - t);
                }
                return nanos;
            }));
        }
        List<Long> all = new ArrayList<>();
        for (Future<List<Long>> f : results) {
            all.addAll(f.get());
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        pool.shutdown();
        Collections.sort(all);
        System.out.printf("accept latency, 100-item uploads, %d concurrent clients, %,d uploads%n", clients, all.size());
        System.out.printf("  p50 %.1f ms   p99 %.1f ms   max %.1f ms   (%.0f uploads/s)%n%n", percentile(all, 50), percentile(all, 99),
                all.get(all.size() - 1) / 1e6, all.size() / seconds);
    }

    static double percentile(List<Long> sorted, int p) {
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1)) / 1e6;
    }

    /** A generated NDJSON body of the given size, streamed: neither side holds it in memory. */
    private void large(String url, String key, Process ingest) throws Exception {
        long bytes = largeUploadMib * 1024 * 1024;
        int itemBytes = line(0, 800).length();
        int items = (int) (bytes / itemBytes) + 1;
        long started = System.nanoTime();
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + key)
                .header("Content-Type", "application/x-ndjson").timeout(Duration.ofMinutes(30))
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new GeneratedBody(items))).build(), HttpResponse.BodyHandlers.ofString());
        double seconds = (System.nanoTime() - started) / 1e9;
        System.out.printf("large upload, %,d MiB NDJSON (%,d items) to an ingest API with -Xmx%s%n", largeUploadMib, items, heap);
        System.out.printf("  answered %d in %.1f s (%.1f MiB/s, %,.0f items/s); ingest API peak RSS %s%n", r.statusCode(), seconds,
                largeUploadMib / seconds, items / seconds, peakRss(ingest));
        if (r.statusCode() != 202) {
            System.out.println("  body: " + r.body());
        }
    }

    private static String peakRss(Process process) {
        try {
            return Files.readAllLines(Path.of("/proc/" + process.pid() + "/status")).stream()
                    .filter(l -> l.startsWith("VmHWM")).map(l -> l.replaceAll("VmHWM:\\s*", "")).findFirst().orElse("unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }

    /** Items generated line by line as the request body is sent. */
    private static final class GeneratedBody extends InputStream {
        private final int items;
        private int next;
        private byte[] current = new byte[0];
        private int position;

        GeneratedBody(int items) {
            this.items = items;
        }

        private boolean fill() {
            if (position < current.length) {
                return true;
            }
            if (next >= items) {
                return false;
            }
            current = line(next++, 800).getBytes(StandardCharsets.UTF_8);
            position = 0;
            return true;
        }

        @Override
        public int read() {
            return fill() ? current[position++] & 0xff : -1;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) {
            if (!fill()) {
                return -1;
            }
            int n = Math.min(length, current.length - position);
            System.arraycopy(current, position, buffer, offset, n);
            position += n;
            return n;
        }
    }
}
