package io.catalogingest.localstack;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.ToLongFunction;

import ch.qos.logback.classic.Level;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.catalogingest.common.auth.Merchant;
import io.catalogingest.common.auth.MerchantAuth;
import io.catalogingest.common.kafka.TopicSetup;
import io.catalogingest.devstack.DevStack;
import io.catalogingest.localstack.ServiceProcesses.Service;
import io.catalogingest.localstack.StageProgress.Reading;
import io.dropwizard.logging.common.BootstrapLogging;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.jdbi.v3.core.Jdbi;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The whole pipeline, every service and worker pool in its own JVM as in production, on one
 * merchant's staged upload. A small upload through every stage first warms the infrastructure
 * (broker, database, object store, image origin) and the ingest and status JVMs. Then each worker
 * stage runs alone over the whole upload (the others stopped), which gives each stage's standalone
 * rate; then the same upload, for a second merchant, runs through all stages at once. Both passes
 * start the worker pools afresh, so neither inherits the other's warm pool JVMs. The end-to-end
 * rate, items over the time from the 202 to DONE, is reported as a ratio to the slowest stage's
 * standalone rate from the same run.
 */
@Command(name = "e2e", mixinStandardHelpOptions = true,
        description = "Benchmark the whole pipeline, one JVM per service and pool, against its slowest stage run alone.")
final class EndToEndBenchmark implements Callable<Integer> {
    @Option(names = "--products", defaultValue = "1000000", description = "Products in the upload, default ${DEFAULT-VALUE}.")
    int products;

    @Option(names = "--images", description = "Give each product its own image from the local origin.")
    boolean images;

    @Option(names = "--warm-up", defaultValue = "5000",
            description = "Products in the warm-up upload through every stage before any measurement: 0 (none) or at least 1000, "
                    + "so that it reaches every partition; default ${DEFAULT-VALUE}.")
    int warmUp;

    @Option(names = "--out", defaultValue = "target/bench-e2e", description = "Where the chart, the figures and the logs go, default ${DEFAULT-VALUE}.")
    Path out;

    @Option(names = "--timeout", defaultValue = "PT30M", description = "Longest wait for any phase (ISO-8601), default ${DEFAULT-VALUE}.")
    Duration timeout;

    @Spec
    CommandSpec spec;

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final Duration SAMPLE_INTERVAL = Duration.ofMillis(250);

    /** The worker stages that run alone for the baseline, in pipeline order. */
    private static final Map<Service, ToLongFunction<Reading>> WORKER_STAGES = new LinkedHashMap<>();

    static {
        WORKER_STAGES.put(Service.SPLIT, Reading::split);
        WORKER_STAGES.put(Service.CATALOG, Reading::catalog);
        WORKER_STAGES.put(Service.IMAGES, Reading::images);
    }

    private static final Service[] POOLS = WORKER_STAGES.keySet().toArray(Service[]::new);

