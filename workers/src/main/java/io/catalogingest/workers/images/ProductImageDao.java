package io.catalogingest.workers.images;

import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.PreparedBatch;
import org.jdbi.v3.core.statement.SqlStatement;

/**
 * Image rows of products. A product's gallery belongs to one submission ({@code product_galleries}):
 * only a submission at least as new as the gallery's replaces it, as a whole.
 *
 * <p>Statements on the caller's handle, not a SQL object: attaching one computes its metadata anew
 * for every handle, which took half of the image stage's CPU when each product is its own transaction.
 */
public final class ProductImageDao {
    public record ImageRow(String merchantId, String sku, int position, String sourceUrl, String sha256, String objectKey,
            String contentType, long sizeBytes, Integer width, Integer height, long version) {}

    private static final String UPSERT = """
            INSERT INTO product_images (merchant_id, sku, position, source_url, sha256, object_key, content_type,
                                        size_bytes, width, height, version, updated_at)
            VALUES (:merchantId, :sku, :position, :sourceUrl, :sha256, :objectKey, :contentType, :sizeBytes,
                    :width, :height, :version, now())
            ON CONFLICT (merchant_id, sku, position) DO UPDATE SET
                source_url = EXCLUDED.source_url, sha256 = EXCLUDED.sha256, object_key = EXCLUDED.object_key,
                content_type = EXCLUDED.content_type, size_bytes = EXCLUDED.size_bytes, width = EXCLUDED.width,
                height = EXCLUDED.height, version = EXCLUDED.version, updated_at = now()
            WHERE product_images.version <= EXCLUDED.version
            """;
    /** Sorted by product, so that writers claiming overlapping galleries lock their rows in the same order. */
    private static final String CLAIM_GALLERIES = """
            INSERT INTO product_galleries (merchant_id, sku, version, image_count)
            SELECT * FROM unnest(:merchants, :skus, :versions, :counts)
            ON CONFLICT (merchant_id, sku) DO UPDATE SET version = EXCLUDED.version, image_count = EXCLUDED.image_count,
                updated_at = now()
            WHERE product_galleries.version <= EXCLUDED.version
            RETURNING merchant_id, sku
            """;
    private static final String TRIM_GALLERIES = """
            DELETE FROM product_images i USING unnest(:merchants, :skus, :counts, :versions) AS t(merchant_id, sku, image_count, version)
            WHERE i.merchant_id = t.merchant_id AND i.sku = t.sku AND i.position >= t.image_count AND i.version <= t.version
            """;

    private static final String OBJECT_KEYS = """
            SELECT object_key FROM product_images WHERE merchant_id = :merchantId AND sku = :sku
            """;

    private final Handle handle;

    ProductImageDao(Handle handle) {
        this.handle = handle;
    }

    /** The objects the product's gallery rows name: stored before their rows were written. */
    Set<String> objectKeys(String merchantId, String sku) {
        return handle.createQuery(OBJECT_KEYS).bind("merchantId", merchantId).bind("sku", sku).mapTo(String.class)
                .collect(Collectors.toSet());
    }

    private void upsert(List<ImageRow> rows) {
        if (rows.isEmpty()) {
            return;
        }
        PreparedBatch batch = handle.prepareBatch(UPSERT);
        rows.forEach(row -> batch.bindMethods(row).add());
        batch.execute();
    }

    /** A product's gallery as one submission has it: the rows of its images, at positions 0 to {@code imageCount - 1}. */
    record Gallery(String merchantId, String sku, long version, int imageCount, List<ImageRow> rows) {
        private List<String> product() {
            return List.of(merchantId, sku);
        }
    }

    private static final Comparator<Gallery> BY_PRODUCT = Comparator.comparing(Gallery::merchantId).thenComparing(Gallery::sku);

    /**
     * Makes each gallery the one its product shows, unless a newer submission's already is: claims
     * the products' gallery rows (locking them until the transaction ends, so two submissions of
     * one product replace its gallery one after the other, never interleaved), removes the
     * positions a claimed gallery no longer has (never a newer submission's row) and writes its
     * rows. Of two galleries of one product here, only the newer counts.
     */
    void replaceGalleries(List<Gallery> galleries) {
        Map<List<String>, Gallery> newest = new HashMap<>();
        galleries.forEach(g -> newest.merge(g.product(), g, (a, b) -> a.version() >= b.version() ? a : b));
        List<Gallery> sorted = newest.values().stream().sorted(BY_PRODUCT).toList();
        Set<List<String>> claimed = bindProducts(handle.createQuery(CLAIM_GALLERIES), sorted)
                .map((rs, ctx) -> List.of(rs.getString(1), rs.getString(2))).collect(Collectors.toSet());
        List<Gallery> won = sorted.stream().filter(g -> claimed.contains(g.product())).toList();
        if (won.isEmpty()) {
            return;
        }
        bindProducts(handle.createUpdate(TRIM_GALLERIES), won).execute();
        upsert(won.stream().flatMap(g -> g.rows().stream()).toList());
    }

    private static <S extends SqlStatement<S>> S bindProducts(S statement, List<Gallery> galleries) {
        return statement.bindArray("merchants", String.class, galleries.stream().map(Gallery::merchantId).toList())
                .bindArray("skus", String.class, galleries.stream().map(Gallery::sku).toList())
                .bindArray("versions", Long.class, galleries.stream().map(Gallery::version).toList())
                .bindArray("counts", Integer.class, galleries.stream().map(Gallery::imageCount).toList());
    }
}
