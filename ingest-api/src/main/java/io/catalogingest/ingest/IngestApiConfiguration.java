package io.catalogingest.ingest;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.catalogingest.common.CatalogConfiguration;
import io.dropwizard.util.DataSize;
import io.dropwizard.util.Duration;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotEmpty;

public class IngestApiConfiguration extends CatalogConfiguration {
    /** Public base URL of the status service, used in tickets and Location headers. */
    @NotEmpty
    @JsonProperty
    private String statusBaseUrl = "http://127.0.0.1:8082";

    /** Browser origins allowed to upload (CORS), e.g. the status service's merchant portal. */
    @JsonProperty
    private java.util.List<String> corsAllowedOrigins = new java.util.ArrayList<>();

    public java.util.List<String> getCorsAllowedOrigins() {
        return corsAllowedOrigins;
    }

    /** Stable per instance: it names the transactional producers, fencing a crashed predecessor. */
    @NotEmpty
    @JsonProperty
    private String instanceId = "ingest-api-1";

    /** Concurrent uploads this instance writes at once; more wait up to producerAcquireTimeout. */
    @Min(1)
    @JsonProperty
    private int producerPoolSize = 8;

    @JsonProperty
    private Duration producerAcquireTimeout = Duration.seconds(10);

    /** Longest a Kafka call of an upload may block; beyond it the upload answers 503. */
    @JsonProperty
    private Duration kafkaTimeout = Duration.seconds(10);

    @Min(1)
    @JsonProperty
    private int maxItemsPerUpload = 1_000_000;

    /** Largest body accepted, compressed or decompressed. */
    @JsonProperty
    private DataSize maxBodySize = DataSize.gibibytes(2);

    @Min(1)
    @JsonProperty
    private int uploadsPerMinute = 60;

    /** How long an Idempotency-Key is remembered per merchant. */
    @JsonProperty
    private Duration idempotencyKeyRetention = Duration.hours(24);

    public String getStatusBaseUrl() {
        return statusBaseUrl;
    }

    public String getInstanceId() {
        return instanceId;
    }

    public int getProducerPoolSize() {
        return producerPoolSize;
    }

    public Duration getProducerAcquireTimeout() {
        return producerAcquireTimeout;
    }

    public Duration getKafkaTimeout() {
        return kafkaTimeout;
    }

    public int getMaxItemsPerUpload() {
        return maxItemsPerUpload;
    }

    public DataSize getMaxBodySize() {
        return maxBodySize;
    }

    public int getUploadsPerMinute() {
        return uploadsPerMinute;
    }

    public Duration getIdempotencyKeyRetention() {
        return idempotencyKeyRetention;
    }
}
