package io.catalogingest.schemas.serde;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.avro.Schema;
import org.apache.kafka.common.errors.SerializationException;

/**
 * A small client of the Confluent Schema Registry REST API (spoken by Confluent, Apicurio's ccompat
 * API, Karapace and Redpanda). Registrations and look-ups are cached: each schema costs one request
 * per process.
 */
public final class SchemaRegistryClient implements SchemaRegistry {
    private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String baseUrl;
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    /** Keyed by the schema object, not its JSON: rendering a schema per record cost more than the record. */
    private final Map<SubjectSchema, Integer> idsBySubjectAndSchema = new ConcurrentHashMap<>();

    private record SubjectSchema(String subject, Schema schema) {}
    private final Map<Integer, Schema> schemasById = new ConcurrentHashMap<>();

    public SchemaRegistryClient(String baseUrl) {
        this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
    }

    public String baseUrl() {
        return baseUrl;
    }

    /** The registry answered 409: an incompatible schema, or a registration that raced another. */
    public static final class ConflictException extends SerializationException {
        ConflictException(String message) {
            super(message);
        }
    }

    /**
     * The registry could not be asked (unreachable, timing out, or failing with 5xx): a dependency
     * fault to wait out, never a verdict on the record.
     */
    public static final class UnavailableException extends SerializationException {
        public UnavailableException(String message, Throwable cause) {
            super(message, cause);
        }

        /** Whether {@code e} or one of its causes is this. */
        public static boolean in(Throwable e) {
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof UnavailableException) {
                    return true;
                }
            }
            return false;
        }
    }

    @Override
    public int register(String subject, Schema schema) {
        return idsBySubjectAndSchema.computeIfAbsent(new SubjectSchema(subject, schema), k -> {
            HttpRequest request = HttpRequest.newBuilder(uri("/subjects/" + encode(subject) + "/versions")).timeout(REQUEST_TIMEOUT)
                    .header("Content-Type", CONTENT_TYPE)
                    .POST(HttpRequest.BodyPublishers.ofString(new ObjectNodeBody(schema.toString()).json())).build();
            JsonNode answer;
            try {
                answer = send(request, "register " + subject);
            } catch (ConflictException raced) {
                // Two clients registering a subject's first schema at once: Apicurio refuses the
                // second with 409 "already exists"; asked again it answers the id. An incompatible
                // schema is refused again and stays an error.
                answer = send(request, "register " + subject);
            }
            int id = answer.path("id").asInt(-1);
            if (id < 0) {
                throw new SerializationException("registry returned no id for " + subject + ": " + answer);
            }
            schemasById.putIfAbsent(id, schema);
            return id;
        });
    }

    @Override
    public Schema schemaById(int id) {
        return schemasById.computeIfAbsent(id, k -> {
            JsonNode answer = send(HttpRequest.newBuilder(uri("/schemas/ids/" + id)).timeout(REQUEST_TIMEOUT).GET().build(), "look up schema " + id);
            return new Schema.Parser().parse(answer.path("schema").asText());
        });
    }

    private JsonNode send(HttpRequest request, String what) {
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() / 100 != 2) {
                String message = "schema registry refused to " + what + ": HTTP " + response.statusCode() + " " + response.body();
                int status = response.statusCode();
                if (status == 409) {
                    throw new ConflictException(message);
                }
                // Only "no such schema" and "not a valid schema" are verdicts on the record; anything
                // else (5xx, 401/403, 408, 429) is the registry's state, to be waited out.
                throw status == 404 || status == 422 ? new SerializationException(message) : new UnavailableException(message, null);
            }
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new UnavailableException("schema registry unreachable at " + baseUrl + " (" + what + ")", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UnavailableException("interrupted while asking the schema registry to " + what, e);
        }
    }

    private URI uri(String path) {
        return URI.create(baseUrl + path);
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private record ObjectNodeBody(String schema) {
        String json() {
            return JSON.createObjectNode().put("schema", schema).toString();
        }
    }
}
