package io.catalogingest.localstack;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.kafka.clients.consumer.ConsumerInterceptor;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerInterceptor;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Holds a process at a known point, so a test can kill it there: the producer's send number
 * {@value #HALT_AT} (client property) never returns, and the process prints {@value #HALTED} first.
 * Passed through {@code --kafka-property interceptor.classes=...}, which every client of the
 * command gets, hence both interceptor kinds; consumers pass through untouched.
 */
public final class HaltingInterceptor implements ProducerInterceptor<Object, Object>, ConsumerInterceptor<Object, Object> {
    static final String HALT_AT = "halting.interceptor.send";
    static final String HALTED = "HALTED";
    private static final Duration HELD_AT_MOST = Duration.ofMinutes(5);

    private final AtomicInteger sends = new AtomicInteger();
    private int haltAt = Integer.MAX_VALUE;

    @Override
    public void configure(Map<String, ?> configs) {
        Object value = configs.get(HALT_AT);
        if (value != null) {
            haltAt = Integer.parseInt(value.toString());
        }
    }

    @Override
    public ProducerRecord<Object, Object> onSend(ProducerRecord<Object, Object> record) {
        if (sends.incrementAndGet() == haltAt) {
            System.out.println(HALTED);
            System.out.flush();
            try {
                new CountDownLatch(1).await(HELD_AT_MOST.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            // Not killed in time: the test has gone; leave no process behind.
            Runtime.getRuntime().halt(1);
        }
        return record;
    }

    @Override
    public void onAcknowledgement(RecordMetadata metadata, Exception exception) {}

    @Override
    public ConsumerRecords<Object, Object> onConsume(ConsumerRecords<Object, Object> records) {
        return records;
    }

    @Override
    public void onCommit(Map<TopicPartition, OffsetAndMetadata> offsets) {}

    @Override
    public void close() {}
}
