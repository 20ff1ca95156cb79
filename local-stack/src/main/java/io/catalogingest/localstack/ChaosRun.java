package io.catalogingest.localstack;

import java.io.IOException;
import java.io.PrintStream;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.catalogingest.common.auth.Merchant;
import io.catalogingest.common.auth.MerchantAuth;
import io.catalogingest.common.kafka.TopicSetup;
import io.catalogingest.devstack.DevStack;
import io.catalogingest.devstack.TcpRelay;
import io.catalogingest.localstack.ServiceProcesses.Service;
import io.catalogingest.schemas.ProductSubmitted;
import io.catalogingest.schemas.RecordHeaders;
import io.catalogingest.schemas.Stage;
import io.catalogingest.schemas.Topics;
import io.catalogingest.schemas.serde.AvroDeserializer;
import io.catalogingest.schemas.serde.SchemaRegistryClient;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.jdbi.v3.core.Jdbi;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The pipeline, one JVM per service and pool, reaching PostgreSQL, the object store, the schema
 * registry and the broker through devstack's relays, while a merchant uploads a catalog and then
 * re-sends part of it: for a bounded time, service processes are SIGKILLed and restarted and
 * dependencies cut and restored, kills overlapping cuts. Afterwards it checks the final state
 * exactly against what the merchant sent: catalog rows, image rows and their objects, status
 * counts, each upload's report and the dead-letter topics.
 */
final class ChaosRun {
    /**
     * The run's shape: a catalog of {@code products} items, every {@code imageEvery}-th with a
     * gallery (every hundredth of those from an address that answers 404, a permanent fault);
     * faults for {@code faultPhase}, one every {@code gapMin..gapMax}, alternating kills and cuts,
     * each cut lasting {@code cutMin..cutMax} (longer than the longest gap, so the kill that follows
     * a cut falls inside it).
     */
    record Settings(int products, int imageEvery, Duration faultPhase, Duration gapMin, Duration gapMax, Duration cutMin,
            Duration cutMax, Duration doneTimeout, long seed, Path workDir, List<String> jvmOptions) {}

    /** The outcome: checks passed and failed. */
    record Result(int passed, int failed) {}

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss");
    private static final String IMAGE_BUCKET = "catalog-images";
    private static final String PERMANENT_IMAGE_FAULT = "IMAGE_NOT_FOUND";
    private static final Duration START_DEADLINE = Duration.ofMinutes(3);

    private final DevStack infra;
    private final Settings settings;
    private final PrintStream out;
    private final Random random;
    private final Map<String, TcpRelay> dependencies;
    private final ExecutorService restarts = Executors.newCachedThreadPool();
    /** The dependency cut now, if any. */
    private final Set<String> cut = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private int passed;
    private int failed;

    ChaosRun(DevStack infra, Settings settings, PrintStream out) {
        this.infra = infra;
        this.settings = settings;
        this.out = out;
        this.random = new Random(settings.seed());
        this.dependencies = Map.of("postgresql", infra.databaseRelay, "object store", infra.s3Relay,
                "schema registry", infra.registryRelay, "broker", infra.kafkaRelay);
    }

    /** One version of the catalog: each product's title, price and gallery (absent: no images). */
    private record Submission(Map<Integer, String> titles, Map<Integer, String> prices, Map<Integer, List<String>> images) {
        String line(int item) {
            return StagedUploadClient.product("C-" + item, titles.get(item), prices.get(item), images.getOrDefault(item, List.of()));
        }

        /** True if the product's gallery names an address that answers 404. */
        boolean planted(int product) {
            return images.getOrDefault(product, List.of()).stream().anyMatch(url -> url.contains("/status/"));
        }
    }

    Result run() throws Exception {
        TopicSetup.createMissing(LocalStack.kafka(infra), (short) 1);
        // A killed member holds its partitions until its session times out.
        Map<String, String> shortSessions = Map.of("kafka.properties.session\\.timeout\\.ms", "6000",
                "kafka.properties.heartbeat\\.interval\\.ms", "1000");
        try (ServiceProcesses services = new ServiceProcesses(infra, ServiceProcesses.Network.RELAYED,
                settings.workDir().resolve("logs"), shortSessions, settings.jvmOptions())) {
            try {
                return run(services);
            } finally {
                // Before the services stop: no restart may start a process after them.
                restarts.shutdownNow();
            }
        }
    }

