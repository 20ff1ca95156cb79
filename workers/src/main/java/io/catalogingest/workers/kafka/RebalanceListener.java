package io.catalogingest.workers.kafka;

import java.util.Collection;
import java.util.function.Consumer;

import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Logs partition moves and lets the pool settle the work of partitions it gives up. */
final class RebalanceListener implements ConsumerRebalanceListener {
    private static final Logger LOG = LoggerFactory.getLogger(RebalanceListener.class);

    private final org.apache.kafka.clients.consumer.Consumer<?, ?> consumer;
    private final Consumer<Collection<TopicPartition>> onGivenUp;

    RebalanceListener(org.apache.kafka.clients.consumer.Consumer<?, ?> consumer, Consumer<Collection<TopicPartition>> onGivenUp) {
        this.consumer = consumer;
        this.onGivenUp = onGivenUp;
    }

    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
        onGivenUp.accept(partitions);
        LOG.info("{} gave up {} partition(s)", consumer.groupMetadata().memberId(), partitions.size());
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
        LOG.info("{} took {} partition(s)", consumer.groupMetadata().memberId(), partitions.size());
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> partitions) {
        onGivenUp.accept(partitions);
    }
}
