package io.catalogingest.ops.dlq;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Map;

import io.catalogingest.schemas.ProductSubmitted;
import io.catalogingest.schemas.RecordHeaders;
import io.catalogingest.schemas.Stage;
import io.catalogingest.schemas.Topics;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

/** Filters, summaries and the republished form of dead letters, without Kafka. */
class DeadLetterTest {
    private static DeadLetter letter(String merchant, String upload, String code, long timestamp, long replays) {
        ConsumerRecord<String, byte[]> record = new ConsumerRecord<>(Topics.deadLetter(Stage.IMAGES), 2, 40 + replays, merchant + "/sku",
                new byte[] {0, 1, 2});
        record = new ConsumerRecord<>(record.topic(), record.partition(), record.offset(), timestamp,
                org.apache.kafka.common.record.TimestampType.CREATE_TIME, 0, 3, record.key(), record.value(),
                new org.apache.kafka.common.header.internals.RecordHeaders(), java.util.Optional.empty());
        RecordHeaders.put(record.headers(), RecordHeaders.ERROR_CODE, code);
        RecordHeaders.put(record.headers(), RecordHeaders.ERROR_CLASS, "TRANSIENT");
        RecordHeaders.put(record.headers(), RecordHeaders.ORIGIN_OFFSET, 7);
        RecordHeaders.put(record.headers(), RecordHeaders.ATTEMPT, 3);
        RecordHeaders.put(record.headers(), RecordHeaders.REPLAY_COUNT, replays);
        ProductSubmitted product = upload == null ? null : ProductSubmitted.newBuilder().setUploadId(upload).setMerchantId(merchant)
                .setItemIndex(1).setSku("sku").setTitle("t").setPrice(new java.math.BigDecimal("1.0000")).setCurrency("EUR").setAcceptedAt(Instant.EPOCH).build();
        return DeadLetter.of(record, product);
    }

    @Test
    void filtersMatchOnEveryGivenCriterionOnly() {
        DeadLetter letter = letter("m1", "u1", "IMAGE_ORIGIN_ERROR", 5_000, 0);
        assertThat(DeadLetterFilter.ALL.test(letter)).isTrue();
        assertThat(new DeadLetterFilter(null, "m1", "u1", "image_origin_error").test(letter)).isTrue();
        assertThat(new DeadLetterFilter(null, "m2", null, null).test(letter)).isFalse();
        assertThat(new DeadLetterFilter(null, null, "u2", null).test(letter)).isFalse();
        assertThat(new DeadLetterFilter(null, null, null, "IMAGE_NOT_FOUND").test(letter)).isFalse();
        assertThat(new DeadLetterFilter(Instant.ofEpochMilli(5_000), null, null, null).test(letter)).isTrue();
        assertThat(new DeadLetterFilter(Instant.ofEpochMilli(5_001), null, null, null).test(letter)).isFalse();
    }

    @Test
    void anUnreadableRecordStillHasItsMerchantFromTheKey() {
        DeadLetter unreadable = letter("m9", null, "UNREADABLE_RECORD", 1, 0);
        assertThat(unreadable.merchantId()).isEqualTo("m9");
        assertThat(unreadable.uploadId()).isNull();
        assertThat(new DeadLetterFilter(null, "m9", null, null).test(unreadable)).isTrue();
    }

    @Test
    void summaryCountsByErrorAndUploadWithTheTimeSpan() {
        DeadLetterSummary summary = new DeadLetterSummary();
        summary.add(letter("m", "u1", "A", 3_000, 0));
        summary.add(letter("m", "u2", "A", 1_000, 0));
        summary.add(letter("m", "u2", "B", 2_000, 0));
        assertThat(summary.total()).isEqualTo(3);
        assertThat(summary.byError()).isEqualTo(Map.of("A (TRANSIENT)", 2L, "B (TRANSIENT)", 1L));
        assertThat(summary.topUploads()).containsExactly(Map.entry("u2", 2L), Map.entry("u1", 1L));
        java.io.StringWriter text = new java.io.StringWriter();
        summary.print(new java.io.PrintWriter(text), "t");
        assertThat(text.toString()).contains("oldest 1970-01-01T00:00:01Z, newest 1970-01-01T00:00:03Z");
    }

    @Test
    void aReplayGoesToTheStagesRetryTopicWithItsBytesOneMoreReplayAndAFreshAttempt() {
        DeadLetter letter = letter("m", "u1", "A", 1, 2);
        RecordHeaders.put(letter.record().headers(), RecordHeaders.NOT_BEFORE, 99);
        ProducerRecord<String, byte[]> out = Replay.republished(letter, Stage.IMAGES);
        assertThat(out.topic()).isEqualTo(Topics.retry(Stage.IMAGES));
        assertThat(out.key()).isEqualTo("m/sku");
        assertThat(out.value()).containsExactly(0, 1, 2);
        assertThat(RecordHeaders.number(out.headers(), RecordHeaders.REPLAY_COUNT, -1)).isEqualTo(3);
        assertThat(RecordHeaders.number(out.headers(), RecordHeaders.ATTEMPT, -1)).isEqualTo(1);
        assertThat(RecordHeaders.number(out.headers(), RecordHeaders.ORIGIN_OFFSET, -1)).isEqualTo(7);
        assertThat(RecordHeaders.string(out.headers(), RecordHeaders.ERROR_CODE)).isEqualTo("A");
        assertThat(out.headers().lastHeader(RecordHeaders.NOT_BEFORE)).isNull();
    }
}