    private Result run(ServiceProcesses services) throws Exception {
        services.startAll();
        Jdbi jdbi = LocalStack.jdbi(infra);
        String merchant = "chaos-merchant";
        StagedUploadClient client = new StagedUploadClient(services.ingestUrl(),
                MerchantAuth.createMerchantWithKey(jdbi, merchant, "Chaos", Merchant.MERCHANT));
        Submission first = first();
        Submission second = second(first);
        Map<String, byte[]> imageBytes = prefetch(first, second);
        Path firstFile = StagedUploadClient.catalog(settings.workDir().resolve("catalog-1.ndjson"), settings.products(), first::line);
        Path secondFile = StagedUploadClient.catalog(settings.workDir().resolve("catalog-2.ndjson"), secondCatalogSize(),
                i -> second.line(resent(i)));
        log("%,d products, %,d with images; seed %d; logs in %s", settings.products(), first.images().size(),
                settings.seed(), settings.workDir().resolve("logs"));

        JsonNode firstTicket = upload(client, firstFile);
        long started = System.nanoTime();
        long phase = settings.faultPhase().toNanos();
        CompletableFuture<JsonNode> secondTicket = null;
        CompletableFuture<Long> secondAcceptedAt = new CompletableFuture<>();
        boolean cutNext = true;
        while (faultsGoOn(System.nanoTime() - started, phase, secondAcceptedAt)) {
            if (secondTicket == null && System.nanoTime() - started >= phase / 3) {
                // Sent while the faults go on: the client tries again until it is accepted.
                secondTicket = CompletableFuture.supplyAsync(() -> upload(client, secondFile));
                secondTicket.thenRun(() -> secondAcceptedAt.complete(System.nanoTime()));
            }
            if (cutNext) {
                cutRandomDependency();
            } else {
                killRandomService(services);
            }
            cutNext = !cutNext;
            Thread.sleep(between(settings.gapMin(), settings.gapMax()).toMillis());
        }
        restoreEverything(services);
        JsonNode secondAccepted = secondTicket == null ? upload(client, secondFile) : secondTicket.join();

        JsonNode firstDone = awaitDone(client, firstTicket);
        JsonNode secondDone = awaitDone(client, secondAccepted);
        out.println();
        checkProducts(jdbi, merchant, first, second);
        checkImages(jdbi, merchant, second, imageBytes);
        Map<String, Set<Integer>> deadLettered = checkDeadLetters(first, second, firstTicket, secondAccepted);
        checkStatus("first upload", firstDone, deadLettered);
        checkStatus("second upload", secondDone, deadLettered);
        checkReport(client, "first upload", firstTicket, first);
        checkReport(client, "second upload", secondAccepted, second);
        out.printf("%n%d passed, %d failed%n", passed, failed);
        return new Result(passed, failed);
    }

    /**
     * For the phase, and on until a third of the phase has passed since the second upload's 202,
     * so that both uploads are processed under faults; never more than twice the phase.
     */
    private static boolean faultsGoOn(long elapsed, long phase, CompletableFuture<Long> secondAcceptedAt) {
        boolean secondUnderFaultsLongEnough = secondAcceptedAt.isDone() && System.nanoTime() - secondAcceptedAt.join() >= phase / 3;
        return elapsed < phase || elapsed < 2 * phase && !secondUnderFaultsLongEnough;
    }

