package io.catalogingest.ops.dlq;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.google.common.util.concurrent.RateLimiter;
import io.catalogingest.common.kafka.KafkaFactory;
import io.catalogingest.schemas.RecordHeaders;
import io.catalogingest.schemas.Stage;
import io.catalogingest.schemas.Topics;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Republishes dead letters into their stage's retry topic, which only that stage consumes, so the
 * healthy stage never runs again. Each record keeps its key, value and origin headers, gets one
 * more replay counted and a fresh attempt budget.
 *
 * <p>What was replayed is kept in the replay ledger ({@link ReplayLedger}), a compacted topic
 * written in the same Kafka transaction as the republished records, never in a consumer group's
 * offsets, which the broker forgets. So: a replay that stops anywhere (Ctrl-C, kill -9, --max)
 * resumes exactly after the last record it handled; {@code maxReplays} bounds the replays of each
 * original item over every run, {@code --from-start} included; and a filtered replay consumes only
 * what it replays: the records its filters skip are left for a later replay with other filters.
 * Each run reads the dead-letter topic from its beginning and the ledger tells what is done.
 */
public final class Replay {
    /**
     * What to replay and how. {@code max} counts republished records; {@code rate} is records/s (0: no
     * limit); {@code fromStart} replays again what was replayed already, still within {@code maxReplays};
     * {@code transactionalId}: replays with the same one fence each other instead of racing.
     */
    public record Settings(Stage stage, String transactionalId, DeadLetterFilter filter, boolean dryRun, boolean fromStart,
            long max, double rate, long maxReplays) {}

    /** What a run did (or, dry, would do). {@code done}: replayed by an earlier run already. */
    public record Result(long replayed, long skipped, long done, List<DeadLetter> refused, boolean stoppedAtMax) {}

    private static final int TRANSACTION_RECORDS = 200;
    private static final Duration TRANSACTION_TIME = Duration.ofSeconds(1);

    private final KafkaFactory kafka;
    private final Settings settings;

    public Replay(KafkaFactory kafka, Settings settings) {
        this.kafka = kafka;
        this.settings = settings;
    }

    public static String defaultTransactionalId(Stage stage) {
        return "pipelinectl-replay-" + stage.name().toLowerCase(java.util.Locale.ROOT);
    }

    public Result run(PrintWriter progress) throws Exception {
        String topic = Topics.deadLetter(settings.stage());
        try (Producer<String, byte[]> producer = settings.dryRun() ? null : transactionalProducer();
                DeadLetterScan scan = new DeadLetterScan(kafka, topic)) {
            // Read after the producer fenced any earlier run of the same id, so its last transaction is settled.
            ReplayLedger ledger = ReplayLedger.read(kafka, settings.stage());
            Run run = new Run(producer, ledger, progress);
            scan.scan(Map.of(), run::handle);
            run.commit();
            return new Result(run.replayed, run.skipped, run.done, run.refused, run.stoppedAtMax);
        }
    }

    private Producer<String, byte[]> transactionalProducer() {
        Producer<String, byte[]> producer = new KafkaProducer<>(kafka.transactionalProducer(settings.transactionalId()),
                new StringSerializer(), new ByteArraySerializer());
        producer.initTransactions();
        return producer;
    }

    /** The record as it goes back to its stage. */
    static ProducerRecord<String, byte[]> republished(DeadLetter letter, Stage stage, long replays) {
        var record = letter.record();
        ProducerRecord<String, byte[]> out = new ProducerRecord<>(Topics.retry(stage), null, record.key(),
                record.value(), record.headers());
        Headers h = out.headers();
        RecordHeaders.put(h, RecordHeaders.REPLAY_COUNT, replays);
        RecordHeaders.put(h, RecordHeaders.ATTEMPT, 1);
        h.remove(RecordHeaders.NOT_BEFORE);
        return out;
    }

    private final class Run {
        private final Producer<String, byte[]> producer;
        private final ReplayLedger ledger;
        private final PrintWriter progress;
        private final RateLimiter limiter;
        private final List<DeadLetter> refused = new ArrayList<>();
        private long replayed;
        private long skipped;
        private long done;
        private boolean stoppedAtMax;
        private int inTransaction;
        private long transactionStarted;

        Run(Producer<String, byte[]> producer, ReplayLedger ledger, PrintWriter progress) {
            this.producer = producer;
            this.ledger = ledger;
            this.progress = progress;
            this.limiter = settings.rate() > 0 ? RateLimiter.create(settings.rate()) : null;
        }

        boolean handle(DeadLetter letter) {
            if (!settings.filter().test(letter)) {
                skipped++;
                return true;
            }
            String key = ReplayLedger.key(settings.stage(), letter);
            long replays = Math.max(letter.replayCount(), ledger.replays(key));
            if (!settings.fromStart() && replays > letter.replayCount()) {
                done++; // its original was replayed after this failure
                return true;
            }
            if (replays >= settings.maxReplays()) {
                refused.add(letter);
                return true;
            }
            if (settings.max() > 0 && replayed >= settings.max()) {
                stoppedAtMax = true;
                return false;
            }
            if (limiter != null) {
                limiter.acquire();
            }
            ProducerRecord<String, byte[]> marked = ledger.replayed(key, replays + 1);
            if (producer != null) {
                if (inTransaction++ == 0) {
                    producer.beginTransaction();
                    transactionStarted = System.nanoTime();
                }
                producer.send(republished(letter, settings.stage(), replays + 1));
                producer.send(marked);
                if (inTransaction >= TRANSACTION_RECORDS || System.nanoTime() - transactionStarted > TRANSACTION_TIME.toNanos()) {
                    commit();
                }
            }
            replayed++;
            return true;
        }

        /** Republished records and the ledger entries that say so become visible together, or not at all. */
        void commit() {
            if (producer == null || inTransaction == 0) {
                return;
            }
            producer.commitTransaction();
            inTransaction = 0;
            progress.printf("replayed %d, refused %d, skipped %d, replayed before %d%n", replayed, refused.size(), skipped, done);
            progress.flush();
        }
    }
}
