package io.catalogingest.workers.core;

import java.time.Duration;

import io.catalogingest.schemas.Topics;

/**
 * Where a failed item goes next. Permanent failures are dead-lettered at once; transient ones go
 * to the stage's retry topics until {@code maxAttempts}, then dead-lettered. A record that a
 * dependency fails as a whole is taken again in place, no attempt spent, at most
 * {@code retriesInPlace} times; after that it spends an attempt like any other failure.
 *
 * <p>The delay doubles from {@code firstDelay} per attempt up to {@link Topics#RETRY_TIERS} tiers,
 * then stays: each tier has a retry topic of its own whose records all wait the same delay, so a
 * record that is due never waits behind one that is not.
 */
public record RetryPolicy(int maxAttempts, Duration firstDelay, Duration maxDelay, int retriesInPlace) {
    public enum Route { RETRY, DEAD_LETTER }

    public Route route(ItemFailure failure, int attempt) {
        return failure.isPermanent() || attempt >= maxAttempts ? Route.DEAD_LETTER : Route.RETRY;
    }

    /** The retry tier (1 to {@link Topics#RETRY_TIERS}) of the delay before attempt {@code attempt + 1}. */
    public static int tierAfter(int attempt) {
        return Math.min(Topics.RETRY_TIERS, Math.max(1, attempt));
    }

    /** Delay before attempt {@code attempt + 1}: the delay of its tier, firstDelay doubling, capped at maxDelay. */
    public Duration delayAfter(int attempt) {
        Duration delay = firstDelay.multipliedBy(1L << (tierAfter(attempt) - 1));
        return delay.compareTo(maxDelay) > 0 ? maxDelay : delay;
    }
}
