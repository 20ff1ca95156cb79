package io.catalogingest.workers.kafka;

import java.sql.SQLTransientConnectionException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import io.catalogingest.schemas.ProductSubmitted;
import io.catalogingest.schemas.Stage;
import io.catalogingest.workers.core.ItemOutcome;
import io.catalogingest.workers.core.StageHandler;
import org.jdbi.v3.core.ConnectionException;

/**
 * A stage that applies every product it is given and remembers each call; its first
 * {@code faults} calls fail as a whole, as when the database or object store is down, and it
 * throws on every batch that holds a {@link #poison poisoned} item.
 */
final class RecordingStage implements StageHandler {
    final List<List<ProductSubmitted>> calls = new CopyOnWriteArrayList<>();
    volatile Thread lastThread;
    private final Stage stage;
    private final AtomicInteger faults;
    /** Items the stage always throws on, for a reason of their own (not a dependency's). */
    private final java.util.Set<Integer> poisoned = java.util.concurrent.ConcurrentHashMap.newKeySet();
    /** Items whose batches a dependency always fails as a whole. */
    private final java.util.Set<Integer> unavailable = java.util.concurrent.ConcurrentHashMap.newKeySet();

    RecordingStage(Stage stage, int faults) {
        this.stage = stage;
        this.faults = new AtomicInteger(faults);
    }

    /** The stage throws on every batch that holds this item. */
    RecordingStage poison(int itemIndex) {
        poisoned.add(itemIndex);
        return this;
    }

    /** A dependency fails every batch that holds this item as a whole. */
    RecordingStage unavailableFor(int itemIndex) {
        unavailable.add(itemIndex);
        return this;
    }

    @Override
    public Stage stage() {
        return stage;
    }

    @Override
    public List<ItemOutcome> process(List<ProductSubmitted> batch) {
        lastThread = Thread.currentThread();
        calls.add(List.copyOf(batch));
        if (faults.getAndDecrement() > 0) {
            throw new ConnectionException(new SQLTransientConnectionException("database unavailable"));
        }
        for (ProductSubmitted p : batch) {
            if (unavailable.contains(p.getItemIndex())) {
                throw new ConnectionException(new SQLTransientConnectionException("database unavailable for item " + p.getItemIndex()));
            }
            if (poisoned.contains(p.getItemIndex())) {
                throw new IllegalArgumentException("cannot apply item " + p.getItemIndex());
            }
        }
        return batch.stream().map(ItemOutcome::applied).toList();
    }
}
