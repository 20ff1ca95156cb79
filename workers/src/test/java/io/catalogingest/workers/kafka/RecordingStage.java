package io.catalogingest.workers.kafka;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import io.catalogingest.schemas.ProductSubmitted;
import io.catalogingest.schemas.Stage;
import io.catalogingest.workers.core.ItemOutcome;
import io.catalogingest.workers.core.StageHandler;

/**
 * A stage that applies every product it is given and remembers each call; its first
 * {@code faults} calls fail as a whole, as when the database or object store is down.
 */
final class RecordingStage implements StageHandler {
    final List<List<ProductSubmitted>> calls = new CopyOnWriteArrayList<>();
    volatile Thread lastThread;
    private final Stage stage;
    private final AtomicInteger faults;

    RecordingStage(Stage stage, int faults) {
        this.stage = stage;
        this.faults = new AtomicInteger(faults);
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
            throw new IllegalStateException("database unavailable");
        }
        return batch.stream().map(ItemOutcome::applied).toList();
    }
}