    private JsonNode upload(StagedUploadClient client, Path catalog) {
        try {
            JsonNode ticket = client.upload(catalog, settings.doneTimeout());
            log("%s accepted as upload %s", catalog.getFileName(), ticket.path("uploadId").asText());
            return ticket;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * The first catalog: every product, titles and prices of the first version; every
     * {@code imageEvery}-th product has a gallery, of two images where the second catalog will
     * re-send it (so that its second image must go), one image elsewhere, and every hundredth of
     * them one image from an address that answers 404.
     */
    private Submission first() {
        Map<Integer, String> titles = new HashMap<>();
        Map<Integer, String> prices = new HashMap<>();
        Map<Integer, List<String>> images = new HashMap<>();
        for (int i = 0; i < settings.products(); i++) {
            titles.put(i, "first " + i);
            prices.put(i, "1.00");
            if (i % (100 * settings.imageEvery()) == 50 * settings.imageEvery()) {
                images.put(i, List.of(infra.imageOrigin.baseUrl() + "/status/404?item=" + i));
            } else if (i % settings.imageEvery() == 0) {
                images.put(i, i % 3 == 0 ? List.of(infra.imageOrigin.imageUrl("chaos-1-" + i), infra.imageOrigin.imageUrl("chaos-1b-" + i))
                        : List.of(infra.imageOrigin.imageUrl("chaos-1-" + i)));
            }
        }
        return new Submission(titles, prices, images);
    }

    /**
     * The second catalog re-sends every third product with a new title and price and, where it had
     * a gallery, a new one of one image (a 404 stays a 404); it lists them in the first catalog's
     * item order.
     */
    private Submission second(Submission first) {
        Map<Integer, String> titles = new HashMap<>(first.titles());
        Map<Integer, String> prices = new HashMap<>(first.prices());
        Map<Integer, List<String>> images = new HashMap<>(first.images());
        for (int i = 0; i < settings.products(); i += 3) {
            titles.put(i, "second " + i);
            prices.put(i, "2.00");
            if (images.containsKey(i) && !first.planted(i)) {
                images.put(i, List.of(infra.imageOrigin.imageUrl("chaos-2-" + i)));
            }
        }
        return new Submission(titles, prices, images);
    }

    /** Item {@code index} of the second catalog is product {@code 3 * index}. */
    private static int resent(int index) {
        return 3 * index;
    }

    private int secondCatalogSize() {
        return (settings.products() + 2) / 3;
    }

    /** Every image the catalogs name, fetched once: the origin renders them before the faults start. */
    private Map<String, byte[]> prefetch(Submission first, Submission second) throws Exception {
        Set<String> urls = new TreeSet<>();
        first.images().values().forEach(urls::addAll);
        second.images().values().forEach(urls::addAll);
        urls.removeIf(url -> url.contains("/status/"));
        List<String> ordered = List.copyOf(urls);
        List<byte[]> bodies = WorkerBenchmarks.Images.prefetch(ordered);
        Map<String, byte[]> bytes = new HashMap<>();
        for (int i = 0; i < ordered.size(); i++) {
            bytes.put(ordered.get(i), bodies.get(i));
        }
        return bytes;
    }

    private Duration between(Duration min, Duration max) {
        return min.plusMillis((long) (random.nextDouble() * (max.toMillis() - min.toMillis())));
    }

    /**
     * Cuts one dependency, unless one is cut already: one outage at a time, as is usual, so that
     * the merchant's client finds moments where the ingest API can accept an upload.
     */
    private void cutRandomDependency() {
        if (!cut.isEmpty()) {
            return;
        }
        List<String> names = new ArrayList<>(new TreeSet<>(dependencies.keySet()));
        String name = names.get(random.nextInt(names.size()));
        TcpRelay relay = dependencies.get(name);
        Duration length = between(settings.cutMin(), settings.cutMax());
        cut.add(name);
        relay.cut();
        log("cut %s for %d s", name, length.toSeconds());
        restarts.execute(() -> {
            try {
                Thread.sleep(length.toMillis());
                relay.restore();
                cut.remove(name);
                log("restored %s", name);
            } catch (InterruptedException stopping) {
                Thread.currentThread().interrupt();
            } catch (IOException e) {
                log("could not restore %s: %s", name, e);
            }
        });
    }

    private void killRandomService(ServiceProcesses services) throws InterruptedException {
        Service service = Service.values()[random.nextInt(Service.values().length)];
        services.kill(service);
        Duration down = between(Duration.ofSeconds(1), settings.gapMax());
        log("killed %s (SIGKILL), restarting it in %d s", service.label(), down.toSeconds());
        restarts.execute(() -> {
            try {
                Thread.sleep(down.toMillis());
                startRetrying(services, service);
            } catch (InterruptedException stopping) {
                Thread.currentThread().interrupt();
            }
        });
    }

    /**
     * As an orchestrator does: a service that exits while starting (its database away) is started
     * again, for at most {@link #START_DEADLINE}.
     */
    private void startRetrying(ServiceProcesses services, Service service) throws InterruptedException {
        long deadline = System.nanoTime() + START_DEADLINE.toNanos();
        while (true) {
            try {
                services.start(service);
                log("%s is up", service.label());
                return;
            } catch (IOException e) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(service.label() + " did not start within " + START_DEADLINE, e);
                }
                log("%s did not start (%s); starting it again", service.label(), e.getMessage());
                services.kill(service);
                Thread.sleep(2000);
            }
        }
    }

