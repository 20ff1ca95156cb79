package io.catalogingest.localstack;

import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import ch.qos.logback.classic.Level;
import io.catalogingest.common.db.Migrations;
import io.catalogingest.common.storage.ObjectStoreFactory;
import io.catalogingest.devstack.DevStack;
import io.catalogingest.devstack.EmbeddedDatabase;
import io.catalogingest.devstack.EmbeddedS3;
import io.catalogingest.schemas.ProductImage;
import io.catalogingest.schemas.ProductSubmitted;
import io.catalogingest.workers.catalog.CatalogWriter;
import io.catalogingest.common.net.AddressPolicy;
import io.catalogingest.workers.catalog.ProductCopyWriter;
import io.catalogingest.workers.catalog.ProductDao;
import io.catalogingest.workers.images.ImageFetcher;
import io.catalogingest.workers.images.ImageStore;
import io.catalogingest.workers.images.ImageWorker;
import io.catalogingest.workers.images.ObjectStorage;
import io.catalogingest.workers.images.S3ObjectStorage;
import com.codahale.metrics.MetricRegistry;
import io.dropwizard.db.DataSourceFactory;
import io.dropwizard.db.ManagedDataSource;
import io.dropwizard.logging.common.BootstrapLogging;
import org.jdbi.v3.core.Jdbi;
import org.postgresql.PGConnection;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/** Benchmarks of the two worker stages, each against its own baseline measured in the same run. */
final class WorkerBenchmarks {
    private WorkerBenchmarks() {}

    /** A pooled data source, as the services have: connections are not opened per transaction. */
    static Jdbi database(DevStack infra) throws Exception {
        DataSourceFactory factory = new DataSourceFactory();
        factory.setDriverClass("org.postgresql.Driver");
        factory.setUrl(infra.database.jdbcUrl());
        factory.setUser(EmbeddedDatabase.USER);
        factory.setPassword(EmbeddedDatabase.PASSWORD);
        factory.setMaxSize(80);
        ManagedDataSource ds = factory.build(new MetricRegistry(), "bench");
        ds.start();
        Migrations.migrate(ds);
        return Jdbi.create(ds).installPlugins();
    }

