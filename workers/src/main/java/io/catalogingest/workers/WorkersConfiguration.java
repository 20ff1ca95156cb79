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

public class WorkersConfiguration extends CatalogConfiguration {
    /** Names this instance's consumers (client ids), so operators can tell instances apart. */
    @jakarta.validation.constraints.NotEmpty
    @JsonProperty
    private String instanceId = "workers-1";

    @Valid
    @NotNull
    @JsonProperty
    private ObjectStoreFactory objectStore = new ObjectStoreFactory();

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

    public PoolConfig getCatalog() {
        return catalog;
    }

    public ImagePoolConfig getImages() {
        return images;
    }

    /** A worker pool: consumers in one group; parallelism is bounded by the topic's partitions. */
    public static class PoolConfig {
        @JsonProperty
        private boolean enabled = true;

        @Min(1)
        @JsonProperty
        private int consumers = 2;

        @Min(1)
        @Max(10_000)
        @JsonProperty
        private int maxPollRecords = 1000;

        /** Attempts of an item with transient failures before it is dead-lettered. */
        @Min(1)
        @JsonProperty
        private int maxAttempts = 5;

        @JsonProperty
        private Duration firstRetryDelay = Duration.seconds(1);

        @JsonProperty
        private Duration maxRetryDelay = Duration.minutes(5);

        public int getMaxAttempts() {
            return maxAttempts;
        }

        public Duration getFirstRetryDelay() {
            return firstRetryDelay;
        }

        public Duration getMaxRetryDelay() {
            return maxRetryDelay;
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

        public int getMaxPollRecords() {
            return maxPollRecords;
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
