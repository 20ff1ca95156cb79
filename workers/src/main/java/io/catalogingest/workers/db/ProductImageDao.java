package io.catalogingest.workers.db;

import java.util.List;

import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.customizer.BindMethods;
import org.jdbi.v3.sqlobject.statement.SqlBatch;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/** Image rows of products, guarded by the submission version like the product rows. */
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

    /** Positions a newer submission no longer has. */
    @SqlUpdate("DELETE FROM product_images WHERE merchant_id = :merchantId AND sku = :sku AND position >= :count AND version <= :version")
    void trimTo(@Bind("merchantId") String merchantId, @Bind("sku") String sku, @Bind("count") int count,
            @Bind("version") long version);
}
