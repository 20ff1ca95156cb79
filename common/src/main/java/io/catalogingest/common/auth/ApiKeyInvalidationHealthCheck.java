package io.catalogingest.common.auth;

import com.codahale.metrics.health.HealthCheck;

/** Healthy while the API-key cache hears of every key change; otherwise each request reads its key from the database. */
public final class ApiKeyInvalidationHealthCheck extends HealthCheck {
    private final ApiKeyCache cache;

    public ApiKeyInvalidationHealthCheck(ApiKeyCache cache) {
        this.cache = cache;
    }

    @Override
    protected Result check() {
        return cache.isCurrent() ? Result.healthy("listening for API-key changes")
                : Result.unhealthy("not listening for API-key changes; every request reads its key from the database");
    }
}
