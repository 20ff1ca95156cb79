package io.catalogingest.workers.images;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.PreparedBatch;

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
    private static final String CLAIM_GALLERY = """
            INSERT INTO product_galleries (merchant_id, sku, version, image_count) VALUES (:merchantId, :sku, :version, :count)
            ON CONFLICT (merchant_id, sku) DO UPDATE SET version = EXCLUDED.version, image_count = EXCLUDED.image_count,
                updated_at = now()
            WHERE product_galleries.version <= EXCLUDED.version
            RETURNING true
            """;
    private static final String TRIM = """
            DELETE FROM product_images WHERE merchant_id = :merchantId AND sku = :sku AND position >= :count AND version <= :version
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

    void upsert(List<ImageRow> rows) {
        if (rows.isEmpty()) {
            return;
        }
        PreparedBatch batch = handle.prepareBatch(UPSERT);
        rows.forEach(row -> batch.bindMethods(row).add());
        batch.execute();
    }

    /**
     * Makes the submission of {@code version} the one whose gallery the product shows, unless a
     * newer one already is; true if it is now. The row stays locked until the transaction ends, so
     * two submissions of one product replace its gallery one after the other, never interleaved.
     */
    boolean claimGallery(String merchantId, String sku, long version, int count) {
        return handle.createQuery(CLAIM_GALLERY).bind("merchantId", merchantId).bind("sku", sku).bind("version", version)
                .bind("count", count).mapTo(Boolean.class).findOne().isPresent();
    }

    /** Positions the gallery's submission no longer has (never a newer submission's row). */
    void trimTo(String merchantId, String sku, int count, long version) {
        handle.createUpdate(TRIM).bind("merchantId", merchantId).bind("sku", sku).bind("count", count)
                .bind("version", version).execute();
    }
}
