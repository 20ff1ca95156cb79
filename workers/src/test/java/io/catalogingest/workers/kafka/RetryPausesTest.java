package io.catalogingest.workers.kafka;

import static io.catalogingest.workers.kafka.MockKafka.PRODUCTS_0;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import io.catalogingest.schemas.RecordHeaders;
import io.catalogingest.schemas.Stage;
import io.catalogingest.schemas.Topics;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RetryPausesTest {
    private static final String RETRY_TOPIC = Topics.retry(Stage.IMAGES);
    private static final TopicPartition RETRY_0 = new TopicPartition(RETRY_TOPIC, 0);
    private static final TopicPartition RETRY_1 = new TopicPartition(RETRY_TOPIC, 1);
    private static final long HOUR = Duration.ofHours(1).toMillis();

    private final MockKafka kafka = new MockKafka(true);
    private final RetryPauses pauses = new RetryPauses(kafka.consumer, List.of(RETRY_TOPIC));
    private final long now = System.currentTimeMillis();

    @BeforeEach
    void assign() {
        kafka.consumer.assign(List.of(PRODUCTS_0, RETRY_0, RETRY_1));
    }

    @Test
    void aRetryRecordNotYetDuePausesAndRewindsItsPartitionWhileDueRecordsPass() {
        ConsumerRecord<String, byte[]> early = notBefore(RETRY_0, 5, now + HOUR);
        ConsumerRecord<String, byte[]> behindEarly = notBefore(RETRY_0, 6, now - HOUR);
        ConsumerRecord<String, byte[]> dueRetry = notBefore(RETRY_1, 3, now - HOUR);
        ConsumerRecord<String, byte[]> product = kafka.record(Topics.PRODUCTS, 0, 9, MockKafka.product(9));

        List<ConsumerRecord<String, byte[]>> due = pauses.due(batch(early, behindEarly, dueRetry, product));

        assertThat(due).containsExactlyInAnyOrder(dueRetry, product);
        assertThat(kafka.consumer.paused()).containsExactly(RETRY_0);
        assertThat(kafka.consumer.position(RETRY_0)).as("rewound to the record not yet due").isEqualTo(5);
        pauses.resumeDue();
        assertThat(kafka.consumer.paused()).as("still not due").containsExactly(RETRY_0);
    }

    @Test
    void onlyTheRetryTopicIsDelayed() {
        ConsumerRecord<String, byte[]> product = kafka.record(Topics.PRODUCTS, 0, 9, MockKafka.product(9));
        RecordHeaders.put(product.headers(), RecordHeaders.NOT_BEFORE, now + HOUR);

        assertThat(pauses.due(batch(product))).containsExactly(product);
        assertThat(kafka.consumer.paused()).isEmpty();
    }

    private ConsumerRecord<String, byte[]> notBefore(TopicPartition tp, long offset, long notBefore) {
        ConsumerRecord<String, byte[]> record = kafka.record(tp.topic(), tp.partition(), offset, MockKafka.product((int) offset));
        RecordHeaders.put(record.headers(), RecordHeaders.NOT_BEFORE, notBefore);
        return record;
    }

    @SafeVarargs
    private static ConsumerRecords<String, byte[]> batch(ConsumerRecord<String, byte[]>... records) {
        Map<TopicPartition, List<ConsumerRecord<String, byte[]>>> byPartition = Arrays.stream(records)
                .collect(Collectors.groupingBy(r -> new TopicPartition(r.topic(), r.partition()),
                        LinkedHashMap::new, Collectors.toList()));
        return new ConsumerRecords<>(byPartition, Map.of());
    }
}
