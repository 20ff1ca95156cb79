package io.catalogingest.localstack;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.catalogingest.common.auth.Merchant;
import io.catalogingest.common.auth.MerchantAuth;
import io.catalogingest.common.kafka.KafkaFactory;
import io.catalogingest.common.kafka.TopicSetup;
import io.catalogingest.common.storage.ObjectStoreFactory;
import io.catalogingest.devstack.DevStack;
import io.catalogingest.devstack.EmbeddedDatabase;
import io.catalogingest.devstack.EmbeddedS3;
import io.catalogingest.ingest.IngestApiApplication;
import io.catalogingest.status.StatusServiceApplication;
import io.catalogingest.workers.WorkersApplication;
import io.dropwizard.configuration.EnvironmentVariableSubstitutor;
import io.dropwizard.configuration.ResourceConfigurationSourceProvider;
import io.dropwizard.configuration.SubstitutingSourceProvider;
import io.dropwizard.core.Application;
import io.dropwizard.core.Configuration;
import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.DropwizardTestSupport;
import org.jdbi.v3.core.Jdbi;

/**
 * The whole pipeline in one JVM on devstack infrastructure: the three services with their shipped
 * configuration files, pointed at the embedded Kafka, registry, PostgreSQL and S3 store.
 */
public final class LocalStack implements AutoCloseable {
    /** HTTP ports of the services; 0 picks free ones (tests), fixed ones suit a local run. */
    public record Ports(int ingest, int ingestAdmin, int status, int statusAdmin, int workersAdmin) {
        public static final Ports ANY = new Ports(0, 0, 0, 0, 0);
        public static final Ports LOCAL = new Ports(8080, 9080, 8082, 9082, 9084);
    }

    private final DevStack infra;
    private final List<DropwizardTestSupport<?>> services = new ArrayList<>();
    private final DropwizardTestSupport<?> ingest;
    private final DropwizardTestSupport<?> status;
    private final Map<String, String> workerSettings;
    private final Map<String, DropwizardTestSupport<?>> extraIngests = new java.util.concurrent.ConcurrentHashMap<>();
    private DropwizardTestSupport<?> workers;
    private final Jdbi jdbi;

    private LocalStack(DevStack infra, Ports ports, Map<String, String> workerSettings) throws Exception {
        this.infra = infra;
        TopicSetup.createMissing(kafka(infra), (short) 1);
        Path stateDir = Files.createTempDirectory(infra.workDir, "status-state");
        status = start(StatusServiceApplication.class, "status-service", ports.status(), ports.statusAdmin(),
                statusSettings(Map.of("stateDir", stateDir.toString())));
        this.workerSettings = workerSettings(infra, workerSettings);
        workers = start(WorkersApplication.class, "workers", -1, ports.workersAdmin(), this.workerSettings);
        ingest = start(IngestApiApplication.class, "ingest-api", ports.ingest(), ports.ingestAdmin(),
                ingestSettings(infra, Map.of("statusBaseUrl", statusUrl(), "corsAllowedOrigins", portalOrigins())));
        jdbi = jdbi(infra);
    }

    public static LocalStack start(DevStack infra, Ports ports) throws Exception {
        return new LocalStack(infra, ports, Map.of());
    }

    /** With extra worker settings, e.g. short retry delays for tests. */
    public static LocalStack start(DevStack infra, Ports ports, Map<String, String> workerSettings) throws Exception {
        return new LocalStack(infra, ports, workerSettings);
    }

    /** Webhooks may call receivers on loopback, and retry quickly: a local stack is for trying things. */
    private static Map<String, String> statusSettings(Map<String, String> extra) {
        Map<String, String> settings = new LinkedHashMap<>(Map.of(
                "webhooks.allowedPrivateNetworks", "127.0.0.1/32",
                "webhooks.firstRetryDelay", "500ms"));
        settings.putAll(extra);
        return settings;
    }

    /**
     * Workers on this stack's store, allowed to fetch from its loopback image origin. Images reach
     * the store through the cuttable relay; upload bodies are read directly, so a test that cuts the
     * relay to hold the image stage still has its uploads split.
     */
    private static Map<String, String> workerSettings(DevStack infra, Map<String, String> extra) {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.putAll(objectStore("objectStore", infra.s3Endpoint()));
        settings.putAll(objectStore("spool", infra.s3.endpoint()));
        settings.put("images.allowedPrivateNetworks", "127.0.0.1/32");
        settings.putAll(extra);
        return settings;
    }