    static List<ProductSubmitted> products(String merchant, int count, Instant acceptedAt, List<String> imageUrls) {
        List<ProductSubmitted> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            out.add(ProductSubmitted.newBuilder().setUploadId("bench").setMerchantId(merchant).setItemIndex(i).setSku("B-" + i)
                    .setTitle("Bench product " + i).setDescription("d".repeat(120)).setPrice(new BigDecimal((i % 1000) + ".9900"))
                    .setCurrency("EUR").setAttributes(Map.of("size", Integer.toString(i % 7), "colour", "blue"))
                    .setImages(imageUrls.isEmpty() ? List.of() : List.of(new ProductImage(imageUrls.get(i), 0)))
                    .setAcceptedAt(acceptedAt).build());
        }
        return out;
    }

    static <T> List<List<T>> batches(List<T> items, int size) {
        List<List<T>> out = new ArrayList<>();
        for (int i = 0; i < items.size(); i += size) {
            out.add(items.subList(i, Math.min(items.size(), i + size)));
        }
        return out;
    }

    @Command(name = "catalog", mixinStandardHelpOptions = true,
            description = "Catalog writer rows/s against raw COPY rows/s into the same table, same batches.")
    static final class Catalog implements Callable<Integer> {
        @Option(names = "--rows", defaultValue = "200000", description = "Rows per measurement, default ${DEFAULT-VALUE}.")
        int rows;

        @Option(names = "--batch", defaultValue = "5000", description = "Rows per batch (the pool's maxPollRecords), default ${DEFAULT-VALUE}.")
        int batch;

        @Override
        public Integer call() throws Exception {
            BootstrapLogging.bootstrap(Level.WARN);
            try (DevStack infra = DevStack.start()) {
                Jdbi jdbi = database(infra);
                Thread.sleep(5_000); // let start-up work (registry, broker) settle before measuring
                CatalogWriter writer = new CatalogWriter(jdbi);
                writer.process(products("warm-up", 20_000, Instant.now(), List.of())); // JIT and buffers
                rawCopy(jdbi, products("warm-up-copy", 20_000, Instant.now(), List.of()));

                double copy = rawCopy(jdbi, products("copy-" + UUID.randomUUID(), rows, Instant.now(), List.of()));
                String merchant = "writer-" + UUID.randomUUID();
                double inserts = write(writer, products(merchant, rows, Instant.ofEpochMilli(1_000), List.of()));
                double updates = write(writer, products(merchant, rows, Instant.ofEpochMilli(2_000), List.of()));
                double rowByRow = rowByRowUpsert(jdbi, products("upsert-" + UUID.randomUUID(), rows / 4, Instant.now(), List.of()));

                System.out.printf("%ncatalog writer, %,d rows per run, batches of %,d, PostgreSQL %s%n", rows, batch, "embedded (zonky)");
                System.out.printf("  raw COPY into products (baseline):                %,9.0f rows/s%n", copy);
                System.out.printf("  catalog writer, new rows (COPY + guarded merge):  %,9.0f rows/s   ratio %.2f%n", inserts, inserts / copy);
                System.out.printf("  catalog writer, newer versions of every row:      %,9.0f rows/s   ratio %.2f%n", updates, updates / copy);
                System.out.printf("  for reference, batched row-by-row upsert:         %,9.0f rows/s   ratio %.2f%n", rowByRow, rowByRow / copy);
            }
            return 0;
        }

        /** Work on one batch; each method under test is one of these. */
        private interface BatchWork {
            void apply(List<ProductSubmitted> batch) throws Exception;
        }

        /** Rows per second of {@code work} over the products, batch by batch. */
        private double rate(List<ProductSubmitted> products, BatchWork work) throws Exception {
            long started = System.nanoTime();
            for (List<ProductSubmitted> b : batches(products, batch)) {
                work.apply(b);
            }
            return products.size() / ((System.nanoTime() - started) / 1e9);
        }

        private double write(CatalogWriter writer, List<ProductSubmitted> products) throws Exception {
            return rate(products, writer::process);
        }

        private double rawCopy(Jdbi jdbi, List<ProductSubmitted> products) throws Exception {
            return rate(products, b -> {
                String csv = ProductCopyWriter.csv(b.stream().map(CatalogWriter::row).toList());
                jdbi.useTransaction(h -> {
                    h.getConnection().unwrap(PGConnection.class).getCopyAPI().copyIn(
                            "COPY products (merchant_id, sku, title, description, price, currency, attributes, upload_id, item_index, "
                                    + "version) FROM STDIN WITH (FORMAT csv)", new StringReader(csv));
                });
            });
        }

        private double rowByRowUpsert(Jdbi jdbi, List<ProductSubmitted> products) throws Exception {
            return rate(products, b -> jdbi.useTransaction(h -> h.attach(ProductDao.class).upsert(b.stream().map(CatalogWriter::row).toList())));
        }
    }

    @Command(name = "images", mixinStandardHelpOptions = true,
            description = "Image worker images/s against the bound set by origin latency and download concurrency.")
    static final class Images implements Callable<Integer> {
        @Option(names = "--images", defaultValue = "5000", description = "Images (one per product), default ${DEFAULT-VALUE}.")
        int images;

        @Option(names = "--latency-ms", defaultValue = "50", description = "Origin latency per image, default ${DEFAULT-VALUE}.")
        int latencyMs;

        @Option(names = "--concurrency", defaultValue = "64", description = "Concurrent downloads, default ${DEFAULT-VALUE}.")
        int concurrency;

        @Option(names = "--store", defaultValue = "s3", description = "s3 (the embedded S3Proxy) or memory (isolates "
                + "downloads and rows from the object store), default ${DEFAULT-VALUE}.")
        String storeKind;

        @Override
        public Integer call() throws Exception {
            BootstrapLogging.bootstrap(Level.WARN);
            try (DevStack infra = DevStack.start()) {
                Jdbi jdbi = database(infra);
                ObjectStoreFactory store = new ObjectStoreFactory();
                store.setEndpoint(infra.s3.endpoint());
                store.setAccessKey(EmbeddedS3.ACCESS_KEY);
                store.setSecretKey(EmbeddedS3.SECRET_KEY);
                ExecutorService downloads = Executors.newFixedThreadPool(concurrency);
                try (S3Client s3 = store.build();
                        ImageFetcher fetcher = new ImageFetcher(new AddressPolicy(List.of("127.0.0.1/32")), Duration.ofSeconds(3),
                                Duration.ofSeconds(10), Duration.ofSeconds(30), 10 << 20, 3, concurrency)) {
                    store.ensureBucket(s3);
                    // In memory: the worker without the cost of an object store.
                    Map<String, byte[]> memory = new ConcurrentHashMap<>();
                    ObjectStorage storage = storeKind.equals("memory") ? (key, type, bytes) -> memory.put(key, bytes)
                            : new S3ObjectStorage(s3, store.getBucket());
                    ImageWorker worker = new ImageWorker(fetcher, new ImageStore(storage, 50_000_000), jdbi);
                    run(worker, downloads, infra, "warm-up", Math.min(images, 1000), 0);
                    double ceiling = storeKind.equals("memory") ? Double.POSITIVE_INFINITY
                            : rawPuts(s3, store.getBucket(), downloads, infra, images);
                    double rate = run(worker, downloads, infra, "bench-" + UUID.randomUUID(), images, latencyMs);
                    double bound = concurrency * 1000.0 / latencyMs;
                    double baseline = Math.min(bound, ceiling);
                    System.out.printf("%nimage worker, %,d images of 64x64 px, origin latency %d ms, %d products in flight, store %s%n",
                            images, latencyMs, concurrency, storeKind);
                    System.out.printf("  bound (concurrency / latency):   %,8.0f images/s%n", bound);
                    System.out.printf("  store ceiling (raw PUTs):        %,8.0f images/s%n", ceiling);
                    System.out.printf("  image worker:                    %,8.0f images/s   ratio %.2f to the lower baseline%n",
                            rate, rate / baseline);
                } finally {
                    downloads.shutdownNow();
                }
            }
            return 0;
        }

        /**
         * The object store's own ceiling for the same objects: images like the worker's (fetched
         * first, untimed) PUT under new keys, {@code concurrency} at a time, through the same client.
         */
        private static double rawPuts(S3Client s3, String bucket, ExecutorService pool, DevStack infra, int count)
                throws Exception {
            String run = "raw-" + UUID.randomUUID();
            List<String> urls = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                urls.add(infra.imageOrigin.imageUrl(run + "-" + i));
            }
            List<byte[]> bodies = fetchAll(pool, urls);
            List<Future<?>> puts = new ArrayList<>(count);
            long started = System.nanoTime();
            for (int i = 0; i < count; i++) {
                byte[] body = bodies.get(i);
                String key = run + "/" + i + ".png";
                puts.add(pool.submit(() -> s3.putObject(b -> b.bucket(bucket).key(key).contentType("image/png")
                        .contentLength((long) body.length), RequestBody.fromBytes(body))));
            }
            for (Future<?> put : puts) {
                put.get();
            }
            return count / ((System.nanoTime() - started) / 1e9);
        }

        /** The images at {@code urls}, fetched {@code pool}'s size at a time. */
        /** Fetches every image once on a pool of its own, so that the origin has rendered them before a clock starts. */
        static List<byte[]> prefetch(List<String> urls) throws Exception {
            ExecutorService pool = Executors.newFixedThreadPool(16);
            try {
                return fetchAll(pool, urls);
            } finally {
                pool.shutdown();
            }
        }

        private static List<byte[]> fetchAll(ExecutorService pool, List<String> urls) throws Exception {
            HttpClient http = HttpClient.newHttpClient();
            List<Future<byte[]>> fetched = new ArrayList<>(urls.size());
            for (String url : urls) {
                fetched.add(pool.submit(() -> http.send(HttpRequest.newBuilder(URI.create(url)).build(),
                        HttpResponse.BodyHandlers.ofByteArray()).body()));
            }
            List<byte[]> bodies = new ArrayList<>(urls.size());
            for (Future<byte[]> f : fetched) {
                bodies.add(f.get());
            }
            return bodies;
        }

        /**
         * As the image pool runs it: one product per task, {@code concurrency} tasks at a time. The
         * origin renders its images before the clock starts: in production it is another machine.
         */
        private double run(ImageWorker worker, ExecutorService downloads, DevStack infra, String merchant, int count, int latency)
                throws Exception {
            List<String> urls = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                urls.add(infra.imageOrigin.imageUrl(merchant + "-" + i));
            }
            fetchAll(downloads, urls);
            urls.replaceAll(url -> url + "?latencyMs=" + latency);
            List<Future<?>> tasks = new ArrayList<>(count);
            long started = System.nanoTime();
            for (ProductSubmitted p : products(merchant, count, Instant.now(), urls)) {
                tasks.add(downloads.submit(() -> worker.process(List.of(p))));
            }
            for (Future<?> t : tasks) {
                t.get();
            }
            return count / ((System.nanoTime() - started) / 1e9);
        }
    }
}
