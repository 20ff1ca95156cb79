package io.catalogingest.ops;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.catalogingest.common.Sha256;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** The merchant's client: upload a catalog file and, on request, follow it to the end. */
@Command(name = "upload", mixinStandardHelpOptions = true,
        description = {"Upload a catalog file (JSON array, NDJSON or CSV, optionally .gz) and optionally wait for it.",
                "The Idempotency-Key is derived from the file's SHA-256, so running the same upload again never enqueues it twice.",
                "Exit codes: 0 accepted (and, with --wait, every item succeeded); 1 some items failed; 3 upload refused; "
                        + "4 service unreachable, failing or --timeout passed."})
final class UploadCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration DEFAULT_POLL = Duration.ofSeconds(2);
    private static final int LISTED_FAILURES = 100;

    @Parameters(paramLabel = "FILE", description = "The catalog file.")
    Path file;

    @Option(names = "--ingest-url", defaultValue = "${env:CATALOG_INGEST_URL:-http://127.0.0.1:8080}",
            description = "Ingest API base URL (env CATALOG_INGEST_URL; default ${DEFAULT-VALUE}).")
    URI ingestUrl;

    @Option(names = "--api-key", required = true, defaultValue = "${env:CATALOG_API_KEY}",
            description = "The merchant's API key (env CATALOG_API_KEY).")
    String apiKey;

    @Option(names = "--staged", description = {"Send the file straight to the object store through a presigned URL, "
            + "then have it accepted (for large files). It is validated after it is accepted: refusals appear in its status.",
            "Its Idempotency-Key names the staged upload, so a retried accept never enqueues it twice; running the command "
                    + "again stages and enqueues the file again."})
    boolean staged;

    @Option(names = "--wait", description = "Poll the upload's status with a progress bar until it is done.")
    boolean await;

    @Option(names = "--timeout", defaultValue = "1h", converter = DurationConverter.class,
            description = "Give up waiting after this long (default ${DEFAULT-VALUE}).")
    Duration timeout;

    @Spec
    CommandSpec spec;

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        HttpResponse<String> accepted;
        try {
            HttpRequest.Builder request = HttpRequest.newBuilder(ingestUrl.resolve("/v1/uploads"))
                    .header("Authorization", "Bearer " + apiKey)
                    .timeout(Duration.ofMinutes(30));
            if (staged) {
                String stagedUploadId = stage(err);
                if (stagedUploadId == null) {
                    return ExitCodes.UNAVAILABLE;
                }
                request.header("Content-Type", "application/json").header("Idempotency-Key", "staged-" + stagedUploadId)
                        .POST(HttpRequest.BodyPublishers.ofString(JSON.createObjectNode().put("stagedUploadId", stagedUploadId)
                                .put("format", contentType(file)).put("gzip", isGzip(file)).toString()));
            } else {
                request.header("Content-Type", contentType(file)).header("Idempotency-Key", "sha256-" + sha256(file))
                        .POST(HttpRequest.BodyPublishers.ofFile(file));
                if (isGzip(file)) {
                    request.header("Content-Encoding", "gzip");
                }
            }
            accepted = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            err.println("cannot reach " + ingestUrl + ": " + e);
            return ExitCodes.UNAVAILABLE;
        }
        if (accepted.statusCode() != 202) {
            err.printf("upload refused (%d): %s%n", accepted.statusCode(), accepted.body());
            return accepted.statusCode() >= 500 || accepted.statusCode() == 429 ? ExitCodes.UNAVAILABLE : ExitCodes.REFUSED;
        }
        JsonNode ticket = JSON.readTree(accepted.body());
        String replayed = accepted.headers().firstValue("Idempotent-Replayed").isPresent() ? " (already uploaded; same ticket)" : "";
        if (ticket.has("acceptedItems")) {
            out.printf("upload %s accepted: %d item(s), %d refused%s%n  status: %s%n", ticket.path("uploadId").asText(),
                    ticket.path("acceptedItems").asInt(), ticket.path("refusedItems").asInt(), replayed,
                    ticket.path("statusUrl").asText());
        } else {
            out.printf("upload %s accepted; its items are counted and validated next%s%n  status: %s%n",
                    ticket.path("uploadId").asText(), replayed, ticket.path("statusUrl").asText());
        }
        ticket.path("errors").forEach(e -> out.printf("  refused item %d (%s) %s: %s%n", e.path("index").asInt(),
                e.path("sku").asText(), e.path("code").asText(), e.path("message").asText()));
        if (!await) {
            return ExitCodes.OK;
        }
        return follow(URI.create(ticket.path("statusUrl").asText()), out, err);
    }

    /** Asks for a staged upload and PUTs the file to its URL; its id, or null after saying why not. */
    private String stage(PrintWriter err) throws IOException, InterruptedException {
        HttpResponse<String> created = http.send(HttpRequest.newBuilder(ingestUrl.resolve("/v1/staged-uploads"))
                .header("Authorization", "Bearer " + apiKey).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
        if (created.statusCode() != 201) {
            err.printf("staged upload refused (%d): %s%n", created.statusCode(), created.body());
            return null;
        }
        JsonNode staged = JSON.readTree(created.body());
        HttpResponse<String> put = http.send(HttpRequest.newBuilder(URI.create(staged.path("url").asText()))
                .timeout(Duration.ofHours(1)).PUT(HttpRequest.BodyPublishers.ofFile(file)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (put.statusCode() / 100 != 2) {
            err.printf("the object store refused the file (%d): %s%n", put.statusCode(), put.body());
            return null;
        }
        return staged.path("stagedUploadId").asText();
    }

    private int follow(URI statusUrl, PrintWriter out, PrintWriter err) throws Exception {
        boolean console = System.console() != null;
        long deadline = System.nanoTime() + timeout.toNanos();
        String lastLine = "";
        while (System.nanoTime() < deadline) {
            HttpResponse<String> reply;
            try {
                reply = get(statusUrl);
            } catch (IOException e) {
                err.println("status service unreachable, retrying: " + e.getMessage());
                Thread.sleep(DEFAULT_POLL.toMillis());
                continue;
            }
            Duration pause = reply.headers().firstValue("Retry-After").map(UploadCommand::seconds).orElse(DEFAULT_POLL);
            // Right after the 202 the status service may not have folded the upload yet: 404 until it has.
            if (reply.statusCode() == 200) {
                JsonNode status = JSON.readTree(reply.body());
                String state = status.path("status").asText();
                String line = ProgressBar.render(state, status.path("totalItems").asInt(), status.path("succeeded").asInt(),
                        status.path("failed").asInt(), 30);
                if (console) {
                    err.print("\r" + line);
                } else if (!line.equals(lastLine)) {
                    err.println(line);
                }
                err.flush();
                lastLine = line;
                if (state.equals("DONE") || state.equals("CANCELLED")) {
                    if (console) {
                        err.println();
                    }
                    return summary(statusUrl, status, out);
                }
            } else if (reply.statusCode() != 404 && reply.statusCode() < 500) {
                err.printf("status refused (%d): %s%n", reply.statusCode(), reply.body());
                return ExitCodes.REFUSED;
            }
            Thread.sleep(Math.max(200, Math.min(pause.toMillis(), (deadline - System.nanoTime()) / 1_000_000)));
        }
        err.printf("%ngave up after %s; the upload goes on: %s%n", timeout, statusUrl);
        return ExitCodes.UNAVAILABLE;
    }

    private int summary(URI statusUrl, JsonNode status, PrintWriter out) throws Exception {
        int failed = status.path("failed").asInt();
        JsonNode stages = status.path("stages");
        out.printf("%s: %d item(s), %d succeeded, %d failed (%d refused at upload); catalog: %s; images: %s%n",
                status.path("status").asText(), status.path("totalItems").asInt(), status.path("succeeded").asInt(), failed,
                status.path("refused").asInt(), stage(stages.path("catalog")), stage(stages.path("images")));
        if (failed > 0) {
            HttpResponse<String> items = get(URI.create(statusUrl + "/items?outcome=FAILED&limit=" + LISTED_FAILURES));
            if (items.statusCode() == 200) {
                JsonNode page = JSON.readTree(items.body());
                out.println("failed items:");
                page.path("items").forEach(i -> out.printf("  item %d  sku %s  %s  %s: %s%n", i.path("itemIndex").asInt(),
                        i.path("sku").asText(), i.path("stage").asText(), i.path("code").asText(), i.path("message").asText()));
                if (page.hasNonNull("nextCursor")) {
                    out.printf("  ... more: %s/items?outcome=FAILED&cursor=%s%n", statusUrl, page.path("nextCursor").asText());
                }
            }
        }
        return failed == 0 && status.path("status").asText().equals("DONE") ? ExitCodes.OK : ExitCodes.ITEMS_FAILED;
    }

    private static String stage(JsonNode counts) {
        return counts.path("succeeded").asInt() + " succeeded, " + counts.path("failed").asInt() + " failed";
    }

    private HttpResponse<String> get(URI uri) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(uri).header("Authorization", "Bearer " + apiKey).timeout(Duration.ofSeconds(30))
                .GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private static Duration seconds(String retryAfter) {
        try {
            return Duration.ofSeconds(Long.parseLong(retryAfter.trim()));
        } catch (NumberFormatException e) {
            return DEFAULT_POLL;
        }
    }

    private static boolean isGzip(Path file) {
        return file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".gz");
    }

    /** The catalog format from the file name, a .gz suffix aside. */
    static String contentType(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT).replaceFirst("\\.gz$", "");
        return switch (name.substring(name.lastIndexOf('.') + 1)) {
            case "csv" -> "text/csv";
            case "ndjson", "jsonl" -> "application/x-ndjson";
            default -> "application/json";
        };
    }

    private static String sha256(Path file) throws Exception {
        MessageDigest digest = Sha256.digest();
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, n);
            }
        }
        return Sha256.hex(digest);
    }
}