    /** The ingest API spools bodies directly to the store; an extra instance may be given the relay instead. */
    private static Map<String, String> ingestSettings(DevStack infra, Map<String, String> extra) {
        Map<String, String> settings = new LinkedHashMap<>(objectStore("objectStore", infra.s3.endpoint()));
        settings.putAll(extra);
        return settings;
    }

    private static Map<String, String> objectStore(String section, String endpoint) {
        return Map.of(section + ".endpoint", endpoint, section + ".accessKey", EmbeddedS3.ACCESS_KEY,
                section + ".secretKey", EmbeddedS3.SECRET_KEY);
    }

    /** The stack's database, directly (not through the relay that tests cut). */
    public static Jdbi jdbi(DevStack infra) {
        return Jdbi.create(infra.database.jdbcUrl(), EmbeddedDatabase.USER, EmbeddedDatabase.PASSWORD).installPlugins();
    }

    /** The stack's S3 store, directly, for {@code bucket}. */
    static ObjectStoreFactory objectStore(DevStack infra, String bucket) {
        ObjectStoreFactory store = new ObjectStoreFactory();
        store.setEndpoint(infra.s3.endpoint());
        store.setAccessKey(EmbeddedS3.ACCESS_KEY);
        store.setSecretKey(EmbeddedS3.SECRET_KEY);
        store.setBucket(bucket);
        return store;
    }

    public static KafkaFactory kafka(DevStack infra) {
        KafkaFactory kafka = new KafkaFactory();
        kafka.setBootstrapServers(infra.kafka.bootstrapServers());
        kafka.setSchemaRegistryUrl(infra.registry.url());
        return kafka;
    }

    /** Starts one service from its shipped YAML with overrides. */
    private <C extends Configuration> DropwizardTestSupport<C> start(Class<? extends Application<C>> app, String name,
            int port, int adminPort, Map<String, String> extra) throws Exception {
        return start(app, name, name, port, adminPort, extra);
    }

    /**
     * Starts one more ingest-api on this stack with its own settings (tighter limits, another
     * broker address) and free ports; it stops with the stack. {@code name} must be unique.
     */
    public String startExtraIngestApi(String name, Map<String, String> settings) throws Exception {
        Map<String, String> all = ingestSettings(infra, Map.of("statusBaseUrl", statusUrl(), "instanceId", name,
                "corsAllowedOrigins", portalOrigins()));
        all.putAll(settings);
        DropwizardTestSupport<?> extra = start(IngestApiApplication.class, "ingest-api", name, 0, 0, all);
        extraIngests.put(name, extra);
        return "http://127.0.0.1:" + extra.getLocalPort();
    }

    private <C extends Configuration> DropwizardTestSupport<C> start(Class<? extends Application<C>> app, String config,
            String name, int port, int adminPort, Map<String, String> extra) throws Exception {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("database.url", infra.databaseUrl());
        settings.put("database.user", EmbeddedDatabase.USER);
        settings.put("database.password", EmbeddedDatabase.PASSWORD);
        settings.put("kafka.bootstrapServers", infra.kafka.bootstrapServers());
        settings.put("kafka.schemaRegistryUrl", infra.registry.url());
        settings.put("server.adminConnectors[0].port", Integer.toString(adminPort));
        // The embedded broker logs through the same logging set-up as the services.
        settings.put("logging.loggers.kafka", "WARN");
        settings.put("logging.loggers.state", "WARN");
        if (port >= 0) {
            settings.put("server.applicationConnectors[0].port", Integer.toString(port));
        }
        settings.putAll(extra);
        // Overrides travel as system properties; a prefix per service keeps them apart.
        ConfigOverride[] overrides = settings.entrySet().stream()
                .map(e -> ConfigOverride.config(name, e.getKey(), e.getValue())).toArray(ConfigOverride[]::new);
        DropwizardTestSupport<C> support = new DropwizardTestSupport<>(app, config + ".yml",
                new SubstitutingSourceProvider(new ResourceConfigurationSourceProvider(), new EnvironmentVariableSubstitutor(false)),
                name, overrides);
        support.before();
        services.add(support);
        return support;
    }

    public String ingestUrl() {
        return "http://127.0.0.1:" + ingest.getLocalPort();
    }

    /** The portal's origins, as a browser names them: 127.0.0.1 or localhost. */
    private String portalOrigins() {
        return statusUrl() + "," + statusUrl().replace("127.0.0.1", "localhost");
    }

