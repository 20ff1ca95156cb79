package io.catalogingest.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Instant;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Argument handling and rendering of pipelinectl, without a cluster. */
class CommandLineTest {
    private static final Instant NOW = Instant.parse("2026-11-26T12:00:00Z");

    @Test
    void sinceTakesAgesAndInstants() {
        assertThat(Since.parse("90s", NOW)).isEqualTo(Instant.parse("2026-11-26T11:58:30Z"));
        assertThat(Since.parse("2h", NOW)).isEqualTo(Instant.parse("2026-11-26T10:00:00Z"));
        assertThat(Since.parse("7d", NOW)).isEqualTo(Instant.parse("2026-11-19T12:00:00Z"));
        assertThat(Since.parse("PT30M", NOW)).isEqualTo(Instant.parse("2026-11-26T11:30:00Z"));
        assertThat(Since.parse("2026-11-01T00:00:00Z", NOW)).isEqualTo(Instant.parse("2026-11-01T00:00:00Z"));
        assertThatThrownBy(() -> Since.parse("yesterday", NOW)).hasMessageContaining("neither an instant");
    }

    @Test
    void theUploadFormatFollowsTheFileName() {
        assertThat(UploadCommand.contentType(Path.of("a.csv"))).isEqualTo("text/csv");
        assertThat(UploadCommand.contentType(Path.of("a.CSV.gz"))).isEqualTo("text/csv");
        assertThat(UploadCommand.contentType(Path.of("a.jsonl"))).isEqualTo("application/x-ndjson");
        assertThat(UploadCommand.contentType(Path.of("a.ndjson.gz"))).isEqualTo("application/x-ndjson");
        assertThat(UploadCommand.contentType(Path.of("a.json"))).isEqualTo("application/json");
    }

    @Test
    void theProgressBarFillsWithFinishedItems() {
        assertThat(ProgressBar.render("IN_PROGRESS", 200, 90, 10, 10)).isEqualTo("[#####.....]  50% 100/200  succeeded 90  failed 10  IN_PROGRESS");
        assertThat(ProgressBar.render("DONE", 0, 0, 0, 4)).startsWith("[####] 100% 0/0");
    }

    @Test
    void everyCommandHasHelpAndWrongFlagsExitWithTheUsageCode() {
        CommandLine cli = PipelineCtl.commandLine();
        assertThat(cli.getSubcommands()).containsKeys("merchants", "keys", "dlq", "lag", "topics", "upload");
        assertAllHaveHelp(cli);
        StringWriter err = new StringWriter();
        int exit = PipelineCtl.commandLine().setErr(new PrintWriter(err)).execute("dlq", "replay", "--stage", "payments");
        assertThat(exit).isEqualTo(ExitCodes.USAGE);
        assertThat(err.toString()).contains("--stage").contains("catalog, images");
    }

    @Test
    void settingsComeFromTheConfigFileUnlessFlagsSayOtherwise(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        int closedPort = closedLoopbackPort();
        Path config = dir.resolve("pipelinectl.properties");
        java.nio.file.Files.writeString(config, "ingest-url=http://127.0.0.1:" + closedPort + "\napi-key=from-file\n");
        Path catalog = java.nio.file.Files.writeString(dir.resolve("c.json"), "[]");
        StringWriter err = new StringWriter();
        int exit = PipelineCtl.execute(PipelineCtl.commandLine().setErr(new PrintWriter(err)), config.toFile(), "upload", catalog.toString());
        assertThat(exit).isEqualTo(ExitCodes.UNAVAILABLE);
        assertThat(err.toString()).contains("cannot reach http://127.0.0.1:" + closedPort);

        StringWriter usage = new StringWriter();
        int missingKey = PipelineCtl.execute(PipelineCtl.commandLine().setErr(new PrintWriter(usage)), dir.resolve("absent").toFile(),
                "upload", catalog.toString());
        assertThat(missingKey).isEqualTo(ExitCodes.USAGE);
        assertThat(usage.toString()).contains("--api-key");
    }

    @Test
    void anUnreachableClusterExitsWithTheUnavailableCode() throws Exception {
        int closedPort = closedLoopbackPort();
        StringWriter err = new StringWriter();
        int exit = PipelineCtl.execute(PipelineCtl.commandLine().setErr(new PrintWriter(err)), Path.of("absent").toFile(), "lag",
                        "--bootstrap-servers", "127.0.0.1:" + closedPort, "--sample", "0s", "--kafka-property", "default.api.timeout.ms=1000",
                        "--kafka-property", "request.timeout.ms=500");
        assertThat(exit).as(err.toString()).isEqualTo(ExitCodes.UNAVAILABLE);
        assertThat(err.toString()).startsWith("unavailable: ");
    }

    /** A loopback port nothing listens on: connections to it are refused at once. */
    private static int closedLoopbackPort() throws java.io.IOException {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static void assertAllHaveHelp(CommandLine command) {
        assertThat(command.getCommandSpec().optionsMap()).as(command.getCommandName()).containsKey("--help");
        command.getSubcommands().values().forEach(CommandLineTest::assertAllHaveHelp);
    }
}
