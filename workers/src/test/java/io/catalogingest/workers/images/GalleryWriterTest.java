package io.catalogingest.workers.images;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import io.catalogingest.workers.MigratedDatabase;
import io.catalogingest.workers.kafka.DependencyFaults;
import io.catalogingest.workers.images.ProductImageDao.Gallery;
import io.catalogingest.workers.images.ProductImageDao.ImageRow;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.postgresql.util.PSQLException;

/** Galleries written in shared transactions against real PostgreSQL. */
class GalleryWriterTest {
    private static Jdbi jdbi;

    @BeforeAll
    static void database() {
        jdbi = MigratedDatabase.jdbi();
    }

    private static Gallery gallery(String merchant, String sku, long version, String... urls) {
        List<ImageRow> rows = java.util.stream.IntStream.range(0, urls.length).mapToObj(i -> new ImageRow(merchant, sku, i, urls[i],
                "sha-" + urls[i], "key-" + urls[i], "image/png", 10, 1, 1, version)).toList();
        return new Gallery(merchant, sku, version, urls.length, rows);
    }

    private static List<String> stored(String merchant, String sku) {
        return jdbi.withHandle(h -> h.createQuery(
                "SELECT source_url FROM product_images WHERE merchant_id = :m AND sku = :s ORDER BY position")
                .bind("m", merchant).bind("s", sku).mapTo(String.class).list());
    }

    @Test
    void ofTwoSubmissionsOfOneProductInOneTransactionTheNewerIsTheGalleryWhateverTheirOrder() {
        String merchant = "m-" + UUID.randomUUID();
        jdbi.useTransaction(h -> new ProductImageDao(h).replaceGalleries(List.of(
                gallery(merchant, "A", 20, "new-0"), gallery(merchant, "A", 10, "old-0", "old-1"),
                gallery(merchant, "B", 10, "b-old-0", "b-old-1"), gallery(merchant, "B", 20))));

        assertThat(stored(merchant, "A")).containsExactly("new-0");
        assertThat(stored(merchant, "B")).as("the newer submission has no images").isEmpty();
    }

    /**
     * Galleries queued while a transaction runs are written together; one the database refuses
     * (a NUL in text) fails alone and the others of its group are written. The first gallery's
     * transaction is held on a row lock the test takes, so the other two queue up behind it.
     */
    @Test
    void aGalleryTheDatabaseRefusesFailsAloneAndTheRestOfItsGroupIsWritten() throws Exception {
        String merchant = "m-" + UUID.randomUUID();
        GalleryWriter writer = new GalleryWriter(jdbi);
        ExecutorService threads = Executors.newFixedThreadPool(3);
        try (Handle holder = jdbi.open()) {
            CompletableFuture<Void> held = writeBehindAHeldRow(holder, writer, merchant, threads);

            Thread[] queued = new Thread[2];
            CompletableFuture<Void> good = CompletableFuture.runAsync(() -> {
                queued[0] = Thread.currentThread();
                write(writer, gallery(merchant, "GOOD", 1, "good-0"));
            }, threads);
            CompletableFuture<Void> refused = CompletableFuture.runAsync(() -> {
                queued[1] = Thread.currentThread();
                write(writer, gallery(merchant, "BAD", 1, "bad\u0000-0"));
            }, threads);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (!(parked(queued[0]) && parked(queued[1]))) {
                assertThat(System.nanoTime()).as("both writers queued behind the held one").isLessThan(deadline);
                Thread.sleep(10);
            }
            holder.commit();

            // Written, or failed on the held row if the machine took longer than the lock timeout to get here.
            held.handle((ok, e) -> null).get(30, TimeUnit.SECONDS);
            good.get(30, TimeUnit.SECONDS);
            assertThatThrownBy(() -> refused.get(30, TimeUnit.SECONDS)).hasRootCauseInstanceOf(PSQLException.class)
                    .rootCause().hasMessageContaining("0x00");
        } finally {
            threads.shutdownNow();
        }
        assertThat(stored(merchant, "GOOD")).containsExactly("good-0");
        assertThat(stored(merchant, "BAD")).isEmpty();
    }

    /**
     * A gallery row another transaction holds for long (a worker cut off mid-transaction) holds up
     * only its own product: past the lock timeout that gallery fails as a dependency fault (the
     * pool takes it again later), and a gallery queued behind it is written while the row is
     * still held.
     */
    @Test
    void aGalleryRowHeldForLongHoldsUpOnlyItsOwnProduct() throws Exception {
        String merchant = "m-" + UUID.randomUUID();
        GalleryWriter writer = new GalleryWriter(jdbi);
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try (Handle holder = jdbi.open()) {
            CompletableFuture<Void> held = writeBehindAHeldRow(holder, writer, merchant, threads);
            CompletableFuture<Void> other = CompletableFuture.runAsync(
                    () -> write(writer, gallery(merchant, "OTHER", 1, "other-0")), threads);

            other.get(60, TimeUnit.SECONDS);
            assertThat(stored(merchant, "OTHER")).as("written while the row is still held").containsExactly("other-0");
            assertThatThrownBy(() -> held.get(60, TimeUnit.SECONDS)).satisfies(e -> {
                assertThat(DependencyFaults.isLockTimeout(e)).as("failed on the lock timeout: %s", e).isTrue();
                assertThat(DependencyFaults.isDependencyFault(e)).as("taken again in place, no attempt spent").isTrue();
            });
            holder.rollback();
        } finally {
            threads.shutdownNow();
        }
        assertThat(stored(merchant, "HELD")).isEmpty();
    }

    private static void write(GalleryWriter writer, Gallery gallery) {
        try {
            writer.write(List.of(gallery));
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Takes the lock of product HELD's gallery row in {@code holder}'s open transaction, then
     * writes a gallery of HELD, whose transaction waits on that row; returns once it waits.
     */
    private static CompletableFuture<Void> writeBehindAHeldRow(Handle holder, GalleryWriter writer, String merchant,
            ExecutorService threads) throws InterruptedException {
        holder.begin();
        holder.execute("INSERT INTO product_galleries (merchant_id, sku, version, image_count) VALUES (?, 'HELD', 0, 0)", merchant);
        CompletableFuture<Void> held = CompletableFuture.runAsync(() -> write(writer, gallery(merchant, "HELD", 1, "held-0")), threads);
        awaitWaitingOnALock();
        return held;
    }

    private static boolean parked(Thread t) {
        return t != null && (t.getState() == Thread.State.WAITING || t.getState() == Thread.State.TIMED_WAITING);
    }

    /** Until a session of the test's database waits for a row lock: the held transaction's claim. */
    private static void awaitWaitingOnALock() throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (jdbi.withHandle(h -> h.createQuery("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                + "AND query LIKE '%product_galleries%'").mapTo(Integer.class).one()) == 0) {
            assertThat(System.nanoTime()).as("the first transaction waits on the held row").isLessThan(deadline);
            Thread.sleep(10);
        }
    }
}
