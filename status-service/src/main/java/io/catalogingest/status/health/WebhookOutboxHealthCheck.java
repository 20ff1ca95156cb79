package io.catalogingest.status.health;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import com.codahale.metrics.health.HealthCheck;
import io.catalogingest.status.webhooks.WebhookOutbox;

/**
 * Unhealthy while the webhook outbox has not been consuming for longer than a restart takes:
 * finished uploads wait meanwhile and no webhook goes out for them.
 */
public final class WebhookOutboxHealthCheck extends HealthCheck {
    /** A restart after one failure (half a second's pause, then 5 s without failing again) takes less than this. */
    private static final Duration RESTART_TOLERANCE = Duration.ofSeconds(10);

    private final WebhookOutbox outbox;
    private final Duration tolerance;

    public WebhookOutboxHealthCheck(WebhookOutbox outbox) {
        this(outbox, RESTART_TOLERANCE);
    }

    public WebhookOutboxHealthCheck(WebhookOutbox outbox, Duration tolerance) {
        this.outbox = outbox;
        this.tolerance = tolerance;
    }

    @Override
    protected Result check() {
        Optional<WebhookOutbox.Downtime> downtime = outbox.downtime();
        if (downtime.isEmpty()) {
            return Result.healthy();
        }
        Duration down = Duration.between(downtime.get().since(), Instant.now());
        String message = "not consuming for " + down.toSeconds() + " s: " + downtime.get().reason();
        return down.compareTo(tolerance) < 0 ? Result.healthy(message) : Result.unhealthy(message);
    }
}
