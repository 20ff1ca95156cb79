package io.catalogingest.localstack;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The workers application as its own JVM, so a test can SIGKILL it like a crashed pod. */
final class WorkerProcess implements AutoCloseable {
    private final Process process;

    private WorkerProcess(Process process) {
        this.process = process;
    }

    /**
     * The stack's worker settings and {@code extra}, with a short consumer session: a killed member
     * holds its partitions until its session times out.
     */
    static Map<String, String> settingsForKills(LocalStack stack, Map<String, String> extra) {
        Map<String, String> settings = new java.util.LinkedHashMap<>(stack.workerSettings());
        settings.put("kafka.properties.session\\.timeout\\.ms", "6000");
        settings.put("kafka.properties.heartbeat\\.interval\\.ms", "1000");
        settings.putAll(extra);
        return settings;
    }

    static WorkerProcess start(Map<String, String> settings, Path log) throws IOException {
        Path config = Files.createTempFile("workers", ".yml");
        try (InputStream in = WorkerProcess.class.getResourceAsStream("/workers.yml")) {
            Files.copy(in, config, StandardCopyOption.REPLACE_EXISTING);
        }
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx384m"));
        command.addAll(Pipeline.QUICK_START_JVM_OPTIONS);
        command.addAll(List.of("-cp", System.getProperty("java.class.path")));
        settings.forEach((k, v) -> command.add("-Ddw." + k + "=" + v));
        command.add("-Ddw.server.adminConnectors[0].port=0");
        command.addAll(List.of("io.catalogingest.workers.WorkersApplication", "server", config.toString()));
        return new WorkerProcess(new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start());
    }

    /** SIGKILL: no shutdown hook, no commit, no leaving the group. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    @Override
    public void close() throws InterruptedException {
        kill();
    }
}
