package io.catalogingest.ops.dlq;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.google.common.util.concurrent.RateLimiter;
import io.catalogingest.common.kafka.KafkaFactory;
import io.catalogingest.ops.kafka.Offsets;
import io.catalogingest.schemas.RecordHeaders;
import io.catalogingest.schemas.Stage;
import io.catalogingest.schemas.Topics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Republishes dead letters into their stage's retry topic, which only that stage consumes, so the
 * healthy stage never runs again. Each record keeps its key, value and origin headers, gets one
 * more replay counted and a fresh attempt budget. Progress is the committed offsets of a dedicated
 * consumer group, written in the same Kafka transaction as the republished records: a replay that
 * stops anywhere (Ctrl-C, kill -9, --max) resumes exactly after the last record it handled.
 */
public final class Replay {
    /** What to replay and how. {@code max} counts republished records; {@code rate} is records/s (0: no limit). */
    public record Settings(Stage stage, String group, DeadLetterFilter filter, boolean dryRun, boolean fromStart,
            long max, double rate, long maxReplays) {}

    /** What a run did (or, dry, would do). */
    public record Result(long replayed, long skipped, List<DeadLetter> refused, boolean stoppedAtMax) {}

    private static final int TRANSACTION_RECORDS = 200;
    private static final Duration TRANSACTION_TIME = Duration.ofSeconds(1);

    private final KafkaFactory kafka;
    private final Settings settings;

    public Replay(KafkaFactory kafka, Settings settings) {
        this.kafka = kafka;
        this.settings = settings;
    }

    public static String defaultGroup(Stage stage) {
        return "pipelinectl-replay-" + stage.name().toLowerCase(java.util.Locale.ROOT);
    }

    public Result run(PrintWriter progress) throws Exception {
        String topic = Topics.deadLetter(settings.stage());
        try (DeadLetterScan scan = new DeadLetterScan(kafka, topic);
                Producer<String, byte[]> producer = settings.dryRun() ? null : transactionalProducer()) {
            Map<TopicPartition, Long> from = settings.fromStart() ? Map.of() : committedOffsets();
            Run run = new Run(producer, progress);
            scan.scan(from, run::handle);
            run.commit();
            return new Result(run.replayed, run.skipped, run.refused, run.stoppedAtMax);
        }
    }

    private Producer<String, byte[]> transactionalProducer() {
        // One transactional id per stage: a second replay of the same stage fences the first instead of racing it.
        Producer<String, byte[]> producer = new KafkaProducer<>(kafka.transactionalProducer(settings.group()),
                new StringSerializer(), new ByteArraySerializer());
        producer.initTransactions();
        return producer;
    }

    private Map<TopicPartition, Long> committedOffsets() throws Exception {
        try (Admin admin = Admin.create(kafka.common("pipelinectl-replay"))) {
            return Offsets.committed(admin, settings.group());
        }
    }

    /** The record as it goes back to its stage. */
    static ProducerRecord<String, byte[]> republished(DeadLetter letter, Stage stage) {
        var record = letter.record();
        ProducerRecord<String, byte[]> out = new ProducerRecord<>(Topics.retry(stage), null, record.key(),
                record.value(), record.headers());
        Headers h = out.headers();
        RecordHeaders.put(h, RecordHeaders.REPLAY_COUNT, letter.replayCount() + 1);
        RecordHeaders.put(h, RecordHeaders.ATTEMPT, 1);
        h.remove(RecordHeaders.NOT_BEFORE);
        return out;
    }

    private final class Run {
        private final Producer<String, byte[]> producer;
        private final PrintWriter progress;
        private final RateLimiter limiter;
        private final Map<TopicPartition, OffsetAndMetadata> handled = new HashMap<>();
        private final List<DeadLetter> refused = new ArrayList<>();
        private long replayed;
        private long skipped;
        private boolean stoppedAtMax;
        private int inTransaction;
        private long transactionStarted;

        Run(Producer<String, byte[]> producer, PrintWriter progress) {
            this.producer = producer;
            this.progress = progress;
            this.limiter = settings.rate() > 0 ? RateLimiter.create(settings.rate()) : null;
        }

        boolean handle(DeadLetter letter) {
            if (!settings.filter().test(letter)) {
                skipped++;
            } else if (letter.replayCount() >= settings.maxReplays()) {
                refused.add(letter);
            } else if (settings.max() > 0 && replayed >= settings.max()) {
                stoppedAtMax = true;
                return false;
            } else {
                if (limiter != null) {
                    limiter.acquire();
                }
                if (producer != null) {
                    begin();
                    producer.send(republished(letter, settings.stage()));
                }
                replayed++;
            }
            handled.put(new TopicPartition(letter.record().topic(), letter.partition()), new OffsetAndMetadata(letter.offset() + 1));
            if (producer != null && (inTransaction >= TRANSACTION_RECORDS
                    || System.nanoTime() - transactionStarted > TRANSACTION_TIME.toNanos())) {
                commit();
            }
            return true;
        }

        private void begin() {
            if (inTransaction == 0) {
                producer.beginTransaction();
                transactionStarted = System.nanoTime();
            }
            inTransaction++;
        }

        /** Republished records and the offsets after them become visible together, or not at all. */
        void commit() {
            if (producer == null || handled.isEmpty()) {
                return;
            }
            if (inTransaction == 0) {
                producer.beginTransaction();
            }
            producer.sendOffsetsToTransaction(Map.copyOf(handled), new ConsumerGroupMetadata(settings.group()));
            producer.commitTransaction();
            handled.clear();
            inTransaction = 0;
            transactionStarted = System.nanoTime();
            progress.printf("replayed %d, refused %d, skipped %d%n", replayed, refused.size(), skipped);
            progress.flush();
        }
    }
}
