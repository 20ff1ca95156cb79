package io.catalogingest.workers.kafka;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.catalogingest.schemas.RecordHeaders;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.TopicPartition;

/**
 * Delays on the retry topics without blocking anything else: a retry record that is not due yet
 * stays unconsumed, its partition rewound to it and paused until it is due. Every record of one
 * retry topic waits the same delay, so the records behind a paused head are not due either.
 * One per consumer.
 */
final class RetryPauses {
    private final Consumer<String, byte[]> consumer;
    private final Set<String> retryTopics;
    private final Map<TopicPartition, Long> pausedUntil = new HashMap<>();

    RetryPauses(Consumer<String, byte[]> consumer, Collection<String> retryTopics) {
        this.consumer = consumer;
        this.retryTopics = Set.copyOf(retryTopics);
    }

    /** The records that may be processed now, in partition order. */
    List<ConsumerRecord<String, byte[]>> due(ConsumerRecords<String, byte[]> records) {
        long now = System.currentTimeMillis();
        List<ConsumerRecord<String, byte[]>> due = new ArrayList<>(records.count());
        for (TopicPartition tp : records.partitions()) {
            for (ConsumerRecord<String, byte[]> r : records.records(tp)) {
                long notBefore = RecordHeaders.number(r.headers(), RecordHeaders.NOT_BEFORE, 0);
                if (retryTopics.contains(tp.topic()) && notBefore > now) {
                    consumer.seek(tp, r.offset());
                    consumer.pause(List.of(tp));
                    pausedUntil.put(tp, notBefore);
                    break;
                }
                due.add(r);
            }
        }
        return due;
    }

    /** Resumes partitions whose head record is due now. */
    void resumeDue() {
        long now = System.currentTimeMillis();
        List<TopicPartition> due = pausedUntil.entrySet().stream().filter(e -> e.getValue() <= now).map(Map.Entry::getKey).toList();
        if (!due.isEmpty()) {
            due.forEach(pausedUntil::remove);
            consumer.resume(due.stream().filter(consumer.assignment()::contains).toList());
        }
    }

    boolean isPaused(TopicPartition tp) {
        return pausedUntil.containsKey(tp);
    }

    /** Partitions that moved to another consumer. */
    void forget(Collection<TopicPartition> partitions) {
        partitions.forEach(pausedUntil::remove);
    }
}
