package io.catalogingest.ops.dlq;

import static io.catalogingest.ops.dlq.DeadLetters.letter;
import static org.assertj.core.api.Assertions.assertThat;

import io.catalogingest.schemas.RecordHeaders;
import io.catalogingest.schemas.Stage;
import io.catalogingest.schemas.Topics;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

class ReplayTest {
    @Test
    void aReplayGoesToTheStagesRetryTopicWithItsBytesOneMoreReplayAndAFreshAttempt() {
        DeadLetter letter = letter("m", "u1", "A", 1, 2);
        RecordHeaders.put(letter.record().headers(), RecordHeaders.NOT_BEFORE, 99);
        ProducerRecord<String, byte[]> out = Replay.republished(letter, Stage.IMAGES, 3);
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
