package io.catalogingest.status;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.catalogingest.common.CatalogConfiguration;
import io.catalogingest.status.streams.StatusTopology;
import io.dropwizard.util.Duration;
import io.catalogingest.status.webhooks.WebhookSettings;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.NotEmpty;

public class StatusServiceConfiguration extends CatalogConfiguration {
    /** Kafka Streams application id: instances with the same id share the work. */
    @NotEmpty
    @JsonProperty
    private String applicationId = "status-service";

    /** Where the local state stores live; keep it on a persistent volume for fast restarts. */
    @NotEmpty
    @JsonProperty
    private String stateDir = "/tmp/catalog-status";

    @Min(1)
    @JsonProperty
    private int streamThreads = 1;

    /**
     * How other instances reach this one's REST port (Kafka Streams' application.server): queries
     * for uploads another instance owns are forwarded there.
     */
    @NotEmpty
    @JsonProperty
    private String advertisedUrl = "http://127.0.0.1:8082";

    /**
     * How long a finished (DONE or CANCELLED) upload's status, items and report stay queryable;
     * then its state is removed from the stores and their changelogs.
     */
    @NotNull
    @JsonProperty
    private Duration finishedRetention = Duration.days(7);

    /** How often the fold looks for uploads past their retention. */
    @NotNull
    @JsonProperty
    private Duration retentionCheckInterval = Duration.minutes(1);

    @Valid
    @NotNull
    @JsonProperty
    private WebhookSettings webhooks = new WebhookSettings();

    /** Where the portal page sends uploads by default. */
    @NotEmpty
    @JsonProperty
    private String portalIngestUrl = "http://127.0.0.1:8080";

    public String getPortalIngestUrl() {
        return portalIngestUrl;
    }

    public WebhookSettings getWebhooks() {
        return webhooks;
    }

    public String getAdvertisedUrl() {
        return advertisedUrl;
    }

    public String getApplicationId() {
        return applicationId;
    }

    public String getStateDir() {
        return stateDir;
    }

    public StatusTopology.Retention getRetention() {
        return new StatusTopology.Retention(finishedRetention.toJavaDuration(), retentionCheckInterval.toJavaDuration());
    }

    public int getStreamThreads() {
        return streamThreads;
    }
}
