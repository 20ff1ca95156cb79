package io.catalogingest.status.webhooks;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.dropwizard.util.Duration;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;

/** How completion webhooks are delivered. */
public class WebhookSettings {
    /** Non-public networks webhooks may reach: keep empty in production (SSRF guard). */
    @NotNull
    @JsonProperty
    private List<String> allowedPrivateNetworks = new ArrayList<>();

    @NotNull
    @JsonProperty
    private Duration firstRetryDelay = Duration.seconds(5);

    @NotNull
    @JsonProperty
    private Duration maxRetryDelay = Duration.hours(1);

    /** About a day and a half with the default delays, then the delivery is given up. */
    @Min(1)
    @JsonProperty
    private int maxAttempts = 40;

    @NotNull
    @JsonProperty
    private Duration timeout = Duration.seconds(10);

    @NotNull
    @JsonProperty
    private Duration pollInterval = Duration.milliseconds(250);

    /**
     * Deliveries in flight at once over all merchants. Each merchant has at most one, so a slow or
     * unreachable receiver holds one of these and delays only its own merchant's events.
     */
    @Min(1)
    @JsonProperty
    private int maxConcurrentDeliveries = 16;

    public List<String> getAllowedPrivateNetworks() {
        return allowedPrivateNetworks;
    }

    public Duration getFirstRetryDelay() {
        return firstRetryDelay;
    }

    public Duration getMaxRetryDelay() {
        return maxRetryDelay;
    }

    public int getMaxAttempts() {
        return maxAttempts;
    }

    public Duration getTimeout() {
        return timeout;
    }

    public Duration getPollInterval() {
        return pollInterval;
    }

    public int getMaxConcurrentDeliveries() {
        return maxConcurrentDeliveries;
    }
}