    private void restoreEverything(ServiceProcesses services) throws Exception {
        restarts.shutdownNow();
        restarts.awaitTermination(1, TimeUnit.MINUTES);
        for (TcpRelay relay : dependencies.values()) {
            relay.restore();
        }
        for (Service service : Service.values()) {
            startRetrying(services, service);
        }
        log("faults over: every dependency restored, every service running");
    }

    private JsonNode awaitDone(StagedUploadClient client, JsonNode ticket) throws InterruptedException {
        JsonNode last = client.awaitDone(ticket.path("statusUrl").asText(), settings.doneTimeout(), Duration.ofSeconds(1));
        if (last != null && "DONE".equals(last.path("status").asText())) {
            log("upload %s DONE", ticket.path("uploadId").asText());
        } else {
            log("upload %s not DONE within %s; last status %s", ticket.path("uploadId").asText(), settings.doneTimeout(), last);
        }
        return last;
    }

    private void checkProducts(Jdbi jdbi, String merchant, Submission first, Submission second) {
        Map<String, String> rows = new HashMap<>();
        int[] count = {0};
        jdbi.useHandle(h -> h.createQuery("SELECT sku, title, price FROM products WHERE merchant_id = :m").bind("m", merchant)
                .map((rs, ctx) -> {
                    count[0]++;
                    return rows.put(rs.getString(1), rs.getString(2) + " @ " + rs.getBigDecimal(3).stripTrailingZeros().toPlainString());
                }).list());
        List<String> wrong = new ArrayList<>();
        for (int i = 0; i < settings.products(); i++) {
            String expected = second.titles().get(i) + " @ " + new java.math.BigDecimal(second.prices().get(i)).stripTrailingZeros()
                    .toPlainString();
            if (!expected.equals(rows.get("C-" + i))) {
                wrong.add("C-" + i + ": " + rows.get("C-" + i) + " instead of " + expected);
            }
        }
        check(count[0] == settings.products() && wrong.isEmpty(), "every product row holds the newest submission, once",
                "%,d rows for %,d products; %d wrong, e.g. %s", count[0], settings.products(), wrong.size(), first(wrong));
    }

