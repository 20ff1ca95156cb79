package io.catalogingest.ops.dlq;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import io.catalogingest.schemas.ProductSubmitted;
import io.catalogingest.schemas.RecordHeaders;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/**
 * One dead-letter record as an operator sees it: where it sits, its product (null when the value
 * cannot be read) and its headers; the raw record is kept for a byte-exact replay.
 */
public record DeadLetter(ConsumerRecord<String, byte[]> record, ProductSubmitted product, Map<String, String> headers) {

    public static DeadLetter of(ConsumerRecord<String, byte[]> record, ProductSubmitted product) {
        Map<String, String> headers = new LinkedHashMap<>();
        for (Header h : record.headers()) {
            headers.put(h.key(), RecordHeaders.string(record.headers(), h.key()));
        }
        return new DeadLetter(record, product, headers);
    }

    public int partition() {
        return record.partition();
    }

    public long offset() {
        return record.offset();
    }

    public Instant timestamp() {
        return Instant.ofEpochMilli(record.timestamp());
    }

    public String errorCode() {
        return headers.getOrDefault(RecordHeaders.ERROR_CODE, "UNKNOWN");
    }

    public String errorClass() {
        return headers.getOrDefault(RecordHeaders.ERROR_CLASS, "unknown");
    }

    public long replayCount() {
        return RecordHeaders.number(record.headers(), RecordHeaders.REPLAY_COUNT, 0);
    }

    /** From the product; a dead letter of the splitter or the status fold is keyed by its upload id. */
    public String uploadId() {
        if (product != null) {
            return product.getUploadId();
        }
        return keyedByUpload() ? record.key() : null;
    }

    private boolean keyedByUpload() {
        String stage = headers.get(RecordHeaders.STAGE);
        return "STATUS".equals(stage) || "SPLIT".equals(stage);
    }

    /** From the product, else from the record key ({@code merchantId/sku}). */
    public String merchantId() {
        if (product != null) {
            return product.getMerchantId();
        }
        String key = record.key();
        int slash = key == null || keyedByUpload() ? -1 : key.indexOf('/');
        return slash < 0 ? null : key.substring(0, slash);
    }

    /** One line naming the record, its item and its error. */
    public String describe() {
        return String.format("%d/%d %s upload=%s item=%s sku=%s %s: %s (replays %d)", partition(), offset(), timestamp(),
                uploadId(), product == null ? "?" : product.getItemIndex(), product == null ? record.key() : product.getSku(),
                errorCode(), headers.getOrDefault(RecordHeaders.ERROR_MESSAGE, ""), replayCount());
    }
}
