package io.catalogingest.status.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;

import io.catalogingest.status.store.UploadProgress;
import org.junit.jupiter.api.Test;

class ProgressWatchTest {
    private static final Instant T0 = Instant.parse("2026-01-02T03:00:00Z");

    private static UploadProgress upload(String id, int catalogSucceeded, Instant completedAt) {
        return UploadProgress.newBuilder().setUploadId(id).setMerchantId("m1").setTotalItems(100).setAcceptedAt(T0)
                .setSucceeded(0).setFailed(0).setRefused(0).setCatalogSucceeded(catalogSucceeded).setCatalogFailed(0)
                .setImagesSucceeded(0).setImagesFailed(0).setSkipped(0).setStartedAt(catalogSucceeded > 0 ? T0 : null)
                .setCompletedAt(completedAt).build();
    }

    private static Consumer<Consumer<UploadProgress>> uploads(UploadProgress... uploads) {
        return visitor -> List.of(uploads).forEach(visitor);
    }

    @Test
    void theClockOfAnUploadRunsWhileItsCountStaysAndStartsAgainWhenItMoves() {
        ProgressWatch watch = new ProgressWatch();

        watch.scan(uploads(upload("a", 10, null), upload("b", 5, null)), T0);
        watch.scan(uploads(upload("a", 10, null), upload("b", 6, null)), T0.plus(Duration.ofMinutes(10)));

        assertThat(watch.inProgress()).isEqualTo(2);
        assertThat(watch.longestWithoutProgressSeconds()).as("a has not moved for ten minutes").isEqualTo(600);

        watch.scan(uploads(upload("a", 11, null), upload("b", 6, null)), T0.plus(Duration.ofMinutes(16)));

        assertThat(watch.longestWithoutProgressSeconds()).as("b has not moved since minute 10").isEqualTo(360);
    }

    @Test
    void queuedAndFinishedUploadsAreNotWatched() {
        ProgressWatch watch = new ProgressWatch();

        watch.scan(uploads(upload("queued", 0, null), upload("done", 100, T0)), T0);
        watch.scan(uploads(upload("queued", 0, null), upload("done", 100, T0)), T0.plus(Duration.ofHours(1)));

        assertThat(watch.inProgress()).isZero();
        assertThat(watch.longestWithoutProgressSeconds()).isZero();
    }

    @Test
    void anUploadGoneFromTheScanIsForgotten() {
        ProgressWatch watch = new ProgressWatch();
        watch.scan(uploads(upload("a", 10, null)), T0);

        watch.scan(uploads(), T0.plus(Duration.ofHours(1)));
        watch.scan(uploads(upload("a", 10, null)), T0.plus(Duration.ofHours(2)));

        assertThat(watch.longestWithoutProgressSeconds()).as("its clock starts again, e.g. after a rebalance").isZero();
    }
}
