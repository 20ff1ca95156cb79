package io.catalogingest.workers;

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

        public boolean isEnabled() {
            return enabled;
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
    }
}
