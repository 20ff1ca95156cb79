package io.catalogingest.ops.dlq;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

import io.catalogingest.common.kafka.KafkaFactory;
import io.catalogingest.ops.kafka.TopicScan;
import io.catalogingest.schemas.RecordHeaders;
import io.catalogingest.schemas.Stage;
import io.catalogingest.schemas.Topics;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * What has been replayed, per original item, across every run: the compacted topic
 * {@link Topics#REPLAYS}, written in the same transaction as the replayed records. An original is
 * the record as it first failed (its origin headers), so its copies dead-lettered again after a
 * replay count against the same bound. A dead letter carries the replays its original had when it
 * failed ({@link DeadLetter#replayCount}); once the ledger counts more, that dead letter is done, and
 * so is a duplicate of it (the same failure dead-lettered twice after a redelivery).
 */
final class ReplayLedger {
    private final Map<String, Long> replays;

    private ReplayLedger(Map<String, Long> replays) {
        this.replays = replays;
    }

    /** The ledger as committed now, for one stage. */
    static ReplayLedger read(KafkaFactory kafka, Stage stage) {
        Map<String, Long> replays = new HashMap<>();
        String prefix = stage.name() + "|";
        try (TopicScan scan = new TopicScan(kafka, Topics.REPLAYS)) {
            scan.scan(Map.of(), record -> {
                if (record.key() != null && record.key().startsWith(prefix)) {
                    if (record.value() == null) {
                        replays.remove(record.key());
                    } else {
                        replays.put(record.key(), Long.parseLong(new String(record.value(), StandardCharsets.UTF_8)));
                    }
                }
                return true;
            });
        }
        return new ReplayLedger(replays);
    }

    /** Replays of the original so far, over every run. */
    long replays(String key) {
        return replays.getOrDefault(key, 0L);
    }

    /** Records that the original has now been replayed {@code count} times; answers the ledger record that says so. */
    ProducerRecord<String, byte[]> replayed(String key, long count) {
        replays.put(key, count);
        return new ProducerRecord<>(Topics.REPLAYS, key, Long.toString(count).getBytes(StandardCharsets.UTF_8));
    }

    /** The original of a dead letter: where it first failed, or the dead letter itself if that is unknown. */
    static String key(Stage stage, DeadLetter letter) {
        Map<String, String> h = letter.headers();
        String origin = h.containsKey(RecordHeaders.ORIGIN_TOPIC)
                ? h.get(RecordHeaders.ORIGIN_TOPIC) + "/" + h.get(RecordHeaders.ORIGIN_PARTITION) + "/" + h.get(RecordHeaders.ORIGIN_OFFSET)
                : letter.record().topic() + "/" + letter.partition() + "/" + letter.offset();
        return stage.name() + "|" + origin;
    }
}
