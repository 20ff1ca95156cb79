package io.catalogingest.status.core;

import java.nio.ByteBuffer;

import io.catalogingest.schemas.OutcomeBatch;
import io.catalogingest.schemas.Stage;
import io.catalogingest.status.store.ItemChunk;
import org.roaringbitmap.RoaringBitmap;

/**
 * The outcomes of one upload's items in one range of 65,536 indices: per worker stage the sets of
 * items that succeeded, failed for good, and were skipped (the upload was cancelled), and the set
 * refused at validation. Sets make the fold exact whatever the order and number of deliveries: an
 * outcome seen twice changes nothing, and a success wins over a failure or a skip of the same item
 * and stage, whichever came first, so "newer" never needs a clock.
 */
public final class OutcomeChunk {
    /** Indices per chunk: one RoaringBitmap container, at most 8 KiB per set. */
    public static final int SIZE_BITS = 16;

    /**
     * What a chunk contributes to its upload's counts. Skipped items count as failed in their stage;
     * {@code skipped} says how many stage outcomes were skips.
     */
    public record Counts(int catalogSucceeded, int catalogFailed, int imagesSucceeded, int imagesFailed, int refused,
            int succeeded, int failed, int skipped) {
        public static final Counts NONE = new Counts(0, 0, 0, 0, 0, 0, 0, 0);

        public Counts plus(Counts other) {
            return new Counts(catalogSucceeded + other.catalogSucceeded, catalogFailed + other.catalogFailed,
                    imagesSucceeded + other.imagesSucceeded, imagesFailed + other.imagesFailed, refused + other.refused,
                    succeeded + other.succeeded, failed + other.failed, skipped + other.skipped);
        }

        /** This minus {@code other}, field by field. */
        public Counts minus(Counts other) {
            return new Counts(catalogSucceeded - other.catalogSucceeded, catalogFailed - other.catalogFailed,
                    imagesSucceeded - other.imagesSucceeded, imagesFailed - other.imagesFailed, refused - other.refused,
                    succeeded - other.succeeded, failed - other.failed, skipped - other.skipped);
        }
    }

    /** One worker stage's sets; they never overlap. */
    private record StageSets(RoaringBitmap succeeded, RoaringBitmap failed, RoaringBitmap skipped) {
        RoaringBitmap done() {
            return RoaringBitmap.or(succeeded, failed, skipped);
        }

        int failedOrSkipped() {
            return failed.getCardinality() + skipped.getCardinality();
        }
    }

    /** What one stage made of one item. */
    public enum Verdict { SUCCEEDED, FAILED, SKIPPED }

    private final StageSets catalog;
    private final StageSets images;
    private final RoaringBitmap refused;

    private OutcomeChunk(StageSets catalog, StageSets images, RoaringBitmap refused) {
        this.catalog = catalog;
        this.images = images;
        this.refused = refused;
    }

    public static OutcomeChunk empty() {
        return new OutcomeChunk(new StageSets(new RoaringBitmap(), new RoaringBitmap(), new RoaringBitmap()),
                new StageSets(new RoaringBitmap(), new RoaringBitmap(), new RoaringBitmap()), new RoaringBitmap());
    }

    public static OutcomeChunk of(ItemChunk stored) {
        return new OutcomeChunk(
                new StageSets(set(stored.getCatalogSucceeded()), set(stored.getCatalogFailed()), set(stored.getCatalogSkipped())),
                new StageSets(set(stored.getImagesSucceeded()), set(stored.getImagesFailed()), set(stored.getImagesSkipped())),
                set(stored.getRefused()));
    }

    public ItemChunk toStored() {
        return ItemChunk.newBuilder()
                .setCatalogSucceeded(bytes(catalog.succeeded)).setCatalogFailed(bytes(catalog.failed))
                .setCatalogSkipped(bytes(catalog.skipped))
                .setImagesSucceeded(bytes(images.succeeded)).setImagesFailed(bytes(images.failed))
                .setImagesSkipped(bytes(images.skipped))
                .setRefused(bytes(refused)).build();
    }

    public static int chunkOf(int itemIndex) {
        return itemIndex >>> SIZE_BITS;
    }

    /** The items of {@code items} that fall in chunk {@code chunk}. */
    public static RoaringBitmap within(RoaringBitmap items, int chunk) {
        long first = (long) chunk << SIZE_BITS;
        return RoaringBitmap.and(items, RoaringBitmap.bitmapOfRange(first, first + (1L << SIZE_BITS)));
    }

    /** Adds successes; answers the items whose recorded failure they clear. */
    public RoaringBitmap succeeded(Stage stage, RoaringBitmap items) {
        StageSets s = sets(stage);
        if (s == null) {
            return new RoaringBitmap(); // validation reports refusals only
        }
        RoaringBitmap cleared = RoaringBitmap.and(s.failed, items);
        s.succeeded.or(items);
        s.failed.andNot(items);
        s.skipped.andNot(items);
        return cleared;
    }

    /** Records a failure unless the stage already succeeded for the item; answers whether it stands. */
    public boolean failed(Stage stage, int item) {
        StageSets s = sets(stage);
        if (s == null) {
            refused.add(item);
            return true;
        }
        if (s.succeeded.contains(item)) {
            return false;
        }
        s.failed.add(item);
        s.skipped.remove(item);
        return true;
    }

    /** Items a stage skipped because the upload was cancelled: only those it has no other outcome for. */
    public void skipped(Stage stage, RoaringBitmap items) {
        StageSets s = sets(stage);
        if (s != null) {
            s.skipped.or(RoaringBitmap.andNot(items, RoaringBitmap.or(s.succeeded, s.failed)));
        }
    }

    /** An item refused at validation is finished and failed, whatever else was reported for it. */
    public Counts counts() {
        RoaringBitmap succeededItems = RoaringBitmap.and(catalog.succeeded, images.succeeded);
        int succeeded = RoaringBitmap.andNotCardinality(succeededItems, refused);
        int finished = RoaringBitmap.orCardinality(RoaringBitmap.and(catalog.done(), images.done()), refused);
        return new Counts(catalog.succeeded.getCardinality(), catalog.failedOrSkipped(), images.succeeded.getCardinality(),
                images.failedOrSkipped(), refused.getCardinality(), succeeded, finished - succeeded,
                catalog.skipped.getCardinality() + images.skipped.getCardinality());
    }

    /** Every item with any outcome, in index order. */
    public RoaringBitmap items() {
        return RoaringBitmap.or(refused, catalog.done(), images.done());
    }

    /** What {@code stage} made of the item, or null if it has not reported it. */
    public Verdict verdict(Stage stage, int item) {
        StageSets s = sets(stage);
        if (s == null) {
            return refused.contains(item) ? Verdict.FAILED : null;
        }
        if (s.succeeded.contains(item)) {
            return Verdict.SUCCEEDED;
        }
        if (s.failed.contains(item)) {
            return Verdict.FAILED;
        }
        return s.skipped.contains(item) ? Verdict.SKIPPED : null;
    }

    private StageSets sets(Stage stage) {
        return switch (stage) {
            case CATALOG -> catalog;
            case IMAGES -> images;
            case VALIDATION -> null;
        };
    }

    private static RoaringBitmap set(ByteBuffer bytes) {
        return OutcomeBatch.fromBytes(bytes);
    }

    private static ByteBuffer bytes(RoaringBitmap set) {
        return OutcomeBatch.toBytes(set);
    }
}