    @Override
    public Integer call() throws Exception {
        if (warmUp != 0 && warmUp < 1000) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--warm-up must be 0 or at least 1000");
        }
        BootstrapLogging.bootstrap(Level.WARN);
        System.setProperty("java.awt.headless", "true");
        Files.createDirectories(out);
        try (DevStack infra = DevStack.start();
                ServiceProcesses services = new ServiceProcesses(infra, ServiceProcesses.Network.DIRECT, out.resolve("logs"), Map.of(), List.of());
                Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, infra.kafka.bootstrapServers()))) {
            TopicSetup.createMissing(LocalStack.kafka(infra), (short) 1);
            Path catalog = catalogFile(infra, "catalog.ndjson", "E-", products);
            services.start(Service.INGEST_API, Service.STATUS);
            Jdbi jdbi = LocalStack.jdbi(infra);
            StageProgress progress = new StageProgress(admin);
            System.out.printf("%,d products%s; each service and pool in its own JVM; %d cores; logs in %s%n%n", products,
                    images ? ", one image each" : "", Runtime.getRuntime().availableProcessors(), out.resolve("logs"));

            if (warmUp > 0) {
                warmUp(services, jdbi, catalogFile(infra, "warm-up.ndjson", "W-", warmUp));
            }
            Map<Service, Double> standalone = standalone(services, jdbi, progress, catalog);
            Service slowest = standalone.entrySet().stream().min(Map.Entry.comparingByValue()).orElseThrow().getKey();
            restartPools(services);
            Run run = endToEnd(services, jdbi, progress, catalog);
            double rate = products / run.toDone;
            double ratio = rate / standalone.get(slowest);

            System.out.printf("%nend to end, all stages at once:%n");
            System.out.printf("  staged upload to 202:        %8.1f s%n", run.to202);
            System.out.printf("  202 to every item split:     %8.1f s%n", run.toSplit);
            System.out.printf("  202 to DONE:                 %8.1f s   (%,.0f items/s)%n", run.toDone, rate);
            System.out.printf("  slowest stage alone: %s at %,.0f items/s%n", slowest.label(), standalone.get(slowest));
            System.out.printf("  ratio end-to-end / slowest stage alone: %.2f (aim >= 0.8)%n", ratio);

            Path chart = out.resolve("e2e.png");
            chart(run.samples, chart);
            Path figures = out.resolve("e2e.json");
            JSON.writeValue(figures.toFile(), figures(standalone, slowest, run, rate, ratio));
            System.out.printf("%nchart: %s%nfigures: %s%n", chart, figures);
        }
        return 0;
    }

    /**
     * A catalog of {@code count} products as an NDJSON file; with images, each has its own, which the
     * origin renders before any clock starts.
     */
    private Path catalogFile(DevStack infra, String name, String skuPrefix, int count) throws Exception {
        List<String> urls = new ArrayList<>();
        if (images) {
            for (int i = 0; i < count; i++) {
                urls.add(infra.imageOrigin.imageUrl("e2e-" + skuPrefix + i));
            }
            WorkerBenchmarks.Images.prefetch(urls);
        }
        return StagedUploadClient.catalog(out.resolve(name), count, i -> StagedUploadClient.product(skuPrefix + i,
                "Product " + i, (i % 1000) + ".99", images ? List.of(urls.get(i)) : List.of()));
    }

    /** A small upload through every stage to DONE; the pools stop after it, so the baseline starts them as it needs. */
    private void warmUp(ServiceProcesses services, Jdbi jdbi, Path catalog) throws Exception {
        long began = System.nanoTime();
        services.start(POOLS);
        StagedUploadClient client = new StagedUploadClient(services.ingestUrl(), merchant(jdbi, "bench-warm-up"));
        String statusUrl = client.upload(catalog, timeout).path("statusUrl").asText();
        JsonNode status = client.awaitDone(statusUrl, timeout, SAMPLE_INTERVAL);
        if (status == null || !"DONE".equals(status.path("status").asText())) {
            throw new IllegalStateException("the warm-up was not DONE within " + timeout + "; last status " + status);
        }
        Arrays.stream(POOLS).forEach(services::stop);
        System.out.printf("warm-up: %,d products through every stage in %.1f s%n", warmUp, (System.nanoTime() - began) / 1e9);
    }

    /** The end-to-end pass starts its pools afresh, as the baseline did. */
    private static void restartPools(ServiceProcesses services) throws Exception {
        Arrays.stream(POOLS).forEach(services::stop);
        services.start(POOLS);
    }

    /** Each worker stage alone over the whole upload, in pipeline order; its items/s while it worked. */
    private Map<Service, Double> standalone(ServiceProcesses services, Jdbi jdbi, StageProgress progress, Path catalog)
            throws Exception {
        String key = merchant(jdbi, "bench-standalone");
        Reading start = progress.read();
        services.start(Service.SPLIT);
        Reading beforeUpload = progress.read().minus(start);
        new StagedUploadClient(services.ingestUrl(), key).upload(catalog, timeout);
        Map<Service, Double> rates = new EnumMap<>(Service.class);
        long produced = 0;
        for (Map.Entry<Service, ToLongFunction<Reading>> stage : WORKER_STAGES.entrySet()) {
            Reading before = stage.getKey() == Service.SPLIT ? beforeUpload : progress.read().minus(start);
            services.start(stage.getKey());
            ToLongFunction<Reading> done = stage.getValue();
            // A pool's committed offsets stop one short of a partition's end, its last transaction marker;
            // after a warm-up (which reaches every partition) the start reading already stops short so.
            long target = warmUp > 0 ? produced : produced - progress.productPartitions();
            List<Reading> samples = sampleUntil(progress, start, before, r -> stage.getKey() == Service.SPLIT
                    ? r.splitsCompleted() >= 1 : done.applyAsLong(r) >= target);
            if (stage.getKey() == Service.SPLIT) {
                produced = done.applyAsLong(samples.get(samples.size() - 1));
            }
            double rate = activeRate(samples, done);
            rates.put(stage.getKey(), rate);
            System.out.printf("standalone %-8s %,10.0f items/s%n", stage.getKey().label(), rate);
        }
        return rates;
    }

    /**
     * Items from the first reading that shows progress to the last, over the time between them,
     * so that start-up is not counted; with fewer than two such readings, from the reading before
     * (the first of all is taken before the stage started).
     */
    private static double activeRate(List<Reading> samples, ToLongFunction<Reading> done) {
        Reading last = samples.get(samples.size() - 1);
        int firstMoved = 0;
        while (firstMoved < samples.size() - 1 && done.applyAsLong(samples.get(firstMoved)) == 0) {
            firstMoved++;
        }
        Reading from = samples.get(firstMoved == samples.size() - 1 ? Math.max(0, firstMoved - 1) : firstMoved);
        return (done.applyAsLong(last) - done.applyAsLong(from)) / ((last.at() - from.at()) / 1e9);
    }

    private List<Reading> sampleUntil(StageProgress progress, Reading start, Reading before,
            java.util.function.Predicate<Reading> finished) throws Exception {
        List<Reading> samples = new ArrayList<>(List.of(before));
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Reading r = progress.read().minus(start);
            samples.add(r);
            if (finished.test(r)) {
                return samples;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("not finished within " + timeout + "; last reading " + r);
            }
            Thread.sleep(SAMPLE_INTERVAL.toMillis());
        }
    }

    /** One sample of the end-to-end run: seconds since the 202, and items per stage. */
    record Sample(double seconds, long split, long catalog, long images, long done) {}

    record Run(double to202, double toSplit, double toDone, List<Sample> samples) {}

    private Run endToEnd(ServiceProcesses services, Jdbi jdbi, StageProgress progress, Path catalog) throws Exception {
        StagedUploadClient client = new StagedUploadClient(services.ingestUrl(), merchant(jdbi, "bench-e2e"));
        Reading start = progress.read();
        long began = System.nanoTime();
        JsonNode ticket = client.upload(catalog, timeout);
        long accepted = System.nanoTime();
        String statusUrl = ticket.path("statusUrl").asText();
        List<Sample> samples = new ArrayList<>();
        double toSplit = Double.NaN;
        long deadline = accepted + timeout.toNanos();
        while (true) {
            Reading r = progress.read().minus(start);
            JsonNode status = client.statusOrNull(statusUrl);
            double seconds = (System.nanoTime() - accepted) / 1e9;
            long finished = status == null ? 0 : status.path("succeeded").asLong() + status.path("failed").asLong();
            samples.add(new Sample(seconds, r.split(), r.catalog(), r.images(), finished));
            if (Double.isNaN(toSplit) && r.splitsCompleted() >= 1) {
                toSplit = seconds;
            }
            if (status != null && "DONE".equals(status.path("status").asText())) {
                if (status.path("succeeded").asLong() != products) {
                    throw new IllegalStateException("DONE with " + status + ", expected every item to succeed");
                }
                return new Run((accepted - began) / 1e9, toSplit, seconds, samples);
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("not DONE within " + timeout + "; last status " + status);
            }
            Thread.sleep(SAMPLE_INTERVAL.toMillis());
        }
    }

    private static String merchant(Jdbi jdbi, String id) {
        return MerchantAuth.createMerchantWithKey(jdbi, id, id, Merchant.MERCHANT);
    }

    private void chart(List<Sample> samples, Path file) throws IOException {
        Map<String, ToLongFunction<Sample>> stages = new LinkedHashMap<>();
        stages.put("split (products produced)", Sample::split);
        stages.put("catalog rows written", Sample::catalog);
        stages.put("images stage done", Sample::images);
        stages.put("finished in status", Sample::done);
        XYSeriesCollection data = new XYSeriesCollection();
        stages.forEach((name, count) -> {
            XYSeries series = new XYSeries(name);
            samples.forEach(s -> series.add(s.seconds(), Math.min(products, count.applyAsLong(s))));
            data.addSeries(series);
        });
        JFreeChart chart = ChartFactory.createXYLineChart(String.format("%,d products%s: items done per stage", products,
                images ? " with images" : ""), "seconds since the 202", "items", data);
        chart.getXYPlot().setBackgroundPaint(java.awt.Color.WHITE);
        // Finished items run along the image stage's line: drawn last (an XYPlot draws its last series
        // first by default), in black and dashed, so that both show.
        chart.getXYPlot().setSeriesRenderingOrder(org.jfree.chart.plot.SeriesRenderingOrder.FORWARD);
        chart.getXYPlot().getRenderer().setSeriesPaint(stages.size() - 1, java.awt.Color.BLACK);
        chart.getXYPlot().getRenderer().setSeriesStroke(stages.size() - 1, new java.awt.BasicStroke(1.5f,
                java.awt.BasicStroke.CAP_BUTT, java.awt.BasicStroke.JOIN_MITER, 10f, new float[] {6f, 6f}, 0f));
        chart.getXYPlot().setDomainGridlinePaint(java.awt.Color.LIGHT_GRAY);
        chart.getXYPlot().setRangeGridlinePaint(java.awt.Color.LIGHT_GRAY);
        ChartUtils.saveChartAsPNG(file.toFile(), chart, 1000, 600);
    }

    private Map<String, Object> figures(Map<Service, Double> standalone, Service slowest, Run run, double rate, double ratio) {
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("products", products);
        figures.put("images", images);
        figures.put("cores", Runtime.getRuntime().availableProcessors());
        Map<String, Double> alone = new LinkedHashMap<>();
        standalone.forEach((stage, r) -> alone.put(stage.label(), Math.rint(r)));
        figures.put("standaloneItemsPerSecond", alone);
        figures.put("slowestStage", slowest.label());
        figures.put("secondsTo202", run.to202);
        figures.put("secondsFrom202ToSplit", run.toSplit);
        figures.put("secondsFrom202ToDone", run.toDone);
        figures.put("endToEndItemsPerSecond", Math.rint(rate));
        figures.put("ratioToSlowestStage", Math.rint(ratio * 100) / 100);
        figures.put("samples", run.samples);
        return figures;
    }
}
