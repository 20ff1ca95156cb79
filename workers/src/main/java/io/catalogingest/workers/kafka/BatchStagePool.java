package io.catalogingest.workers.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;

import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.Timer;
import io.catalogingest.schemas.ProductSubmitted;
import io.catalogingest.workers.core.ItemOutcome;
import io.catalogingest.workers.core.RetryPolicy;
import io.catalogingest.workers.core.StageHandler;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A pool of consumers in one consumer group that process whole batches: right for the catalog
 * writer, whose database writes are fastest per batch. For every polled batch: apply it, route
 * every item (see {@link OutcomeRouter}), wait for the acknowledgements, and only then commit the
 * batch's offsets. A record the stage fails on for a reason of its own is isolated by halving the
 * batch and spends an attempt alone ({@link #applyIsolatingFaults}); a dependency fault takes the
 * whole batch again, at most {@link RetryPolicy#retriesInPlace} times in a row. A crash before the commit re-delivers the batch; the stage's effects are
 * idempotent and the status fold keeps sets of items, so that is harmless.
 */
public final class BatchStagePool extends ConsumerPool {
    private static final Logger LOG = LoggerFactory.getLogger(BatchStagePool.class);

    private final int maxPollRecords;
    private final Timer batches;

    public BatchStagePool(KafkaClients kafka, String groupId, String instanceId, StageHandler handler, int consumers,
            int maxPollRecords, RetryPolicy retryPolicy, MetricRegistry metrics) {
        super(kafka, groupId, instanceId, handler, consumers, retryPolicy, metrics);
        this.maxPollRecords = maxPollRecords;
        this.batches = metrics.timer(MetricRegistry.name(metricPrefix, "batch"));
    }

    @Override
    Member newMember(String clientId) {
        return new Worker(clientId);
    }

    /** The batch in hand is finished and committed; nothing past it is. */
    @Override
    Duration stopTimeout() {
        return Duration.ofSeconds(30);
    }

    private final class Worker extends Member {
        Worker(String clientId) {
            super(clientId, maxPollRecords);
        }

        @Override
        public void run() {
            Duration backoff = PoolSupport.FIRST_BACKOFF;
            FailingInPlace failing = FailingInPlace.NONE;
            try (consumer) {
                subscribe(new RebalanceListener(consumer, pauses::forget));
                while (true) {
                    pauses.resumeDue();
                    ConsumerRecords<String, byte[]> records = consumer.poll(Duration.ofMillis(500));
                    List<ConsumerRecord<String, byte[]>> due = pauses.due(records);
                    if (due.isEmpty()) {
                        continue;
                    }
                    try (Timer.Context ignored = batches.time()) {
                        if (failing.times() > retryPolicy.retriesInPlace()) {
                            giveUpInPlace(due, failing);
                            failing = FailingInPlace.NONE;
                        } else {
                            processBatch(due);
                            if (failing.heldAny(due)) {
                                failing = FailingInPlace.NONE;
                            }
                        }
                        backoff = PoolSupport.FIRST_BACKOFF;
                    } catch (WakeupException | VirtualMachineError e) {
                        throw e;
                    } catch (Exception | Error e) {
                        // A dependency's fault (database, object store, registry, Kafka) is not the
                        // items': no attempt is counted; wait and take the same records again.
                        dependencyFaults.mark();
                        failing = failing.again(due, e);
                        LOG.warn("{} batch of {} records failed ({} time(s) in a row); pausing {} ms before retrying it: {}",
                                handler.stage(), due.size(), failing.times(), backoff.toMillis(), e.toString());
                        rewind(records);
                        Thread.sleep(backoff.toMillis());
                        backoff = PoolSupport.nextBackoff(backoff);
                    }
                }
            } catch (WakeupException stopping) {
                LOG.info("{} consumer {} stopped", handler.stage(), thread.getName());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                LOG.error("{} consumer {} died", handler.stage(), thread.getName(), e);
            }
        }

        private void processBatch(List<ConsumerRecord<String, byte[]>> records) throws Exception {
            List<ProductSubmitted> batch = new ArrayList<>(records.size());
            List<ConsumerRecord<String, byte[]>> readable = new ArrayList<>(records.size());
            List<CompletableFuture<?>> acks = new ArrayList<>();
            for (ConsumerRecord<String, byte[]> r : records) {
                try {
                    batch.add(router.read(r));
                    readable.add(r);
                } catch (OutcomeRouter.UnreadableRecordException unreadable) {
                    acks.add(router.unreadable(r, unreadable));
                }
            }
            List<ItemOutcome> results = batch.isEmpty() ? List.of() : applyIsolatingFaults(batch);
            for (int i = 0; i < results.size(); i++) {
                acks.addAll(router.route(readable.get(i), results.get(i)));
            }
            acknowledgeAndCommit(records, acks);
        }

        /**
         * The batch failed in place more often than allowed: each of its records spends an attempt
         * instead. Records polled with them that were not in it (they head each partition) are
         * left for the next poll.
         */
        private void giveUpInPlace(List<ConsumerRecord<String, byte[]>> due, FailingInPlace failing) throws Exception {
            List<ConsumerRecord<String, byte[]>> failed = due.stream().filter(failing::held).toList();
            LOG.warn("{} batch of {} records failed {} times in place; each spends an attempt: {}", handler.stage(),
                    failed.size(), failing.times(), String.valueOf(failing.fault()));
            List<CompletableFuture<?>> acks = new ArrayList<>();
            for (ConsumerRecord<String, byte[]> r : failed) {
                acks.addAll(router.givenUpInPlace(r, failing.times(), failing.fault()));
            }
            acknowledgeAndCommit(failed, acks);
            Map<TopicPartition, Long> notTaken = new HashMap<>();
            due.stream().filter(r -> !failing.held(r)).forEach(r ->
                    notTaken.merge(new TopicPartition(r.topic(), r.partition()), r.offset(), Math::min));
            notTaken.forEach((tp, offset) -> {
                if (consumer.assignment().contains(tp)) {
                    consumer.seek(tp, offset);
                }
            });
        }

        private void acknowledgeAndCommit(List<ConsumerRecord<String, byte[]>> records, List<CompletableFuture<?>> acks)
                throws Exception {
            router.flush();
            OutcomeBatcher.all(acks).get();
            if (!records.isEmpty()) {
                consumer.commitSync(nextOffsets(records));
            }
        }

        /** Goes back to the first record of the failed batch in each partition. */
        private void rewind(ConsumerRecords<String, byte[]> records) {
            for (TopicPartition tp : records.partitions()) {
                if (consumer.assignment().contains(tp)) {
                    consumer.seek(tp, records.records(tp).get(0).offset());
                }
            }
        }
    }

    private static Map<TopicPartition, OffsetAndMetadata> nextOffsets(List<ConsumerRecord<String, byte[]>> records) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (ConsumerRecord<String, byte[]> r : records) {
            offsets.merge(new TopicPartition(r.topic(), r.partition()), new OffsetAndMetadata(r.offset() + 1),
                    (a, b) -> a.offset() >= b.offset() ? a : b);
        }
        return offsets;
    }

    /**
     * The records of the batch failing in place (by partition and offset), how many times in a row
     * and the last fault: counted per batch, so neither other partitions' successes reset it nor
     * other records are charged with it.
     */
    private record FailingInPlace(Set<String> records, int times, Throwable fault) {
        static final FailingInPlace NONE = new FailingInPlace(Set.of(), 0, null);

        FailingInPlace again(List<ConsumerRecord<String, byte[]>> failed, Throwable e) {
            return new FailingInPlace(failed.stream().map(FailingInPlace::id).collect(Collectors.toSet()),
                    heldAny(failed) ? times + 1 : 1, e);
        }

        boolean held(ConsumerRecord<String, byte[]> r) {
            return records.contains(id(r));
        }

        boolean heldAny(List<ConsumerRecord<String, byte[]>> due) {
            return due.stream().anyMatch(this::held);
        }

        private static String id(ConsumerRecord<String, byte[]> r) {
            return r.topic() + "-" + r.partition() + "@" + r.offset();
        }
    }
}