    private void checkImages(Jdbi jdbi, String merchant, Submission newest, Map<String, byte[]> imageBytes) throws Exception {
        Map<String, String> etags = new HashMap<>();
        try (S3Client s3 = LocalStack.objectStore(infra, IMAGE_BUCKET).build()) {
            for (var page : s3.listObjectsV2Paginator(b -> b.bucket(IMAGE_BUCKET))) {
                for (S3Object object : page.contents()) {
                    etags.put(object.key(), object.eTag().replace("\"", ""));
                }
            }
        }
        List<String> wrong = new ArrayList<>();
        Map<String, Map<Integer, String[]>> rows = new HashMap<>();
        jdbi.useHandle(h -> h.createQuery("SELECT sku, position, sha256, object_key FROM product_images WHERE merchant_id = :m")
                .bind("m", merchant).map((rs, ctx) -> rows.computeIfAbsent(rs.getString(1), sku -> new HashMap<>())
                        .put(rs.getInt(2), new String[] {rs.getString(3), rs.getString(4)})).list());
        for (int i = 0; i < settings.products(); i++) {
            List<String> gallery = newest.planted(i) ? List.of() : newest.images().getOrDefault(i, List.of());
            Map<Integer, String[]> stored = rows.getOrDefault("C-" + i, Map.of());
            if (stored.size() != gallery.size()) {
                wrong.add("C-" + i + " has " + stored.size() + " image rows, its newest gallery " + gallery.size());
                continue;
            }
            for (int position = 0; position < gallery.size(); position++) {
                byte[] bytes = imageBytes.get(gallery.get(position));
                String[] row = stored.get(position);
                if (row == null || !hex("SHA-256", bytes).equals(row[0])) {
                    wrong.add("C-" + i + " position " + position + " is not " + gallery.get(position));
                } else if (!hex("MD5", bytes).equals(etags.get(row[1]))) {
                    wrong.add("C-" + i + " object " + row[1] + " is " + (etags.containsKey(row[1])
                            ? "not the bytes of " + gallery.get(position) : "missing from the store"));
                }
            }
        }
        int rowCount = rows.values().stream().mapToInt(Map::size).sum();
        check(wrong.isEmpty(), "every product shows its newest gallery, whole, each row naming a stored object with its image's hash",
                "%,d image rows; %d wrong, e.g. %s", rowCount, wrong.size(), first(wrong));
    }

    /**
     * The dead-letter topics hold exactly the planted permanent faults, dead-lettered at their first
     * attempt (each item at least once: a crash between a dead letter and its commit may repeat
     * one), and nothing of any other class.
     * Returns the dead-lettered items per upload.
     */
    private Map<String, Set<Integer>> checkDeadLetters(Submission first, Submission second, JsonNode firstTicket,
            JsonNode secondTicket) {
        Map<String, Set<Integer>> found = new HashMap<>();
        List<String> wrong = new ArrayList<>();
        int records = 0;
        var products = new AvroDeserializer<>(new SchemaRegistryClient(infra.registry.url()), ProductSubmitted.class);
        for (Stage stage : List.of(Stage.CATALOG, Stage.IMAGES)) {
            for (ConsumerRecord<byte[], byte[]> r : readAll(Topics.deadLetter(stage))) {
                records++;
                String code = RecordHeaders.string(r.headers(), RecordHeaders.ERROR_CODE);
                ProductSubmitted p = products.deserialize(r.topic(), r.value());
                long attempt = RecordHeaders.number(r.headers(), RecordHeaders.ATTEMPT, -1);
                if (stage != Stage.IMAGES || !PERMANENT_IMAGE_FAULT.equals(code) || attempt != 1) {
                    wrong.add(stage + " dead letter " + code + " at attempt " + attempt + " for item " + p.getItemIndex());
                }
                found.computeIfAbsent(p.getUploadId(), u -> new TreeSet<>()).add(p.getItemIndex());
            }
        }
        for (String topic : List.of(Topics.SPLIT_DEAD_LETTERS, Topics.STATUS_DEAD_LETTERS)) {
            readAll(topic).forEach(r -> wrong.add(topic + " holds a record: " + RecordHeaders.string(r.headers(), RecordHeaders.ERROR_CODE)));
        }
        Set<Integer> plantedFirst = planted(first, settings.products(), i -> i);
        Set<Integer> plantedSecond = planted(second, secondCatalogSize(), ChaosRun::resent);
        String firstId = firstTicket.path("uploadId").asText();
        String secondId = secondTicket.path("uploadId").asText();
        check(wrong.isEmpty() && plantedFirst.equals(found.getOrDefault(firstId, Set.of()))
                        && plantedSecond.equals(found.getOrDefault(secondId, Set.of())) && found.size() <= 2,
                "dead letters hold exactly the permanent faults",
                "%d records; %d planted and %d dead-lettered in the first upload, %d and %d in the second; other: %s",
                records, plantedFirst.size(), found.getOrDefault(firstId, Set.of()).size(), plantedSecond.size(),
                found.getOrDefault(secondId, Set.of()).size(), first(wrong));
        return found;
    }