    public String statusUrl() {
        return "http://127.0.0.1:" + status.getLocalPort();
    }

    /** Stops an extra ingest API before the stack stops, e.g. one whose broker is unreachable. */
    public void stopExtraIngestApi(String name) {
        stop(extraIngests.remove(name));
    }

    /** The admin URL of a service, or of an extra ingest API by its name. */
    public String adminUrl(String service) {
        DropwizardTestSupport<?> support = switch (service) {
            case "ingest-api" -> ingest;
            case "status-service" -> status;
            case "workers" -> workers;
            default -> java.util.Optional.ofNullable(extraIngests.get(service))
                    .orElseThrow(() -> new IllegalArgumentException(service));
        };
        return "http://127.0.0.1:" + support.getAdminPort();
    }

    /** Starts another workers instance (both pools) in this JVM; closing the handle stops it. */
    public AutoCloseable startExtraWorkers(String instanceId) throws Exception {
        Map<String, String> settings = new LinkedHashMap<>(workerSettings);
        settings.put("instanceId", instanceId);
        DropwizardTestSupport<?> extra = start(WorkersApplication.class, "workers", instanceId, -1, 0, settings);
        return () -> stop(extra);
    }

    /** A status-service instance started beside the stack's own; closing it stops the instance. */
    public interface StatusInstance extends AutoCloseable {
        String url();

        @Override
        void close();
    }

    /**
     * Starts another status-service instance in this JVM. Instances with the same application id
     * share the partitions (and forward to each other); {@code port} must be free and fixed,
     * because instances advertise it to each other before they listen.
     */
    public StatusInstance startExtraStatus(String name, String applicationId, int port, Path stateDir) throws Exception {
        return startExtraStatus(name, applicationId, port, stateDir, Map.of());
    }

    /** The same with more settings, e.g. {@code streamThreads}. */
    public StatusInstance startExtraStatus(String name, String applicationId, int port, Path stateDir, Map<String, String> settings)
            throws Exception {
        String url = "http://127.0.0.1:" + port;
        Map<String, String> all = new LinkedHashMap<>(Map.of("applicationId", applicationId, "stateDir", stateDir.toString(),
                "advertisedUrl", url));
        all.putAll(settings);
        DropwizardTestSupport<?> extra = start(StatusServiceApplication.class, "status-service", name, port, 0, statusSettings(all));
        return new StatusInstance() {
            @Override
            public String url() {
                return url;
            }

            @Override
            public void close() {
                stop(extra);
            }
        };
    }

    /** Stops the in-process workers, e.g. to let a test run them as a separate process instead. */
    public synchronized void stopWorkers() {
        if (workers != null) {
            stop(workers);
            workers = null;
        }
    }

    public synchronized void startWorkers() throws Exception {
        if (workers == null) {
            workers = start(WorkersApplication.class, "workers", -1, 0, workerSettings);
        }
    }

    /** The settings the workers of this stack run with, as Dropwizard overrides. */
    public Map<String, String> workerSettings() {
        Map<String, String> all = new LinkedHashMap<>(workerSettings);
        all.put("database.url", infra.databaseUrl());
        all.put("database.user", EmbeddedDatabase.USER);
        all.put("database.password", EmbeddedDatabase.PASSWORD);
        all.put("kafka.bootstrapServers", infra.kafka.bootstrapServers());
        all.put("kafka.schemaRegistryUrl", infra.registry.url());
        return all;
    }

    public Jdbi jdbi() {
        return jdbi;
    }

    /** Creates a merchant with a fresh API key and returns the key. */
    public String createMerchant(String merchantId, String name) {
        return MerchantAuth.createMerchantWithKey(jdbi, merchantId, name, Merchant.MERCHANT);
    }

    /**
     * Stops one service of this JVM. Dropwizard resets the JVM's one logging set-up when a service
     * stops, leaving every logger at DEBUG (which costs the others dearly), so the latest started
     * of the others configures it again, as it was before (the ingest API's, unless extra
     * instances started after it).
     */
    private synchronized void stop(DropwizardTestSupport<?> service) {
        services.remove(service);
        service.after();
        if (!services.isEmpty()) {
            DropwizardTestSupport<?> running = services.get(services.size() - 1);
            running.getConfiguration().getLoggingFactory()
                    .configure(running.getEnvironment().metrics(), running.getApplication().getName());
        }
    }

    @Override
    public void close() {
        for (int i = services.size() - 1; i >= 0; i--) {
            services.get(i).after();
        }
    }
}
