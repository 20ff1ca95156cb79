package io.catalogingest.devstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * All embedded infrastructure at once: Kafka, PostgreSQL, an S3 store, the schema registry and an
 * image origin, each on 127.0.0.1. Tests use {@link #shared()}, started once per JVM and stopped at
 * exit; the local stack launcher uses {@link #start()}.
 */
public final class DevStack implements AutoCloseable {
    private static DevStack shared;

    public final Path workDir;
    public final EmbeddedKafka kafka;
    public final EmbeddedDatabase database;
    public final EmbeddedS3 s3;
    public final SchemaRegistryProcess registry;
    public final ImageOrigin imageOrigin;
    /** Relays through which services reach PostgreSQL and the S3 store, so tests can cut them. */
    public final TcpRelay databaseRelay;
    public final TcpRelay s3Relay;
    /** The schema registry as services see it at {@link #relayedRegistryUrl()}. */
    public final TcpRelay registryRelay;
    /** The broker's RELAYED listener: clients bootstrapped at {@link #relayedKafka()} go through it. */
    public final TcpRelay kafkaRelay;
    private final List<AutoCloseable> dependents = new ArrayList<>();

    private DevStack(Path workDir, EmbeddedKafka kafka, EmbeddedDatabase database, EmbeddedS3 s3,
            SchemaRegistryProcess registry, ImageOrigin imageOrigin) {
        this.workDir = workDir;
        this.kafka = kafka;
        this.database = database;
        this.s3 = s3;
        this.registry = registry;
        this.imageOrigin = imageOrigin;
        try {
            this.databaseRelay = new TcpRelay(database.port());
            this.s3Relay = new TcpRelay(s3.port());
            this.kafkaRelay = new TcpRelay(kafka.relayedListenerPort(), kafka.relayedAdvertisedPort());
            this.registryRelay = new TcpRelay(registry.port());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The database as services see it: through {@link #databaseRelay}. */
    public String databaseUrl() {
        return EmbeddedDatabase.jdbcUrl(databaseRelay.port());
    }

    /** Bootstrap servers whose every connection goes through {@link #kafkaRelay}. */
    public String relayedKafka() {
        return "127.0.0.1:" + kafkaRelay.port();
    }

    /** The S3 endpoint as services see it: through {@link #s3Relay}. */
    public String s3Endpoint() {
        return "http://127.0.0.1:" + s3Relay.port();
    }

    /** The registry's URL through {@link #registryRelay}. */
    public String relayedRegistryUrl() {
        return registry.url().replace(":" + registry.port() + "/", ":" + registryRelay.port() + "/");
    }

    public static synchronized DevStack shared() {
        if (shared == null) {
            try {
                shared = start();
            } catch (Exception e) {
                throw new IllegalStateException("devstack failed to start", e);
            }
            Runtime.getRuntime().addShutdownHook(new Thread(shared::close, "devstack-shutdown"));
        }
        return shared;
    }

    public static DevStack start() throws Exception {
        return start(0);
    }

    /**
     * Starts everything; the slow parts (registry, PostgreSQL) start concurrently with the broker.
     * The image origin listens on {@code imageOriginPort} (0: any free port).
     */
    public static DevStack start(int imageOriginPort) throws Exception {
        Path workDir = Files.createTempDirectory("devstack-");
        CompletableFuture<SchemaRegistryProcess> registry = CompletableFuture.supplyAsync(() -> {
            try {
                return SchemaRegistryProcess.start(workDir.resolve("registry.log"));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        });
        CompletableFuture<EmbeddedDatabase> database = CompletableFuture.supplyAsync(() -> {
            try {
                return EmbeddedDatabase.start();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        EmbeddedKafka kafka = new EmbeddedKafka(workDir.resolve("kafka")).start();
        EmbeddedS3 s3 = EmbeddedS3.start(workDir.resolve("s3"));
        ImageOrigin origin = ImageOrigin.start(imageOriginPort);
        return new DevStack(workDir, kafka, database.join(), s3, registry.join(), origin);
    }

    /** Registers something running on this stack (e.g. services) to be closed before the stack itself. */
    public synchronized void closeFirst(AutoCloseable dependent) {
        dependents.add(dependent);
    }

    @Override
    public synchronized void close() {
        List<AutoCloseable> parts = new ArrayList<>(dependents);
        Collections.reverse(parts);
        parts.addAll(List.of(databaseRelay, s3Relay, kafkaRelay, registryRelay, registry, database, kafka, s3, imageOrigin));
        for (AutoCloseable part : parts) {
            try {
                part.close();
            } catch (Exception e) {
                System.err.println("devstack: failed to stop " + part.getClass().getSimpleName() + ": " + e);
            }
        }
        deleteQuietly(workDir);
    }

    private static void deleteQuietly(Path dir) {
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temp dir left behind is harmless
        }
    }
}
