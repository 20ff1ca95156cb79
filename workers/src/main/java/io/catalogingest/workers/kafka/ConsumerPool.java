package io.catalogingest.workers.kafka;

import java.time.Duration;
import java.util.List;

import com.codahale.metrics.Meter;
import com.codahale.metrics.MetricRegistry;
import io.catalogingest.schemas.Topics;
import io.catalogingest.workers.core.RetryPolicy;
import io.catalogingest.workers.core.StageHandler;
import io.dropwizard.lifecycle.Managed;
import org.apache.kafka.clients.consumer.Consumer;

/**
 * What both kinds of stage pool share: {@code consumers} threads, each with its own consumer in
 * the stage's group, reading the products topic and the stage's retry topic, and one
 * {@link OutcomeRouter}. Subclasses say what a consumer thread does.
 */
abstract class ConsumerPool implements Managed, WorkerPool {
    /** One consumer of the pool and the thread that runs it. */
    abstract class Member implements Runnable {
        final Consumer<String, byte[]> consumer;
        final Thread thread;
        final RetryPauses pauses;

        Member(String clientId, int maxPollRecords) {
            consumer = kafka.consumer(groupId, clientId, maxPollRecords);
            thread = new Thread(this, clientId);
            pauses = new RetryPauses(consumer, Topics.retry(handler.stage()));
        }

        void subscribe(RebalanceListener listener) {
            consumer.subscribe(List.of(Topics.PRODUCTS, Topics.retry(handler.stage())), listener);
        }
    }

    final KafkaClients kafka;
    final String groupId;
    final String instanceId;
    final StageHandler handler;
    private final int consumers;
    private final RetryPolicy retryPolicy;
    final MetricRegistry metrics;
    final String metricPrefix;
    /** Records or batches a dependency failed as a whole: retried without spending an attempt. */
    final Meter dependencyFaults;
    private final PoolThreads threads = new PoolThreads();
    OutcomeRouter router;

    ConsumerPool(KafkaClients kafka, String groupId, String instanceId, StageHandler handler, int consumers,
            RetryPolicy retryPolicy, MetricRegistry metrics) {
        this.kafka = kafka;
        this.groupId = groupId;
        this.instanceId = instanceId;
        this.handler = handler;
        this.consumers = consumers;
        this.retryPolicy = retryPolicy;
        this.metrics = metrics;
        this.metricPrefix = MetricRegistry.name("stage", groupId);
        this.dependencyFaults = metrics.meter(MetricRegistry.name(metricPrefix, "dependency-faults"));
        PoolSupport.registerLag(metrics, metricPrefix, threads::consumers);
    }

    abstract Member newMember(String clientId);

    /** How long {@link #stop()} waits for a consumer thread to settle its work. */
    abstract Duration stopTimeout();

    @Override
    public void start() {
        router = new OutcomeRouter(kafka.producer(groupId + "-" + instanceId + "-out"), kafka.registry(), handler.stage(),
                retryPolicy, metrics, metricPrefix);
        for (int i = 0; i < consumers; i++) {
            Member member = newMember(groupId + "-" + instanceId + "-" + i);
            threads.start(member.consumer, member.thread);
        }
    }

    @Override
    public void stop() throws InterruptedException {
        threads.stop(stopTimeout());
        router.close();
    }

    @Override
    public long deadConsumers() {
        return threads.dead();
    }
}
