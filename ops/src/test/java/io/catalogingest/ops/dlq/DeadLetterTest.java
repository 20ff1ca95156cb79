package io.catalogingest.ops.dlq;

import static io.catalogingest.ops.dlq.DeadLetters.letter;
import static org.assertj.core.api.Assertions.assertThat;

import io.catalogingest.schemas.RecordHeaders;
import io.catalogingest.schemas.Topics;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

class DeadLetterTest {
    @Test
    void anUnreadableRecordStillHasItsMerchantFromTheKey() {
        DeadLetter unreadable = letter("m9", null, "UNREADABLE_RECORD", 1, 0);
        assertThat(unreadable.merchantId()).isEqualTo("m9");
        assertThat(unreadable.uploadId()).isNull();
        assertThat(new DeadLetterFilter(null, "m9", null, null).test(unreadable)).isTrue();
    }

    @Test
    void aStatusDeadLetterNamesItsUploadByItsKeyAndNoMerchant() {
        ConsumerRecord<String, byte[]> record = new ConsumerRecord<>(Topics.STATUS_DEAD_LETTERS, 0, 5, "upload-7",
                "garbage".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        RecordHeaders.put(record.headers(), RecordHeaders.STAGE, "STATUS");
        RecordHeaders.put(record.headers(), RecordHeaders.ERROR_CODE, "UNREADABLE_RECORD");
        DeadLetter letter = DeadLetter.of(record, null);
        assertThat(letter.uploadId()).isEqualTo("upload-7");
        assertThat(letter.merchantId()).isNull();
        assertThat(new DeadLetterFilter(null, null, "upload-7", null).test(letter)).isTrue();
    }
}
