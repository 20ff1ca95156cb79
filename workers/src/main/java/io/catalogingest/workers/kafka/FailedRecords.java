package io.catalogingest.workers.kafka;

import io.catalogingest.schemas.RecordHeaders;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;

/**
 * A record that failed, as it moves on to a retry or dead-letter topic: its key and value
 * unchanged, its headers carried, the origin of its first delivery kept, and why it moves on.
 */
final class FailedRecords {
    private FailedRecords() {}

    static ProducerRecord<String, byte[]> forward(String topic, ConsumerRecord<String, byte[]> record, String stage,
            Throwable error, String code, String message, int attempt) {
        ProducerRecord<String, byte[]> out = new ProducerRecord<>(topic, null, record.key(), record.value(), record.headers());
        Headers h = out.headers();
        if (h.lastHeader(RecordHeaders.ORIGIN_TOPIC) == null) {
            RecordHeaders.put(h, RecordHeaders.ORIGIN_TOPIC, record.topic());
            RecordHeaders.put(h, RecordHeaders.ORIGIN_PARTITION, record.partition());
            RecordHeaders.put(h, RecordHeaders.ORIGIN_OFFSET, record.offset());
            RecordHeaders.put(h, RecordHeaders.FIRST_FAILURE, System.currentTimeMillis());
        }
        if (h.lastHeader(RecordHeaders.REPLAY_COUNT) == null) {
            RecordHeaders.put(h, RecordHeaders.REPLAY_COUNT, 0);
        }
        RecordHeaders.put(h, RecordHeaders.STAGE, stage);
        RecordHeaders.put(h, RecordHeaders.ERROR_CLASS, error.getClass().getName());
        RecordHeaders.put(h, RecordHeaders.ERROR_CODE, code);
        RecordHeaders.put(h, RecordHeaders.ERROR_MESSAGE, message);
        RecordHeaders.put(h, RecordHeaders.ATTEMPT, attempt);
        return out;
    }
}
