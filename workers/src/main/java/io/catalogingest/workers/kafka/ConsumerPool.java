package io.catalogingest.workers.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import com.codahale.metrics.Meter;
import com.codahale.metrics.MetricRegistry;
import io.catalogingest.schemas.ProductSubmitted;
import io.catalogingest.schemas.Topics;
import io.catalogingest.workers.core.ItemFailure;
import io.catalogingest.workers.core.ItemOutcome;
import io.catalogingest.workers.core.RetryPolicy;
import io.catalogingest.workers.core.StageHandler;
import io.dropwizard.lifecycle.Managed;
import org.apache.kafka.clients.consumer.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What both kinds of stage pool share: {@code consumers} threads, each with its own consumer in
 * the stage's group, reading the products topic and the stage's retry tiers, and one
 * {@link OutcomeRouter}. Subclasses say what a consumer thread does.
 */
abstract class ConsumerPool implements Managed, WorkerPool {
    private static final Logger LOG = LoggerFactory.getLogger(ConsumerPool.class);

    /** One consumer of the pool and the thread that runs it. */
    abstract class Member implements Runnable {
        final Consumer<String, byte[]> consumer;
        final Thread thread;
        final RetryPauses pauses;

        Member(String clientId, int maxPollRecords) {
            consumer = kafka.consumer(groupId, clientId, maxPollRecords);
            thread = new Thread(this, clientId);
            pauses = new RetryPauses(consumer, Topics.retryTiers(handler.stage()));
        }

        void subscribe(RebalanceListener listener) {
            consumer.subscribe(Topics.consumedBy(handler.stage()), listener);
        }
    }

    final KafkaClients kafka;
    final String groupId;
    final String instanceId;
    final StageHandler handler;
    private final int consumers;
    final RetryPolicy retryPolicy;
    final MetricRegistry metrics;
    final String metricPrefix;
    /** Records or batches a dependency failed as a whole: retried without spending an attempt. */
    final Meter dependencyFaults;
    /** Records the stage threw on for a reason of their own: each spent an attempt. */
    private final Meter recordFaults;
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
        this.recordFaults = metrics.meter(MetricRegistry.name(metricPrefix, "record-faults"));
        PoolSupport.registerLag(metrics, metricPrefix, threads::consumers);
    }

    abstract Member newMember(String clientId);

    /**
     * Applies the batch. A dependency fault (and an interruption) is thrown: the caller takes the
     * work again in place. Any other fault is narrowed down by halving the batch until the records
     * that cause it stand alone; each of those fails with {@link ItemFailure#unexpected}, spending an
     * attempt, and the rest of the batch is applied.
     */
    List<ItemOutcome> applyIsolatingFaults(List<ProductSubmitted> batch) throws Exception {
        try {
            return handler.process(batch);
        } catch (VirtualMachineError e) {
            throw e;
        } catch (Exception | Error e) {
            if (e instanceof InterruptedException || DependencyFaults.isDependencyFault(e)) {
                throw e;
            }
            if (batch.size() == 1) {
                recordFaults.mark();
                ProductSubmitted p = batch.get(0);
                LOG.warn("upload {} item {} ({}): {} failed on it: {}", p.getUploadId(), p.getItemIndex(), p.getSku(),
                        handler.stage(), e.toString());
                return List.of(ItemOutcome.failed(p, ItemFailure.unexpected(e)));
            }
            int half = batch.size() / 2;
            List<ItemOutcome> outcomes = new ArrayList<>(applyIsolatingFaults(batch.subList(0, half)));
            outcomes.addAll(applyIsolatingFaults(batch.subList(half, batch.size())));
            return outcomes;
        }
    }

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