    /** Items of a catalog of {@code size} items whose product ({@code product.apply(item)}) has a 404 image. */
    private static Set<Integer> planted(Submission submission, int size, java.util.function.IntUnaryOperator product) {
        Set<Integer> items = new TreeSet<>();
        for (int i = 0; i < size; i++) {
            if (submission.planted(product.applyAsInt(i))) {
                items.add(i);
            }
        }
        return items;
    }

    /** The status counts equal the truth: every item succeeded but the dead-lettered ones, which failed. */
    private void checkStatus(String name, JsonNode done, Map<String, Set<Integer>> deadLettered) {
        int total = name.startsWith("first") ? settings.products() : secondCatalogSize();
        int failedItems = done == null ? -1 : deadLettered.getOrDefault(done.path("uploadId").asText(), Set.of()).size();
        boolean ok = done != null && "DONE".equals(done.path("status").asText()) && done.path("totalItems").asInt() == total
                && done.path("succeeded").asInt() == total - failedItems && done.path("failed").asInt() == failedItems;
        check(ok, name + ": DONE, with the status counts of the stored truth",
                "expected %,d items, %,d succeeded, %,d failed; status %s", total, total - failedItems, failedItems, done);
    }

    /** The report lists each item once per stage, failed exactly where a permanent fault was planted. */
    private void checkReport(StagedUploadClient client, String name, JsonNode ticket, Submission submission) throws Exception {
        int total = name.startsWith("first") ? settings.products() : secondCatalogSize();
        Set<Integer> planted = name.startsWith("first") ? planted(submission, total, i -> i)
                : planted(submission, total, ChaosRun::resent);
        Map<String, Integer> seen = new HashMap<>();
        List<String> wrong = new ArrayList<>();
        HttpResponse<java.util.stream.Stream<String>> report = client.report(ticket.path("statusUrl").asText());
        try (var lines = report.body()) {
            lines.forEach(line -> {
                try {
                    JsonNode item = JSON.readTree(line);
                    int index = item.path("itemIndex").asInt();
                    String stage = item.path("stage").asText();
                    seen.merge(stage + "#" + index, 1, Integer::sum);
                    boolean shouldFail = stage.equals("IMAGES") && planted.contains(index);
                    String outcome = item.path("outcome").asText();
                    if (shouldFail ? !(outcome.equals("FAILED") && PERMANENT_IMAGE_FAULT.equals(item.path("code").asText()))
                            : !outcome.equals("SUCCEEDED")) {
                        wrong.add(line);
                    }
                } catch (IOException e) {
                    wrong.add("unreadable line " + line);
                }
            });
        }
        for (int i = 0; i < total; i++) {
            for (String stage : List.of("CATALOG", "IMAGES")) {
                if (seen.getOrDefault(stage + "#" + i, 0) != 1) {
                    wrong.add(stage + " item " + i + " listed " + seen.getOrDefault(stage + "#" + i, 0) + " times");
                }
            }
        }
        check(report.statusCode() == 200 && wrong.isEmpty() && seen.size() == 2 * total,
                name + ": the report lists each item once per stage, failed only where a permanent fault was planted",
                "answer %d, %,d lines for %,d items; %d wrong, e.g. %s", report.statusCode(),
                seen.values().stream().mapToInt(Integer::intValue).sum(), total, wrong.size(), first(wrong));
    }

    /** Every committed record of a topic, up to its end now. */
    private List<ConsumerRecord<byte[], byte[]>> readAll(String topic) {
        Map<String, Object> props = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, infra.kafka.bootstrapServers(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        try (var consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < ends.get(tp))) {
                consumer.poll(Duration.ofMillis(500)).forEach(records::add);
            }
        }
        return records;
    }

    private void check(boolean ok, String what, String detailFormat, Object... args) {
        if (ok) {
            passed++;
            out.println("PASS " + what);
        } else {
            failed++;
            out.println("FAIL " + what + ": " + String.format(detailFormat, args));
        }
    }

    private static String first(List<String> problems) {
        return problems.isEmpty() ? "none" : problems.get(0);
    }

    private static String hex(String algorithm, byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance(algorithm).digest(bytes));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private synchronized void log(String format, Object... args) {
        out.println(CLOCK.format(LocalTime.now()) + " " + String.format(format, args));
    }
}
