package io.catalogingest.localstack;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.catalogingest.devstack.DevStack;
import io.catalogingest.devstack.EmbeddedDatabase;
import io.catalogingest.devstack.EmbeddedS3;
import io.catalogingest.devstack.FreePorts;

/**
 * The pipeline as production deploys it: every service, and every worker pool, in its own JVM,
 * configured through the environment from its shipped YAML, on devstack infrastructure. Each
 * service keeps its ports and state directory across restarts, so {@link #kill} and {@link #start}
 * behave like a pod that crashes and is rescheduled.
 */
final class ServiceProcesses implements AutoCloseable {
    /** A deployable unit: a service, or one pool of the workers. */
    enum Service {
        INGEST_API("ingest-api", "io.catalogingest.ingest.IngestApiApplication", "server", "256m"),
        SPLIT("workers", "io.catalogingest.workers.WorkersApplication", "split", "384m"),
        CATALOG("workers", "io.catalogingest.workers.WorkersApplication", "catalog", "384m"),
        IMAGES("workers", "io.catalogingest.workers.WorkersApplication", "images", "384m"),
        STATUS("status-service", "io.catalogingest.status.StatusServiceApplication", "server", "512m");

        final String config;
        final String mainClass;
        final String command;
        final String heap;

        Service(String config, String mainClass, String command, String heap) {
            this.config = config;
            this.mainClass = mainClass;
            this.command = command;
            this.heap = heap;
        }

        String label() {
            return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        }
    }

