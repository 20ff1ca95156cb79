package io.catalogingest.ops.dlq;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Optional;

import io.catalogingest.schemas.ProductSubmitted;
import io.catalogingest.schemas.RecordHeaders;
import io.catalogingest.schemas.Stage;
import io.catalogingest.schemas.Topics;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.record.TimestampType;

/** Dead letters as the images stage writes them, built without Kafka. */
final class DeadLetters {
    private DeadLetters() {}

    /** A letter of {@code merchant}'s SKU; {@code upload} null stands for a value that could not be read. */
    static DeadLetter letter(String merchant, String upload, String code, long timestamp, long replays) {
        ConsumerRecord<String, byte[]> record = new ConsumerRecord<>(Topics.deadLetter(Stage.IMAGES), 2, 40 + replays, timestamp,
                TimestampType.CREATE_TIME, 0, 3, merchant + "/sku", new byte[] {0, 1, 2},
                new org.apache.kafka.common.header.internals.RecordHeaders(), Optional.empty());
        RecordHeaders.put(record.headers(), RecordHeaders.ERROR_CODE, code);
        RecordHeaders.put(record.headers(), RecordHeaders.ERROR_CLASS, "TRANSIENT");
        RecordHeaders.put(record.headers(), RecordHeaders.ORIGIN_OFFSET, 7);
        RecordHeaders.put(record.headers(), RecordHeaders.ATTEMPT, 3);
        RecordHeaders.put(record.headers(), RecordHeaders.REPLAY_COUNT, replays);
        ProductSubmitted product = upload == null ? null : ProductSubmitted.newBuilder().setUploadId(upload).setMerchantId(merchant)
                .setItemIndex(1).setSku("sku").setTitle("t").setPrice(new BigDecimal("1.0000")).setCurrency("EUR")
                .setAcceptedAt(Instant.EPOCH).build();
        return DeadLetter.of(record, product);
    }
}
