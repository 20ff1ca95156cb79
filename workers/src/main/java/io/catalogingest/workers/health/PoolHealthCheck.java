package io.catalogingest.workers.health;

import com.codahale.metrics.health.HealthCheck;
import io.catalogingest.workers.kafka.WorkerPool;

/** Unhealthy when a consumer thread of the pool has died: the instance should be restarted. */
public final class PoolHealthCheck extends HealthCheck {
    private final WorkerPool pool;

    public PoolHealthCheck(WorkerPool pool) {
        this.pool = pool;
    }

    @Override
    protected Result check() {
        long dead = pool.deadConsumers();
        return dead == 0 ? Result.healthy() : Result.unhealthy("%d consumer thread(s) died; see the log", dead);
    }
}
