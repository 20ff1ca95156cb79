package io.catalogingest.localstack;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import io.catalogingest.devstack.FreePorts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code pipelinectl upload --wait}, the merchant's client, against the local stack. */
class UploadClientTest {
    @TempDir
    Path dir;

    private Path catalog(String name, String run, String... lines) throws IOException {
        Path file = dir.resolve(name);
        Files.writeString(file, String.join("\n", lines).replace("RUN", run).replace("ORIGIN",
                Pipeline.infra().imageOrigin.baseUrl()) + "\n");
        return file;
    }

    @Test
    void theLauncherUploadsShowsProgressAndExitsZeroWhenEveryItemSucceeds() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String key = Pipeline.stack().createMerchant("m-client-" + run, "Client");
        Path file = catalog("catalog.ndjson", run,
                "{\"sku\":\"a\",\"title\":\"A\",\"price\":1,\"currency\":\"EUR\",\"images\":[\"ORIGIN/images/RUN-a.png\"]}",
                "{\"sku\":\"b\",\"title\":\"B\",\"price\":2,\"currency\":\"EUR\",\"images\":[\"ORIGIN/images/RUN-b.png\"]}",
                "{\"sku\":\"c\",\"title\":\"C\",\"price\":3,\"currency\":\"EUR\"}");

        Process launcher = new ProcessBuilder(Path.of("../scripts/pipelinectl").toAbsolutePath().toString(), "upload",
                file.toString(), "--wait", "--ingest-url", Pipeline.stack().ingestUrl(), "--api-key", key)
                .redirectOutput(dir.resolve("out").toFile()).redirectError(dir.resolve("err").toFile()).start();
        assertThat(launcher.waitFor(2, TimeUnit.MINUTES)).isTrue();
        String out = Files.readString(dir.resolve("out"), StandardCharsets.UTF_8);
        String err = Files.readString(dir.resolve("err"), StandardCharsets.UTF_8);
        assertThat(launcher.exitValue()).as(out + err).isZero();
        assertThat(out).contains("accepted: 3 item(s), 0 refused").contains("DONE: 3 item(s), 3 succeeded, 0 failed");
        assertThat(err).contains("[##############################] 100% 3/3");

        // The same file again is the same upload: the key derives from its content.
        Cli.Run again = Cli.run("upload", file.toString(), "--ingest-url", Pipeline.stack().ingestUrl(), "--api-key", key);
        assertThat(again.exit()).isZero();
        assertThat(again.out()).contains("already uploaded; same ticket");
    }

    @Test
    void failedItemsAreListedAndTheExitCodeSaysSo() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String key = Pipeline.stack().createMerchant("m-client-fail-" + run, "Client");
        Path file = catalog("catalog.csv", run,
                "sku,title,price,currency,images",
                "ok,Fine,1,EUR,ORIGIN/images/RUN-ok.png",
                "missing,Gone,1,EUR,ORIGIN/status/404",
                "bad-price,No price,,EUR,");

        Cli.Run result = Cli.run("upload", file.toString(), "--wait", "--ingest-url", Pipeline.stack().ingestUrl(),
                "--api-key", key);
        assertThat(result.exit()).as(result.out() + result.err()).isEqualTo(1);
        assertThat(result.out()).contains("accepted: 2 item(s), 1 refused")
                .contains("DONE: 3 item(s), 1 succeeded, 2 failed (1 refused at upload)")
                .contains("failed items:")
                .containsPattern("item 1 +sku missing +IMAGES +IMAGE_NOT_FOUND")
                .containsPattern("item 2 +sku bad-price +VALIDATION");
    }

    @Test
    void aStagedUploadGoesStraightToTheStoreAndIsFollowedToTheEnd() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String key = Pipeline.stack().createMerchant("m-client-staged-" + run, "Client");
        Path file = catalog("catalog.csv", run,
                "sku,title,price,currency",
                "s1,One,1,EUR",
                "s2,Two,,EUR",
                "s3,Three,3,EUR");

        Cli.Run result = Cli.run("upload", file.toString(), "--staged", "--wait", "--ingest-url", Pipeline.stack().ingestUrl(),
                "--api-key", key);

        assertThat(result.exit()).as(result.out() + result.err()).isEqualTo(1);
        assertThat(result.out()).contains("accepted; its items are counted and validated next")
                .contains("DONE: 3 item(s), 2 succeeded, 1 failed (1 refused at upload)")
                .containsPattern("item 1 +sku s2 +VALIDATION");
    }

    @Test
    void refusedAndUnreachableUploadsHaveTheirOwnExitCodes() throws Exception {
        Path file = catalog("catalog.json", "x", "[{\"sku\":\"a\",\"title\":\"A\",\"price\":1,\"currency\":\"EUR\"}]");
        Cli.Run refused = Cli.run("upload", file.toString(), "--ingest-url", Pipeline.stack().ingestUrl(), "--api-key", "cik_wrong");
        assertThat(refused.exit()).isEqualTo(3);
        assertThat(refused.err()).contains("upload refused (401)");

        int closedPort = FreePorts.next();
        Cli.Run unreachable = Cli.run("upload", file.toString(), "--ingest-url", "http://127.0.0.1:" + closedPort, "--api-key", "k");
        assertThat(unreachable.exit()).isEqualTo(4);
    }
}
