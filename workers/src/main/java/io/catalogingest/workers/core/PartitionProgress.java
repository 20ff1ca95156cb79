package io.catalogingest.workers.core;

import java.util.TreeSet;

/**
 * Offsets of one partition handed out for concurrent processing. Records finish in any order; the
 * offset that may be committed is that of the lowest record not finished yet, so a crash never
 * skips an unfinished record (records after it may be processed twice, which is idempotent).
 */
public final class PartitionProgress {
    private final TreeSet<Long> unfinished = new TreeSet<>();
    private long next = -1;

    public void started(long offset) {
        unfinished.add(offset);
        next = Math.max(next, offset + 1);
    }

    public void finished(long offset) {
        unfinished.remove(offset);
    }

    public int inFlight() {
        return unfinished.size();
    }

    /** The offset to commit, or -1 if nothing was started yet. */
    public long committable() {
        return unfinished.isEmpty() ? next : unfinished.first();
    }
}
