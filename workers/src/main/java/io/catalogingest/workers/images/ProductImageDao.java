package io.catalogingest.workers.images;

import java.util.List;
import java.util.Optional;

import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.customizer.BindMethods;
import org.jdbi.v3.sqlobject.statement.SqlBatch;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/**
 * Image rows of products. A product's gallery belongs to one submission ({@code product_galleries}):
 * only a submission at least as new as the gallery's replaces it, as a whole.
 */
public interface ProductImageDao {
    record ImageRow(String merchantId, String sku, int position, String sourceUrl, String sha256, String objectKey,
            String contentType, long sizeBytes, Integer width, Integer height, long version) {}

    @SqlBatch("""
            INSERT INTO product_images (merchant_id, sku, position, source_url, sha256, object_key, content_type,
                                        size_bytes, width, height, version, updated_at)
            VALUES (:merchantId, :sku, :position, :sourceUrl, :sha256, :objectKey, :contentType, :sizeBytes,
                    :width, :height, :version, now())
            ON CONFLICT (merchant_id, sku, position) DO UPDATE SET
                source_url = EXCLUDED.source_url, sha256 = EXCLUDED.sha256, object_key = EXCLUDED.object_key,
                content_type = EXCLUDED.content_type, size_bytes = EXCLUDED.size_bytes, width = EXCLUDED.width,
                height = EXCLUDED.height, version = EXCLUDED.version, updated_at = now()
            WHERE product_images.version <= EXCLUDED.version
            """)
    void upsert(@BindMethods List<ImageRow> rows);

    /**
     * Makes the submission of {@code version} the one whose gallery the product shows, unless a
     * newer one already is; true if it is now. The row stays locked until the transaction ends, so
     * two submissions of one product replace its gallery one after the other, never interleaved.
     */
    @SqlQuery("""
            INSERT INTO product_galleries (merchant_id, sku, version, image_count) VALUES (:merchantId, :sku, :version, :count)
            ON CONFLICT (merchant_id, sku) DO UPDATE SET version = EXCLUDED.version, image_count = EXCLUDED.image_count,
                updated_at = now()
            WHERE product_galleries.version <= EXCLUDED.version
            RETURNING true
            """)
    Optional<Boolean> claimGallery(@Bind("merchantId") String merchantId, @Bind("sku") String sku, @Bind("version") long version,
            @Bind("count") int count);

    /** Positions the gallery's submission no longer has (never a newer submission's row). */
    @SqlUpdate("DELETE FROM product_images WHERE merchant_id = :merchantId AND sku = :sku AND position >= :count AND version <= :version")
    void trimTo(@Bind("merchantId") String merchantId, @Bind("sku") String sku, @Bind("count") int count,
            @Bind("version") long version);
}
