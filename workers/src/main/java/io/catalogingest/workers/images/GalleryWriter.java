package io.catalogingest.workers.images;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;

import io.catalogingest.workers.kafka.DependencyFaults;
import org.jdbi.v3.core.Jdbi;

/**
 * Writes the galleries of products that finish on many threads in shared transactions (group
 * commit): one writer thread takes everything queued while its previous transaction ran and
 * writes it in one, with one statement per kind of change whatever the number of products. A
 * product without images costs the image stage no transaction of its own; one transaction per
 * product bounded the stage at about 1,300 products/s on two cores. A transaction waits at most
 * {@link #LOCK_TIMEOUT} for a gallery row another transaction holds (another worker writing the
 * same product), then its galleries are written one caller at a time, so that a row held for
 * long (a worker cut off mid-transaction) holds up only its own product, which the pool takes
 * again later as it does for any dependency fault.
 */
final class GalleryWriter {
    /** Products per transaction at most, so that one transaction stays short. */
    private static final int MAX_GROUP = 1000;
    /** Far longer than any gallery transaction takes, far shorter than what the other products may wait. */
    static final String LOCK_TIMEOUT = "2s";

    private final Jdbi jdbi;
    private final BlockingQueue<Pending> queue = new LinkedBlockingQueue<>();

    /** Galleries handed in by one caller, and the end of their transaction. */
    private record Pending(List<ProductImageDao.Gallery> galleries, CompletableFuture<Void> written) {}

    GalleryWriter(Jdbi jdbi) {
        this.jdbi = jdbi;
        // Daemon: it holds nothing but the queue, and every caller waits for its own galleries.
        Thread writer = new Thread(this::run, "gallery-writer");
        writer.setDaemon(true);
        writer.start();
    }

    /**
     * Writes the galleries, in a transaction shared with other callers', and returns once it is
     * committed; throws what failed it.
     */
    void write(List<ProductImageDao.Gallery> galleries) throws InterruptedException {
        if (galleries.isEmpty()) {
            return;
        }
        Pending mine = new Pending(galleries, new CompletableFuture<>());
        queue.add(mine);
        try {
            mine.written().get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException failure) {
                throw failure;
            }
            throw (Error) e.getCause();
        }
    }

    private void run() {
        while (true) {
            List<Pending> group = new ArrayList<>();
            try {
                group.add(queue.take());
            } catch (InterruptedException e) {
                return;
            }
            int size = group.get(0).galleries().size();
            for (Pending next = queue.peek(); next != null && size + next.galleries().size() <= MAX_GROUP; next = queue.peek()) {
                group.add(queue.remove());
                size += next.galleries().size();
            }
            writeGroup(group);
        }
    }

    /**
     * One transaction for the group. A dependency fault fails all of it (the pool takes each record
     * again); any other failure, or a row lock waited on too long, is one caller's, so each
     * caller's galleries are written again on their own and only that caller's fail.
     */
    private void writeGroup(List<Pending> group) {
        List<ProductImageDao.Gallery> galleries = new ArrayList<>();
        group.forEach(p -> galleries.addAll(p.galleries()));
        try {
            jdbi.useTransaction(h -> {
                h.execute("SET LOCAL lock_timeout = '" + LOCK_TIMEOUT + "'");
                new ProductImageDao(h).replaceGalleries(galleries);
            });
            group.forEach(p -> p.written().complete(null));
        } catch (RuntimeException | Error e) {
            boolean oneCallersFault = !DependencyFaults.isDependencyFault(e) || DependencyFaults.isLockTimeout(e);
            if (group.size() > 1 && oneCallersFault) {
                group.forEach(p -> writeGroup(List.of(p)));
            } else {
                group.forEach(p -> p.written().completeExceptionally(e));
            }
        }
    }
}
