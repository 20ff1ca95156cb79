package io.catalogingest.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The pipelinectl command tree as a whole: help, usage and exit codes, settings from the config file. */
class PipelineCtlTest {
    @Test
    void everyCommandHasHelpAndWrongFlagsExitWithTheUsageCode() {
        CommandLine cli = PipelineCtl.commandLine();
        assertThat(cli.getSubcommands()).containsKeys("merchants", "keys", "dlq", "lag", "topics", "upload");
        assertAllHaveHelp(cli);
        StringWriter err = new StringWriter();
        int exit = PipelineCtl.commandLine().setErr(new PrintWriter(err)).execute("dlq", "replay", "--stage", "payments");
        assertThat(exit).isEqualTo(ExitCodes.USAGE);
        assertThat(err.toString()).contains("--stage").contains("catalog, images, split, status");
    }

    @Test
    void statusDeadLettersCannotBeReplayed() {
        StringWriter err = new StringWriter();
        int exit = PipelineCtl.commandLine().setErr(new PrintWriter(err)).execute("dlq", "replay", "--stage", "status",
                "--bootstrap-servers", "127.0.0.1:1");
        assertThat(exit).isEqualTo(ExitCodes.USAGE);
        assertThat(err.toString()).contains("cannot be replayed").contains("dlq show --stage status");
    }

    @Test
    void settingsComeFromTheConfigFileUnlessFlagsSayOtherwise(@TempDir Path dir) throws Exception {
        int closedPort = closedLoopbackPort();
        Path config = dir.resolve("pipelinectl.properties");
        Files.writeString(config, "ingest-url=http://127.0.0.1:" + closedPort + "\napi-key=from-file\n");
        Path catalog = Files.writeString(dir.resolve("c.json"), "[]");
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
    private static int closedLoopbackPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static void assertAllHaveHelp(CommandLine command) {
        assertThat(command.getCommandSpec().optionsMap()).as(command.getCommandName()).containsKey("--help");
        command.getSubcommands().values().forEach(PipelineCtlTest::assertAllHaveHelp);
    }
}
