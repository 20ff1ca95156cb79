package io.catalogingest.workers.kafka;

import java.util.Collection;
import java.util.Map;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Batches are committed before the next poll, so a revoked partition has nothing in flight; this
 * only forgets the retry pauses of partitions that moved to another consumer.
 */
final class RebalanceListener implements ConsumerRebalanceListener {
    private static final Logger LOG = LoggerFactory.getLogger(RebalanceListener.class);

    private final Consumer<?, ?> consumer;
    private final Map<TopicPartition, Long> pausedUntil;

    RebalanceListener(Consumer<?, ?> consumer, Map<TopicPartition, Long> pausedUntil) {
        this.consumer = consumer;
        this.pausedUntil = pausedUntil;
    }

    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
        partitions.forEach(pausedUntil::remove);
        LOG.info("{} gave up {} partition(s)", consumer.groupMetadata().memberId(), partitions.size());
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
        LOG.info("{} took {} partition(s)", consumer.groupMetadata().memberId(), partitions.size());
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> partitions) {
        partitions.forEach(pausedUntil::remove);
    }
}
