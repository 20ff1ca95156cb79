package io.catalogingest.ops.dlq;

import static io.catalogingest.ops.dlq.DeadLetters.letter;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DeadLetterTest {
    @Test
    void anUnreadableRecordStillHasItsMerchantFromTheKey() {
        DeadLetter unreadable = letter("m9", null, "UNREADABLE_RECORD", 1, 0);
        assertThat(unreadable.merchantId()).isEqualTo("m9");
        assertThat(unreadable.uploadId()).isNull();
        assertThat(new DeadLetterFilter(null, "m9", null, null).test(unreadable)).isTrue();
    }
}
