package io.catalogingest.ingest;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.catalogingest.common.CatalogConfiguration;
import io.dropwizard.util.DataSize;
import io.dropwizard.util.DataSizeUnit;
import io.dropwizard.validation.MaxDataSize;
import io.dropwizard.util.Duration;
import io.catalogingest.common.storage.ObjectStoreFactory;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
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

    /**
     * How long a commit that keeps timing out is retried before its outcome is established by
     * fencing; the merchant waits meanwhile, and never gets 503 for an upload that was committed.
     */
    @JsonProperty
    private Duration commitDeadline = Duration.seconds(60);

    /** Where upload bodies are spooled (the claim check) and staged uploads are PUT. */
    @Valid
    @NotNull
    @JsonProperty
    private ObjectStoreFactory objectStore = new ObjectStoreFactory();

    /**
     * Bodies up to this size are read whole into memory and committed with their products in one
     * transaction, without an object store round trip; larger ones are spooled and split.
     */
    @MaxDataSize(value = 16, unit = DataSizeUnit.MEBIBYTES)
    @JsonProperty
    private DataSize inlineBodySize = DataSize.kibibytes(256);

    /** Spooled parts are sent while the next one is read; memory per upload is about two parts. */
    @JsonProperty
    private DataSize spoolPartSize = DataSize.mebibytes(8);

    /** Spooled and staged bodies are deleted this long after they were written. */
    @JsonProperty
    private Duration spoolRetention = Duration.days(7);

    /** How long a staged upload's presigned PUT URL is valid. */
    @JsonProperty
    private Duration stagedUploadValidity = Duration.hours(1);

    /** An Idempotency-Key claim lapses this long after its owner stopped renewing it (it died). */
    @JsonProperty
    private Duration claimLease = Duration.seconds(30);

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

    public Duration getCommitDeadline() {
        return commitDeadline;
    }

    public ObjectStoreFactory getObjectStore() {
        return objectStore;
    }

    public DataSize getInlineBodySize() {
        return inlineBodySize;
    }

    public DataSize getSpoolPartSize() {
        return spoolPartSize;
    }

    public Duration getSpoolRetention() {
        return spoolRetention;
    }

    public Duration getStagedUploadValidity() {
        return stagedUploadValidity;
    }

    public Duration getClaimLease() {
        return claimLease;
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
