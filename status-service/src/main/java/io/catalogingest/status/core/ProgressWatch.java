package io.catalogingest.status.core;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;

import io.catalogingest.status.store.UploadProgress;

/**
 * Which IN_PROGRESS uploads have stopped moving: each scan of this instance's uploads notes when
 * an upload's count of processed items last changed. An operator alerts on the longest time
 * without progress; the clock of an upload starts again when this instance (re)starts or the
 * upload's partition moves here.
 */
public final class ProgressWatch {
    private record Mark(long processed, Instant since) {}

    private Map<String, Mark> marks = new HashMap<>();
    private volatile int inProgress;
    private volatile long longestWithoutProgressSeconds;

    /** One scan: {@code uploads} hands every upload this instance holds to the visitor it is given. */
    public synchronized void scan(Consumer<Consumer<UploadProgress>> uploads, Instant now) {
        Map<String, Mark> next = new HashMap<>();
        long[] longest = {0};
        uploads.accept(p -> {
            if (UploadStatus.of(p) != UploadStatus.IN_PROGRESS) {
                return;
            }
            long processed = processed(p);
            Mark earlier = marks.get(p.getUploadId());
            Mark mark = earlier != null && earlier.processed() == processed ? earlier : new Mark(processed, now);
            next.put(p.getUploadId(), mark);
            longest[0] = Math.max(longest[0], Duration.between(mark.since(), now).toSeconds());
        });
        marks = next;
        inProgress = next.size();
        longestWithoutProgressSeconds = longest[0];
    }

    private static long processed(UploadProgress p) {
        return (long) p.getSucceeded() + p.getFailed() + p.getCatalogSucceeded() + p.getCatalogFailed()
                + p.getImagesSucceeded() + p.getImagesFailed() + p.getSkipped();
    }

    public int inProgress() {
        return inProgress;
    }

    public long longestWithoutProgressSeconds() {
        return longestWithoutProgressSeconds;
    }
}
