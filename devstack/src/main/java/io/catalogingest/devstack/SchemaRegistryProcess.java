package io.catalogingest.devstack;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * The Apicurio registry, run as a child process; it speaks the Confluent Schema Registry REST API
 * under {@link #url()}. Its distribution is unpacked by this module's Maven build.
 */
public final class SchemaRegistryProcess implements AutoCloseable {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(180);

    private final Process process;
    private final int port;

    private SchemaRegistryProcess(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    public static SchemaRegistryProcess start(Path logFile) throws IOException, InterruptedException {
        Path home = distribution();
        Path runner;
        try (Stream<Path> files = Files.list(home)) {
            runner = files.filter(f -> f.getFileName().toString().endsWith("-runner.jar")).findFirst()
                    .orElseThrow(() -> new IOException("no Apicurio runner jar in " + home));
        }
        int port = FreePorts.next();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String command = String.join(" ", java, "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-Dquarkus.http.host=127.0.0.1", "-Dquarkus.http.port=" + port,
                "-Dquarkus.management.enabled=false", "-Dquarkus.log.level=WARN",
                "-jar", "'" + runner + "'");
        // The shell stops the registry when its standard input closes, which also happens when this
        // JVM dies without running its shutdown hooks: no registry outlives its devstack.
        Process process = new ProcessBuilder(List.of("/bin/sh", "-c",
                command + " & child=$!; trap 'kill $child 2>/dev/null' EXIT TERM; cat >/dev/null; kill $child; wait $child"))
                .redirectErrorStream(true)
                .redirectOutput(logFile.toFile())
                .start();
        SchemaRegistryProcess registry = new SchemaRegistryProcess(process, port);
        registry.awaitReady(logFile);
        registry.setBackwardCompatibility();
        return registry;
    }

    private static Path distribution() throws IOException {
        Properties props = new Properties();
        try (InputStream in = SchemaRegistryProcess.class.getResourceAsStream("/devstack.properties")) {
            props.load(in);
        }
        Path home = Path.of(props.getProperty("apicurio.home"));
        if (!Files.isDirectory(home)) {
            throw new IOException("Apicurio distribution missing at " + home + ": build the devstack module first (mvn install)");
        }
        return home;
    }

    private void awaitReady(Path logFile) throws IOException, InterruptedException {
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("schema registry exited early; see " + logFile);
            }
            try {
                HttpResponse<Void> r = http.send(HttpRequest.newBuilder(URI.create(url() + "/subjects")).build(),
                        HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // still starting
            }
            Thread.sleep(200);
        }
        throw new IOException("schema registry not ready after " + START_TIMEOUT + "; see " + logFile);
    }

    /** Apicurio defaults to NONE; production registries run BACKWARD, so the devstack does too. */
    private void setBackwardCompatibility() throws IOException, InterruptedException {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url() + "/config"))
                .header("Content-Type", "application/vnd.schemaregistry.v1+json")
                .PUT(HttpRequest.BodyPublishers.ofString("{\"compatibility\":\"BACKWARD\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new UncheckedIOException(new IOException("cannot set registry compatibility: " + r.body()));
        }
    }

    public int port() {
        return port;
    }

    /** Base URL of the Confluent-compatible API. */
    public String url() {
        return "http://127.0.0.1:" + port + "/apis/ccompat/v7";
    }

    @Override
    public void close() throws InterruptedException, IOException {
        process.getOutputStream().close();
        if (process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
            return;
        }
        process.destroy();
        if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
