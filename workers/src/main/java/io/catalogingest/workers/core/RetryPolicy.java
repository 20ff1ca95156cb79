package io.catalogingest.workers.core;

import java.time.Duration;

/**
 * Where a failed item goes next. Permanent failures are dead-lettered at once; transient ones go
 * to the stage's retry topic with exponential backoff until {@code maxAttempts}, then dead-lettered.
 */
public record RetryPolicy(int maxAttempts, Duration firstDelay, Duration maxDelay) {
    public enum Route { RETRY, DEAD_LETTER }

    public Route route(ItemFailure failure, int attempt) {
        return failure.isPermanent() || attempt >= maxAttempts ? Route.DEAD_LETTER : Route.RETRY;
    }

    /** Delay before attempt {@code attempt + 1}: firstDelay, doubling, capped at maxDelay. */
    public Duration delayAfter(int attempt) {
        Duration delay = firstDelay.multipliedBy(1L << Math.min(30, Math.max(0, attempt - 1)));
        return delay.compareTo(maxDelay) > 0 ? maxDelay : delay;
    }
}