    /** How the services reach the infrastructure: directly, or through devstack's cuttable relays. */
    enum Network { DIRECT, RELAYED }

    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);

    private final Path logDir;
    private final Map<Service, Integer> httpPorts = new EnumMap<>(Service.class);
    private final Map<Service, Integer> adminPorts = new EnumMap<>(Service.class);
    private final Map<Service, Map<String, String>> environments = new EnumMap<>(Service.class);
    private final Map<Service, Process> running = new EnumMap<>(Service.class);
    private final Map<String, String> overrides;
    private final List<String> jvmOptions;
    private boolean closed;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    /**
     * Prepares every service's environment; nothing starts yet. {@code overrides} are configuration
     * settings every service gets on top of its YAML, e.g. shorter consumer sessions for runs that
     * kill processes; {@code jvmOptions} go to every JVM after its heap size.
     */
    ServiceProcesses(DevStack infra, Network network, Path logDir, Map<String, String> overrides, List<String> jvmOptions)
            throws IOException {
        this.logDir = Files.createDirectories(logDir);
        this.overrides = Map.copyOf(overrides);
        this.jvmOptions = List.copyOf(jvmOptions);
        // Ctrl-C or any exit of this JVM takes the services with it.
        Runtime.getRuntime().addShutdownHook(new Thread(this::close, "service-processes-shutdown"));
        for (Service service : Service.values()) {
            httpPorts.put(service, FreePorts.next());
            adminPorts.put(service, FreePorts.next());
        }
        boolean relayed = network == Network.RELAYED;
        Map<String, String> common = new LinkedHashMap<>();
        common.put("DATABASE_URL", relayed ? infra.databaseUrl() : infra.database.jdbcUrl());
        common.put("DATABASE_USER", EmbeddedDatabase.USER);
        common.put("DATABASE_PASSWORD", EmbeddedDatabase.PASSWORD);
        common.put("KAFKA_BOOTSTRAP_SERVERS", relayed ? infra.relayedKafka() : infra.kafka.bootstrapServers());
        common.put("SCHEMA_REGISTRY_URL", relayed ? infra.relayedRegistryUrl() : infra.registry.url());
        common.put("S3_ENDPOINT", relayed ? infra.s3Endpoint() : infra.s3.endpoint());
        common.put("S3_ACCESS_KEY", EmbeddedS3.ACCESS_KEY);
        common.put("S3_SECRET_KEY", EmbeddedS3.SECRET_KEY);
        Path stateDir = Files.createDirectories(logDir.resolve("status-state"));
        for (Service service : Service.values()) {
            Map<String, String> env = new LinkedHashMap<>(common);
            env.put("HTTP_PORT", Integer.toString(httpPorts.get(service)));
            env.put("ADMIN_PORT", Integer.toString(adminPorts.get(service)));
            env.put("INSTANCE_ID", service.label() + "-1");
            switch (service) {
                case INGEST_API -> env.putAll(Map.of("STATUS_BASE_URL", statusUrl(), "UPLOADS_PER_MINUTE", "100000",
                        "MAX_ITEMS_PER_UPLOAD", "10000000", "MAX_BODY_SIZE", "4GiB"));
                case STATUS -> env.putAll(Map.of("STREAMS_STATE_DIR", stateDir.toString(), "ADVERTISED_URL", statusUrl()));
                default -> { }
            }
            environments.put(service, env);
        }
    }

    String ingestUrl() {
        return "http://127.0.0.1:" + httpPorts.get(Service.INGEST_API);
    }

    String statusUrl() {
        return "http://127.0.0.1:" + httpPorts.get(Service.STATUS);
    }

    Path log(Service service) {
        return logDir.resolve(service.label() + ".log");
    }

    /**
     * Starts the services' JVMs together and waits until each one's admin port answers; their logs
     * are appended to. It fails if a service exits first, e.g. when it cannot reach the database to
     * migrate it. A service already running is left as it is.
     */
    void start(Service... services) throws IOException, InterruptedException {
        Map<Service, Process> launched = new EnumMap<>(Service.class);
        synchronized (this) {
            for (Service service : services) {
                if (closed) {
                    throw new IOException("the deployment is closed; " + service.label() + " stays down");
                }
                if (!isRunning(service)) {
                    Process process = launch(service);
                    running.put(service, process);
                    launched.put(service, process);
                }
            }
        }
        for (Map.Entry<Service, Process> started : launched.entrySet()) {
            awaitAdmin(started.getKey(), started.getValue());
        }
    }

    private Process launch(Service service) throws IOException {
        // One copy per unit: pools of the workers start concurrently from the same YAML.
        Path config = logDir.resolve(service.label() + ".yml");
        try (InputStream in = ServiceProcesses.class.getResourceAsStream("/" + service.config + ".yml")) {
            Files.copy(in, config, StandardCopyOption.REPLACE_EXISTING);
        }
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx" + service.heap));
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", System.getProperty("java.class.path")));
        // Loopback image origins and webhook receivers: everything here runs on 127.0.0.1.
        if (service == Service.IMAGES) {
            command.add("-Ddw.images.allowedPrivateNetworks=127.0.0.1/32");
        }
        overrides.forEach((key, value) -> command.add("-Ddw." + key + "=" + value));
        command.addAll(List.of(service.mainClass, service.command, config.toString()));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log(service).toFile()));
        // Only this deployment's settings: a variable of the caller's shell (S3_BUCKET, BIND_HOST) must not
        // reach the services. JAVA_TOOL_OPTIONS does, e.g. to profile every service with JFR.
        builder.environment().keySet().retainAll(Set.of("PATH", "HOME", "TMPDIR", "LANG", "JAVA_TOOL_OPTIONS"));
        builder.environment().putAll(environments.get(service));
        return builder.start();
    }

    void startAll() throws IOException, InterruptedException {
        start(Service.values());
    }

    /** SIGKILL, as a node failure: no shutdown hook, no commit, no leaving the consumer group. */
    synchronized void kill(Service service) throws InterruptedException {
        Process process = running.remove(service);
        if (process != null) {
            process.destroyForcibly();
            process.waitFor();
        }
    }

    /** SIGTERM, as a rolling deploy: the service drains, commits and leaves its consumer groups. */
    synchronized void stop(Service service) {
        Process process = running.remove(service);
        if (process != null) {
            terminate(process);
        }
    }

    synchronized boolean isRunning(Service service) {
        Process process = running.get(service);
        return process != null && process.isAlive();
    }

    private void awaitAdmin(Service service, Process process) throws IOException, InterruptedException {
        URI ping = URI.create("http://127.0.0.1:" + adminPorts.get(service) + "/ping");
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException(service.label() + " exited with " + process.exitValue() + "; see " + log(service));
            }
            try {
                if (http.send(HttpRequest.newBuilder(ping).timeout(Duration.ofSeconds(2)).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // still starting
            }
            Thread.sleep(200);
        }
        throw new IOException(service.label() + " did not start within " + START_TIMEOUT + "; see " + log(service));
    }

    @Override
    public synchronized void close() {
        closed = true;
        for (Service service : List.copyOf(running.keySet())) {
            stop(service);
        }
    }

    private static void terminate(Process process) {
        process.destroy();
        try {
            if (!process.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
