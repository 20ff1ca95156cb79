package io.catalogingest.workers;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.catalogingest.common.CatalogConfiguration;
import io.catalogingest.common.storage.ObjectStoreFactory;
import io.dropwizard.util.DataSize;
import io.dropwizard.util.Duration;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import io.catalogingest.workers.core.RetryPolicy;

public class WorkersConfiguration extends CatalogConfiguration {
    /** Names this instance's consumers (client ids), so operators can tell instances apart. */
    @jakarta.validation.constraints.NotEmpty
    @JsonProperty
    private String instanceId = "workers-1";

    @Valid
    @NotNull
    @JsonProperty
    private ObjectStoreFactory objectStore = new ObjectStoreFactory();

    /** Where the splitter reads upload bodies: the ingest API's spool (often the same store as objectStore). */
    @Valid
    @NotNull
    @JsonProperty
    private ObjectStoreFactory spool = new ObjectStoreFactory();

    @Valid
    @NotNull
    @JsonProperty
    private SplitPoolConfig split = new SplitPoolConfig();

    @Valid
    @NotNull
    @JsonProperty
    private PoolConfig catalog = new PoolConfig();

    @Valid
    @NotNull
    @JsonProperty
    private ImagePoolConfig images = new ImagePoolConfig();

    public String getInstanceId() {
        return instanceId;
    }

    public ObjectStoreFactory getObjectStore() {
        return objectStore;
    }

    public ObjectStoreFactory getSpool() {
        return spool;
    }

    public SplitPoolConfig getSplit() {
        return split;
    }

    public PoolConfig getCatalog() {
        return catalog;
    }

    public ImagePoolConfig getImages() {
        return images;
    }

    /** Any pool: consumers in one group, which can be switched off; parallelism is bounded by the topic's partitions. */
    public abstract static class ConsumersConfig {
        @JsonProperty
        private boolean enabled = true;

        @Min(1)
        @JsonProperty
        private int consumers;

        /** Attempts of work failing for a reason of its own before it is dead-lettered. */
        @Min(1)
        @JsonProperty
        private int maxAttempts;

        /**
         * Times work that a dependency fails as a whole is taken again in place (no attempt spent,
         * backing off to 30 s) before it spends an attempt after all: about 10 minutes.
         */
        @Min(1)
        @JsonProperty
        private int maxRetriesInPlace = 25;

        ConsumersConfig(int consumers, int maxAttempts) {
            this.consumers = consumers;
            this.maxAttempts = maxAttempts;
        }

        /** Without delays between attempts; a pool with retry topics adds them. */
        public RetryPolicy retryPolicy() {
            return new RetryPolicy(maxAttempts, java.time.Duration.ZERO, java.time.Duration.ZERO, maxRetriesInPlace);
        }

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        public int getConsumers() {
            return consumers;
        }
    }

    /** A stage pool on the products topic, with its retry policy. */
    public static class PoolConfig extends ConsumersConfig {
        public PoolConfig() {
            super(2, 5);
        }

        @Min(1)
        @Max(10_000)
        @JsonProperty
        private int maxPollRecords = 1000;

        @JsonProperty
        private Duration firstRetryDelay = Duration.seconds(1);

        @JsonProperty
        private Duration maxRetryDelay = Duration.minutes(5);

        /** With the delays of the retry tiers. */
        @Override
        public RetryPolicy retryPolicy() {
            RetryPolicy attempts = super.retryPolicy();
            return new RetryPolicy(attempts.maxAttempts(), firstRetryDelay.toJavaDuration(), maxRetryDelay.toJavaDuration(),
                    attempts.retriesInPlace());
        }

        public int getMaxPollRecords() {
            return maxPollRecords;
        }
    }

    /**
     * The splitter: one upload at a time per consumer, produced in transactions of chunkSize items;
     * at most the uploads topic's partitions do work.
     */
    public static class SplitPoolConfig extends ConsumersConfig {
        public SplitPoolConfig() {
            super(1, 3);
        }

        /** Items per split transaction: a crash repeats at most this many. */
        @Min(1)
        @Max(100_000)
        @JsonProperty
        private int chunkSize = 5000;

        /** As the ingest API's limit; a staged upload's items beyond it are refused. */
        @Min(1)
        @JsonProperty
        private int maxItemsPerUpload = 1_000_000;

        public int getChunkSize() {
            return chunkSize;
        }

        public int getMaxItemsPerUpload() {
            return maxItemsPerUpload;
        }
    }

    /** The image pool also downloads concurrently within a batch. */
    public static class ImagePoolConfig extends PoolConfig {
        @Min(1)
        @JsonProperty
        private int concurrentDownloads = 64;

        @JsonProperty
        private Duration connectTimeout = Duration.seconds(3);

        @JsonProperty
        private Duration readTimeout = Duration.seconds(10);

        /** The most one image download may take, however its origin drips the bytes. */
        @JsonProperty
        private Duration downloadDeadline = Duration.seconds(30);

        public Duration getDownloadDeadline() {
            return downloadDeadline;
        }

        @JsonProperty
        private DataSize maxImageSize = DataSize.megabytes(10);

        @Min(0)
        @JsonProperty
        private int maxRedirects = 3;

        /** Largest bitmap accepted (width x height), against decompression bombs. */
        @Min(1)
        @JsonProperty
        private long maxPixels = 50_000_000;

        /**
         * Networks image downloads may reach although they are not public (loopback, private):
         * for local origins in development only. Empty in production.
         */
        @JsonProperty
        private List<String> allowedPrivateNetworks = List.of();

        public int getConcurrentDownloads() {
            return concurrentDownloads;
        }

        public Duration getConnectTimeout() {
            return connectTimeout;
        }

        public Duration getReadTimeout() {
            return readTimeout;
        }

        public DataSize getMaxImageSize() {
            return maxImageSize;
        }

        public int getMaxRedirects() {
            return maxRedirects;
        }

        public long getMaxPixels() {
            return maxPixels;
        }

        public List<String> getAllowedPrivateNetworks() {
            return allowedPrivateNetworks;
        }
    }
}
