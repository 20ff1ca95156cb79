package io.catalogingest.workers.core;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import io.catalogingest.schemas.ProductSubmitted;
import io.catalogingest.schemas.Stage;

/**
 * Skips the items of uploads their merchant cancelled while queued and hands the rest to the
 * stage. What is cancelled is asked once per upload and remembered briefly, so a cancellation
 * takes effect within {@link #REMEMBER} even for an upload already being worked on.
 */
public final class CancellingHandler implements StageHandler {
    static final Duration REMEMBER = Duration.ofSeconds(2);

    private final StageHandler stage;
    private final Function<Set<String>, Set<String>> cancelledAmong;
    private final Cache<String, Boolean> known;

    /** {@code cancelledAmong} answers which of the given upload ids are cancelled. */
    public CancellingHandler(StageHandler stage, Function<Set<String>, Set<String>> cancelledAmong) {
        this(stage, cancelledAmong, Ticker.systemTicker());
    }

    /** With the clock that ages remembered answers. */
    CancellingHandler(StageHandler stage, Function<Set<String>, Set<String>> cancelledAmong, Ticker ticker) {
        this.stage = stage;
        this.cancelledAmong = cancelledAmong;
        this.known = Caffeine.newBuilder().expireAfterWrite(REMEMBER).maximumSize(100_000).ticker(ticker).build();
    }

    @Override
    public Stage stage() {
        return stage.stage();
    }

    @Override
    public List<ItemOutcome> process(List<ProductSubmitted> batch) throws Exception {
        Set<String> uploads = batch.stream().map(ProductSubmitted::getUploadId).collect(Collectors.toSet());
        Map<String, Boolean> cancelled = known.getAll(uploads, missing -> {
            Set<String> found = cancelledAmong.apply(Set.copyOf(missing));
            return missing.stream().collect(Collectors.toMap(id -> id, found::contains));
        });
        List<ProductSubmitted> live = batch.stream().filter(p -> !cancelled.get(p.getUploadId())).toList();
        if (live.size() == batch.size()) {
            return stage.process(batch);
        }
        List<ItemOutcome> applied = live.isEmpty() ? List.of() : stage.process(live);
        List<ItemOutcome> outcomes = new ArrayList<>(batch.size());
        int next = 0;
        for (ProductSubmitted p : batch) {
            outcomes.add(cancelled.get(p.getUploadId()) ? ItemOutcome.cancelled(p) : applied.get(next++));
        }
        return outcomes;
    }
}
