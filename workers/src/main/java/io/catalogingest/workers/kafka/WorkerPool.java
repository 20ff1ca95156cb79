package io.catalogingest.workers.kafka;

/** A pool of stage consumers, as its health check sees it. */
public interface WorkerPool {
    /** Consumer threads that are not running although the pool is started. */
    long deadConsumers();
}
