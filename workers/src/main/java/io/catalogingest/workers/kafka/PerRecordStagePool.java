package io.catalogingest.workers.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicInteger;

import com.codahale.metrics.MetricRegistry;
import io.catalogingest.schemas.ProductSubmitted;
import io.catalogingest.workers.core.PartitionProgress;
import io.catalogingest.workers.core.RetryPolicy;
import io.catalogingest.workers.core.StageHandler;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A pool for I/O-bound stages (image downloads): each record is processed on its own as soon as
 * it is polled, many at a time, and records finish in any order. Each consumer commits, per
 * partition, only up to the lowest record not finished yet ({@link PartitionProgress}); a record
 * is finished once its outcome is acknowledged. It pauses its partitions while {@code maxInFlight}
 * records are being processed, and pauses them all, with backoff, while a dependency fails whole
 * records (database, object store or registry down), retrying those records without counting
 * attempts, each at most {@link RetryPolicy#retriesInPlace} times in a row; a fault of the record's
 * own spends an attempt ({@link #applyIsolatingFaults}). On revocation or shutdown it waits for the records of
 * the partitions it gives up, commits what finished, and abandons the rest uncommitted.
 */
public final class PerRecordStagePool extends ConsumerPool {
    private static final Logger LOG = LoggerFactory.getLogger(PerRecordStagePool.class);
    private static final Duration SETTLE_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration COMMIT_INTERVAL = Duration.ofMillis(200);
    /** Records processed but whose outcome is not acknowledged yet, per record the window allows on the executor. */
    private static final int UNACKNOWLEDGED_PER_WINDOW = 4;

    private final int maxPollRecords;
    private final int maxInFlight;
    private final ExecutorService executor;

    public PerRecordStagePool(KafkaClients kafka, String groupId, String instanceId, StageHandler handler, int consumers,
            int maxPollRecords, int maxInFlight, ExecutorService executor, RetryPolicy retryPolicy, MetricRegistry metrics) {
        super(kafka, groupId, instanceId, handler, consumers, retryPolicy, metrics);
        this.maxPollRecords = maxPollRecords;
        this.maxInFlight = maxInFlight;
        this.executor = executor;
    }

    @Override
    Member newMember(String clientId) {
        return new Worker(clientId);
    }

    @Override
    Duration stopTimeout() {
        return SETTLE_TIMEOUT.plusSeconds(10);
    }

    /**
     * A record whose processing ended; {@code fault} set if a dependency failed it as a whole, for the
     * {@code failedInPlace}-th time in a row.
     */
    private record Done(ConsumerRecord<String, byte[]> record, Throwable fault, int failedInPlace) {}

    /** A record to process again once the backoff has passed. */
    private record Redo(Done failed, long notBefore) {}

    private final class Worker extends Member {
        final Map<TopicPartition, PartitionProgress> progress = new HashMap<>();
        final Map<TopicPartition, Long> committed = new HashMap<>();
        final Queue<Done> done = new ConcurrentLinkedQueue<>();
        final List<Redo> redo = new ArrayList<>();
        /** Records dispatched and not done yet (on the executor, or their outcome not acknowledged), per partition. */
        final Map<TopicPartition, Integer> running = new HashMap<>();
        /**
         * Records on the executor right now: what the window bounds. A record whose outcome waits
         * for its batch to be sent holds no thread, so it does not count.
         */
        final AtomicInteger executing = new AtomicInteger();
        /** Records dispatched and not done yet; bounded too, so a stalled Kafka stops the fetching. */
        int unfinished;
        long pausedForFaultUntil;
        Duration backoff = PoolSupport.FIRST_BACKOFF;
        long lastCommit;

        Worker(String clientId) {
            super(clientId, maxPollRecords);
        }

        @Override
        public void run() {
            try (consumer) {
                subscribe(new RebalanceListener(consumer, this::settle));
                try {
                    while (true) {
                        pauses.resumeDue();
                        applyBackpressure();
                        for (ConsumerRecord<String, byte[]> r : pauses.due(consumer.poll(Duration.ofMillis(100)))) {
                            progress.computeIfAbsent(new TopicPartition(r.topic(), r.partition()), tp -> new PartitionProgress())
                                    .started(r.offset());
                            dispatch(r, null);
                        }
                        redispatchDue();
                        drain();
                        commitProgress(false);
                    }
                } catch (WakeupException stopping) {
                    settle(consumer.assignment());
                    LOG.info("{} consumer {} stopped", handler.stage(), thread.getName());
                }
            } catch (RuntimeException e) {
                LOG.error("{} consumer {} died", handler.stage(), thread.getName(), e);
            }
        }

        /** {@code failed}: how the record failed in place before, or null. */
        private void dispatch(ConsumerRecord<String, byte[]> record, Done failed) {
            executing.incrementAndGet();
            unfinished++;
            running.merge(new TopicPartition(record.topic(), record.partition()), 1, Integer::sum);
            int failedInPlace = failed == null ? 0 : failed.failedInPlace();
            executor.execute(() -> process(record, failedInPlace, failed == null ? null : failed.fault()));
        }

        /**
         * Runs on the executor: applies one record; it is done once everything it publishes is
         * acknowledged, which the executor thread does not wait for (outcomes are sent in batches).
         */
        private void process(ConsumerRecord<String, byte[]> record, int failedInPlace, Throwable lastFault) {
            List<CompletableFuture<?>> acks = new ArrayList<>();
            try {
                if (failedInPlace > retryPolicy.retriesInPlace()) {
                    acks.addAll(router.givenUpInPlace(record, failedInPlace, lastFault));
                } else {
                    ProductSubmitted product;
                    try {
                        product = router.read(record);
                    } catch (OutcomeRouter.UnreadableRecordException unreadable) {
                        acks.add(router.unreadable(record, unreadable));
                        product = null;
                    }
                    if (product != null) {
                        acks.addAll(router.route(record, applyIsolatingFaults(List.of(product)).get(0)));
                    }
                }
            } catch (VirtualMachineError e) {
                throw e;
            } catch (Exception | Error e) {
                done.add(failedAsAWhole(record, e, failedInPlace));
                return;
            } finally {
                executing.decrementAndGet();
            }
            OutcomeBatcher.all(acks).whenComplete((ok, e) ->
                    done.add(e == null ? new Done(record, null, 0) : failedAsAWhole(record, e, failedInPlace)));
        }

        /**
         * A dependency (database, object store, registry, Kafka) failed the record as a whole: not
         * the item's fault, no attempt counted, but counted in place.
         */
        private Done failedAsAWhole(ConsumerRecord<String, byte[]> record, Throwable e, int failedBefore) {
            dependencyFaults.mark();
            LOG.warn("{} record {}-{}@{} failed ({} time(s) in a row); it will be processed again: {}", handler.stage(),
                    record.topic(), record.partition(), record.offset(), failedBefore + 1, e.toString());
            return new Done(record, e, failedBefore + 1);
        }

        private void drain() {
            for (Done d = done.poll(); d != null; d = done.poll()) {
                TopicPartition tp = new TopicPartition(d.record().topic(), d.record().partition());
                running.merge(tp, -1, Integer::sum);
                unfinished--;
                PartitionProgress p = progress.get(tp);
                if (p == null) {
                    continue; // the partition moved to another consumer meanwhile; it will redo the record
                }
                if (d.fault() != null) {
                    long now = System.currentTimeMillis();
                    pausedForFaultUntil = now + backoff.toMillis();
                    redo.add(new Redo(d, pausedForFaultUntil));
                    backoff = PoolSupport.nextBackoff(backoff);
                } else {
                    p.finished(d.record().offset());
                    backoff = PoolSupport.FIRST_BACKOFF;
                }
            }
        }

        private void redispatchDue() {
            long now = System.currentTimeMillis();
            for (Iterator<Redo> it = redo.iterator(); it.hasNext();) {
                Redo r = it.next();
                if (r.notBefore() <= now) {
                    it.remove();
                    dispatch(r.failed().record(), r.failed());
                }
            }
        }

        /** Full in-flight window or a failing dependency: stop fetching until it eases. */
        private void applyBackpressure() {
            boolean hold = executing.get() >= maxInFlight || unfinished >= UNACKNOWLEDGED_PER_WINDOW * maxInFlight || System.currentTimeMillis() < pausedForFaultUntil;
            if (hold) {
                consumer.pause(consumer.assignment());
            } else {
                consumer.resume(consumer.assignment().stream().filter(tp -> !pauses.isPaused(tp)).toList());
            }
        }

        private void commitProgress(boolean now) {
            if (!now && System.currentTimeMillis() - lastCommit < COMMIT_INTERVAL.toMillis()) {
                return;
            }
            lastCommit = System.currentTimeMillis();
            Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
            progress.forEach((tp, p) -> {
                long offset = p.committable();
                if (offset >= 0 && offset > committed.getOrDefault(tp, -1L)) {
                    offsets.put(tp, new OffsetAndMetadata(offset));
                }
            });
            if (offsets.isEmpty()) {
                return;
            }
            try {
                consumer.commitSync(offsets);
                offsets.forEach((tp, o) -> committed.put(tp, o.offset()));
            } catch (WakeupException e) {
                throw e;
            } catch (KafkaException e) {
                LOG.warn("{} offset commit failed, the records after the last commit may be processed again: {}",
                        handler.stage(), e.toString());
            }
        }

        /**
         * Partitions being given up (revocation, shutdown): wait for their records in flight, commit
         * what finished, forget them. Records still unfinished at the timeout are abandoned uncommitted.
         */
        private void settle(Collection<TopicPartition> partitions) {
            long deadline = System.currentTimeMillis() + SETTLE_TIMEOUT.toMillis();
            redo.removeIf(r -> partitions.contains(new TopicPartition(r.failed().record().topic(), r.failed().record().partition())));
            while (System.currentTimeMillis() < deadline && partitions.stream().anyMatch(tp -> running.getOrDefault(tp, 0) > 0)) {
                drain();
                try {
                    Thread.sleep(10);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            drain();
            try {
                commitProgress(true);
            } catch (WakeupException e) {
                commitProgress(true); // a pending wakeup is consumed by the first call
            }
            partitions.forEach(tp -> {
                progress.remove(tp);
                committed.remove(tp);
            });
            pauses.forget(partitions);
        }
    }
}
