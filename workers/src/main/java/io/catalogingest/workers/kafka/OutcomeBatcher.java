package io.catalogingest.workers.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import io.catalogingest.schemas.FailedItem;
import io.catalogingest.schemas.ItemOutcomes;
import io.catalogingest.schemas.OutcomeBatch;
import io.catalogingest.schemas.Stage;
import io.catalogingest.schemas.Topics;
import io.catalogingest.schemas.serde.AvroSerializer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gathers a pool's outcomes into one {@link ItemOutcomes} record per upload and batch, instead of a
 * record per item: a million-item upload is then hundreds of records for the status fold, not two
 * million. An outcome's future completes once the record that carries it is acknowledged, so a
 * pool commits offsets only past items whose outcome is durable. A batch is sent when it holds
 * {@code maxItems} outcomes, when it is {@code linger} old, or on {@link #flush()}. Thread-safe.
 */
final class OutcomeBatcher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(OutcomeBatcher.class);

    private final Producer<String, byte[]> producer;
    private final AvroSerializer<ItemOutcomes> serializer;
    private final Stage stage;
    private final int maxItems;
    private final ScheduledExecutorService lingerTimer;
    private Map<String, Pending> pending = new LinkedHashMap<>();

    /** One upload's outcomes not sent yet, and the future of their acknowledgement. */
    private record Pending(OutcomeBatch batch, CompletableFuture<Void> acked) {}

    OutcomeBatcher(Producer<String, byte[]> producer, AvroSerializer<ItemOutcomes> serializer, Stage stage, int maxItems,
            Duration linger) {
        this.producer = producer;
        this.serializer = serializer;
        this.stage = stage;
        this.maxItems = maxItems;
        this.lingerTimer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "outcomes-" + stage.name().toLowerCase(java.util.Locale.ROOT));
            t.setDaemon(true);
            return t;
        });
        lingerTimer.scheduleWithFixedDelay(this::flushQuietly, linger.toMillis(), linger.toMillis(), TimeUnit.MILLISECONDS);
    }

    CompletableFuture<Void> succeeded(String uploadId, int itemIndex) {
        return add(uploadId, batch -> batch.succeeded(itemIndex));
    }

    CompletableFuture<Void> skipped(String uploadId, int itemIndex) {
        return add(uploadId, batch -> batch.skipped(itemIndex));
    }

    CompletableFuture<Void> failed(String uploadId, FailedItem failure) {
        return add(uploadId, batch -> batch.failed(failure));
    }

    private CompletableFuture<Void> add(String uploadId, Consumer<OutcomeBatch> outcome) {
        Pending full = null;
        CompletableFuture<Void> acked;
        synchronized (this) {
            Pending p = pending.computeIfAbsent(uploadId,
                    id -> new Pending(new OutcomeBatch(id, stage), new CompletableFuture<>()));
            outcome.accept(p.batch());
            acked = p.acked();
            if (p.batch().size() >= maxItems) {
                full = pending.remove(uploadId);
            }
        }
        if (full != null) {
            send(full);
        }
        return acked;
    }

    /** Sends every batch now. */
    void flush() {
        Map<String, Pending> taken;
        synchronized (this) {
            taken = pending;
            pending = new LinkedHashMap<>();
        }
        taken.values().forEach(this::send);
    }

    /** A timer task that throws is never run again: whatever fails here must fail the outcomes' futures, not the timer. */
    private void flushQuietly() {
        try {
            flush();
        } catch (RuntimeException e) {
            LOG.error("outcomes of {} could not be sent; their items will be processed again", stage, e);
        }
    }

    /** Outside the lock: a send can block while Kafka is away, and must not hold up the items being added. */
    private void send(Pending p) {
        List<ItemOutcomes> records;
        try {
            records = p.batch().records();
        } catch (RuntimeException e) {
            p.acked().completeExceptionally(e);
            return;
        }
        AtomicInteger unacknowledged = new AtomicInteger(records.size());
        for (ItemOutcomes record : records) {
            try {
                producer.send(new ProducerRecord<>(Topics.OUTCOMES, record.getUploadId(), serializer.serialize(Topics.OUTCOMES, record)),
                        (metadata, e) -> {
                            if (e != null) {
                                p.acked().completeExceptionally(e);
                            } else if (unacknowledged.decrementAndGet() == 0) {
                                p.acked().complete(null);
                            }
                        });
            } catch (RuntimeException e) {
                p.acked().completeExceptionally(e);
                return;
            }
        }
    }

    /** Sends what is left; the producer is the caller's. */
    @Override
    public void close() {
        lingerTimer.shutdownNow();
        flush();
    }

    /** Completes when every given future has, failing with the first failure. */
    static CompletableFuture<Void> all(List<CompletableFuture<?>> futures) {
        return CompletableFuture.allOf(new ArrayList<>(futures).toArray(CompletableFuture[]::new));
    }
}
