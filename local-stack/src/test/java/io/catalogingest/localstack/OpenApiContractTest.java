package io.catalogingest.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.junit.jupiter.api.Test;

/** The served OpenAPI document is the repository's, and the live endpoints answer as it says. */
class OpenApiContractTest {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private final Set<String> probed = new HashSet<>();

    @Test
    void liveEndpointsAnswerWhatTheDocumentSays() throws Exception {
        LocalStack stack = Pipeline.stack();
        HttpResponse<byte[]> served = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(stack.ingestUrl() + "/openapi.yaml")).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(served.statusCode()).isEqualTo(200);
        assertThat(served.body()).isEqualTo(Files.readAllBytes(Path.of("../ingest-api/src/main/resources/openapi.yaml")));
        JsonNode doc = YAML.readTree(served.body());
        probed.add("get /openapi.yaml");

        String key = stack.createMerchant("m-openapi-" + UUID.randomUUID(), "OpenAPI");
        String item = "{\"sku\":\"O-1\",\"title\":\"T\",\"price\":1,\"currency\":\"EUR\"}";
        Pipeline.Reply accepted = Pipeline.upload(key, "application/json", "[" + item + "]");
        documented(doc, "/v1/uploads", "post", accepted);
        assertHasRequired(doc, "UploadTicket", accepted.body());
        documented(doc, "/v1/uploads", "post", Pipeline.upload("cik_wrong", "application/json", "[" + item + "]"));
        documented(doc, "/v1/uploads", "post", Pipeline.upload(key, "application/json", "[" + item));
        documented(doc, "/v1/uploads", "post", Pipeline.upload(key, "application/xml", "<x/>"));
        Pipeline.Reply invalid = Pipeline.upload(Pipeline.uploadsUrl() + "?mode=all-or-nothing", key, "application/json",
                "[{\"sku\":\"O-2\"}]".getBytes());
        documented(doc, "/v1/uploads", "post", invalid);
        assertHasRequired(doc, "Problem", invalid.body());
        assertHasRequired(doc, "ItemError", invalid.body().path("errors").get(0));
        Pipeline.Reply staged = Pipeline.post(stack.ingestUrl() + "/v1/staged-uploads", key);
        documented(doc, "/v1/staged-uploads", "post", staged);
        assertHasRequired(doc, "StagedUpload", staged.body());
        documented(doc, "/v1/staged-uploads", "post", Pipeline.post(stack.ingestUrl() + "/v1/staged-uploads", "cik_wrong"));

        String statusUrl = accepted.body().path("statusUrl").asText();
        Pipeline.Reply status = await().atMost(Duration.ofMinutes(1)).until(() -> Pipeline.get(statusUrl, key), r -> r.status() == 200);
        documented(doc, "/v1/uploads/{uploadId}", "get", status);
        assertHasRequired(doc, "UploadStatus", status.body());
        documented(doc, "/v1/uploads/{uploadId}", "get", Pipeline.get(stack.statusUrl() + "/v1/uploads/" + UUID.randomUUID(), key));
        documented(doc, "/v1/uploads/{uploadId}", "get", Pipeline.get(statusUrl, "cik_wrong"));

        Set<String> inDocument = new HashSet<>();
        doc.path("paths").fields().forEachRemaining(p -> p.getValue().fieldNames().forEachRemaining(m -> {
            if (!m.equals("servers") && !m.equals("parameters")) {
                inDocument.add(m + " " + p.getKey());
            }
        }));
        assertThat(probed).as("every documented operation is probed").isEqualTo(inDocument);
    }

    private void documented(JsonNode doc, String path, String method, Pipeline.Reply reply) {
        probed.add(method + " " + path);
        JsonNode responses = doc.path("paths").path(path).path(method).path("responses");
        assertThat(responses.has(Integer.toString(reply.status())))
                .as(method + " " + path + " answered " + reply.status() + ", documented " + responses.properties().stream().map(e -> e.getKey()).toList())
                .isTrue();
    }

    private static void assertHasRequired(JsonNode doc, String schema, JsonNode body) {
        JsonNode required = doc.path("components").path("schemas").path(schema).path("required");
        assertThat(required).as(schema + " lists its required fields").isNotEmpty();
        required.forEach(field -> assertThat(body.has(field.asText())).as(schema + "." + field.asText() + " in " + body).isTrue());
    }
}
